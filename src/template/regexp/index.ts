/**
 * Go's `regexp` package in TypeScript: RE2 syntax and semantics (leftmost-first matching,
 * submatches, Go's handling of empty matches in FindAll, ReplaceAll and Split), in time linear in
 * the input (a Pike VM; see exec.ts), with no backtracking through JavaScript's RegExp. The API
 * keeps Go's names; positions are UTF-16 indices (Go's are byte offsets: the strings returned are
 * the same). Limits: Go's syntax limits (repeat counts 1000, nesting depth 1000), programs of at
 * most `MAX_SIZE` instructions, at most `MAX_STEPS` instruction visits and `MAX_CAPTURE_SLOTS`
 * capture positions per call, and optionally a budget shared by many calls (`withSharedBudget`).
 */
import { canBackquote, quoteGo } from '../fmt.js';
import { compile, startCond, type Prog } from './compile.js';
import { Budget, MAX_STEPS, Machine, step } from './exec.js';
import { Perl, capNames, maxCap, parse, simplify } from './syntax.js';

export { Error as SyntaxError, MAX_HEIGHT, MAX_REPEAT, MAX_SIZE } from './syntax.js';
export { Budget, MAX_CAPTURE_SLOTS, MAX_SHARED_STEPS, MAX_STEPS, StepLimitError, withSharedBudget } from './exec.js';

/** A compiled regular expression (Go's `*regexp.Regexp`). */
export class Regexp {
  private readonly prog: Prog;
  private readonly cond: number;
  private readonly numSubexp: number;
  private readonly subexpNames: readonly string[];

  /** Use `Compile` / `MustCompile`. */
  constructor(
    readonly expr: string,
    private readonly maxSteps = MAX_STEPS,
  ) {
    const re = parse(expr, Perl);
    this.numSubexp = maxCap(re);
    this.subexpNames = capNames(re);
    this.prog = compile(simplify(re), expr);
    this.cond = startCond(this.prog);
  }

  /** The source text (Go's `String`). */
  String(): string {
    return this.expr;
  }

  NumSubexp(): number {
    return this.numSubexp;
  }

  SubexpNames(): readonly string[] {
    return this.subexpNames;
  }

  /** Go's `SubexpIndex`: the index of the first group with that name, or -1. */
  SubexpIndex(name: string): number {
    return name === '' ? -1 : this.subexpNames.indexOf(name);
  }

  private budget(): Budget {
    return new Budget(this.maxSteps);
  }

  private machine(ncap: number, budget: Budget): Machine {
    return new Machine(this.prog, this.cond, ncap, budget);
  }

  /** Go's `doExecute` for strings: the capture positions of the first match at or after `pos`. */
  private exec(m: Machine, s: string, pos: number): number[] | undefined {
    return m.match(s, pos);
  }

  MatchString(s: string): boolean {
    return this.exec(this.machine(0, this.budget()), s, 0) !== undefined;
  }

  FindStringIndex(s: string): [number, number] | null {
    const a = this.exec(this.machine(2, this.budget()), s, 0);
    return a ? [a[0] as number, a[1] as number] : null;
  }

  /** The leftmost match, or "" (Go cannot tell "no match" from an empty match here either). */
  FindString(s: string): string {
    const a = this.FindStringIndex(s);
    return a ? s.slice(a[0], a[1]) : '';
  }

  FindStringSubmatchIndex(s: string): number[] | null {
    const a = this.exec(this.machine(this.prog.numCap, this.budget()), s, 0);
    return a ? this.pad(a) : null;
  }

  /** The match and its groups; groups that did not take part are "" (Go's nil slice is null). */
  FindStringSubmatch(s: string): string[] | null {
    const a = this.FindStringSubmatchIndex(s);
    return a ? this.strings(s, a) : null;
  }

  private pad(a: number[]): number[] {
    const n = (1 + this.numSubexp) * 2;
    const out = a.slice(0, n);
    while (out.length < n) out.push(-1);
    return out;
  }

  private strings(s: string, a: readonly number[]): string[] {
    const out: string[] = [];
    for (let i = 0; i + 1 < a.length; i += 2) out.push((a[i] as number) >= 0 ? s.slice(a[i], a[i + 1]) : '');
    return out;
  }

  /** Go's `allMatches`: successive non-overlapping matches; an empty match right after one is skipped. */
  private allMatches(s: string, n: number, ncap: number, deliver: (a: number[]) => void): void {
    const m = this.machine(ncap, this.budget());
    const end = s.length;
    if (n < 0) n = end + 1;
    for (let pos = 0, i = 0, prevMatchEnd = -1; i < n && pos <= end; ) {
      const a = this.exec(m, s, pos);
      if (!a) break;
      let accept = true;
      if (a[1] === pos) {
        if (a[0] === prevMatchEnd) accept = false;
        const width = step(s, pos)[1];
        pos = width > 0 ? pos + width : end + 1;
      } else pos = a[1] as number;
      prevMatchEnd = a[1] as number;
      if (accept) {
        deliver(this.pad(a));
        i++;
      }
    }
  }

  FindAllStringIndex(s: string, n: number): Array<[number, number]> | null {
    const out: Array<[number, number]> = [];
    this.allMatches(s, n, 2, (a) => out.push([a[0] as number, a[1] as number]));
    return out.length === 0 ? null : out;
  }

