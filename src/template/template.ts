/**
 * The facade of the template engine (Go's `template.go`, `option.go`, `helper.go`): a named
 * `Template` with its function map and options, parsed once and executed many times. Templates
 * defined inside the text (`define`, `block`) share one set, as in Go, so `{{template "x"}}`
 * finds them. It holds no parsing or evaluation logic itself.
 */
import { DEFAULT_LIMITS, execute, type ExecLimits, type ExecTemplate, type ExecUsage, type MissingKey } from './exec.js';
import { BUILTINS } from './funcs/builtins.js';
import { toDescriptor, type FuncDescriptor, type FuncMap } from './funcs/types.js';
import { isEmptyTree, parseTrees, type Tree } from './parse/parse.js';
import type { GoValue } from './value.js';

export interface TemplateOptions {
  /** Function maps, later ones override earlier ones (Go's repeated `.Funcs`). Builtins are always present. */
  funcs?: FuncMap | readonly FuncMap[];
  /** Go's `missingkey=` option; Istio uses `default`. */
  missingKey?: MissingKey;
  /** Execution bounds. */
  limits?: Partial<ExecLimits>;
  /** Action delimiters (Go's `Delims`); default `{{` `}}`. */
  leftDelim?: string;
  rightDelim?: string;
  /** Go's `parse.SkipFuncCheck`: do not reject unknown function names at parse time. */
  skipFuncCheck?: boolean;
}

interface Common {
  readonly tmpl: Map<string, Template>;
  readonly funcs: Map<string, FuncDescriptor>;
  /** `findFunction` results by name (the function map does not change after construction). */
  readonly found: Map<string, { fn: FuncDescriptor; isBuiltin: boolean }>;
  readonly missingKey: MissingKey;
  readonly limits: ExecLimits;
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly skipFuncCheck: boolean;
}

/** A parsed Go text/template (and its associated named templates). */
export class Template implements ExecTemplate {
  readonly name: string;
  tree: Tree | null = null;
  private readonly common: Common;

  constructor(name: string, options: TemplateOptions = {}, common?: Common) {
    this.name = name;
    if (common) {
      this.common = common;
      return;
    }
    const funcs = new Map<string, FuncDescriptor>();
    const maps = options.funcs === undefined ? [] : Array.isArray(options.funcs) ? options.funcs : [options.funcs];
    for (const m of maps as FuncMap[]) {
      for (const [k, f] of Object.entries(m)) {
        if (!goodName(k)) throw new Error(`function name ${JSON.stringify(k)} is not a valid identifier`);
        funcs.set(k, toDescriptor(f));
      }
    }
    this.common = {
      tmpl: new Map(),
      funcs,
      found: new Map(),
      missingKey: options.missingKey ?? 'default',
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      leftDelim: options.leftDelim ?? '',
      rightDelim: options.rightDelim ?? '',
      skipFuncCheck: options.skipFuncCheck ?? false,
    };
  }

  get missingKey(): MissingKey {
    return this.common.missingKey;
  }

  /**
   * Parses `text` as the body of this template; `define`/`block` definitions join the set.
   * Throws `TemplateParseError` (message exactly as Go's). Returns `this`.
   */
  parse(text: string): this {
    const c = this.common;
    const funcNames = { has: (n: string) => c.funcs.has(n) || Object.hasOwn(BUILTINS, n) };
    const trees = parseTrees(this.name, text, c.leftDelim, c.rightDelim, [funcNames], c.skipFuncCheck ? 2 : 0);
    for (const [name, tree] of trees) this.addParseTree(name, tree);
    return this;
  }

  private addParseTree(name: string, tree: Tree): void {
    let nt: Template = this;
    if (name !== this.name) nt = new Template(name, {}, this.common);
    const old = this.common.tmpl.get(name);
    // If a template by that name exists, don't replace it with an empty template.
    if (old !== undefined && isEmptyTree(tree.root) && old.tree !== null) return;
    this.common.tmpl.set(name, nt);
    nt.tree = tree;
  }

  /** The template with the given name associated with this one. */
  lookup(name: string): Template | undefined {
    return this.common.tmpl.get(name);
  }

  /** Names of all associated templates that have a body. */
  templateNames(): string[] {
    return [...this.common.tmpl.entries()].filter(([, t]) => t.tree?.root).map(([n]) => n);
  }

  findFunction(name: string): { fn: FuncDescriptor; isBuiltin: boolean } | undefined {
    const c = this.common;
    const found = c.found.get(name);
    if (found !== undefined) return found;
    const f = c.funcs.get(name);
    let r: { fn: FuncDescriptor; isBuiltin: boolean } | undefined;
    if (f !== undefined) r = { fn: f, isBuiltin: false };
    else if (Object.hasOwn(BUILTINS, name)) r = { fn: BUILTINS[name] as FuncDescriptor, isBuiltin: true };
    // The function map is fixed once the template exists: a name resolves the same way every time.
    if (r !== undefined) c.found.set(name, r);
    return r;
  }

  /**
   * Executes the template on `data`; throws `TemplateExecError` (message exactly as Go's).
   * `usage`, if given, receives the steps, allocations and output of the execution.
   */
  execute(data: GoValue, limits?: Partial<ExecLimits>, usage?: ExecUsage): string {
    const l = limits ? { ...this.common.limits, ...limits } : this.common.limits;
    return execute(this, data, l, usage);
  }

  /** Executes the associated template `name` (Go's `ExecuteTemplate`). */
  executeTemplate(name: string, data: GoValue, limits?: Partial<ExecLimits>): string {
    const t = this.lookup(name);
    if (t === undefined) {
      throw new Error(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`);
    }
    return t.execute(data, limits);
  }
}

function goodName(name: string): boolean {
  if (name === '') return false;
  let i = 0;
  for (const ch of name) {
    if (ch === '_') {
      i++;
      continue;
    }
    const letter = /^\p{L}$/u.test(ch);
    if (i === 0 && !letter) return false;
    if (!letter && !/^\p{Nd}$/u.test(ch)) return false;
    i++;
  }
  return true;
}
