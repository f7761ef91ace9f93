/**
 * The parser of Go's `text/template` (a port of Go 1.19's `text/template/parse/parse.go`): a
 * recursive-descent parser with three-token lookahead that builds `Tree`s of nodes from lexer items,
 * one tree per template (`define` and `block` add trees to the shared tree set). It checks names
 * Go checks at parse time (undefined variables, unknown functions) and reports errors exactly as Go
 * does: `template: NAME:LINE: MESSAGE`. It does not evaluate anything (see `exec.ts`).
 *
 * Go aborts a parse with `panic` and recovers in `Parse`; here a private `ParseAbort` is thrown and
 * caught only in `Tree.parse`, and any other exception (a bug) propagates.
 */
import { underscoreOK } from '../strconv.js';
import { quoteGo } from '../fmt.js';
import { utf8Length } from '../value.js';
import { ITEM, itemString, lex, type Item, type ItemType, type Lexer } from './lex.js';
import {
  nodeString,
  type ActionNode,
  type BranchNode,
  type BreakNode,
  type ChainNode,
  type CommandNode,
  type CommentNode,
  type ContinueNode,
  type ElseNode,
  type EndNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type StringNode,
  type TemplateNode,
  type TextNode,
  type VariableNode,
} from './node.js';

/** Something that tells whether a function name is defined (a function map). */
export type FuncNames = ReadonlySet<string> | { has(name: string): boolean };

/** A parse error, formatted as Go formats it. */
export class TemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

class ParseAbort {
  constructor(readonly error: TemplateParseError) {}
}

export const MODE = { parseComments: 1, skipFuncCheck: 2 } as const;

const EMPTY_ITEM: Item = { typ: ITEM.eof, pos: 0, val: '', line: 0 };

/** The representation of a single parsed template. */
export class Tree {
  /** Name of the template represented by the tree. */
  name: string;
  /** Name of the top-level template during parsing, for error messages. */
  parseName = '';
  /** Top-level root of the tree. */
  root: ListNode | null = null;
  mode = 0;
  /** Text parsed to create the template (or its parent). */
  text = '';
  private funcs: FuncNames[] = [];
  private lex: Lexer | null = null;
  private token: [Item, Item, Item] = [EMPTY_ITEM, EMPTY_ITEM, EMPTY_ITEM];
  private peekCount = 0;
  private vars: string[] = [];
  private treeSet: Map<string, Tree> = new Map();
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(name: string, funcs: FuncNames[] = []) {
    this.name = name;
    this.funcs = funcs;
  }