  /** Go's `FindAllString(s, n)`: up to n matches (all when n < 0); null when there are none. */
  FindAllString(s: string, n: number): string[] | null {
    const out: string[] = [];
    this.allMatches(s, n, 2, (a) => out.push(s.slice(a[0], a[1])));
    return out.length === 0 ? null : out;
  }

  FindAllStringSubmatch(s: string, n: number): string[][] | null {
    const out: string[][] = [];
    this.allMatches(s, n, this.prog.numCap, (a) => out.push(this.strings(s, a)));
    return out.length === 0 ? null : out;
  }

  /** Go's `replaceAll` loop: `repl` appends the replacement for the match positions `a`. */
  private replaceAll(src: string, ncap: number, repl: (a: readonly number[]) => string): string {
    const m = this.machine(Math.min(ncap, this.prog.numCap), this.budget());
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const a = this.exec(m, src, searchPos);
      if (!a) break;
      const [a0, a1] = [a[0] as number, a[1] as number];
      out += src.slice(lastMatchEnd, a0);
      if (a1 > lastMatchEnd || a0 === 0) out += repl(a);
      lastMatchEnd = a1;
      const width = step(src, searchPos)[1];
      if (searchPos + width > a1) searchPos += width;
      else if (searchPos + 1 > a1) searchPos++;
      else searchPos = a1;
    }
    return out + src.slice(lastMatchEnd);
  }

  /** Go's `ReplaceAllString`: `repl` may use `$1`, `${1}`, `$name`, `${name}` and `$$`. */
  ReplaceAllString(src: string, repl: string): string {
    const ncap = repl.includes('$') ? 2 * (this.numSubexp + 1) : 2;
    return this.replaceAll(src, ncap, (a) => this.expand(repl, src, a));
  }

  ReplaceAllLiteralString(src: string, repl: string): string {
    return this.replaceAll(src, 2, () => repl);
  }

  ReplaceAllStringFunc(src: string, repl: (match: string) => string): string {
    return this.replaceAll(src, 2, (a) => repl(src.slice(a[0], a[1])));
  }

  /** Go's `ExpandString` over a match from `FindStringSubmatchIndex`. */
  ExpandString(template: string, src: string, match: readonly number[]): string {
    return this.expand(template, src, match);
  }

  private expand(template: string, src: string, match: readonly number[]): string {
    let out = '';
    let t = template;
    for (;;) {
      const d = t.indexOf('$');
      if (d < 0) break;
      out += t.slice(0, d);
      t = t.slice(d + 1);
      if (t.startsWith('$')) {
        out += '$';
        t = t.slice(1);
        continue;
      }
      const x = extract(t);
      if (!x) {
        out += '$';
        continue;
      }
      t = x.rest;
      const group = (i: number): boolean => {
        if (2 * i + 1 < match.length && (match[2 * i] as number) >= 0) {
          out += src.slice(match[2 * i], match[2 * i + 1]);
          return true;
        }
        return false;
      };
      if (x.num >= 0) group(x.num);
      else {
        for (let i = 0; i < this.subexpNames.length; i++) {
          if (x.name === this.subexpNames[i] && group(i)) break;
        }
      }
    }
    return out + t;
  }

  /** Go's `Split(s, n)`: null for Go's nil slice (n == 0). */
  Split(s: string, n: number): string[] | null {
    if (n === 0) return null;
    if (this.expr.length > 0 && s.length === 0) return [''];
    const matches = this.FindAllStringIndex(s, n) ?? [];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const [m0, m1] of matches) {
      if (n > 0 && out.length >= n - 1) break;
      end = m0;
      if (m1 !== 0) out.push(s.slice(beg, end));
      beg = m1;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]/u;

/** Go's `extract`: a `name`, `{name}`, number or `{number}` at the start of a template. */
function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let s = str;
  const brace = s[0] === '{';
  if (brace) s = s.slice(1);
  let i = 0;
  while (i < s.length) {
    const m = NAME_CHAR.exec(s.slice(i, i + 2));
    if (!m) break;
    i += m[0].length;
  }
  if (i === 0) return undefined;
  const name = s.slice(0, i);
  if (brace) {
    if (i >= s.length || s[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const ch of name) {
    if (ch < '0' || ch > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + ch.charCodeAt(0) - 0x30;
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
}

/**
 * Go's `regexp.Compile`. Throws `SyntaxError` (message: `error parsing regexp: ...`). `maxSteps`
 * (not Go's) is the instruction-visit budget of each call of the result.
 */
export function Compile(expr: string, opts: { maxSteps?: number } = {}): Regexp {
  return new Regexp(expr, opts.maxSteps);
}

/** Go's quoting of a pattern in `MustCompile`'s panic: backquoted when possible. */
export function quote(s: string): string {
  return canBackquote(s) ? '`' + s + '`' : quoteGo(s);
}

/** Go's `regexp.MustCompile`: throws with Go's panic text `regexp: Compile(...): ...`. */
export function MustCompile(expr: string): Regexp {
  try {
    return new Regexp(expr);
  } catch (e) {
    throw new globalThis.Error(`regexp: Compile(${quote(expr)}): ${(e as Error).message}`, { cause: e });
  }
}

/** Go's `regexp.MatchString`. */
export function MatchString(pattern: string, s: string): boolean {
  return Compile(pattern).MatchString(s);
}

/** Go's `regexp.QuoteMeta`. */
export function QuoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}
