/**
 * The evaluator of Go's `text/template` (a port of Go 1.19's `text/template/exec.go`): walks a
 * parsed tree against data (GoValues, see `value.ts`) and writes the output. The execution
 * `State` is separate from the template, so one parsed template serves many executions. Names
 * follow Go (`walk`, `walkIfOrWith`, `walkRange`, `walkTemplate`, `evalPipeline`, `evalCommand`,
 * `evalField`, `evalCall`, `evalArg`, `validateType`, `idealConstant`, `printValue`) and so do
 * the error messages: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
 *
 * Beyond Go, it enforces limits (template call depth, total range iterations, execution steps,
 * bytes allocated by function results, output bytes; see `budget.ts`) so a hostile template cannot
 * run away. It does not parse (see `parse/`) and defines no functions
 * (see `funcs/`).
 */
import { BudgetExceeded, chargeBytes, chargeSteps, stepsExceeded, withBudget, type Budget } from './budget.js';
import { quoteGo, sprint, sprintf } from './fmt.js';
import { call, Iface, REFLECT_VALUE, truth } from './funcs/builtins.js';
import { GoFuncError, toDescriptor, type FuncDescriptor } from './funcs/types.js';
import type {
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  Node,
  NumberNode,
  PipeNode,
  RangeNode,
  TemplateNode,
  VariableNode,
} from './parse/node.js';
import { nodeString } from './parse/node.js';
import type { Tree } from './parse/parse.js';
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  goTypeName,
  isIntTypeName,
  isMap,
  isTrue,
  mapEntries,
  mapGet,
  sliceItems,
  typeName,
  utf8Length,
  zeroValue,
  type GoMethod,
  type GoType,
  type GoValue,
} from './value.js';

/** What a missing map key evaluates to (Go's `missingkey=` option). */
export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

/** Bounds on one execution. */
export interface ExecLimits {
  /** Maximum nesting of `{{template}}` calls (Go: 100000). */
  maxTemplateDepth: number;
  /** Maximum number of `range` iterations over the whole execution. */
  maxRangeIterations: number;
  /** Maximum output size in UTF-8 bytes. */
  maxOutputBytes: number;
  /**
   * Maximum execution steps: one per node walked, command evaluated and function called, plus
   * the work functions report (one per element compared, copied or serialised, one per 256
   * characters of a string argument).
   */
  maxSteps: number;
  /**
   * Maximum bytes allocated by function results over the execution (a string counts its length,
   * a list 8 bytes per element, a map 32 per entry; functions that build more than their result
   * shows, such as `until` or `toJson`, charge what they build before building it).
   */
  maxAllocBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ExecLimits> = {
  maxTemplateDepth: 1000,
  maxRangeIterations: 1_000_000,
  maxOutputBytes: 64 * 1024 * 1024,
  maxSteps: 10_000_000,
  maxAllocBytes: 256 * 1024 * 1024,
};

/** What one execution used (for measuring templates against the limits). */
export interface ExecUsage {
  steps: number;
  allocBytes: number;
  outputBytes: number;
  rangeIterations: number;
}

/** An execution error, formatted as Go formats `ExecError`. */
export class TemplateExecError extends Error {
  constructor(
    message: string,
    /** Name of the template being executed when the error happened. */
    readonly templateName: string,
  ) {
    super(message);
    this.name = 'TemplateExecError';
  }
}

/** What the evaluator needs from a template (implemented by `Template`). */
export interface ExecTemplate {
  readonly name: string;
  readonly tree: Tree | null;
  lookup(name: string): ExecTemplate | undefined;
  findFunction(name: string): { fn: FuncDescriptor; isBuiltin: boolean } | undefined;
  readonly missingKey: MissingKey;
}

type Val = GoValue | Iface;

/** The final argument of a command when nothing is piped in (Go's `missingVal`). */
const MISSING: unique symbol = Symbol('missingVal');
type Final = Val | typeof MISSING;

/** An argument list without arguments (never modified). */
const NO_ARGS: Node[] = [];

class BreakSignal {}
class ContinueSignal {}
const walkBreak = new BreakSignal();
const walkContinue = new ContinueSignal();

interface Variable {
  name: string;
  value: Val;
}

interface Output {
  /**
   * The pieces written, joined once at the end: one flat string for the reader of the output,
   * where `+=` would leave a rope of hundreds of pieces to flatten and to read through.
   */
  parts: string[];
  /** UTF-16 code units written. Each is at most 3 UTF-8 bytes, so below a third of the byte limit no byte count is needed. */
  units: number;
  /** Exact UTF-8 size of the output, kept from the point where `units * 3` could pass the limit (-1 before). */
  bytes: number;
  rangeIterations: number;
  /** Steps and allocations of the execution. */
  budget: Budget;
}

function unwrap(v: Val): GoValue {
  return v instanceof Iface ? v.v : v;
}

function canBeNil(typ: GoType): boolean {
  if (typeof typ !== 'string') return typ.nillable !== false;
  return typ === 'interface {}' || typ === REFLECT_VALUE || typ.startsWith('*') || typ.startsWith('[]') || typ.startsWith('map[') || typ.startsWith('func');
}

/** Go's `AssignableTo` for the types the model knows. */
function assignable(v: GoValue, typ: GoType): boolean {
  if (typ === 'interface {}') return true;
  if (typeof typ !== 'string') return typ.accepts(v);
  if (v === null || v === undefined) return false;
  return typeName(v) === typ;
}

/** The state of one execution (Go's `state`). */
export class State {
  node: Node | null = null;
  vars: Variable[];
  depth: number;

