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
 * Documents elsewhere. Its text searches (scan.ts), scalar rules and escapes (scalars.ts) and the
 * way it gives up (bail.ts) are those of the whole fast YAML layer; plain scalars resolve with
 * the YAML 1.2 core schema unless the caller picks go-yaml v2's rules.
 */
import type { Json, JsonObject } from '../kube/types.js';
import { attempt, type BAIL, bail } from './bail.js';
import { controlCharacter, MAX_DEPTH } from './errors.js';
import { decodeDoubleQuoted, decodeSingleQuoted, RESOLVERS, type PlainResolver, type ScalarSchema } from './scalars.js';
import { COLON, commentStart, CR, DASH, HASH, indexWithin, lineEnd, NL, nextContentLine, plainKeyColon, quotedEnd, skipSpaces, SP, SQUOTE } from './scan.js';

/** Characters that may not start a plain scalar or key in our subset. */
const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

class FastParser {
  /** Next content position after the node just parsed (-1: none) and its indentation. */
  p = -1;
  ind = 0;
  depth = 0;

  constructor(
    readonly s: string,
    readonly end: number,
    readonly resolve: PlainResolver,
  ) {}

  /** End of the line containing q (index of '\n' or `end`). */
  lineEnd(q: number): number {
    return lineEnd(this.s, q, this.end);
  }

  /** Like lineEnd, but before a CR of a CRLF. */
  contentEnd(q: number): number {
    const le = this.lineEnd(q);
    return le > q && this.s.charCodeAt(le - 1) === CR ? le - 1 : le;
  }

  /** From a line start, skips blank and comment lines; sets p/ind to the next content. */
  seekContent(ls: number): void {
    const line = nextContentLine(this.s, ls, this.end);
    if (line === -1) {
      this.p = -1;
      this.ind = 0;
      return;
    }
    this.p = skipSpaces(this.s, line, this.end);
    this.ind = this.p - line;
  }

  /** After an inline value ending at q: the rest of the line must be blank or a comment. */
  finishLine(q: number): void {
    const s = this.s;
    const ce = this.contentEnd(q);
    if (q < ce) {
      if (s.charCodeAt(q) !== SP) bail('text after a value');
      q = skipSpaces(s, q, ce);
      if (q < ce && s.charCodeAt(q) !== HASH) bail('text after a value');
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
    if (++this.depth > MAX_DEPTH) bail('outside the subset');
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
      if (INDICATOR.has(c) && !(c === '-' && !this.isSeqIndicator(q))) bail('outside the subset');
      r = plainKeyColon(s, q, ce);
      if (r === -1) return null;
      let ke = r;
      while (ke > q && s.charCodeAt(ke - 1) === SP) ke--;
      key = s.slice(q, ke);
      if (typeof this.resolve(key) !== 'string') bail('outside the subset');
    }
    if (key === '<<' || key === '__proto__' || r - q > 1024) bail('outside the subset');
    const n = r + 1 < ce ? s.charCodeAt(r + 1) : NL;
    if (n !== SP && n !== NL) bail('outside the subset');
    this.keyEnd = r + 1;
    return key;
  }

