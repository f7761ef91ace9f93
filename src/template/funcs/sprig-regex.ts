/**
 * Sprig's `regex*` functions run Go's `regexp`; here they run its port (../regexp): RE2 syntax
 * and leftmost-first semantics, linear time, Go's error texts. This module adapts it to the
 * function library: compile errors and the matcher's step limit become `GoFuncError`s, and
 * compiled patterns are cached, since a template calls the same pattern once per value. It does
 * not define template functions (see `sprig.ts`).
 */
import { Compile, QuoteMeta, quote, StepLimitError, SyntaxError, type Regexp } from '../regexp/index.js';
import { GoFuncError } from './types.js';

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