  // ---- token plumbing ----------------------------------------------------------------------

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = (this.lex as Lexer).nextItem();
    return this.token[this.peekCount] as Item;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1] as Item;
    this.peekCount = 1;
    this.token[0] = (this.lex as Lexer).nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    for (;;) {
      token = this.next();
      if (token.typ !== ITEM.space) break;
    }
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors ------------------------------------------------------------------------------

  /**
   * Go's `ErrorContext`: `NAME:LINE:COL` (COL is a 0-based byte offset within the line) and the
   * node's source text.
   */
  errorContext(n: Node): { location: string; context: string } {
    const pos = n.pos;
    const tree = n.tr ?? this;
    const text = tree.text.slice(0, pos);
    const nl = text.lastIndexOf('\n');
    const byteNum = nl === -1 ? utf8Length(text) : utf8Length(text.slice(nl + 1));
    let lineNum = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineNum++;
    return { location: `${tree.parseName}:${lineNum}:${byteNum}`, context: nodeString(n) };
  }

  private errorf(msg: string): never {
    this.root = null;
    throw new ParseAbort(new TemplateParseError(`template: ${this.parseName}:${this.token[0].line}: ${msg}`));
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected1 && token.typ !== expected2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === ITEM.error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- entry points ------------------------------------------------------------------------

  private startParse(funcs: FuncNames[], lexer: Lexer, treeSet: Map<string, Tree>): void {
    this.root = null;
    this.lex = lexer;
    this.vars = ['$'];
    this.funcs = funcs;
    this.treeSet = treeSet;
  }

  private stopParse(): void {
    this.lex = null;
    this.vars = [];
    this.funcs = [];
  }

  /**
   * Parses the template definition string to construct a representation of the template for
   * execution. Named templates (`define`, `block`) are added to `treeSet`. Throws
   * `TemplateParseError`.
   */
  parse(text: string, leftDelim: string, rightDelim: string, treeSet: Map<string, Tree>, funcs: FuncNames[]): Tree {
    try {
      this.parseName = this.name;
      const emitComment = (this.mode & MODE.parseComments) !== 0;
      const breakOK = !this.hasFunction('break');
      const continueOK = !this.hasFunction('continue');
      const lexer = lex(this.name, text, leftDelim, rightDelim, emitComment, breakOK, continueOK);
      this.startParse(funcs, lexer, treeSet);
      this.text = text;
      this.parseTop();
      this.add();
      this.stopParse();
      return this;
    } catch (e) {
      if (e instanceof ParseAbort) {
        this.stopParse();
        throw e.error;
      }
      throw e;
    }
  }

  /** Adds the tree to the tree set, unless an existing non-empty definition exists. */
  private add(): void {
    const tree = this.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  // parse is the top-level parser for a template, essentially the same as itemList except it
  // also parses {{define}} actions. It runs to EOF.
  private parseTop(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().typ !== ITEM.eof) {
      if (this.peek().typ === ITEM.leftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === ITEM.define) {
          const newT = new Tree('definition'); // name will be updated once we know it.
          newT.text = this.text;
          newT.mode = this.mode;
          newT.parseName = this.parseName;
          newT.startParse(this.funcs, this.lex as Lexer, this.treeSet);
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      else this.root.nodes.push(n);
    }
  }

  // parseDefinition parses a {{define}} ...  {{end}} template definition and installs the
  // definition in the treeSet. The "define" keyword has already been scanned.
  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(ITEM.string, ITEM.rawString, context);
    const unq = unquote(name.val);
    if (unq === undefined) this.errorf('invalid syntax');
    this.name = unq;
    this.expect(ITEM.rightDelim, context);
    const [root, end] = this.itemList();
    this.root = root;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
    this.stopParse();
  }

  // itemList:
  //	textOrAction*
  // Terminates at {{end}} or {{else}}, returned separately.
  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== ITEM.eof) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  // textOrAction:
  //	text | comment | action
  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ITEM.text:
        return { type: 'Text', pos: token.pos, tr: this, text: token.val } satisfies TextNode;
      case ITEM.leftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case ITEM.comment:
        return { type: 'Comment', pos: token.pos, tr: this, text: token.val } satisfies CommentNode;
      default:
        this.unexpected(token, 'input');
    }
  }

  // Action:
  //	control
  //	command ("|" command)*
  // Left delim is past. Now get actions.
  // First word could be a keyword such as range.
  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ITEM.block:
        return this.blockControl();
      case ITEM.break:
        return this.breakControl(token.pos, token.line);
      case ITEM.continue:
        return this.continueControl(token.pos, token.line);
      case ITEM.else:
        return this.elseControl();
      case ITEM.end:
        return this.endControl();
      case ITEM.if:
        return this.ifControl();
      case ITEM.range:
        return this.rangeControl();
      case ITEM.template:
        return this.templateControl();
      case ITEM.with:
        return this.withControl();
      default:
        break;
    }
    this.backup();
    const tok = this.peek();
    // Do not pop variables; they persist until "end".
    const pipe = this.pipeline('command', ITEM.rightDelim);
    return { type: 'Action', pos: tok.pos, tr: this, line: tok.line, pipe } satisfies ActionNode;
  }

  // Break:
  //	{{break}}
  // Break keyword is past.
  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== ITEM.rightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'Break', pos, tr: this, line } satisfies BreakNode;
  }

  // Continue:
  //	{{continue}}
  // Continue keyword is past.
  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== ITEM.rightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'Continue', pos, tr: this, line } satisfies ContinueNode;
  }

  // Pipeline:
  //	declarations? command ('|' command)*
  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'Pipe', pos: token.pos, tr: this, line: token.line, isAssign: false, decl: [], cmds: [] };
    // Are there declarations or assignments?
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === ITEM.variable) {
        this.next();
        // Since space is a token, we need 3-token look-ahead here in the worst case:
        // in "$x foo" we need to read "foo" (as opposed to ":=") to know that $x is an
        // argument variable rather than a declaration. So remember the token
        // adjacent to the variable so we can push it back if necessary.
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === ITEM.assign || next.typ === ITEM.declare) {
          pipe.isAssign = next.typ === ITEM.assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === ITEM.char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.peekNonSpace().typ;
            if (p === ITEM.variable || p === ITEM.rightDelim || p === ITEM.rightParen) {
              // second initialized variable in a range pipeline
              // biome-ignore lint/complexity/noUselessLabel: Go's parse.go writes `continue decls`; the port keeps it.
              continue decls;
            }
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === ITEM.space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          // At this point, the pipeline is complete
          this.checkPipeline(pipe, context);
          return pipe;
        case ITEM.bool:
        case ITEM.charConstant:
        case ITEM.complex:
        case ITEM.dot:
        case ITEM.field:
        case ITEM.identifier:
        case ITEM.number:
        case ITEM.nil:
        case ITEM.rawString:
        case ITEM.string:
        case ITEM.variable:
        case ITEM.leftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    // Reject empty pipelines
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    // Only the first command of a pipeline can start with a non executable operand
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]?.type;
      if (t === 'Bool' || t === 'Dot' || t === 'Nil' || t === 'Number' || t === 'String') {
        // With A|B|C, pipeline stage 2 is B
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private parseControl(allowElseIf: boolean, context: string): { pos: number; line: number; pipe: PipeNode; list: ListNode; elseList: ListNode | null } {
    const nvars = this.vars.length;
    try {
      const pipe = this.pipeline(context, ITEM.rightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      switch (next.type) {
        case 'end': // done
          break;
        case 'else':
          // Special case for "else if". If the "else" is followed immediately by an "if",
          // the elseControl will have left the "if" token pending. Treat
          //	{{if a}}_{{else if b}}_{{end}}
          // as
          //	{{if a}}_{{else}}{{if b}}_{{end}}{{end}}.
          if (allowElseIf && this.peek().typ === ITEM.if) {
            this.next(); // Consume the "if" token.
            elseList = this.newList(next.pos);
            elseList.nodes.push(this.ifControl());
            // Do not consume the next item - only one {{end}} required.
            break;
          }
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
          break;
        default:
          break;
      }
      void list;
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = nvars;
    }
  }

  private branch<T extends 'If' | 'Range' | 'With'>(type: T, allowElseIf: boolean, context: string): BranchNode<T> {
    const c = this.parseControl(allowElseIf, context);
    return { type, pos: c.pos, tr: this, line: c.line, pipe: c.pipe, list: c.list, elseList: c.elseList };
  }

  // If:
  //	{{if pipeline}} itemList {{end}}
  //	{{if pipeline}} itemList {{else}} itemList {{end}}
  // If keyword is past.
  private ifControl(): Node {
    return this.branch('If', true, 'if');
  }

  // Range:
  //	{{range pipeline}} itemList {{end}}
  //	{{range pipeline}} itemList {{else}} itemList {{end}}
  // Range keyword is past.
  private rangeControl(): Node {
    return this.branch('Range', false, 'range');
  }

  // With:
  //	{{with pipeline}} itemList {{end}}
  //	{{with pipeline}} itemList {{else}} itemList {{end}}
  // If keyword is past.
  private withControl(): Node {
    return this.branch('With', false, 'with');
  }

  // End:
  //	{{end}}
  // End keyword is past.
  private endControl(): Node {
    return { type: 'end', pos: this.expect(ITEM.rightDelim, 'end').pos, tr: this } satisfies EndNode;
  }

  // Else:
  //	{{else}}
  // Else keyword is past.
  private elseControl(): Node {
    // Special case for "else if".
    const peek = this.peekNonSpace();
    if (peek.typ === ITEM.if) {
      // We see "{{else if ... " but in effect rewrite it to {{else}}{{if ... ".
      return { type: 'else', pos: peek.pos, tr: this, line: peek.line } satisfies ElseNode;
    }
    const token = this.expect(ITEM.rightDelim, 'else');
    return { type: 'else', pos: token.pos, tr: this, line: token.line } satisfies ElseNode;
  }

  // Block:
  //	{{block stringValue pipeline}}
  // Block keyword is past.
  // The name must be something that can evaluate to a string.
  // The pipeline is mandatory.
  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ITEM.rightDelim);
    const block = new Tree(name); // name will be updated once we know it.
    block.text = this.text;
    block.mode = this.mode;
    block.parseName = this.parseName;
    block.startParse(this.funcs, this.lex as Lexer, this.treeSet);
    const [root, end] = block.itemList();
    block.root = root;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    block.stopParse();
    return { type: 'Template', pos: token.pos, tr: this, line: token.line, name, pipe } satisfies TemplateNode;
  }

  // Template:
  //	{{template stringValue pipeline}}
  // Template keyword is past. The name must be something that can evaluate
  // to a string.
  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== ITEM.rightDelim) {
      this.backup();
      // Do not pop variables; they persist until "end".
      pipe = this.pipeline(context, ITEM.rightDelim);
    }
    return { type: 'Template', pos: token.pos, tr: this, line: token.line, name, pipe } satisfies TemplateNode;
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === ITEM.string || token.typ === ITEM.rawString) {
      const s = unquote(token.val);
      if (s === undefined) this.errorf('invalid syntax');
      return s;
    }
    this.unexpected(token, context);
  }

  // command:
  //	operand (space operand)*
  // space-separated arguments up to a pipeline character or right delimiter.
  // we consume the pipe character but leave the right delim to terminate the action.
  private command(): CommandNode {
    const cmd: CommandNode = { type: 'Command', pos: this.peekNonSpace().pos, tr: this, args: [] };
    for (;;) {
      this.peekNonSpace(); // skip leading spaces.
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === ITEM.space) continue;
      if (token.typ === ITEM.rightDelim || token.typ === ITEM.rightParen) this.backup();
      else if (token.typ !== ITEM.pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  // operand:
  //	term .Field*
  // An operand is a space-separated component of a command,
  // a term possibly followed by field accesses.
  // A nil return means the next item is not an operand.
  private operand(): Node | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === ITEM.field) {
      const chain: ChainNode = { type: 'Chain', pos: this.peek().pos, tr: this, node, field: [] };
      while (this.peek().typ === ITEM.field) {
        const f = this.next().val.slice(1);
        chain.field.push(f);
      }
      // Compatibility with original API: If the term is of type NodeField
      // or NodeVariable, just put more fields on the original.
      // Otherwise, keep the Chain node.
      // Obvious parsing errors involving literal values are detected here.
      // More complex error cases will have to be handled at execution time.
      switch (node.type) {
        case 'Field':
          node = { type: 'Field', pos: chain.pos, tr: this, ident: nodeString(chain).slice(1).split('.') };
          break;
        case 'Variable':
          node = this.newVariable(chain.pos, nodeString(chain));
          break;
        case 'Bool':
        case 'String':
        case 'Number':
        case 'Nil':
        case 'Dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  // term:
  //	literal (number, string, nil, boolean)
  //	function (identifier)
  //	.
  //	.Field
  //	$
  //	'(' pipeline ')'
  // A term is a simple "expression".
  // A nil return means the next item is not a term.
  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ITEM.identifier: {
        const checkFunc = (this.mode & MODE.skipFuncCheck) === 0;
        if (checkFunc && !this.hasFunction(token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { type: 'Identifier', pos: token.pos, tr: this, ident: token.val };
      }
      case ITEM.dot:
        return { type: 'Dot', pos: token.pos, tr: this };
      case ITEM.nil:
        return { type: 'Nil', pos: token.pos, tr: this };
      case ITEM.variable:
        return this.useVar(token.pos, token.val);
      case ITEM.field:
        return { type: 'Field', pos: token.pos, tr: this, ident: token.val.slice(1).split('.') };
      case ITEM.bool:
        return { type: 'Bool', pos: token.pos, tr: this, true: token.val === 'true' };
      case ITEM.charConstant:
      case ITEM.complex:
      case ITEM.number: {
        const r = newNumber(this, token.pos, token.val, token.typ);
        if (typeof r === 'string') this.errorf(r);
        return r;
      }
      case ITEM.leftParen:
        return this.pipeline('parenthesized pipeline', ITEM.rightParen);
      case ITEM.string:
      case ITEM.rawString: {
        const s = unquote(token.val);
        if (s === undefined) this.errorf('invalid syntax');
        return { type: 'String', pos: token.pos, tr: this, quoted: token.val, text: s } satisfies StringNode;
      }
      default:
        break;
    }
    this.backup();
    return null;
  }

  // hasFunction reports if a function name exists in the Tree's maps.
  private hasFunction(name: string): boolean {
    return this.funcs.some((m) => m.has(name));
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'Variable', pos, tr: this, ident: ident.split('.') };
  }

  private newList(pos: number): ListNode {
    return { type: 'List', pos, tr: this, nodes: [] };
  }

  // useVar returns a node for a variable reference. It errors if the variable is not defined.
  private useVar(pos: number, name: string): Node {
    const v = this.newVariable(pos, name);
    if (this.vars.includes(v.ident[0] ?? '')) return v;
    this.errorf(`undefined variable ${quote(v.ident[0] ?? '')}`);
  }
}

/** Go's `IsEmptyTree`: whether the tree consists only of space and comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case 'Comment':
      return true;
    case 'List':
      return n.nodes.every(isEmptyTree);
    case 'Text':
      return n.text.trim().length === 0;
    case 'Action':
    case 'If':
    case 'Range':
    case 'Template':
    case 'With':
      return false;
    default:
      throw new Error(`unknown node: ${nodeString(n)}`);
  }
}

/** Parses `text` as template `name`; returns every tree defined (Go's `parse.Parse`). */
export function parseTrees(name: string, text: string, leftDelim: string, rightDelim: string, funcs: FuncNames[], mode = 0): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new Tree(name);
  t.mode = mode;
  t.text = text;
  t.parse(text, leftDelim, rightDelim, treeSet, funcs);
  return treeSet;
}

