/**
 * A port of Go's `regexp/syntax` parser (Perl flags, as `regexp.Compile` uses it): Go's syntax,
 * Go's parse tree, Go's error codes and texts, Go's limits (repeat counts up to 1000, nesting depth
 * 1000), plus a program size cap of this engine's own (`MAX_SIZE`). The parser keeps Go's
 * structure (an explicit stack, no recursion on the pattern) so hostile patterns cannot overflow
 * the JS stack. Go's alternation factoring is left out: it only shrinks programs and never
 * changes what matches. Positions are UTF-16 indices into the pattern; classes are flat sorted
 * range lists as Go's `[]rune`.
 */
import { MAX_FOLD, MAX_RUNE, MIN_FOLD, foldOrbit, foldedExtras, minFoldRune, simpleFold, unicodeTable } from './unicode.js';

// Error codes (Go's ErrorCode strings).
export const ErrInvalidCharClass = 'invalid character class';
export const ErrInvalidCharRange = 'invalid character class range';
export const ErrInvalidEscape = 'invalid escape sequence';
export const ErrInvalidNamedCapture = 'invalid named capture';
export const ErrInvalidPerlOp = 'invalid or unsupported Perl syntax';
export const ErrInvalidRepeatOp = 'invalid nested repetition operator';
export const ErrInvalidRepeatSize = 'invalid repeat count';
export const ErrInvalidUTF8 = 'invalid UTF-8';
export const ErrMissingBracket = 'missing closing ]';
export const ErrMissingParen = 'missing closing )';
export const ErrMissingRepeatArgument = 'missing argument to repetition operator';
export const ErrTrailingBackslash = 'trailing backslash at end of expression';
export const ErrUnexpectedParen = 'unexpected )';
export const ErrNestingDepth = 'expression nests too deeply';
export const ErrLarge = 'expression too large';

/** Go's `*syntax.Error`. */
export class Error extends globalThis.Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = 'RegexpSyntaxError';
  }
}

// Flags.
export const FoldCase = 1;
export const Literal = 2;
export const ClassNL = 4;
export const DotNL = 8;
export const OneLine = 16;
export const NonGreedy = 32;
export const PerlX = 64;
export const UnicodeGroups = 128;
export const WasDollar = 256;
export const Simple = 512;
export const Perl = ClassNL | OneLine | PerlX | UnicodeGroups;

// Ops, in Go's order (mergeCharClass relies on it).
export const OpNoMatch = 1;
export const OpEmptyMatch = 2;
export const OpLiteral = 3;
export const OpCharClass = 4;
export const OpAnyCharNotNL = 5;
export const OpAnyChar = 6;
export const OpBeginLine = 7;
export const OpEndLine = 8;
export const OpBeginText = 9;
export const OpEndText = 10;
export const OpWordBoundary = 11;
export const OpNoWordBoundary = 12;
export const OpCapture = 13;
export const OpStar = 14;
export const OpPlus = 15;
export const OpQuest = 16;
export const OpRepeat = 17;
export const OpConcat = 18;
export const OpAlternate = 19;
const opPseudo = 128;
const opLeftParen = opPseudo;
const opVerticalBar = opPseudo + 1;

/** Go's maxHeight: the deepest parse tree accepted. */
export const MAX_HEIGHT = 1000;
/**
 * The largest program accepted, in instructions. Go allows 3.3 million; a pure-JS matcher costs
 * time proportional to program size × input length, so this engine stops at 100,000 (a thousand
 * `\pL{100}`), with Go's "expression too large".
 */
export const MAX_SIZE = 100_000;
/** The most class ranges (runes) in one pattern (Go: 32 million; `\pL` is about 1,300). */
export const MAX_RUNES = 1 << 20;
/** Go's repeat count limit. */
export const MAX_REPEAT = 1000;

/** A node of the parse tree (Go's `syntax.Regexp`). */
export interface Regexp {
  op: number;
  flags: number;
  sub: Regexp[];
  rune: number[];
  min: number;
  max: number;
  cap: number;
  name: string;
  /** Cached height and compiled size (parse-time limit checks). */
  h?: number;
  sz?: number;
  /** `rune` is known to be sorted and merged (the compiler cleans each class once). */
  clean?: boolean;
}

function node(op: number, flags = 0): Regexp {
  return { op, flags, sub: [], rune: [], min: 0, max: 0, cap: 0, name: '' };
}

const isalnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// Perl and POSIX groups: [sign, ranges].
const DIGIT = [0x30, 0x39];
const SPACE = [0x9, 0xa, 0xc, 0xd, 0x20, 0x20];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const perlGroup: Readonly<Record<string, readonly [number, readonly number[]]>> = {
  '\\d': [1, DIGIT],
  '\\D': [-1, DIGIT],
  '\\s': [1, SPACE],
  '\\S': [-1, SPACE],
  '\\w': [1, WORD],
  '\\W': [-1, WORD],
};
const posixClasses: Readonly<Record<string, readonly number[]>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x0, 0x7f],
  blank: [0x9, 0x9, 0x20, 0x20],
  cntrl: [0x0, 0x1f, 0x7f, 0x7f],
  digit: DIGIT,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x9, 0xd, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// ---------------------------------------------------------------------------------------------
// Character class helpers (Go's range-list functions).

/** Sorts and merges a range list (Go's cleanClass). */
export function cleanClass(r: number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number) + 1) {
      if (hi > (out[n - 1] as number)) out[n - 1] = hi;
      continue;
    }
    out.push(lo, hi);
  }
  return out;
}

function appendRange(r: number[], lo: number, hi: number): number[] {
  r.push(lo, hi);
  return r;
}

function appendFoldedRange(r: number[], lo: number, hi: number): number[] {
  r.push(lo, hi);
  if (lo <= MIN_FOLD && hi >= MAX_FOLD) return r;
  foldedExtras(lo, hi, r);
  return r;
}

function appendClass(r: number[], x: readonly number[]): number[] {
  for (let i = 0; i + 1 < x.length; i += 2) r.push(x[i] as number, x[i + 1] as number);
  return r;
}

function appendFoldedClass(r: number[], x: readonly number[]): number[] {
  for (let i = 0; i + 1 < x.length; i += 2) appendFoldedRange(r, x[i] as number, x[i + 1] as number);
  return r;
}

/** Appends the negation of the clean class `x`. */
function appendNegatedClass(r: number[], x: readonly number[]): number[] {
  let nextLo = 0;
  for (let i = 0; i + 1 < x.length; i += 2) {
    const lo = x[i] as number;
    const hi = x[i + 1] as number;
    if (nextLo <= lo - 1) r.push(nextLo, lo - 1);
    nextLo = hi + 1;
  }
  if (nextLo <= MAX_RUNE) r.push(nextLo, MAX_RUNE);
  return r;
}

function negateClass(r: readonly number[]): number[] {
  return appendNegatedClass([], r);
}