  parseMap(q: number, col: number): JsonObject {
    this.enter();
    const s = this.s;
    const obj: JsonObject = {};
    for (;;) {
      const key = this.tryKey(q);
      if (key === null) bail('outside the subset');
      if (Object.prototype.hasOwnProperty.call(obj, key)) bail('outside the subset'); // duplicate: yaml reports it
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
      if (this.ind > col) bail('outside the subset');
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
      if (this.ind > col) bail('outside the subset');
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
    if (INDICATOR.has(c) && !(c === '-' && !this.isSeqIndicator(q))) bail('outside the subset');
    // plain scalar: up to a comment; no ': ' inside (that would be a nested mapping)
    let e = ce;
    const h = commentStart(s, q, ce);
    if (h !== -1) e = h;
    let t = e;
    while (t > q && s.charCodeAt(t - 1) === SP) t--;
    const str = s.slice(q, t);
    if (str.includes(': ') || str.endsWith(':')) bail('outside the subset');
    this.seekContent(this.lineEnd(q) + 1);
    // a more-indented line would continue a multi-line plain scalar: leave that to yaml
    if (this.p !== -1 && this.ind > n) bail('outside the subset');
    return this.resolve(str);
  }

  quotedEnd = 0;
  /** A single-line quoted scalar at q; sets quotedEnd after the closing quote. */
  readQuoted(q: number, ce: number): string {
    const s = this.s;
    const k = quotedEnd(s, q, ce);
    if (k === -1) bail('quoted scalar not closed on its line');
    this.quotedEnd = k + 1;
    if (s.charCodeAt(q) === SQUOTE) return decodeSingleQuoted(s.slice(q + 1, k));
    const i = indexWithin(s, '\\', q + 1, k);
    if (i === -1) return s.slice(q + 1, k);
    // escaped control characters are refused by yaml (parse.ts) with their position: left to it
    const out = decodeDoubleQuoted(s, q + 1, k);
    if (controlCharacter(out)) bail('escaped control character');
    return out;
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
      if (s.charCodeAt(r) !== SP) bail('outside the subset');
      while (r < ce && s.charCodeAt(r) === SP) r++;
      if (r < ce && s.charCodeAt(r) !== HASH) bail('outside the subset');
    }
    let ls = this.lineEnd(r) + 1;
    if (ls > end) bail('outside the subset');
    const lines: string[] = [];
    let indent = -1;
    let maxLeadingBlank = 0;
    for (;;) {
      if (ls >= end) break;
      const le = this.lineEnd(ls);
      if (le === end && le < s.length && s.charCodeAt(le) !== NL) bail('outside the subset');
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
        if (maxLeadingBlank > indent) bail('outside the subset');
      } else if (blank) {
        if (k - ls > indent) bail('outside the subset'); // whitespace-only content line: leave to yaml
        lines.push('');
        ls = le + 1;
        continue;
      } else if (k - ls < indent) break;
      if (le === end && (end >= s.length || s.charCodeAt(end) !== NL)) bail('outside the subset'); // no final line break
      lines.push(s.slice(ls + indent, lce));
      ls = le + 1;
    }
    if (indent === -1) bail('outside the subset');
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
        if (r >= ce) bail('outside the subset');
        if (s[r] === '}') {
          r++;
          break;
        }
        let key: Json;
        const kc = s[r];
        if (kc === '"' || kc === "'") {
          key = this.readQuoted(r, ce);
          r = skip(this.quotedEnd);
          if (s[r] !== ':') bail('outside the subset');
          r++;
        } else {
          key = this.readFlowPlain(r, ce);
          if (typeof this.resolve(key) !== 'string') bail('outside the subset');
          r = this.flowPlainEnd;
          if (s[r] !== ':' || s.charCodeAt(r + 1) !== SP) bail('outside the subset');
          r++;
        }
        if (typeof key !== 'string' || key === '__proto__' || key === '<<') bail('outside the subset');
        if (Object.prototype.hasOwnProperty.call(obj, key)) bail('outside the subset');
        r = skip(r);
        if (r >= ce || s[r] === ',' || s[r] === '}') bail('outside the subset');
        obj[key] = this.parseFlowValue(r, ce);
        r = skip(this.flowEnd);
        if (s[r] === ',') r = skip(r + 1);
        else if (s[r] !== '}') bail('outside the subset');
      }
      result = obj;
    } else {
      const arr: Json[] = [];
      for (;;) {
        if (r >= ce) bail('outside the subset');
        if (s[r] === ']') {
          r++;
          break;
        }
        if (s[r] === ',') bail('outside the subset');
        arr.push(this.parseFlowValue(r, ce));
        r = skip(this.flowEnd);
        if (s[r] === ',') r = skip(r + 1);
        else if (s[r] !== ']') bail('outside the subset');
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
      if (this.s[k] === ':') bail('outside the subset');
      return v;
    }
    const v = this.readFlowPlain(r, ce);
    this.flowEnd = this.flowPlainEnd;
    if (this.s[this.flowEnd] === ':') bail('outside the subset');
    return this.resolve(v);
  }

  flowPlainEnd = 0;
  /** A plain scalar inside a flow collection: stops at , [ ] { } ': ' and ' #'. */
  readFlowPlain(r: number, ce: number): string {
    const s = this.s;
    const c = s[r]!;
    if (INDICATOR.has(c) && !(c === '-' && r + 1 < ce && !' ,[]{}'.includes(s[r + 1]!))) bail('outside the subset');
    let k = r;
    while (k < ce) {
      const ch = s[k]!;
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
      if (ch === ':') {
        const nx = k + 1 < ce ? s[k + 1]! : ' ';
        if (nx === ' ' || nx === ',' || nx === '[' || nx === ']' || nx === '{' || nx === '}') break;
      }
      if (ch === '#' && s[k - 1] === ' ') bail('outside the subset');
      k++;
    }
    let t = k;
    while (t > r && s.charCodeAt(t - 1) === SP) t--;
    if (t === r) bail('outside the subset');
    this.flowPlainEnd = k;
    return s.slice(r, t);
  }
}

/**
 * Parses the block node whose first character is at `start` (column `col`) up to `end`, resolving
 * plain scalars with `schema` (`yaml`'s YAML 1.2 core schema unless said otherwise).
 * Returns BAIL when the text is outside the subset (the caller then uses `yaml`).
 */
export function fastParse(text: string, start: number, end: number, col: number, schema: ScalarSchema = 'yaml-1.2'): Json | typeof BAIL {
  const p = new FastParser(text, end, RESOLVERS[schema]);
  return attempt(() => {
    const v = p.parseBlock(start, col, -1);
    if (p.p !== -1) bail('content after the node');
    return v;
  });
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