function quote(s: string): string {
  return quoteGo(s);
}

// ---------------------------------------------------------------------------------------------
// strconv: Unquote, UnquoteChar, ParseInt/ParseUint/ParseFloat with Go literal syntax.

/** Go's `strconv.UnquoteChar`: returns [rune, tail] or undefined on syntax error. */
function unquoteChar(s: string, quoteCh: string): [number, string] | undefined {
  const c = s.codePointAt(0);
  if (c === undefined) return undefined;
  const ch = String.fromCodePoint(c);
  if (ch === quoteCh && (quoteCh === "'" || quoteCh === '"')) return undefined;
  if (ch !== '\\') return [c, s.slice(ch.length)];
  if (s.length <= 1) return undefined;
  const e = s[1] ?? '';
  let rest = s.slice(2);
  switch (e) {
    case 'a':
      return [7, rest];
    case 'b':
      return [8, rest];
    case 'f':
      return [12, rest];
    case 'n':
      return [10, rest];
    case 'r':
      return [13, rest];
    case 't':
      return [9, rest];
    case 'v':
      return [11, rest];
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (rest.length < n) return undefined;
      const hex = rest.slice(0, n);
      if (!/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const v = parseInt(hex, 16);
      rest = rest.slice(n);
      if (e === 'x') return [v, rest]; // a byte; JS strings cannot hold raw bytes >= 0x80
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      return [v, rest];
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      const oct = s.slice(1, 4);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = parseInt(oct, 8);
      if (v > 255) return undefined;
      return [v, s.slice(4)];
    }
    case '\\':
      return [0x5c, rest];
    case "'":
    case '"':
      if (e !== quoteCh) return undefined;
      return [e.charCodeAt(0), rest];
    default:
      return undefined;
  }
}

