/**
 * Sprig's `regex*` functions. Sprig runs Go's `regexp`; these run its port (../regexp): RE2
 * syntax and leftmost-first semantics, linear time, Go's error texts. Compile errors and the
 * matcher's limits become the functions' `GoFuncError`s; each function map keeps its compiled
 * patterns (`PatternMemo`), since a template calls the same pattern once per value; and all calls
 * through one function map share one step budget (`MAX_SHARED_STEPS`), so a template cannot
 * multiply the per-call bound by looping.
 */
import { Budget, Compile, MAX_SHARED_STEPS, QuoteMeta, quote, StepLimitError, SyntaxError, withSharedBudget, type Regexp } from '../regexp/index.js';
import type { GoValue } from '../value.js';
import { intArg, stringSlice } from './sprig-values.js';
import { defineFunc, GoFuncError, type FuncMap } from './types.js';

/** A compiled Go regular expression. */
export type GoRegexp = Regexp;

/** Go's `regexp.Compile`. Throws `GoFuncError` with Go's `error parsing regexp: ...` message. */
export function compileGo(expr: string): GoRegexp {
  try {
    return Compile(expr);
  } catch (e) {
    if (e instanceof SyntaxError) throw new GoFuncError(e.message);
    throw e;
  }
}

/** Go's `regexp.MustCompile`: the panic message sprig's functions surface. */
export function mustCompileGo(expr: string, compile: (expr: string) => GoRegexp = compileGo): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    throw new GoFuncError(`regexp: Compile(${quote(expr)}): ${(e as Error).message}`);
  }
}

/**
 * The compiled patterns of one function map (one map per renderer, so per run and revision). A
 * compiled pattern is a function of its text, so the memo cannot change output. Bounded: the
 * `PATTERN_MEMO_ENTRIES` most recently used patterns of at most `PATTERN_MEMO_LENGTH` characters.
 */
const PATTERN_MEMO_ENTRIES = 64;
const PATTERN_MEMO_LENGTH = 256;

export class PatternMemo {
  private readonly compiled = new Map<string, Regexp>();

  /** `compileGo`, remembered. */
  compile(expr: string): GoRegexp {
    const hit = this.compiled.get(expr);
    if (hit) {
      this.compiled.delete(expr);
      this.compiled.set(expr, hit);
      return hit;
    }
    const re = compileGo(expr);
    if (expr.length <= PATTERN_MEMO_LENGTH) {
      this.compiled.set(expr, re);
      if (this.compiled.size > PATTERN_MEMO_ENTRIES) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    return re;
  }

  /** `mustCompileGo`, remembered. */
  mustCompile(expr: string): GoRegexp {
    return mustCompileGo(expr, (e) => this.compile(e));
  }

  /** How many patterns are kept (for tests). */
  get size(): number {
    return this.compiled.size;
  }
}

/** Runs a match; the step limit is reported as the function's error (never swallowed as a no-match). */
function run<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StepLimitError) throw new GoFuncError(e.message);
    throw e;
  }
}

/** `Regexp.FindAllString(s, n)`; [] for Go's nil. */
export function findAll(g: GoRegexp, s: string, n: number): string[] {
  return run(() => g.FindAllString(s, n) ?? []);
}

/** `Regexp.MatchString`. */
export function matchString(g: GoRegexp, s: string): boolean {
  return run(() => g.MatchString(s));
}

/** `Regexp.FindString`. */
export function findString(g: GoRegexp, s: string): string {
  return run(() => g.FindString(s));
}

/** Go's `Regexp.ReplaceAllString` (`literal`: `ReplaceAllLiteralString`). */
export function replaceAll(g: GoRegexp, src: string, repl: string, literalRepl: boolean): string {
  return run(() => (literalRepl ? g.ReplaceAllLiteralString(src, repl) : g.ReplaceAllString(src, repl)));
}