function appendLiteral(r: number[], x: number, flags: number): number[] {
  return flags & FoldCase ? appendFoldedRange(r, x, x) : appendRange(r, x, x);
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  flags: number;
  stack: Regexp[] = [];
  numCap = 0;
  numRunes = 0;

  constructor(
    readonly whole: string,
    flags: number,
  ) {
    this.flags = flags;
  }

  checkLimits(re: Regexp): void {
    if (this.numRunes > MAX_RUNES) throw new Error(ErrLarge, this.whole);
    if (calcSize(re, true) > MAX_SIZE) throw new Error(ErrLarge, this.whole);
    if (calcHeight(re, true) > MAX_HEIGHT) throw new Error(ErrNestingDepth, this.whole);
  }

  push(re: Regexp): Regexp | undefined {
    this.numRunes += re.rune.length;
    const r = re.rune;
    if (re.op === OpCharClass && r.length === 2 && r[0] === r[1]) {
      if (this.maybeConcat(r[0] as number, this.flags & ~FoldCase)) return undefined;
      re.op = OpLiteral;
      re.rune = [r[0] as number];
      re.flags = this.flags & ~FoldCase;
    } else if (
      (re.op === OpCharClass &&
        r.length === 4 &&
        r[0] === r[1] &&
        r[2] === r[3] &&
        simpleFold(r[0] as number) === r[2] &&
        simpleFold(r[2] as number) === r[0]) ||
      (re.op === OpCharClass && r.length === 2 && (r[0] as number) + 1 === r[1] && simpleFold(r[0] as number) === r[1] && simpleFold(r[1] as number) === r[0])
    ) {
      if (this.maybeConcat(r[0] as number, this.flags | FoldCase)) return undefined;
      re.op = OpLiteral;
      re.rune = [r[0] as number];
      re.flags = this.flags | FoldCase;
    } else {
      this.maybeConcat(-1, 0);
    }
    this.stack.push(re);
    this.checkLimits(re);
    return re;
  }

  maybeConcat(r: number, flags: number): boolean {
    const n = this.stack.length;
    if (n < 2) return false;
    const re1 = this.stack[n - 1] as Regexp;
    const re2 = this.stack[n - 2] as Regexp;
    if (re1.op !== OpLiteral || re2.op !== OpLiteral || (re1.flags & FoldCase) !== (re2.flags & FoldCase)) return false;
    re2.rune.push(...re1.rune);
    re2.sz = undefined;
    if (r >= 0) {
      re1.rune = [r];
      re1.flags = flags;
      re1.sz = undefined;
      return true;
    }
    this.stack.pop();
    return false;
  }

  literal(r: number): void {
    const re = node(OpLiteral, this.flags);
    re.rune = [this.flags & FoldCase ? minFoldRune(r) : r];
    this.push(re);
  }

  op(op: number): Regexp | undefined {
    return this.push(node(op, this.flags));
  }

  /** Handles a repetition operator; `before` is where it starts, `after` where it ends. */
  repeat(op: number, min: number, max: number, before: number, after: number, lastRepeat: number): number {
    let flags = this.flags;
    const s = this.whole;
    if (this.flags & PerlX) {
      if (after < s.length && s[after] === '?') {
        after++;
        flags ^= NonGreedy;
      }
      if (lastRepeat >= 0) throw new Error(ErrInvalidRepeatOp, s.slice(lastRepeat, after));
    }
    const n = this.stack.length;
    const sub = this.stack[n - 1];
    if (sub === undefined || sub.op >= opPseudo) throw new Error(ErrMissingRepeatArgument, s.slice(before, after));
    const re = node(op, flags);
    re.min = min;
    re.max = max;
    re.sub = [sub];
    this.stack[n - 1] = re;
    this.checkLimits(re);
    if (op === OpRepeat && (min >= 2 || max >= 2) && !repeatIsValid(re, MAX_REPEAT)) {
      throw new Error(ErrInvalidRepeatSize, s.slice(before, after));
    }
    return after;
  }

  concat(): Regexp | undefined {
    this.maybeConcat(-1, 0);
    let i = this.stack.length;
    while (i > 0 && (this.stack[i - 1] as Regexp).op < opPseudo) i--;
    const subs = this.stack.splice(i);
    if (subs.length === 0) return this.push(node(OpEmptyMatch));
    return this.push(this.collapse(subs, OpConcat));
  }

  alternate(): Regexp | undefined {
    let i = this.stack.length;
    while (i > 0 && (this.stack[i - 1] as Regexp).op < opPseudo) i--;
    const subs = this.stack.splice(i);
    if (subs.length > 0) cleanAlt(subs[subs.length - 1] as Regexp);
    if (subs.length === 0) return this.push(node(OpNoMatch));
    return this.push(this.collapse(subs, OpAlternate));
  }

  collapse(subs: Regexp[], op: number): Regexp {
    if (subs.length === 1) return subs[0] as Regexp;
    const re = node(op);
    for (const sub of subs) {
      if (sub.op === op) re.sub.push(...sub.sub);
      else re.sub.push(sub);
    }
    if (op === OpAlternate) {
      // Go's round 4 of factor: runs of empty matches collapse into one.
      re.sub = re.sub.filter((s, i, a) => !(s.op === OpEmptyMatch && a[i + 1]?.op === OpEmptyMatch));
      if (re.sub.length === 1) return re.sub[0] as Regexp;
    }
    return re;
  }

  parseVerticalBar(): void {
    this.concat();
    if (!this.swapVerticalBar()) this.op(opVerticalBar);
  }

  swapVerticalBar(): boolean {
    const st = this.stack;
    const n = st.length;
    if (n >= 3 && (st[n - 2] as Regexp).op === opVerticalBar && isCharClass(st[n - 1] as Regexp) && isCharClass(st[n - 3] as Regexp)) {
      let re1 = st[n - 1] as Regexp;
      let re3 = st[n - 3] as Regexp;
      if (re1.op > re3.op) {
        [re1, re3] = [re3, re1];
        st[n - 3] = re3;
      }
      mergeCharClass(re3, re1);
      st.pop();
      return true;
    }
    if (n >= 2) {
      const re1 = st[n - 1] as Regexp;
      const re2 = st[n - 2] as Regexp;
      if (re2.op === opVerticalBar) {
        if (n >= 3) cleanAlt(st[n - 3] as Regexp);
        st[n - 2] = re1;
        st[n - 1] = re2;
        return true;
      }
    }
    return false;
  }

  parseRightParen(): void {
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    const n = this.stack.length;
    if (n < 2) throw new Error(ErrUnexpectedParen, this.whole);
    const re1 = this.stack[n - 1] as Regexp;
    const re2 = this.stack[n - 2] as Regexp;
    this.stack.length = n - 2;
    if (re2.op !== opLeftParen) throw new Error(ErrUnexpectedParen, this.whole);
    this.flags = re2.flags;
    if (re2.cap === 0) {
      this.push(re1);
    } else {
      re2.op = OpCapture;
      re2.sub = [re1];
      this.push(re2);
    }
  }

  /** Decodes the rune at `i`; throws Go's invalid UTF-8 error for a lone surrogate. */
  nextRune(i: number): [number, number] {
    const s = this.whole;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return [(c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000, i + 2];
    }
    if (c >= 0xd800 && c <= 0xdfff) throw new Error(ErrInvalidUTF8, s.slice(i));
    return [c, i + 1];
  }

  /** Parses an escape at `i` (a backslash); returns the rune and the index after it. */
  parseEscape(i: number): [number, number] {
    const s = this.whole;
    let t = i + 1;
    if (t >= s.length) throw new Error(ErrTrailingBackslash, '');
    let c: number;
    [c, t] = this.nextRune(t);
    const bad = (): never => {
      throw new Error(ErrInvalidEscape, s.slice(i, t));
    };
    const cc = String.fromCodePoint(c);
    if (cc >= '1' && cc <= '7') {
      // A single non-zero digit is a backreference; not supported.
      if (t >= s.length || s[t]! < '0' || s[t]! > '7') return bad();
    }
    if (cc >= '0' && cc <= '7') {
      let r = c - 0x30;
      for (let k = 1; k < 3; k++) {
        if (t >= s.length || s[t]! < '0' || s[t]! > '7') break;
        r = r * 8 + s.charCodeAt(t) - 0x30;
        t++;
      }
      return [r, t];
    }
    switch (cc) {
      case 'x': {
        if (t >= s.length) return bad();
        [c, t] = this.nextRune(t);
        if (c === 0x7b /* { */) {
          let nhex = 0;
          let r = 0;
          for (;;) {
            if (t >= s.length) return bad();
            [c, t] = this.nextRune(t);
            if (c === 0x7d /* } */) break;
            const v = unhex(c);
            if (v < 0) return bad();
            r = r * 16 + v;
            if (r > MAX_RUNE) return bad();
            nhex++;
          }
          if (nhex === 0) return bad();
          return [r, t];
        }
        const x = unhex(c);
        if (t >= s.length) {
          // Go decodes an empty rest as RuneError (not an error), then fails the hex check.
          return bad();
        }
        [c, t] = this.nextRune(t);
        const y = unhex(c);
        if (x < 0 || y < 0) return bad();
        return [x * 16 + y, t];
      }
      case 'a':
        return [7, t];
      case 'f':
        return [12, t];
      case 'n':
        return [10, t];
      case 'r':
        return [13, t];
      case 't':
        return [9, t];
      case 'v':
        return [11, t];
      default:
        if (c < 0x80 && !isalnum(c)) return [c, t];
    }
    return bad();
  }

  parseClassChar(i: number, wholeClassStart: number): [number, number] {
    if (i >= this.whole.length) throw new Error(ErrMissingBracket, this.whole.slice(wholeClassStart));
    if (this.whole[i] === '\\') return this.parseEscape(i);
    return this.nextRune(i);
  }

  appendGroup(r: number[], sign: number, cls: readonly number[]): number[] {
    if (!(this.flags & FoldCase)) return sign < 0 ? appendNegatedClass(r, cls) : appendClass(r, cls);
    const tmp = cleanClass(appendFoldedClass([], cls));
    return sign < 0 ? appendNegatedClass(r, tmp) : appendClass(r, tmp);
  }

  /** `\d`-style class at `i`; returns the new index, or -1 when there is none. */
  parsePerlClassEscape(i: number, r: number[]): number {
    const s = this.whole;
    if (!(this.flags & PerlX) || i + 1 >= s.length || s[i] !== '\\') return -1;
    const g = perlGroup[s.slice(i, i + 2)];
    if (g === undefined) return -1;
    this.appendGroup(r, g[0], g[1]);
    return i + 2;
  }

  /** `[:alpha:]` at `i`; returns the new index, or -1 when there is none. */
  parseNamedClass(i: number, r: number[]): number {
    const s = this.whole;
    if (s[i] !== '[' || s[i + 1] !== ':') return -1;
    const end = s.indexOf(':]', i + 2);
    if (end < 0) return -1;
    const name = s.slice(i, end + 2);
    let inner = s.slice(i + 2, end);
    let sign = 1;
    if (inner.startsWith('^')) {
      sign = -1;
      inner = inner.slice(1);
    }
    const cls = Object.hasOwn(posixClasses, inner) ? posixClasses[inner] : undefined;
    if (cls === undefined) throw new Error(ErrInvalidCharRange, name);
    this.appendGroup(r, sign, cls);
    return end + 2;
  }

  /** `\pL` / `\p{Greek}` at `i`; returns the new index, or -1 when there is none. */
  parseUnicodeClass(i: number, r: number[]): number {
    const s = this.whole;
    if (!(this.flags & UnicodeGroups) || s[i] !== '\\' || (s[i + 1] !== 'p' && s[i + 1] !== 'P')) return -1;
    let sign = s[i + 1] === 'P' ? -1 : 1;
    // Go decodes the missing name as an (unknown) empty one.
    if (i + 2 >= s.length) throw new Error(ErrInvalidCharRange, s.slice(i));
    const [c, t0] = this.nextRune(i + 2);
    let seq: string;
    let name: string;
    let t: number;
    if (c !== 0x7b) {
      seq = s.slice(i, t0);
      name = seq.slice(2);
      t = t0;
    } else {
      const end = s.indexOf('}', i);
      if (end < 0) {
        for (let k = i; k < s.length; ) k = this.nextRune(k)[1];
        throw new Error(ErrInvalidCharRange, s.slice(i));
      }
      seq = s.slice(i, end + 1);
      name = s.slice(i + 3, end);
      t = end + 1;
    }
    if (name.startsWith('^')) {
      sign = -sign;
      name = name.slice(1);
    }
    const tab = unicodeTable(name);
    if (!tab) throw new Error(ErrInvalidCharRange, seq);
    if (tab.negate) sign = -sign;
    const cls = this.flags & FoldCase ? cleanClass(appendFoldedClass([], tab.ranges)) : tab.ranges;
    if (sign > 0) appendClass(r, cls);
    else appendNegatedClass(r, cls);
    return t;
  }

  parseClass(start: number): number {
    const s = this.whole;
    let t = start + 1;
    const re = node(OpCharClass, this.flags);
    let cls: number[] = [];
    let sign = 1;
    if (s[t] === '^') {
      sign = -1;
      t++;
      if (!(this.flags & ClassNL)) cls.push(10, 10);
    }
    let first = true;
    while (t >= s.length || s[t] !== ']' || first) {
      if (t < s.length && s[t] === '-' && !(this.flags & PerlX) && !first && (t + 1 === s.length || s[t + 1] !== ']')) {
        throw new Error(ErrInvalidCharRange, s.slice(t, this.nextRune(t + 1)[1]));
      }
      first = false;
      if (t + 2 < s.length && s[t] === '[' && s[t + 1] === ':') {
        const nt = this.parseNamedClass(t, cls);
        if (nt >= 0) {
          t = nt;
          continue;
        }
      }
      let nt = this.parseUnicodeClass(t, cls);
      if (nt >= 0) {
        t = nt;
        continue;
      }
      nt = this.parsePerlClassEscape(t, cls);
      if (nt >= 0) {
        t = nt;
        continue;
      }
      const rng = t;
      let lo: number;
      [lo, t] = this.parseClassChar(t, start);
      let hi = lo;
      if (t + 1 < s.length && s[t] === '-' && s[t + 1] !== ']') {
        t++;
        [hi, t] = this.parseClassChar(t, start);
        if (hi < lo) throw new Error(ErrInvalidCharRange, s.slice(rng, t));
      }
      if (!(this.flags & FoldCase)) appendRange(cls, lo, hi);
      else appendFoldedRange(cls, lo, hi);
    }
    t++;
    cls = cleanClass(cls);
    if (sign < 0) cls = negateClass(cls);
    re.rune = cls;
    this.push(re);
    return t;
  }

  /** Parses `(?flags)`, `(?flags:`, `(?P<name>` or `(?<name>` at `i`; returns the index after it. */
  parsePerlFlags(i: number): number {
    const s = this.whole;
    const startsWithP = s.length - i > 4 && s[i + 2] === 'P' && s[i + 3] === '<';
    const startsWithName = s.length - i > 3 && s[i + 2] === '<';
    if (startsWithP || startsWithName) {
      const exprStart = i + (startsWithP ? 4 : 3);
      const end = s.indexOf('>', i);
      if (end < 0) {
        for (let k = i; k < s.length; ) k = this.nextRune(k)[1];
        throw new Error(ErrInvalidNamedCapture, s.slice(i));
      }
      const capture = s.slice(i, end + 1);
      const name = s.slice(exprStart, end);
      for (let k = exprStart; k < end; ) k = this.nextRune(k)[1];
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(ErrInvalidNamedCapture, capture);
      this.numCap++;
      const re = this.op(opLeftParen) as Regexp;
      re.cap = this.numCap;
      re.name = name;
      return end + 1;
    }
    let t = i + 2;
    let flags = this.flags;
    let sign = 1;
    let sawFlag = false;
    while (t < s.length) {
      let c: number;
      [c, t] = this.nextRune(t);
      const ch = String.fromCodePoint(c);
      if (ch === 'i') {
        flags |= FoldCase;
        sawFlag = true;
      } else if (ch === 'm') {
        flags &= ~OneLine;
        sawFlag = true;
      } else if (ch === 's') {
        flags |= DotNL;
        sawFlag = true;
      } else if (ch === 'U') {
        flags |= NonGreedy;
        sawFlag = true;
      } else if (ch === '-') {
        if (sign < 0) break;
        sign = -1;
        flags = ~flags;
        sawFlag = false;
      } else if (ch === ':' || ch === ')') {
        if (sign < 0) {
          if (!sawFlag) break;
          flags = ~flags;
        }
        if (ch === ':') this.op(opLeftParen);
        this.flags = flags;
        return t;
      } else break;
    }
    throw new Error(ErrInvalidPerlOp, s.slice(i, t));
  }

  /** Parses `{min}`, `{min,}` or `{min,max}` at `i`; min -1 means a number too big. */
  parseRepeat(i: number): { min: number; max: number; end: number } | undefined {
    const s = this.whole;
    if (s[i] !== '{') return undefined;
    let t = i + 1;
    const a = parseInt(s, t);
    if (!a) return undefined;
    let min = a.n;
    let max: number;
    t = a.end;
    if (t >= s.length) return undefined;
    if (s[t] !== ',') max = min;
    else {
      t++;
      if (t >= s.length) return undefined;
      if (s[t] === '}') max = -1;
      else {
        const b = parseInt(s, t);
        if (!b) return undefined;
        max = b.n;
        t = b.end;
        if (max < 0) min = -1;
      }
    }
    if (t >= s.length || s[t] !== '}') return undefined;
    return { min, max, end: t + 1 };
  }
}