/** Go's `strconv.Unquote` for "..." , `...` and '...'; undefined on syntax error. */
export function unquote(s: string): string | undefined {
  const n = s.length;
  if (n < 2) return undefined;
  const q = s[0];
  if (q !== s[n - 1]) return undefined;
  const body = s.slice(1, n - 1);
  if (q === '`') {
    if (body.includes('`')) return undefined;
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") return undefined;
  if (body.includes('\n')) return undefined;
  if (!body.includes('\\') && !body.includes(q)) {
    if (q === '"') return body;
    if (q === "'" && [...body].length === 1) return body;
  }
  let out = '';
  let rest = body;
  while (rest.length > 0) {
    const r = unquoteChar(rest, q);
    if (r === undefined) return undefined;
    out += String.fromCodePoint(r[0]);
    rest = r[1];
    if (q === "'" && rest.length !== 0) return undefined;
  }
  return out;
}

/** Go's `strconv.ParseUint(s, 0, 64)`. */
function parseUint0(s0: string): bigint | undefined {
  let s = s0;
  if (s.length === 0) return undefined;
  let base = 10;
  if (s[0] === '0') {
    const c = (s[1] ?? '').toLowerCase();
    if (s.length >= 3 && c === 'b') {
      base = 2;
      s = s.slice(2);
    } else if (s.length >= 3 && c === 'o') {
      base = 8;
      s = s.slice(2);
    } else if (s.length >= 3 && c === 'x') {
      base = 16;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const ch of s) {
    if (ch === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * b + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  if (n >= 1n << 64n) return undefined;
  return n;
}

/** Go's `strconv.ParseInt(s, 0, 64)`. */
function parseInt0(s: string): bigint | undefined {
  if (s.length === 0) return undefined;
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  const un = parseUint0(body);
  if (un === undefined) return undefined;
  if (!neg && un >= 1n << 63n) return undefined;
  if (neg && un > 1n << 63n) return undefined;
  return neg ? -un : un;
}

/** Go's `strconv.ParseFloat(s, 64)` for Go literal syntax; undefined on error (incl. overflow). */
function parseFloat64(s: string): number | undefined {
  let body = s;
  let sign = 1;
  if (body[0] === '+' || body[0] === '-') {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (body.includes('_') && !underscoreOK(s)) return undefined;
  const clean = body.replace(/_/g, '');
  let v: number;
  if (/^0[xX]/.test(clean)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
    if (!m) return undefined;
    const ip = m[1] ?? '';
    const fp = m[2] ?? '';
    if (ip.length + fp.length === 0) return undefined;
    const mant = BigInt('0x' + (ip + fp || '0'));
    const exp = Number(m[3]) - 4 * fp.length;
    v = Number(mant) * 2 ** exp;
  } else {
    if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return undefined;
    v = Number(clean);
  }
  if (!Number.isFinite(v)) return undefined;
  return sign * v;
}

/** Go's `newNumber`: the ideal-constant interpretations of a number literal, or an error message. */
function newNumber(tr: Tree, pos: number, text: string, typ: ItemType): NumberNode | string {
  const n: NumberNode = {
    type: 'Number',
    pos,
    tr,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: [0, 0],
    text,
  };
  if (typ === ITEM.charConstant) {
    const r = unquoteChar(text.slice(1), text[0] ?? "'");
    if (r === undefined) return 'invalid syntax';
    if (r[1] !== "'") return `malformed character constant: ${text}`;
    n.int64 = BigInt(r[0]);
    n.isInt = true;
    n.uint64 = BigInt(r[0]);
    n.isUint = true;
    n.float64 = r[0]; // odd but those are the rules.
    n.isFloat = true;
    return n;
  }
  if (typ === ITEM.complex) {
    n.isComplex = true;
    return n;
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.length > 0 && text[text.length - 1] === 'i') {
    const f = parseFloat64(text.slice(0, -1));
    if (f !== undefined) {
      n.isComplex = true;
      n.complex = [0, f];
      if (f === 0) {
        n.isFloat = true;
        n.float64 = 0;
        n.isInt = true;
        n.int64 = 0n;
        n.isUint = true;
        n.uint64 = 0n;
      }
      return n;
    }
  }
  // Do integer test first so we get 0x123 etc.
  const u = parseUint0(text);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseInt0(text);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true; // in case of -0.
      n.uint64 = u ?? 0n;
    }
  }
  // If an integer extraction succeeded, promote the float.
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      // If we parsed it as a float but it looks like an integer,
      // it's a huge number too large to fit in an int. Reject it.
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${quote(text)}`;
      n.isFloat = true;
      n.float64 = f;
      // If a floating-point extraction succeeded, extract the int if needed.
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${quote(text)}`;
  return n;
}