  constructor(
    readonly tmpl: ExecTemplate,
    readonly out: Output,
    readonly limits: ExecLimits,
    vars: Variable[],
    depth: number,
  ) {
    this.vars = vars;
    this.depth = depth;
  }

  // push pushes a new variable on the stack.
  private push(name: string, value: Val): void {
    this.vars.push({ name, value });
  }

  // mark returns the length of the variable stack.
  private mark(): number {
    return this.vars.length;
  }

  // pop pops the variable stack up to the mark.
  private pop(mark: number): void {
    if (this.vars.length !== mark) this.vars.length = mark;
  }

  // setVar overwrites the last declared variable with the given name.
  private setVar(name: string, value: Val): void {
    for (let i = this.mark() - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // setTopVar overwrites the top-nth variable on the stack. Used by range iterations.
  private setTopVar(n: number, value: Val): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }

  // varValue returns the value of the named variable.
  private varValue(name: string): Val {
    for (let i = this.mark() - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // at marks the state to be on node n, for error reporting.
  private at(node: Node): void {
    this.node = node;
  }

  // errorf records an ExecError and terminates processing.
  errorf(msg: string): never {
    const name = this.tmpl.name;
    let message: string;
    if (this.node === null || this.tmpl.tree === null) {
      message = `template: ${name}: ${msg}`;
    } else {
      const { location, context } = this.tmpl.tree.errorContext(this.node);
      message = `template: ${location}: executing ${quoteGo(name)} at <${context}>: ${msg}`;
    }
    throw new TemplateExecError(message, name);
  }

  private write(s: string): void {
    if (s.length === 0) return;
    const out = this.out;
    const max = this.limits.maxOutputBytes;
    out.units += s.length;
    if (out.bytes < 0) {
      // The UTF-8 size is at most 3 bytes per code unit: counting bytes starts only near the limit.
      if (out.units * 3 <= max) {
        out.parts.push(s);
        return;
      }
      out.bytes = utf8Length(out.parts.join(''));
    }
    const n = utf8Length(s);
    if (out.bytes + n > max) {
      this.errorf(`output exceeds the limit of ${max} bytes`);
    }
    out.bytes += n;
    out.parts.push(s);
  }

  // walk functions step through the major pieces of the template structure,
  // generating output as they go.
  walk(dot: Val, node: Node): void {
    this.at(node);
    this.step();
    switch (node.type) {
      case 'Action': {
        // Do not pop variables so they persist until next end.
        // Also, if the action declares variables, don't print the result.
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'Break':
        throw walkBreak;
      case 'Comment':
        return;
      case 'Continue':
        throw walkContinue;
      case 'If':
        this.walkIfOrWith('If', dot, node);
        return;
      case 'List':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'Range':
        this.walkRange(dot, node);
        return;
      case 'Template':
        this.walkTemplate(dot, node);
        return;
      case 'Text':
        this.write(node.text);
        return;
      case 'With':
        this.walkIfOrWith('With', dot, node);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  // walkIfOrWith walks an 'if' or 'with' node. The two control structures
  // are identical in behavior except that 'with' sets dot.
  private walkIfOrWith(typ: 'If' | 'With', dot: Val, node: BranchNode<'If' | 'With'>): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const t = isTrue(val);
      if (t) {
        if (typ === 'With') this.walk(val, node.list);
        else this.walk(dot, node.list);
      } else if (node.elseList !== null) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  /** Charges one step of the evaluator's own work. */
  private step(): void {
    const b = this.out.budget;
    if (++b.steps > b.maxSteps) this.errorf(stepsExceeded(b).message);
  }

  private countIteration(): void {
    this.out.rangeIterations++;
    if (this.out.rangeIterations > this.limits.maxRangeIterations) {
      this.errorf(`range iterations exceed the limit of ${this.limits.maxRangeIterations}`);
    }
  }

  private walkRange(dot: Val, r: RangeNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      let val = this.evalPipeline(dot, r.pipe);
      // indirect: a non-nil pointer to a struct ranges over the struct (an error below).
      if (val instanceof GoStruct && val.type.pointer && val.data !== null) {
        val = new GoStruct({ ...val.type, pointer: false, name: val.type.name.replace(/^\*/, '') }, val.data);
      }
      // mark top of stack before any variables in the body are pushed.
      const mark = this.mark();
      const oneIteration = (index: Val, elem: Val): void => {
        this.countIteration();
        // Set top var (lexically the second if there are two) to the element.
        if (r.pipe.decl.length > 0) this.setTopVar(1, elem);
        // Set next var (lexically the first if there are two) to the index.
        if (r.pipe.decl.length > 1) this.setTopVar(2, index);
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== walkContinue) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ranged = false;
      if (Array.isArray(val) || val instanceof GoSlice) {
        const items = sliceItems(val);
        const ifaceElems = Array.isArray(val) || val.elem === 'interface {}';
        if (items.length > 0) {
          ranged = true;
          for (let i = 0; i < items.length; i++) {
            const e = items[i] ?? null;
            oneIteration(new GoInt(i), ifaceElems ? new Iface(e) : e);
          }
        }
      } else if (val !== undefined && isMap(val)) {
        const entries = mapEntries(val);
        const ifaceElems = !(val instanceof GoMap) || val.elem === 'interface {}';
        if (entries.length > 0) {
          ranged = true;
          for (const [k, v] of entries) oneIteration(k, ifaceElems ? new Iface(v ?? null) : (v ?? null));
        }
      } else if (val instanceof GoInt) {
        // Go 1.22+: an integer n ranges over 0..n-1, the element as the one variable.
        if (r.pipe.decl.length > 1) this.errorf(`can't use ${sprintf('%v', val)} to iterate over more than one variable`);
        if (val.value > 0n) {
          ranged = true;
          for (let i = 0n; i < val.value; i++) oneIteration(undefined, new GoInt(i, val.type));
        }
      } else if (val === undefined) {
        // An invalid value is likely a nil map, etc. and acts like an empty map.
      } else {
        this.errorf(`range can't iterate over ${sprintf('%v', val)}`);
      }
      if (!ranged && r.elseList !== null) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== walkBreak) throw e;
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.tmpl.lookup(t.name);
    if (tmpl === undefined) this.errorf(`template ${quoteGo(t.name)} not defined`);
    if (this.depth >= this.limits.maxTemplateDepth) {
      this.errorf(`exceeded maximum template depth (${this.limits.maxTemplateDepth})`);
    }
    // Variables declared by the pipeline persist.
    const newDot = this.evalPipeline(dot, t.pipe);
    const newState = new State(tmpl, this.out, this.limits, [{ name: '$', value: newDot }], this.depth + 1);
    const root = tmpl.tree?.root ?? null;
    if (root === null) return newState.errorf(`${quoteGo(tmpl.name)} is an incomplete or empty template`);
    newState.walk(newDot, root);
  }

  // Eval functions evaluate pipelines, commands, and their elements and extract
  // values from the data structure by examining fields, calling methods, and so on.
  // The printing of those values happens only through walk functions.

  // evalPipeline returns the value acquired by evaluating a pipeline. If the
  // pipeline has a variable declaration, the variable will be pushed on the
  // stack. Callers should therefore pop the stack after they are finished
  // executing commands depending on the pipeline value.
  private evalPipeline(dot: Val, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value); // previous value is this one's final arg.
      // If the object has type interface{}, dig down one level to the thing inside.
      if (value instanceof Iface) value = value.v;
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : unwrap(value);
    for (const variable of pipe.decl) {
      const name = variable.ident[0] ?? '';
      if (pipe.isAssign) this.setVar(name, result);
      else this.push(name, result);
    }
    return result;
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as Node)}`);
    }
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Final): Val {
    this.step();
    const firstWord = cmd.args[0] as Node;
    switch (firstWord.type) {
      case 'Field':
        return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case 'Chain':
        return this.evalChainNode(dot, firstWord, cmd.args, final);
      case 'Identifier':
        // Must be a function.
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final);
      case 'Pipe':
        // Parenthesized pipeline. The arguments are all inside the pipeline; final must be absent.
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case 'Variable':
        return this.evalVariableNode(dot, firstWord, cmd.args, final);
      default:
        break;
    }
    this.at(firstWord);
    this.notAFunction(cmd.args, final);
    switch (firstWord.type) {
      case 'Bool':
        return firstWord.true;
      case 'Dot':
        return dot;
      case 'Nil':
        this.errorf('nil is not a command');
        break;
      case 'Number':
        return this.idealConstant(firstWord);
      case 'String':
        return firstWord.text;
      default:
        break;
    }
    this.errorf(`can't evaluate command ${quoteGo(nodeString(firstWord))}`);
  }

  // idealConstant is called to return the value of a number in a context where
  // we don't know the type. In that case, the syntax of the number tells us
  // its type, and we use Go rules to resolve. Note there is no such thing as
  // a uint ideal constant in this situation - the value must be of int type.
  private idealConstant(constant: NumberNode): GoValue {
    this.at(constant);
    if (constant.isComplex) {
      this.errorf(`complex constant ${constant.text} is not supported`);
    }
    if (constant.isFloat && !isHexInt(constant.text) && !isRuneInt(constant.text) && /[.eEpP]/.test(constant.text)) {
      return constant.float64;
    }
    if (constant.isInt) return new GoInt(constant.int64);
    if (constant.isUint) this.errorf(`${constant.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Val, field: FieldNode, args: Node[], final: Final): Val {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Val, chain: ChainNode, args: Node[], final: Final): Val {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'Nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the pipeline, then the fields.
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Val, variable: VariableNode, args: Node[], final: Final): Val {
    // $x.Field has $x as the first ident, Field as the second. Eval the var, then the fields.
    this.at(variable);
    const value = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident, args, final, 1);
  }

  // evalFieldChain evaluates .X.Y.Z possibly followed by arguments.
  // dot is the environment in which to evaluate arguments, while
  // receiver is the value being walked along the chain.
  private evalFieldChain(dot: Val, receiver: Val, node: Node, ident: string[], args: Node[], final: Final, start = 0): Val {
    const n = ident.length;
    for (let i = start; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i] ?? '', node, NO_ARGS, MISSING, receiver);
    }
    // Now if it's a method, it gets the arguments.
    return this.evalField(dot, ident[n - 1] ?? '', node, args, final, receiver);
  }

  private evalFunction(dot: Val, node: IdentifierNode, cmd: Node, args: Node[], final: Final): Val {
    this.at(node);
    const name = node.ident;
    const f = this.tmpl.findFunction(name);
    if (f === undefined) this.errorf(`${quoteGo(name)} is not a defined function`);
    return this.evalCall(dot, f.fn, f.isBuiltin, cmd, name, args, final, null);
  }

  // evalField evaluates an expression like (.Field) or (.Field arg1 arg2).
  // The 'final' argument represents the return value from the preceding
  // value of the pipeline, if any.
  private evalField(dot: Val, fieldName: string, node: Node, args: Node[], final: Final, receiver: Val): Val {
    if (receiver === undefined) {
      if (this.tmpl.missingKey === 'error') {
        // Treat invalid value as missing map key.
        this.errorf(`nil data; no entry for key ${quoteGo(fieldName)}`);
      }
      return undefined;
    }
    const isIface = receiver instanceof Iface;
    const v = unwrap(receiver);
    if (v === null) {
      // Calling a method on a nil interface can't work. The MissingKey option doesn't apply here.
      this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    }
    // Unless it's an interface, need to get to a value of type *T to guarantee
    // we see all methods of both T and *T.
    if (v instanceof GoStruct) {
      const method = v.type.methods && Object.hasOwn(v.type.methods, fieldName) ? v.type.methods[fieldName] : undefined;
      if (method !== undefined) {
        return this.evalCall(dot, methodDescriptor(method), false, node, fieldName, args, final, v);
      }
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    // It's not a method; must be a field of a struct or an element of a map.
    if (v instanceof GoStruct && !v.type.underlying) {
      const getter = v.type.fields && Object.hasOwn(v.type.fields, fieldName) ? v.type.fields[fieldName] : undefined;
      if (getter !== undefined) {
        if (v.isNilPointer) this.errorf(`nil pointer evaluating ${receiverTypeName(isIface, v)}.${fieldName}`);
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        const r = getter(v);
        return r === undefined ? null : r;
      }
    } else if (isMap(v)) {
      // If it's a map, attempt to use the field name as a key.
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const result = mapGet(v, fieldName);
      const ifaceElem = !(v instanceof GoMap) || v.elem === 'interface {}';
      if (result === undefined) {
        switch (this.tmpl.missingKey) {
          case 'default':
          case 'invalid':
            // Just use the invalid value.
            return undefined;
          case 'zero':
            return ifaceElem ? new Iface(null) : zeroValue((v as GoMap).elem);
          case 'error':
            this.errorf(`map has no entry for key ${quoteGo(fieldName)}`);
        }
      }
      return ifaceElem ? new Iface(result) : result;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${receiverTypeName(isIface, v)}`);
  }

  // evalCall executes a function or method call. If it's a method, fun already has the receiver
  // bound, so it looks just like a function call. The arg list, if non-nil, includes (in the
  // manner of the shell), arg[0] as the function itself.
  private evalCall(
    dot: Val,
    fun: FuncDescriptor,
    isBuiltin: boolean,
    node: Node,
    name: string,
    allArgs: Node[],
    final: Final,
    receiver: GoStruct | null,
  ): GoValue {
    // Zeroth arg is function name/node; not passed to function: the arguments are allArgs[1:].
    const nargs = allArgs.length > 0 ? allArgs.length - 1 : 0;
    const params = fun.params;
    const variadic = fun.variadic;
    let numIn = nargs;
    if (final !== MISSING) numIn++;
    let numFixed = nargs;
    if (variadic !== undefined) {
      numFixed = params.length; // last arg is the variadic one.
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${nargs}`);
      }
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    // Special case for builtin and/or, which short-circuit.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      const argType = params[0] as GoType;
      let v: GoValue;
      for (let j = 1; j <= nargs; j++) {
        v = unwrap(this.evalArg(dot, argType, allArgs[j] as Node));
        if (truth(v) === (name === 'or')) {
          // This value was already unwrapped by the .Interface().(reflect.Value).
          return v;
        }
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }

    // Build the arg list (a method's receiver first).
    const argv: GoValue[] = receiver === null ? [] : [receiver];
    let i = 0;
    // Args must be evaluated. Fixed args first.
    for (; i < numFixed && i < nargs; i++) argv.push(this.evalArg(dot, params[i] as GoType, allArgs[i + 1] as Node) as GoValue);
    // Now the ... args.
    if (variadic !== undefined) {
      for (; i < nargs; i++) argv.push(this.evalArg(dot, variadic, allArgs[i + 1] as Node) as GoValue);
    }
    // Add final value if necessary.
    if (final !== MISSING) {
      let t: GoType;
      if (variadic !== undefined) {
        t = numIn - 1 < numFixed ? (params[numIn - 1] as GoType) : variadic;
      } else t = params[params.length - 1] as GoType;
      argv.push(this.validateType(final, t));
    }
    // Special case for the "call" builtin: the callee's name (as written) goes into its errors.
    let fn = fun.fn;
    if (isBuiltin && name === 'call') {
      const callee = nargs === 0 ? (typeof final === 'string' ? final : `<${typeName(final as GoValue)} Value>`) : nodeString(allArgs[1] as Node);
      fn = (f: GoValue) => call(callee, f);
    }
    let v: GoValue;
    try {
      chargeCall(argv);
      // (fixed arities called directly: a spread call costs more than the small functions it calls)
      switch (argv.length) {
        case 0:
          v = fn();
          break;
        case 1:
          v = fn(argv[0]);
          break;
        case 2:
          v = fn(argv[0], argv[1]);
          break;
        case 3:
          v = fn(argv[0], argv[1], argv[2]);
          break;
        default:
          v = fn(...argv);
      }
      chargeResult(v);
    } catch (e) {
      if (e instanceof TemplateExecError) throw e;
      this.at(node);
      if (e instanceof BudgetExceeded) this.errorf(e.message);
      if (isStackOverflow(e)) this.errorf(`error calling ${name}: value nested too deeply for the JavaScript stack`);
      const msg = e instanceof GoFuncError || e instanceof Error ? e.message : String(e);
      this.errorf(`error calling ${name}: ${msg}`);
    }
    return v === undefined ? null : v;
  }

  // validateType guarantees that the value is valid and assignable to the type.
  private validateType(value: Final, typ: GoType | null): GoValue {
    if (value === MISSING) value = undefined;
    // A reflect.Value parameter takes the value as it is (an interface value stays one).
    if (typ === REFLECT_VALUE && value !== undefined) return value as GoValue;
    if (value instanceof Iface) {
      // An interface value: typed parameters see what is inside (nil stays a nil interface).
      value = value.v;
    }
    if (value === undefined) {
      if (typ === null) {
        // An untyped nil interface{}. Accept as a proper nil value.
        return undefined;
      }
      if (canBeNil(typ)) {
        // Like above, but use the zero value of the non-nil type.
        return typ === REFLECT_VALUE ? undefined : zeroValue(typ);
      }
      this.errorf(`invalid value; expected ${goTypeName(typ)}`);
    }
    if (typ === REFLECT_VALUE) return value;
    if (typ !== null && !assignable(value, typ)) {
      // Does one dereference or indirection work? We could do more, as we
      // do with method receivers, but that gets messy and method receivers
      // are much more constrained, so it makes more sense there than here.
      // Besides, one is almost always all you need.
      const tn = goTypeName(typ);
      if (value instanceof GoStruct && value.type.pointer && value.type.name === '*' + tn) {
        if (value.data === null) this.errorf(`dereference of nil pointer of type ${tn}`);
        return new GoStruct({ ...value.type, pointer: false, name: tn }, value.data);
      }
      if (value instanceof GoStruct && !value.type.pointer && tn === '*' + value.type.name) {
        return new GoStruct({ ...value.type, pointer: true, name: tn }, value.data);
      }
      this.errorf(`wrong type for value; expected ${tn}; got ${value === null ? 'interface {}' : typeName(value)}`);
    }
    return value;
  }

  private evalArg(dot: Val, typ: GoType | null, n: Node): Val {
    this.at(n);
    switch (n.type) {
      case 'Dot':
        return typ === null ? dot : this.validateType(dot, typ);
      case 'Nil':
        if (typ !== null && canBeNil(typ)) return typ === REFLECT_VALUE ? undefined : zeroValue(typ);
        this.errorf(`cannot assign nil to ${typ === null ? '<nil>' : goTypeName(typ)}`);
        break;
      case 'Field': {
        // Go passes []Node{n}: a list without arguments after the field itself.
        const v = this.evalFieldNode(dot, n, NO_ARGS, MISSING);
        return typ === null ? v : this.validateType(v, typ);
      }
      case 'Variable': {
        const v = this.evalVariableNode(dot, n, NO_ARGS, MISSING);
        return typ === null ? v : this.validateType(v, typ);
      }
      case 'Pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'Identifier': {
        const v = this.evalFunction(dot, n, n, NO_ARGS, MISSING);
        return typ === null ? v : this.validateType(v, typ);
      }
      case 'Chain': {
        const v = this.evalChainNode(dot, n, NO_ARGS, MISSING);
        return typ === null ? v : this.validateType(v, typ);
      }
      default:
        break;
    }
    if (typ === null) this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
    const tn = goTypeName(typ);
    // (the type names below are distinct: the order of the tests does not matter)
    if (tn === 'string') return this.evalString(n);
    if (tn === 'interface {}' || tn === REFLECT_VALUE) return this.evalEmptyInterface(dot, n);
    if (tn === 'bool') return this.evalBool(n);
    if (tn === 'complex64' || tn === 'complex128') this.errorf(`expected complex; found ${nodeString(n)}`);
    if (tn === 'float32' || tn === 'float64') return this.evalFloat(n);
    if (isIntTypeName(tn)) {
      if (tn.startsWith('u')) return this.evalUnsignedInteger(tn, n);
      return this.evalInteger(tn, n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${tn}`);
  }

  private evalBool(n: Node): GoValue {
    this.at(n);
    if (n.type === 'Bool') return n.true;
    this.errorf(`expected bool; found ${nodeString(n)}`);
  }

  private evalString(n: Node): GoValue {
    this.at(n);
    if (n.type === 'String') return n.text;
    this.errorf(`expected string; found ${nodeString(n)}`);
  }

  private evalInteger(tn: string, n: Node): GoValue {
    this.at(n);
    if (n.type === 'Number' && n.isInt) return new GoInt(n.int64, tn as GoInt['type']);
    this.errorf(`expected integer; found ${nodeString(n)}`);
  }

  private evalUnsignedInteger(tn: string, n: Node): GoValue {
    this.at(n);
    if (n.type === 'Number' && n.isUint) return new GoInt(n.uint64, tn as GoInt['type']);
    this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
  }

  private evalFloat(n: Node): GoValue {
    this.at(n);
    if (n.type === 'Number' && n.isFloat) return n.float64;
    this.errorf(`expected float; found ${nodeString(n)}`);
  }

  private evalEmptyInterface(dot: Val, n: Node): Val {
    this.at(n);
    switch (n.type) {
      case 'Bool':
        return n.true;
      case 'Dot':
        return dot;
      case 'Field':
        return this.evalFieldNode(dot, n, NO_ARGS, MISSING);
      case 'Identifier':
        return this.evalFunction(dot, n, n, NO_ARGS, MISSING);
      case 'Nil':
        // NilNode is handled in evalArg, the only place that calls here.
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case 'Number':
        return this.idealConstant(n);
      case 'String':
        return n.text;
      case 'Variable':
        return this.evalVariableNode(dot, n, NO_ARGS, MISSING);
      case 'Pipe':
        return this.evalPipeline(dot, n);
      default:
        break;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  // printValue writes the textual representation of the value to the output of
  // the template.
  private printValue(n: Node, v: GoValue): void {
    this.at(n);
    let s: string;
    try {
      s = printableString(v);
    } catch (e) {
      if (e instanceof BudgetExceeded) this.errorf(e.message);
      throw e;
    }
    this.write(s);
  }
}

/** Go's `printableValue` followed by `fmt.Fprint`. */
export function printableString(v: GoValue): string {
  if (v === undefined) return '<no value>';
  if (v instanceof GoStruct && v.type.pointer && v.data !== null && !v.type.format) {
    return sprint(new GoStruct({ ...v.type, pointer: false, name: v.type.name.replace(/^\*/, '') }, v.data));
  }
  return sprint(v);
}

/**
 * A pure memo: the descriptor of a method is a function of the method object (the static tables of
 * the view types own those), kept as long as the method lives (a WeakMap); it cannot change output.
 */
const methodDescriptors = new WeakMap<GoMethod, FuncDescriptor>();

/** A method as a function descriptor whose `fn` takes the receiver first (`evalCall` passes it). */
/** The type `evalField` names in its errors: an interface-typed receiver is `interface {}`. */
function receiverTypeName(isIface: boolean, v: GoValue): string {
  return isIface || v === null ? 'interface {}' : typeName(v);
}

function methodDescriptor(m: GoMethod): FuncDescriptor {
  let d = methodDescriptors.get(m);
  if (d === undefined) {
    d = {
      fn: m.fn as FuncDescriptor['fn'],
      params: m.params ?? [],
      ...(m.variadic !== undefined ? { variadic: m.variadic } : {}),
      ...(m.returnsError !== undefined ? { returnsError: m.returnsError } : {}),
    };
    methodDescriptors.set(m, d);
  }
  return d;
}

function isRuneInt(s: string): boolean {
  return s.length > 0 && s[0] === "'";
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * What a function may allocate per character of a string argument while it works, charged before
 * the call: escaping and case functions build their result a character at a time, which costs
 * JavaScript far more than the result's size (`urlquery` of a 12-million-character string peaked
 * at 950 MB and took 30 s). At 16 bytes per character, an execution passes at most 2 million
 * characters to functions under the injection budget.
 */
const STRING_ARG_BYTES = 16;

/** A function call's work on its string arguments: one step per 256 characters, and their working memory. */
function chargeCall(argv: readonly GoValue[]): void {
  let chars = 0;
  for (const a of argv) if (typeof a === 'string') chars += a.length;
  chargeSteps(1 + (chars >>> 8));
  if (chars > 0) chargeBytes(STRING_ARG_BYTES * chars);
}

/** A function result as allocated bytes (what the result holds at its top level). */
function chargeResult(v: GoValue): void {
  if (typeof v === 'string') chargeBytes(v.length);
  else if (Array.isArray(v)) chargeBytes(8 * v.length);
  else if (v instanceof GoSlice) chargeBytes(8 * v.items.length);
  else if (v instanceof GoMap) chargeBytes(32 * v.entries.size);
}

/**
 * Runs `tmpl` on `data`; returns the output or throws `TemplateExecError`. `usage`, if given,
 * receives what the execution used (also when it fails).
 */
export function execute(tmpl: ExecTemplate, data: GoValue, limits: ExecLimits, usage?: ExecUsage): string {
  const value = data === null ? undefined : data;
  const budget: Budget = { steps: 0, bytes: 0, maxSteps: limits.maxSteps, maxBytes: limits.maxAllocBytes };
  const out: Output = { parts: [], units: 0, bytes: -1, rangeIterations: 0, budget };
  const state = new State(tmpl, out, limits, [{ name: '$', value }], 0);
  const root = tmpl.tree?.root ?? null;
  if (root === null) return state.errorf(`${quoteGo(tmpl.name)} is an incomplete or empty template`);
  try {
    withBudget(budget, () => state.walk(value, root));
  } catch (e) {
    if (isStackOverflow(e)) {
      state.errorf('template recursion too deep for the JavaScript stack');
    }
    // charged outside a function call or a print (none known): still the execution's error
    if (e instanceof BudgetExceeded) state.errorf(e.message);
    throw e;
  } finally {
    if (usage !== undefined) {
      usage.steps = budget.steps;
      usage.allocBytes = budget.bytes;
      usage.outputBytes = out.bytes >= 0 ? out.bytes : utf8Length(out.parts.join(''));
      usage.rangeIterations = out.rangeIterations;
    }
  }
  return out.parts.join('');
}

export { toDescriptor };