function parseInt(s: string, i: number): { n: number; end: number } | undefined {
  const digit = (k: number): boolean => k < s.length && s[k]! >= '0' && s[k]! <= '9';
  if (!digit(i)) return undefined;
  if (s[i] === '0' && digit(i + 1)) return undefined;
  let t = i;
  while (digit(t)) t++;
  let n = 0;
  for (let k = i; k < t; k++) {
    if (n >= 1e8) {
      n = -1;
      break;
    }
    n = n * 10 + s.charCodeAt(k) - 0x30;
  }
  return { n, end: t };
}

function repeatIsValid(re: Regexp, n: number): boolean {
  if (re.op === OpRepeat) {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  return re.sub.every((sub) => repeatIsValid(sub, n));
}

function calcSize(re: Regexp, force: boolean): number {
  if (!force && re.sz !== undefined) return re.sz;
  let size = 0;
  switch (re.op) {
    case OpLiteral:
      size = re.rune.length;
      break;
    case OpCapture:
    case OpStar:
      size = 2 + calcSize(re.sub[0] as Regexp, false);
      break;
    case OpPlus:
    case OpQuest:
      size = 1 + calcSize(re.sub[0] as Regexp, false);
      break;
    case OpConcat:
    case OpAlternate:
      for (const sub of re.sub) size += calcSize(sub, false);
      if (re.op === OpAlternate && re.sub.length > 1) size += re.sub.length - 1;
      break;
    case OpRepeat: {
      const sub = calcSize(re.sub[0] as Regexp, false);
      if (re.max === -1) size = re.min === 0 ? 2 + sub : 1 + re.min * sub;
      else size = re.max * sub + (re.max - re.min);
      break;
    }
  }
  re.sz = Math.max(1, size);
  return re.sz;
}

function calcHeight(re: Regexp, force: boolean): number {
  if (!force && re.h !== undefined) return re.h;
  let h = 1;
  for (const sub of re.sub) h = Math.max(h, 1 + calcHeight(sub, false));
  re.h = h;
  return h;
}

function isCharClass(re: Regexp): boolean {
  return (re.op === OpLiteral && re.rune.length === 1) || re.op === OpCharClass || re.op === OpAnyCharNotNL || re.op === OpAnyChar;
}

function matchRune(re: Regexp, r: number): boolean {
  switch (re.op) {
    case OpLiteral:
      return re.rune.length === 1 && re.rune[0] === r;
    case OpCharClass:
      for (let i = 0; i + 1 < re.rune.length; i += 2) if ((re.rune[i] as number) <= r && r <= (re.rune[i + 1] as number)) return true;
      return false;
    case OpAnyCharNotNL:
      return r !== 10;
    case OpAnyChar:
      return true;
  }
  return false;
}

function mergeCharClass(dst: Regexp, src: Regexp): void {
  switch (dst.op) {
    case OpAnyChar:
      break;
    case OpAnyCharNotNL:
      if (matchRune(src, 10)) dst.op = OpAnyChar;
      break;
    case OpCharClass:
      if (src.op === OpLiteral) appendLiteral(dst.rune, src.rune[0] as number, src.flags);
      else appendClass(dst.rune, src.rune);
      break;
    case OpLiteral: {
      if (src.rune[0] === dst.rune[0] && src.flags === dst.flags) break;
      dst.op = OpCharClass;
      const r = appendLiteral([], dst.rune[0] as number, dst.flags);
      dst.rune = appendLiteral(r, src.rune[0] as number, src.flags);
      break;
    }
  }
}

function cleanAlt(re: Regexp): void {
  if (re.op !== OpCharClass) return;
  re.rune = cleanClass(re.rune);
  const r = re.rune;
  if (r.length === 2 && r[0] === 0 && r[1] === MAX_RUNE) {
    re.rune = [];
    re.op = OpAnyChar;
  } else if (r.length === 4 && r[0] === 0 && r[1] === 9 && r[2] === 11 && r[3] === MAX_RUNE) {
    re.rune = [];
    re.op = OpAnyCharNotNL;
  }
}

/** Go's `syntax.Parse`. Throws `Error`. */
export function parse(s: string, flags: number): Regexp {
  if (flags & Literal) {
    const p = new Parser(s, flags);
    const re = node(OpLiteral, flags);
    for (let i = 0; i < s.length; ) {
      const [c, n] = p.nextRune(i);
      re.rune.push(c);
      i = n;
    }
    return re;
  }
  const p = new Parser(s, flags);
  let t = 0;
  let lastRepeat = -1;
  while (t < s.length) {
    let repeat = -1;
    const ch = s[t];
    switch (ch) {
      case '(':
        if (p.flags & PerlX && s[t + 1] === '?') {
          t = p.parsePerlFlags(t);
          break;
        }
        p.numCap++;
        (p.op(opLeftParen) as Regexp).cap = p.numCap;
        t++;
        break;
      case '|':
        p.parseVerticalBar();
        t++;
        break;
      case ')':
        p.parseRightParen();
        t++;
        break;
      case '^':
        p.op(p.flags & OneLine ? OpBeginText : OpBeginLine);
        t++;
        break;
      case '$':
        if (p.flags & OneLine) (p.op(OpEndText) as Regexp).flags |= WasDollar;
        else p.op(OpEndLine);
        t++;
        break;
      case '.':
        p.op(p.flags & DotNL ? OpAnyChar : OpAnyCharNotNL);
        t++;
        break;
      case '[':
        t = p.parseClass(t);
        break;
      case '*':
      case '+':
      case '?': {
        const op = ch === '*' ? OpStar : ch === '+' ? OpPlus : OpQuest;
        const before = t;
        t = p.repeat(op, 0, 0, before, t + 1, lastRepeat);
        repeat = before;
        break;
      }
      case '{': {
        const before = t;
        const r = p.parseRepeat(t);
        if (!r) {
          p.literal(0x7b);
          t++;
          break;
        }
        if (r.min < 0 || r.min > MAX_REPEAT || r.max > MAX_REPEAT || (r.max >= 0 && r.min > r.max)) {
          throw new Error(ErrInvalidRepeatSize, s.slice(before, r.end));
        }
        t = p.repeat(OpRepeat, r.min, r.max, before, r.end, lastRepeat);
        repeat = before;
        break;
      }
      case '\\': {
        if (p.flags & PerlX && t + 1 < s.length) {
          const e = s[t + 1];
          let done = true;
          switch (e) {
            case 'A':
              p.op(OpBeginText);
              t += 2;
              break;
            case 'b':
              p.op(OpWordBoundary);
              t += 2;
              break;
            case 'B':
              p.op(OpNoWordBoundary);
              t += 2;
              break;
            case 'C':
              throw new Error(ErrInvalidEscape, s.slice(t, t + 2));
            case 'Q': {
              const end = s.indexOf('\\E', t + 2);
              const stop = end < 0 ? s.length : end;
              for (let k = t + 2; k < stop; ) {
                const [c, n] = p.nextRune(k);
                p.literal(c);
                k = n;
              }
              t = end < 0 ? s.length : end + 2;
              break;
            }
            case 'z':
              p.op(OpEndText);
              t += 2;
              break;
            default:
              done = false;
          }
          if (done) break;
        }
        const re = node(OpCharClass, p.flags);
        if (s[t + 1] === 'p' || s[t + 1] === 'P') {
          const nt = p.parseUnicodeClass(t, re.rune);
          if (nt >= 0) {
            re.rune = cleanClass(re.rune);
            t = nt;
            p.push(re);
            break;
          }
        }
        const nt = p.parsePerlClassEscape(t, re.rune);
        if (nt >= 0) {
          re.rune = cleanClass(re.rune);
          t = nt;
          p.push(re);
          break;
        }
        const [c, n] = p.parseEscape(t);
        t = n;
        p.literal(c);
        break;
      }
      default: {
        const [c, n] = p.nextRune(t);
        t = n;
        p.literal(c);
      }
    }
    lastRepeat = repeat;
  }
  p.concat();
  if (p.swapVerticalBar()) p.stack.pop();
  p.alternate();
  if (p.stack.length !== 1) throw new Error(ErrMissingParen, s);
  return p.stack[0] as Regexp;
}

// ---------------------------------------------------------------------------------------------
// Tree queries and Simplify

/** Go's `(*Regexp).MaxCap`. */
export function maxCap(re: Regexp): number {
  let m = re.op === OpCapture ? re.cap : 0;
  for (const sub of re.sub) m = Math.max(m, maxCap(sub));
  return m;
}

/** Go's `(*Regexp).CapNames`. */
export function capNames(re: Regexp): string[] {
  const names = new Array<string>(maxCap(re) + 1).fill('');
  const walk = (r: Regexp): void => {
    if (r.op === OpCapture) names[r.cap] = r.name;
    for (const sub of r.sub) walk(sub);
  };
  walk(re);
  return names;
}

/** Go's `(*Regexp).Simplify`: counted repetitions become stars, pluses, quests and copies. */
export function simplify(re: Regexp): Regexp {
  switch (re.op) {
    case OpCapture:
    case OpConcat:
    case OpAlternate: {
      const subs = re.sub.map(simplify);
      if (subs.every((s, i) => s === re.sub[i])) return re;
      return { ...re, sub: subs };
    }
    case OpStar:
    case OpPlus:
    case OpQuest:
      return simplify1(re.op, re.flags, simplify(re.sub[0] as Regexp), re);
    case OpRepeat: {
      if (re.min === 0 && re.max === 0) return node(OpEmptyMatch);
      const sub = simplify(re.sub[0] as Regexp);
      if (re.max === -1) {
        if (re.min === 0) return simplify1(OpStar, re.flags, sub, undefined);
        if (re.min === 1) return simplify1(OpPlus, re.flags, sub, undefined);
        const nre = node(OpConcat);
        for (let i = 0; i < re.min - 1; i++) nre.sub.push(sub);
        nre.sub.push(simplify1(OpPlus, re.flags, sub, undefined));
        return nre;
      }
      if (re.min === 1 && re.max === 1) return sub;
      let prefix: Regexp | undefined;
      if (re.min > 0) {
        prefix = node(OpConcat);
        for (let i = 0; i < re.min; i++) prefix.sub.push(sub);
      }
      if (re.max > re.min) {
        let suffix = simplify1(OpQuest, re.flags, sub, undefined);
        for (let i = re.min + 1; i < re.max; i++) {
          const nre2 = node(OpConcat);
          nre2.sub = [sub, suffix];
          suffix = simplify1(OpQuest, re.flags, nre2, undefined);
        }
        if (!prefix) return suffix;
        prefix.sub.push(suffix);
      }
      return prefix ?? node(OpNoMatch);
    }
  }
  return re;
}

function simplify1(op: number, flags: number, sub: Regexp, re: Regexp | undefined): Regexp {
  if (sub.op === OpEmptyMatch) return sub;
  if (op === sub.op && (flags & NonGreedy) === (sub.flags & NonGreedy)) return sub;
  if (re && re.op === op && (re.flags & NonGreedy) === (flags & NonGreedy) && sub === re.sub[0]) return re;
  const n = node(op, flags);
  n.sub = [sub];
  return n;
}

/** Whether `r` folds to any other rune (Go: `unicode.SimpleFold(r) != r`). */
export function hasFold(r: number): boolean {
  return foldOrbit(r) !== undefined;
}
