/**
 * Sprig's `regex*` functions. Sprig runs Go's `regexp`; these run its port (../regexp): RE2
 * syntax and leftmost-first semantics, linear time, Go's error texts. Compile errors and the
 * matcher's limits become the functions' `GoFuncError`s; compiled patterns are cached, since a
 * template calls the same pattern once per value; and all calls through one function map share
 * one step budget (`MAX_SHARED_STEPS`), so a template cannot multiply the per-call bound by
 * looping.
 */
import { Budget, Compile, MAX_SHARED_STEPS, QuoteMeta, quote, StepLimitError, SyntaxError, withSharedBudget, type Regexp } from '../regexp/index.js';
import type { GoValue } from '../value.js';
import { intArg, stringSlice } from './sprig-values.js';
import { defineFunc, GoFuncError, type FuncMap } from './types.js';

/** A compiled Go regular expression. */
export type GoRegexp = Regexp;

/** Patterns kept compiled (most recently used last); only short patterns are kept. */
const CACHE_ENTRIES = 64;
const CACHE_PATTERN_LENGTH = 256;
const cache = new Map<string, Regexp>();

/** Go's `regexp.Compile`. Throws `GoFuncError` with Go's `error parsing regexp: ...` message. */
export function compileGo(expr: string): GoRegexp {
  const hit = cache.get(expr);
  if (hit) {
    cache.delete(expr);
    cache.set(expr, hit);
    return hit;
  }
  let re: Regexp;
  try {
    re = Compile(expr);
  } catch (e) {
    if (e instanceof SyntaxError) throw new GoFuncError(e.message);
    throw e;
  }
  if (expr.length <= CACHE_PATTERN_LENGTH) {
    cache.set(expr, re);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  return re;
}

/** Go's `regexp.MustCompile`: the panic message sprig's functions surface. */
export function mustCompileGo(expr: string): GoRegexp {
  try {
    return compileGo(expr);
  } catch (e) {
    throw new GoFuncError(`regexp: Compile(${quote(expr)}): ${(e as Error).message}`);
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
function regexMatch(re: string, v: string): boolean {
  let g: GoRegexp;
  try {
    g = compileGo(re);
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
 * `mustRegexX` returns Go's compile error. Each map gets its own shared step budget.
 */
export function sprigRegexFuncs(): FuncMap {
  const budget = new Budget(MAX_SHARED_STEPS, 'steps in all regular expression calls of this run');
  const str = (v: GoValue): string => v as string;
  /** Defines a function whose matching is charged to this map's budget. */
  const def = (params: readonly string[], fn: (...a: GoValue[]) => GoValue, result: string, returnsError = false) =>
    defineFunc(params, (...a) => withSharedBudget(budget, () => fn(...a)), returnsError ? { result, returnsError } : { result });
  const S2 = ['string', 'string'];
  const S3 = ['string', 'string', 'string'];
  const SSI = ['string', 'string', 'int'];
  return {
    regexMatch: def(S2, (re, v) => regexMatch(str(re), str(v)), 'bool'),
    mustRegexMatch: def(S2, (re, v) => matchString(compileGo(str(re)), str(v)), 'bool', true),
    regexFind: def(S2, (re, v) => findString(mustCompileGo(str(re)), str(v)), 'string'),
    mustRegexFind: def(S2, (re, v) => findString(compileGo(str(re)), str(v)), 'string', true),
    regexFindAll: def(SSI, (re, v, n) => regexFindAll(mustCompileGo(str(re)), str(v), intArg(n)), '[]string'),
    mustRegexFindAll: def(SSI, (re, v, n) => regexFindAll(compileGo(str(re)), str(v), intArg(n)), '[]string', true),
    regexReplaceAll: def(S3, (re, v, r) => replaceAll(mustCompileGo(str(re)), str(v), str(r), false), 'string'),
    mustRegexReplaceAll: def(S3, (re, v, r) => replaceAll(compileGo(str(re)), str(v), str(r), false), 'string', true),
    regexReplaceAllLiteral: def(S3, (re, v, r) => replaceAll(mustCompileGo(str(re)), str(v), str(r), true), 'string'),
    mustRegexReplaceAllLiteral: def(S3, (re, v, r) => replaceAll(compileGo(str(re)), str(v), str(r), true), 'string', true),
    regexSplit: def(SSI, (re, v, n) => regexSplit(mustCompileGo(str(re)), str(v), intArg(n)), '[]string'),
    mustRegexSplit: def(SSI, (re, v, n) => regexSplit(compileGo(str(re)), str(v), intArg(n)), '[]string', true),
    regexQuoteMeta: def(['string'], (v) => quoteMeta(str(v)), 'string'),
  };
}
