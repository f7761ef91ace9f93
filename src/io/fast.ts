/**
 * A fast reader for the plain block-YAML that Kubernetes tools write (kpt, kustomize, kubectl,
 * hand-written manifests): block maps and sequences, single-line plain and quoted scalars,
 * literal block scalars, one-line flow collections, comments. It turns one document (or one
 * ResourceList item) into plain JSON values several times faster than building `yaml` Documents.
 *
 * It is only an accelerator: for anything outside that subset (anchors, tags, folded or multi-line
 * scalars, tabs, duplicate keys, errors of any kind...) it gives up (`BAIL`) and the caller parses
 * the same text with `yaml`, which is the authority for both values and error messages. So it must
 * never accept text that `yaml` rejects, nor return a value `yaml` would not (checked by a
 * differential property test). It does not keep comments or positions; editing is done on `yaml`
 * Documents elsewhere.
 */
import type { Json, JsonObject } from '../kube/types.js';
import { controlCharacter, MAX_DEPTH } from './errors.js';

export const BAIL: unique symbol = Symbol('bail');

class Bail {}
const bail = new Bail();

const SP = 32;
const NL = 10;
const CR = 13;
const HASH = 35;
const DASH = 45;
const COLON = 58;

/** Characters that may not start a plain scalar or key in our subset. */
const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