/** Go's `Regexp.Split(s, n)`; `undefined` stands for Go's nil slice (n == 0). */
export function split(g: GoRegexp, s: string, n: number): string[] | undefined {
  return run(() => g.Split(s, n) ?? undefined);
}

/** `regexp.QuoteMeta`. */
export const quoteMeta = QuoteMeta;

/** sprig's regexMatch ignores a compile error (answers false); the matcher's limits are errors. */
function regexMatch(patterns: PatternMemo, re: string, v: string): boolean {
  let g: GoRegexp;
  try {
    g = patterns.compile(re);
  } catch (e) {
    if (e instanceof GoFuncError) return false;
    throw e;
  }
  return matchString(g, v);
}

function regexFindAll(g: GoRegexp, s: string, n: number): GoValue {
  if (n === 0) return stringSlice([], true);
  const ms = findAll(g, s, n);
  return ms.length === 0 ? stringSlice([], true) : stringSlice(ms);
}

function regexSplit(g: GoRegexp, s: string, n: number): GoValue {
  const parts = split(g, s, n);
  return parts === undefined ? stringSlice([], true) : stringSlice(parts);
}

/**
 * The regex functions of sprig's map: `regexX` panics on a bad pattern (Go's MustCompile text),
 * `mustRegexX` returns Go's compile error. Each map gets its own shared step budget and its own
 * compiled patterns.
 */
export function sprigRegexFuncs(): FuncMap {
  const budget = new Budget(MAX_SHARED_STEPS, 'steps in all regular expression calls of this run');
  const patterns = new PatternMemo();
  const str = (v: GoValue): string => v as string;
  /** Defines a function whose matching is charged to this map's budget. */
  const def = (params: readonly string[], fn: (...a: GoValue[]) => GoValue, result: string, returnsError = false) =>
    defineFunc(params, (...a) => withSharedBudget(budget, () => fn(...a)), returnsError ? { result, returnsError } : { result });
  const S2 = ['string', 'string'];
  const S3 = ['string', 'string', 'string'];
  const SSI = ['string', 'string', 'int'];
  return {
    regexMatch: def(S2, (re, v) => regexMatch(patterns, str(re), str(v)), 'bool'),
    mustRegexMatch: def(S2, (re, v) => matchString(patterns.compile(str(re)), str(v)), 'bool', true),
    regexFind: def(S2, (re, v) => findString(patterns.mustCompile(str(re)), str(v)), 'string'),
    mustRegexFind: def(S2, (re, v) => findString(patterns.compile(str(re)), str(v)), 'string', true),
    regexFindAll: def(SSI, (re, v, n) => regexFindAll(patterns.mustCompile(str(re)), str(v), intArg(n)), '[]string'),
    mustRegexFindAll: def(SSI, (re, v, n) => regexFindAll(patterns.compile(str(re)), str(v), intArg(n)), '[]string', true),
    regexReplaceAll: def(S3, (re, v, r) => replaceAll(patterns.mustCompile(str(re)), str(v), str(r), false), 'string'),
    mustRegexReplaceAll: def(S3, (re, v, r) => replaceAll(patterns.compile(str(re)), str(v), str(r), false), 'string', true),
    regexReplaceAllLiteral: def(S3, (re, v, r) => replaceAll(patterns.mustCompile(str(re)), str(v), str(r), true), 'string'),
    mustRegexReplaceAllLiteral: def(S3, (re, v, r) => replaceAll(patterns.compile(str(re)), str(v), str(r), true), 'string', true),
    regexSplit: def(SSI, (re, v, n) => regexSplit(patterns.mustCompile(str(re)), str(v), intArg(n)), '[]string'),
    mustRegexSplit: def(SSI, (re, v, n) => regexSplit(patterns.compile(str(re)), str(v), intArg(n)), '[]string', true),
    regexQuoteMeta: def(['string'], (v) => quoteMeta(str(v)), 'string'),
  };
}