const RE_NULL = /^(?:~|[Nn]ull|NULL)$/;
const RE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const RE_OCT = /^0o[0-7]+$/;
const RE_INT = /^[-+]?[0-9]+$/;
const RE_HEX = /^0x[0-9a-fA-F]+$/;
const RE_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const RE_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const RE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** Resolves a plain scalar with the YAML 1.2 core schema, as `yaml` does with `schema: 'core'`. */
export function resolvePlain(s: string): Json {
  const c = s.charCodeAt(0);
  // Only these first characters can start a non-string: ~ n N t T f F digits + - .
  if (
    !(
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 45 ||
      c === 46 ||
      c === 126 ||
      c === 110 ||
      c === 78 ||
      c === 116 ||
      c === 84 ||
      c === 102 ||
      c === 70
    )
  )
    return s;
  if (RE_NULL.test(s)) return null;
  if (RE_BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (RE_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (RE_INT.test(s)) return parseInt(s, 10);
  if (RE_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (RE_NAN_INF.test(s)) throw bail; // not JSON
  if (RE_EXP.test(s)) return parseFloat(s);
  if (RE_FLOAT.test(s)) return parseFloat(s);
  return s;
}

/**
 * `s.indexOf(needle, from)` bounded to `end` (the end of the line or node being read): -1 when
 * the needle does not start before `end`. A plain `indexOf` would scan to the end of the whole
 * input each time the needle is missing (a comment-free input), which is quadratic.
 */
export function indexWithin(s: string, needle: string, from: number, end: number): number {
  const c0 = needle.charCodeAt(0);
  const last = end - needle.length;
  for (let i = from; i <= last; i++) if (s.charCodeAt(i) === c0 && (needle.length === 1 || s.startsWith(needle, i))) return i;
  return -1;
}

class FastParser {
  /** Next content position after the node just parsed (-1: none) and its indentation. */
  p = -1;
  ind = 0;
  depth = 0;

  constructor(
    readonly s: string,
    readonly end: number,
  ) {}

  /** End of the line containing q (index of '\n' or `end`). */
  lineEnd(q: number): number {
    const nl = this.s.indexOf('\n', q);
    return nl === -1 || nl > this.end ? this.end : nl;
  }

  /** Like lineEnd, but before a CR of a CRLF. */
  contentEnd(q: number): number {
    const le = this.lineEnd(q);
    return le > q && this.s.charCodeAt(le - 1) === CR ? le - 1 : le;
  }

  /** From a line start, skips blank and comment lines; sets p/ind to the next content. */
  seekContent(ls: number): void {
    const s = this.s;
    const end = this.end;
    while (ls < end) {
      let q = ls;
      while (q < end && s.charCodeAt(q) === SP) q++;
      if (q >= end) break;
      const c = s.charCodeAt(q);
      if (c === NL) {
        ls = q + 1;
        continue;
      }
      if (c === CR && s.charCodeAt(q + 1) === NL) {
        ls = q + 2;
        continue;
      }
      if (c === HASH) {
        ls = this.lineEnd(q) + 1;
        continue;
      }
      this.p = q;
      this.ind = q - ls;
      return;
    }
    this.p = -1;
    this.ind = 0;
  }

  /** After an inline value ending at q: the rest of the line must be blank or a comment. */
  finishLine(q: number): void {
    const s = this.s;
    const ce = this.contentEnd(q);
    if (q < ce) {
      if (s.charCodeAt(q) !== SP) throw bail;
      while (q < ce && s.charCodeAt(q) === SP) q++;
      if (q < ce && s.charCodeAt(q) !== HASH) throw bail;
    }
    this.seekContent(this.lineEnd(q) + 1);
  }

  isSeqIndicator(q: number): boolean {
    if (this.s.charCodeAt(q) !== DASH) return false;
    if (q + 1 >= this.end) return true;
    const c = this.s.charCodeAt(q + 1);
    return c === SP || c === NL || (c === CR && this.s.charCodeAt(q + 2) === NL);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) throw bail;
  }

  /** A block node whose first character is at q, in column col; parentCol is the enclosing indent. */
  parseBlock(q: number, col: number, parentCol: number): Json {
    if (this.isSeqIndicator(q)) return this.parseSeq(q, col);
    const key = this.tryKey(q);
    if (key !== null) return this.parseMap(q, col);
    return this.parseInline(q, parentCol);
  }

  /**
   * If a block mapping key starts at q, returns it and leaves `keyEnd` just after its ':';
   * null when the line is not a key line. Throws for keys outside the subset.
   */
  keyEnd = 0;
  tryKey(q: number): string | null {
    const s = this.s;
    const c = s[q]!;
    const ce = this.contentEnd(q);
    let key: string;
    let r: number;
    if (c === '"' || c === "'") {
      const v = this.readQuoted(q, ce);
      r = this.quotedEnd;
      while (r < ce && s.charCodeAt(r) === SP) r++;
      if (r >= ce || s.charCodeAt(r) !== COLON) return null;
      key = v;
    } else {
      // a flow collection is a value (`key:` then `{}` on the next line, as the Document path
      // prints an empty map); one used as a key leaves text after it, where finishLine bails
      if (c === '{' || c === '[') return null;
      if (INDICATOR.has(c) && !(c === '-' && !this.isSeqIndicator(q))) throw bail;
      r = q;
      for (;;) {
        r = indexWithin(s, ':', r, ce);
        if (r === -1) return null;
        const n = r + 1 < ce ? s.charCodeAt(r + 1) : NL;
        if (n === SP || n === NL) break;
        r++;
      }
      let ke = r;
      while (ke > q && s.charCodeAt(ke - 1) === SP) ke--;
      key = s.slice(q, ke);
      if (key.includes(' #')) throw bail;
      if (typeof resolvePlain(key) !== 'string') throw bail;
    }
    if (key === '<<' || key === '__proto__' || r - q > 1024) throw bail;
    const n = r + 1 < ce ? s.charCodeAt(r + 1) : NL;
    if (n !== SP && n !== NL) throw bail;
    this.keyEnd = r + 1;
    return key;
  }

  parseMap(q: number, col: number): JsonObject {
    this.enter();
    const s = this.s;
    const obj: JsonObject = {};
    for (;;) {
      const key = this.tryKey(q);
      if (key === null) throw bail;
      if (Object.prototype.hasOwnProperty.call(obj, key)) throw bail; // duplicate: yaml reports it
      let r = this.keyEnd;
      const ce = this.contentEnd(r);
      while (r < ce && s.charCodeAt(r) === SP) r++;
      let value: Json;
      if (r >= ce || s.charCodeAt(r) === HASH) {
        this.seekContent(this.lineEnd(r) + 1);
        if (this.p !== -1 && this.ind > col) value = this.parseBlock(this.p, this.ind, col);
        else if (this.p !== -1 && this.ind === col && this.isSeqIndicator(this.p)) value = this.parseSeq(this.p, col);
        else value = null;
      } else {
        value = this.parseInline(r, col);
      }
      obj[key] = value;
      if (this.p === -1 || this.ind < col) break;
      if (this.ind > col) throw bail;
      q = this.p;
    }
    this.depth--;
    return obj;
  }

  parseSeq(q: number, col: number): Json[] {
    this.enter();
    const s = this.s;
    const arr: Json[] = [];
    for (;;) {
      let r = q + 1;
      const ce = this.contentEnd(r);
      while (r < ce && s.charCodeAt(r) === SP) r++;
      let value: Json;
      if (r >= ce || s.charCodeAt(r) === HASH) {
        this.seekContent(this.lineEnd(r) + 1);
        value = this.p !== -1 && this.ind > col ? this.parseBlock(this.p, this.ind, col) : null;
      } else {
        const c2 = col + (r - q);
        if (this.isSeqIndicator(r)) value = this.parseSeq(r, c2);
        else if (this.tryKey(r) !== null) value = this.parseMap(r, c2);
        else value = this.parseInline(r, col);
      }
      arr.push(value);
      if (this.p === -1 || this.ind < col) break;
      if (this.ind > col) throw bail;
      if (!this.isSeqIndicator(this.p)) break; // the parent mapping's next key (compact style)
      q = this.p;
    }
    this.depth--;
    return arr;
  }

  /** A value that starts on the current line at q; n is the indentation of its parent. */
  parseInline(q: number, n: number): Json {
    const s = this.s;
    const c = s[q]!;
    const ce = this.contentEnd(q);
    if (c === '|') return this.parseLiteral(q, n);
    if (c === '"' || c === "'") {
      const v = this.readQuoted(q, ce);
      this.finishLine(this.quotedEnd);
      return v;
    }
    if (c === '[' || c === '{') {
      const v = this.parseFlow(q, ce);
      this.finishLine(this.flowEnd);
      return v;
    }
    if (INDICATOR.has(c) && !(c === '-' && !this.isSeqIndicator(q))) throw bail;
    // plain scalar: up to a comment; no ': ' inside (that would be a nested mapping)
    let e = ce;
    const h = indexWithin(s, ' #', q, ce);
    if (h !== -1) e = h;
    let t = e;
    while (t > q && s.charCodeAt(t - 1) === SP) t--;
    const str = s.slice(q, t);
    if (str.includes(': ') || str.endsWith(':')) throw bail;
    this.seekContent(this.lineEnd(q) + 1);
    // a more-indented line would continue a multi-line plain scalar: leave that to yaml
    if (this.p !== -1 && this.ind > n) throw bail;
    return resolvePlain(str);
  }

  quotedEnd = 0;
  /** A single-line quoted scalar at q; sets quotedEnd after the closing quote. */
  readQuoted(q: number, ce: number): string {
    const s = this.s;
    if (s[q] === "'") {
      let out = '';
      let r = q + 1;
      for (;;) {
        const k = indexWithin(s, "'", r, ce);
        if (k === -1) throw bail;
        out += s.slice(r, k);
        if (s[k + 1] === "'") {
          out += "'";
          r = k + 2;
          continue;
        }
        this.quotedEnd = k + 1;
        return out;
      }
    }
    let out = '';
    let r = q + 1;
    for (;;) {
      let k = r;
      while (k < ce) {
        const ch = s.charCodeAt(k);
        if (ch === 34 || ch === 92) break;
        k++;
      }
      if (k >= ce) throw bail;
      out += s.slice(r, k);
      if (s.charCodeAt(k) === 34) {
        this.quotedEnd = k + 1;
        return out;
      }
      const e = s[k + 1];
      switch (e) {
        case '\\':
        case '"':
        case '/':
          out += e;
          r = k + 2;
          break;
        case 'n':
          out += '\n';
          r = k + 2;
          break;
        case 't':
          out += '\t';
          r = k + 2;
          break;
        case 'r':
          out += '\r';
          r = k + 2;
          break;
        case 'u': {
          const hex = s.slice(k + 2, k + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw bail;
          const ch = String.fromCharCode(parseInt(hex, 16));
          // a control character: yaml (parse.ts) refuses it with its position
          if (controlCharacter(ch)) throw bail;
          out += ch;
          r = k + 6;
          break;
        }
        default:
          throw bail;
      }
    }
  }

  /** `|`, `|-`, `|+` literal block scalars (no indentation indicator). */
  parseLiteral(q: number, n: number): string {
    const s = this.s;
    const end = this.end;
    let r = q + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    if (s[r] === '-') (chomp = 'strip'), r++;
    else if (s[r] === '+') (chomp = 'keep'), r++;
    const ce = this.contentEnd(r);
    if (r < ce) {
      if (s.charCodeAt(r) !== SP) throw bail;
      while (r < ce && s.charCodeAt(r) === SP) r++;
      if (r < ce && s.charCodeAt(r) !== HASH) throw bail;
    }
    let ls = this.lineEnd(r) + 1;
    if (ls > end) throw bail;
    const lines: string[] = [];
    let indent = -1;
    let maxLeadingBlank = 0;
    for (;;) {
      if (ls >= end) break;
      const le = this.lineEnd(ls);
      if (le === end && le < s.length && s.charCodeAt(le) !== NL) throw bail;
      const lce = le > ls && s.charCodeAt(le - 1) === CR ? le - 1 : le;
      let k = ls;
      while (k < lce && s.charCodeAt(k) === SP) k++;
      const blank = k === lce;
      if (indent === -1) {
        if (blank) {
          maxLeadingBlank = Math.max(maxLeadingBlank, k - ls);
          lines.push('');
          ls = le + 1;
          continue;
        }
        if (k - ls <= n) break; // no content
        indent = k - ls;
        if (maxLeadingBlank > indent) throw bail;
      } else if (blank) {
        if (k - ls > indent) throw bail; // whitespace-only content line: leave to yaml
        lines.push('');
        ls = le + 1;
        continue;
      } else if (k - ls < indent) break;
      if (le === end && (end >= s.length || s.charCodeAt(end) !== NL)) throw bail; // no final line break
      lines.push(s.slice(ls + indent, lce));
      ls = le + 1;
    }
    if (indent === -1) throw bail;
    let k = lines.length;
    while (k > 0 && lines[k - 1] === '') k--;
    const trailing = lines.length - k;
    const body = lines.slice(0, k).join('\n');
    this.seekContent(Math.min(ls, end));
    if (chomp === 'strip') return body;
    if (chomp === 'clip') return body + '\n';
    return body + '\n' + '\n'.repeat(trailing);
  }

  flowEnd = 0;
  /** A flow collection that opens and closes on this line; sets flowEnd after it. */
  parseFlow(q: number, ce: number): Json {
    const s = this.s;
    this.enter();
    const skip = (r: number): number => {
      while (r < ce && s.charCodeAt(r) === SP) r++;
      return r;
    };
    const open = s[q];
    let r = skip(q + 1);
    let result: Json;
    if (open === '{') {
      const obj: JsonObject = {};
      for (;;) {
        if (r >= ce) throw bail;
        if (s[r] === '}') {
          r++;
          break;
        }
        let key: Json;
        const kc = s[r];
        if (kc === '"' || kc === "'") {
          key = this.readQuoted(r, ce);
          r = skip(this.quotedEnd);
          if (s[r] !== ':') throw bail;
          r++;
        } else {
          key = this.readFlowPlain(r, ce);
          if (typeof resolvePlain(key) !== 'string') throw bail;
          r = this.flowPlainEnd;
          if (s[r] !== ':' || s.charCodeAt(r + 1) !== SP) throw bail;
          r++;
        }
        if (typeof key !== 'string' || key === '__proto__' || key === '<<') throw bail;
        if (Object.prototype.hasOwnProperty.call(obj, key)) throw bail;
        r = skip(r);
        if (r >= ce || s[r] === ',' || s[r] === '}') throw bail;
        obj[key] = this.parseFlowValue(r, ce);
        r = skip(this.flowEnd);
        if (s[r] === ',') r = skip(r + 1);
        else if (s[r] !== '}') throw bail;
      }
      result = obj;
    } else {
      const arr: Json[] = [];
      for (;;) {
        if (r >= ce) throw bail;
        if (s[r] === ']') {
          r++;
          break;
        }
        if (s[r] === ',') throw bail;
        arr.push(this.parseFlowValue(r, ce));
        r = skip(this.flowEnd);
        if (s[r] === ',') r = skip(r + 1);
        else if (s[r] !== ']') throw bail;
      }
      result = arr;
    }
    this.flowEnd = r;
    this.depth--;
    return result;
  }

  parseFlowValue(r: number, ce: number): Json {
    const c = this.s[r];
    if (c === '{' || c === '[') return this.parseFlow(r, ce);
    if (c === '"' || c === "'") {
      const v = this.readQuoted(r, ce);
      this.flowEnd = this.quotedEnd;
      // `[ "a": b ]` (a single-pair mapping) is outside the subset
      let k = this.quotedEnd;
      while (k < ce && this.s.charCodeAt(k) === SP) k++;
      if (this.s[k] === ':') throw bail;
      return v;
    }
    const v = this.readFlowPlain(r, ce);
    this.flowEnd = this.flowPlainEnd;
    if (this.s[this.flowEnd] === ':') throw bail;
    return resolvePlain(v);
  }

  flowPlainEnd = 0;
  /** A plain scalar inside a flow collection: stops at , [ ] { } ': ' and ' #'. */
  readFlowPlain(r: number, ce: number): string {
    const s = this.s;
    const c = s[r]!;
    if (INDICATOR.has(c) && !(c === '-' && r + 1 < ce && !' ,[]{}'.includes(s[r + 1]!))) throw bail;
    let k = r;
    while (k < ce) {
      const ch = s[k]!;
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
      if (ch === ':') {
        const nx = k + 1 < ce ? s[k + 1]! : ' ';
        if (nx === ' ' || nx === ',' || nx === '[' || nx === ']' || nx === '{' || nx === '}') break;
      }
      if (ch === '#' && s[k - 1] === ' ') throw bail;
      k++;
    }
    let t = k;
    while (t > r && s.charCodeAt(t - 1) === SP) t--;
    if (t === r) throw bail;
    this.flowPlainEnd = k;
    return s.slice(r, t);
  }
}

/**
 * Parses the block node whose first character is at `start` (column `col`) up to `end`.
 * Returns BAIL when the text is outside the subset (the caller then uses `yaml`).
 */
export function fastParse(text: string, start: number, end: number, col: number): Json | typeof BAIL {
  const p = new FastParser(text, end);
  try {
    const v = p.parseBlock(start, col, -1);
    if (p.p !== -1) return BAIL;
    return v;
  } catch (e) {
    if (e === bail) return BAIL;
    throw e;
  }
}

/** Characters that make the fast reader give up for a whole text (checked once per input). */
// eslint-disable-next-line no-control-regex
export const FAST_UNSAFE = /[\t\x85\u2028\u2029\uFEFF]|\r(?!\n)/g;

/** Sorted offsets of FAST_UNSAFE characters, to ask "any in [a, b)?" per document cheaply. */
export class UnsafeIndex {
  private readonly at: number[] = [];
  constructor(text: string, skipBom: boolean) {
    FAST_UNSAFE.lastIndex = 0;
    for (let m = FAST_UNSAFE.exec(text); m; m = FAST_UNSAFE.exec(text)) {
      if (!(skipBom && m.index === 0)) this.at.push(m.index);
    }
  }
  any(a: number, b: number): boolean {
    const at = this.at;
    if (at.length === 0) return false;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! < b;
  }
}
