/**
 * A fast reader for the YAML that injection templates print, used before the general parser in
 * `template-output.ts`. Rendering one sidecar template gives a few KiB of block maps and lists,
 * quoted and plain scalars, block scalars and multi-line flow maps with trailing commas; reading
 * that text with eemeli/yaml (lexer, CST, document, then a conversion) costs more than rendering
 * it, once per workload. This module reads the same text in one pass straight into JSON data.
 *
 * It is deliberately partial: whenever it meets something outside the subset it knows (anchors,
 * aliases, tags, merge keys, complex keys, multi-line plain scalars, tabs, CR, unusual
 * indentation, anything the general parser would report as an error) it gives up and returns
 * `BAIL`, and the caller reads the text with the general parser, which then gives the exact
 * result or error message. Where it does answer, the answer must be the one the general parser
 * would give (same values, same key order, duplicate keys last-wins): the block-scalar and quoted-
 * scalar rules below follow that parser's lexer and value resolution, not only the YAML spec.
 * How plain scalars become numbers, booleans and nulls is not decided here: the caller names
 * the schema (scalars.ts has go-yaml v2's and YAML 1.2's rules). Text searches come from scan.ts,
 * escapes from scalars.ts, giving up from bail.ts, as in the manifest reader (fast.ts).
 */
import { setOwn, type Json, type JsonObject } from '../kube/types.js';
import { attempt, bail, BAIL } from './bail.js';
import { controlCharacter } from './errors.js';
import { decodeDoubleQuoted, decodeSingleQuoted, KEY_STRINGS, RESOLVERS, type PlainResolver, type ScalarSchema } from './scalars.js';
import * as scan from './scan.js';
import { COLON, COMMA, DASH, DQUOTE, HASH, isBlank, isFlowIndicator, LBRACE, LBRACKET, NL, RBRACE, RBRACKET, SP, SQUOTE } from './scan.js';

// Characters the reader leaves to the general parser: tabs, CR, other C0/C1 controls, the
// Unicode line separators and the BOM.
const UNHANDLED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

const MAX_DEPTH = 100;
const MAX_IMPLICIT_KEY = 1024;

/** First characters that cannot start a plain scalar here (indicators, or left to the general parser). */
function isBadPlainStart(c: number, next: number, inFlow: boolean): boolean {
  switch (c) {
    case DASH:
    case 0x3f: // ?
    case COLON:
      return isBlank(next) || (inFlow && isFlowIndicator(next));
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case DQUOTE:
    case SQUOTE:
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true;
    default:
      return c !== c;
  }
}

/** `[indent, content]` per line of a block scalar's body, split as the general parser splits it. */
function splitBlockLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0]!;
  const m = /^( *)/.exec(first);
  const lines: [string, string][] = [m && m[1] ? [m[1], first.slice(m[1].length)] : ['', first]];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i]!, split[i + 1]!]);
  return lines;
}

class Reader {
  private readonly s: string;
  private readonly n: number;
  private readonly resolve: PlainResolver;
  private readonly keyString: (text: string) => string;
  /** End of the last inline node read (just after it). */
  private pos = 0;
  /** Start of the next content line after the node just read, or -1 at the end of the document. */
  private next = -1;
  /** Indentation of the line at `next`. */
  private ind = 0;
  private depth = 0;
  /** Start of the document marker line that ended the first document, or -1. */
  private endMarker = -1;

  constructor(text: string, schema: ScalarSchema) {
    this.s = text;
    this.n = text.length;
    this.resolve = RESOLVERS[schema];
    this.keyString = KEY_STRINGS[schema];
  }

  private at(i: number): number {
    return this.s.charCodeAt(i);
  }

  private isDocMarker(p: number): boolean {
    const s = this.s;
    return (s.startsWith('---', p) || s.startsWith('...', p)) && isBlank(this.at(p + 3));
  }

  private isDash(p: number): boolean {
    return this.at(p) === DASH && isBlank(this.at(p + 1));
  }

  /** Column of position `p`. */
  private colOf(p: number): number {
    return p - (this.s.lastIndexOf('\n', p - 1) + 1);
  }

  /**
   * From line start `p`, skips blank and comment lines; returns the start of the next content
   * line (its indentation in `ind`), or -1 at the end of the text or a document marker.
   */
  private nextContent(p: number): number {
    const line = scan.nextContentLine(this.s, p, this.n);
    if (line === -1) return -1;
    if (this.isDocMarker(line)) {
      this.endMarker = line;
      return -1;
    }
    this.ind = scan.skipSpaces(this.s, line, this.n) - line;
    return line;
  }

  /** After a node at `p`: only spaces and a comment may follow on the line; returns the next line's start. */
  private restOfLine(p: number): number {
    const s = this.s;
    const start = p;
    while (s.charCodeAt(p) === SP) p++;
    if (p >= this.n) return this.n;
    const c = s.charCodeAt(p);
    if (c === NL) return p + 1;
    if (c === HASH && (p > start || s.charCodeAt(p - 1) === SP || s.charCodeAt(p - 1) === NL)) {
      const e = s.indexOf('\n', p);
      return e < 0 ? this.n : e + 1;
    }
    return bail('unexpected text after a node');
  }

  /** Sets `next`/`ind` to the content line after line start `p`. */
  private finishLine(p: number): void {
    this.next = this.nextContent(p);
  }

  document(): JsonObject {
    const s = this.s;
    let p = 0;
    // comments and blank lines, then an optional '---'
    for (;;) {
      let q = p;
      while (s.charCodeAt(q) === SP) q++;
      if (q >= this.n) return {};
      const c = s.charCodeAt(q);
      if (c === NL || c === HASH) {
        const e = s.indexOf('\n', q);
        if (e < 0) return {};
        p = e + 1;
        continue;
      }
      break;
    }
    if (this.isDocMarker(p)) {
      if (s.startsWith('...', p)) bail('document end first');
      p = this.restOfLine(p + 3);
    } else if (s.charCodeAt(p) === 0x25) bail('directive');
    const line = this.nextContent(p);
    if (line < 0) {
      this.checkTail();
      return {};
    }
    const col = this.ind;
    const cp = line + col;
    if (this.at(cp) === LBRACE) {
      // a flow map as the whole document (JSON, say): no indentation rule applies at the top
      const map = this.flowMap(cp, 0, 1);
      this.finishLine(this.restOfLine(this.pos));
      if (this.next >= 0) bail('content after the top-level map');
      this.checkTail();
      return map;
    }
    if (!this.isKeyLine(cp)) bail('the document is not a block map');
    const map = this.blockMap(col, cp);
    if (this.next >= 0) bail('content after the top-level map');
    this.checkTail();
    return map;
  }

  /**
   * Only the first document counts, but the general parser may still report problems after its
   * end marker as errors of the first document: anything there but comments is left to it.
   */
  private checkTail(): void {
    if (this.endMarker < 0) return;
    let p = this.restOfLine(this.endMarker + 3);
    const s = this.s;
    while (p < this.n) {
      while (s.charCodeAt(p) === SP) p++;
      const c = s.charCodeAt(p);
      if (c !== NL && c !== HASH && p < this.n) bail('more after the end of the first document');
      const e = s.indexOf('\n', p);
      p = e < 0 ? this.n : e + 1;
    }
  }

  /** Whether the line from `p` holds an implicit key: a single-line key followed by ': ' or ':' at the end. */
  private isKeyLine(p: number): boolean {
    const c = this.at(p);
    if (c === DQUOTE || c === SQUOTE) {
      // a key is on one line: the closing quote is searched on this line only
      const end = scan.quotedEnd(this.s, p, scan.lineEnd(this.s, p, this.n));
      if (end < 0) return false;
      let q = end + 1;
      while (this.at(q) === SP) q++;
      return this.at(q) === COLON && isBlank(this.at(q + 1));
    }
    if (isBadPlainStart(c, this.at(p + 1), false)) return false;
    return this.plainKeyColon(p) >= 0;
  }

  /** The ':' ending a plain key that starts at `p`, or -1 if the line has none. */
  private plainKeyColon(p: number): number {
    return scan.plainKeyColon(this.s, p, this.n);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) bail('nesting too deep');
  }

  private plainKey(text: string): string {
    if (text === '<<') bail('merge key');
    return this.keyString(text);
  }

  /** A block map whose first key starts at `p`, in column `col`. */
  private blockMap(col: number, p: number): JsonObject {
    this.enter();
    const obj: JsonObject = {};
    for (;;) {
      let key: string;
      let after: number;
      const c = this.at(p);
      if (c === DQUOTE || c === SQUOTE) {
        key = this.quoted(p, col + 1);
        const end = this.pos;
        const nl = this.s.indexOf('\n', p);
        if (nl >= 0 && nl < end) bail('multi-line key');
        let q = end;
        while (this.at(q) === SP) q++;
        if (this.at(q) !== COLON || !isBlank(this.at(q + 1))) bail('quoted key without ":"');
        after = q + 1;
      } else {
        if (isBadPlainStart(c, this.at(p + 1), false)) bail('unsupported key');
        const colon = this.plainKeyColon(p);
        if (colon < 0) bail('not a key');
        if (colon - p > MAX_IMPLICIT_KEY) bail('long key');
        let e = colon;
        while (this.at(e - 1) === SP) e--;
        key = this.plainKey(this.s.slice(p, e));
        after = colon + 1;
      }
      setOwn(obj, key, this.mapValue(col, after));
      if (this.next < 0 || this.ind < col) break;
      if (this.ind > col) bail('bad indentation in a map');
      p = this.next + col;
      if (this.isDash(p)) bail('list item in a map');
    }
    this.depth--;
    return obj;
  }

  /** The value after the ':' of a key in a block map at column `col`. */
  private mapValue(col: number, p: number): Json {
    while (this.at(p) === SP) p++;
    const c = this.at(p);
    if (c === NL || c === HASH || p >= this.n) {
      const line = this.nextContent(this.restOfLine(p));
      if (line < 0) {
        this.next = -1;
        return null;
      }
      if (this.ind > col) return this.nestedBlock(line, this.ind, col);
      if (this.ind === col && this.isDash(line + col)) return this.blockSeq(col, line + col);
      this.next = line;
      return null;
    }
    return this.inlineValue(col, p, false);
  }

  /**
   * A node that starts on its own line (`line`, indented by `ind`) under a key or '-' of a block
   * collection at column `col`: a block collection, or a single flow or quoted scalar or flow
   * collection (block scalars there are left to the general parser).
   */
  private nestedBlock(line: number, ind: number, col: number): Json {
    const p = line + ind;
    if (this.isDash(p)) return this.blockSeq(ind, p);
    if (this.isKeyLine(p)) return this.blockMap(ind, p);
    const c = this.at(p);
    if (c === 0x7c || c === 0x3e) bail('a block scalar on its own line');
    return this.inlineValue(col, p, false);
  }

  /** A block list whose first '-' is at `p`, in column `col`. */
  private blockSeq(col: number, p: number): Json[] {
    this.enter();
    const arr: Json[] = [];
    for (;;) {
      let q = p + 1;
      while (this.at(q) === SP) q++;
      const c = this.at(q);
      if (c === NL || c === HASH || q >= this.n) {
        const line = this.nextContent(this.restOfLine(q));
        if (line >= 0 && this.ind > col) arr.push(this.nestedBlock(line, this.ind, col));
        else {
          this.next = line;
          arr.push(null);
        }
      } else arr.push(this.inlineValue(col, q, true));
      if (this.next < 0 || this.ind < col) break;
      if (this.ind > col) bail('bad indentation in a list');
      p = this.next + col;
      if (!this.isDash(p)) break;
    }
    this.depth--;
    return arr;
  }

  /**
   * A node starting at `p` on a line of a block collection at column `col` (a map value, or a
   * list item when `inSeq`, where it may also be a compact nested list or map).
   */
  private inlineValue(col: number, p: number, inSeq: boolean): Json {
    const c = this.at(p);
    if (inSeq) {
      if (this.isDash(p)) return this.blockSeq(this.colOf(p), p);
      if (this.isKeyLine(p)) return this.blockMap(this.colOf(p), p);
    }
    let value: Json;
    if (c === 0x7c || c === 0x3e) return this.blockScalar(col, p);
    if (c === DQUOTE || c === SQUOTE) value = this.quoted(p, col + 1);
    else if (c === LBRACKET || c === LBRACE) value = this.flow(p, col + 1);
    else {
      if (isBadPlainStart(c, this.at(p + 1), false)) bail('unsupported node');
      value = this.resolve(this.blockPlain(p));
    }
    this.finishLine(this.restOfLine(this.pos));
    return value;
  }

  /** A single-line plain scalar in block context starting at `p` (`pos` set after it). */
  private blockPlain(p: number): string {
    const s = this.s;
    let end = p;
    for (let i = p; i < this.n; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) break;
      if (c === COLON) {
        if (isBlank(s.charCodeAt(i + 1))) bail('a map in a value');
        end = i + 1;
      } else if (c === SP) {
        if (s.charCodeAt(i + 1) === HASH) break;
      } else end = i + 1;
    }
    this.pos = end;
    return s.slice(p, end);
  }

  /** Where the lexer continues a multi-line scalar on the line starting at `offset`, or -1. */
  private continueScalar(offset: number, indentNext: number): number {
    if (indentNext === 0) return this.isDocMarker(offset) ? -1 : offset;
    let k = 0;
    while (this.at(offset + k) === SP) k++;
    return this.at(offset + k) === NL || k >= indentNext ? offset + k : -1;
  }

  /** Index of the closing quote of the quoted scalar at `p`, or -1. */
  private quotedEnd(p: number): number {
    return scan.quotedEnd(this.s, p, this.n);
  }

  /** A quoted scalar at `p` whose continuation lines need `indentNext` spaces (`pos` set after it). */
  private quoted(p: number, indentNext: number): string {
    const s = this.s;
    const end = this.quotedEnd(p);
    if (end < 0) bail('unterminated quoted scalar');
    let nl = s.indexOf('\n', p);
    const multiLine = nl >= 0 && nl < end;
    while (nl >= 0 && nl < end) {
      const cs = this.continueScalar(nl + 1, indentNext);
      if (cs < 0) bail('quoted scalar not indented');
      nl = s.indexOf('\n', cs);
    }
    this.pos = end + 1;
    if (s.charCodeAt(p) === SQUOTE) return decodeSingleQuoted(s.slice(p + 1, end));
    const body = s.slice(p + 1, end);
    if (!multiLine && body.indexOf('\\') < 0) return body;
    const value = decodeDoubleQuoted(s, p + 1, end);
    // an escaped control character: the general parser (parse.ts) refuses it with its position
    if (controlCharacter(value)) bail('control character');
    return value;
  }

  /** A block scalar whose header is at `p`, in a collection at column `col`. */
  private blockScalar(col: number, p: number): string {
    const s = this.s;
    const n = this.n;
    const folded = s.charCodeAt(p) === 0x3e;
    let chomp = '';
    let explicit = 0;
    let i = p + 1;
    for (; ; i++) {
      const c = s.charCodeAt(i);
      if (c === DASH || c === 0x2b) {
        if (chomp) bail('bad block scalar header');
        chomp = c === DASH ? '-' : '+';
      } else if (c >= 0x31 && c <= 0x39) {
        if (explicit) bail('bad block scalar header');
        explicit = c - 0x30;
      } else break;
    }
    if (!isBlank(s.charCodeAt(i))) bail('bad block scalar header');
    const bodyStart = this.restOfLine(i);

    // Where the body ends, as the lexer decides.
    let indentNext = col + 1;
    let nl = bodyStart - 1;
    let indent = 0;
    for (let j = bodyStart; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === SP) indent++;
      else if (c === NL) {
        nl = j;
        indent = 0;
      } else break;
    }
    if (indent >= indentNext) {
      indentNext = explicit ? explicit - 1 + indentNext : indent;
      do {
        const cs = this.continueScalar(nl + 1, indentNext);
        if (cs < 0) break;
        nl = s.indexOf('\n', cs);
      } while (nl !== -1);
      if (nl === -1) nl = n;
    }
    if (chomp !== '+') {
      // trailing lines that are not more indented than the first one do not belong to it
      for (;;) {
        let k = nl - 1;
        const lastChar = k;
        while (s.charCodeAt(k) === SP) k--;
        if (s.charCodeAt(k) === NL && k >= bodyStart && k + 1 + indent > lastChar) nl = k;
        else break;
      }
    }
    const value = this.blockScalarValue(bodyStart < n ? s.slice(bodyStart, nl + 1) : '', col, folded, chomp, explicit);
    this.finishLine(Math.min(nl + 1, n));
    return value;
  }

  /** The value of a block scalar body, as the general parser resolves it. */
  private blockScalarValue(source: string, col: number, folded: boolean, chomp: string, explicit: number): string {
    const lines = source ? splitBlockLines(source) : [];
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
      if (lines[i]![1] === '') chompStart = i;
      else break;
    }
    if (chompStart === 0) return chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
    let trimIndent = col + explicit;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
      const [indent, content] = lines[i]!;
      if (content === '') {
        if (explicit === 0 && indent.length > trimIndent) trimIndent = indent.length;
      } else {
        if (indent.length < trimIndent) bail('more-indented leading empty lines');
        if (explicit === 0) trimIndent = indent.length;
        contentStart = i;
        if (trimIndent === 0) bail('block scalar not indented');
        break;
      }
    }
    for (let i = lines.length - 1; i >= chompStart; --i) {
      if (lines[i]![0].length > trimIndent) chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    for (let i = 0; i < contentStart; ++i) value += lines[i]![0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
      const [indent, content] = lines[i]!;
      if (content && indent.length < trimIndent) bail('block scalar line less indented');
      if (!folded) {
        value += sep + indent.slice(trimIndent) + content;
        sep = '\n';
      } else if (indent.length > trimIndent) {
        if (sep === ' ') sep = '\n';
        else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
        value += sep + indent.slice(trimIndent) + content;
        sep = '\n';
        prevMoreIndented = true;
      } else if (content === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + content;
        sep = ' ';
        prevMoreIndented = false;
      }
    }
    if (chomp === '+') {
      for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i]![0].slice(trimIndent);
      if (value[value.length - 1] !== '\n') value += '\n';
    } else if (chomp === '') value += '\n';
    return value;
  }

  // ---- flow collections ------------------------------------------------------------------------

  /**
   * Skips spaces, line breaks and comments inside a flow collection, applying the lexer's rule
   * that its lines are indented at least `indentNext` (the outermost closing bracket one less).
   */
  private flowSpace(p: number, indentNext: number, level: number): number {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === SP) p++;
      else if (c === NL) {
        p++;
        let k = 0;
        while (s.charCodeAt(p) === SP) {
          k++;
          p++;
        }
        const first = s.charCodeAt(p);
        if (first === NL || p >= this.n || first === HASH) continue;
        if (k === 0 && this.isDocMarker(p)) bail('document marker in a flow collection');
        if (k < indentNext && !(k === indentNext - 1 && level === 1 && (first === RBRACKET || first === RBRACE))) {
          bail('flow collection not indented');
        }
      } else if (c === HASH) {
        const prev = s.charCodeAt(p - 1);
        if (prev !== SP && prev !== NL) bail('comment without a space');
        const e = s.indexOf('\n', p);
        p = e < 0 ? this.n : e;
      } else return p;
    }
  }

  /** A flow collection at `p` (`pos` set after its closing bracket). */
  private flow(p: number, indentNext: number): Json {
    return this.at(p) === LBRACKET ? this.flowSeq(p, indentNext, 1) : this.flowMap(p, indentNext, 1);
  }

  private flowSeq(p: number, indentNext: number, level: number): Json[] {
    this.enter();
    const arr: Json[] = [];
    p = this.flowSpace(p + 1, indentNext, level);
    if (this.at(p) !== RBRACKET) {
      for (;;) {
        arr.push(this.flowNode(p, indentNext, level));
        p = this.flowSpace(this.pos, indentNext, level);
        const c = this.at(p);
        if (c === COMMA) {
          p = this.flowSpace(p + 1, indentNext, level);
          if (this.at(p) === RBRACKET) break;
        } else if (c === RBRACKET) break;
        else bail('unexpected text in a flow list');
      }
    }
    this.pos = p + 1;
    this.depth--;
    return arr;
  }

  private flowMap(p: number, indentNext: number, level: number): JsonObject {
    this.enter();
    const obj: JsonObject = {};
    p = this.flowSpace(p + 1, indentNext, level);
    while (this.at(p) !== RBRACE) {
      let key: string;
      const c = this.at(p);
      if (c === DQUOTE || c === SQUOTE) {
        key = this.quoted(p, indentNext);
        const nl = this.s.indexOf('\n', p);
        if (nl >= 0 && nl < this.pos) bail('multi-line key');
        // after a quoted key, ':' is the value indicator whatever follows it
        let q = this.pos;
        while (this.at(q) === SP) q++;
        p = this.at(q) === COLON ? q : this.flowSpace(q, indentNext, level);
      } else {
        if (isBadPlainStart(c, this.at(p + 1), true)) bail('unsupported flow key');
        const text = this.flowPlain(p);
        key = this.plainKey(text);
        let q = this.pos;
        while (this.at(q) === SP) q++;
        if (this.at(q) === COLON) {
          if (this.at(q + 1) !== SP && this.at(q + 1) !== NL) bail('":" not followed by a space');
          p = q;
        } else p = this.flowSpace(q, indentNext, level);
      }
      let value: Json = null;
      if (this.at(p) === COLON) {
        p = this.flowSpace(p + 1, indentNext, level);
        const v = this.at(p);
        if (v !== COMMA && v !== RBRACE) {
          value = this.flowNode(p, indentNext, level);
          p = this.flowSpace(this.pos, indentNext, level);
        }
      }
      setOwn(obj, key, value);
      const e = this.at(p);
      if (e === COMMA) p = this.flowSpace(p + 1, indentNext, level);
      else if (e !== RBRACE) bail('unexpected text in a flow map');
    }
    this.pos = p + 1;
    this.depth--;
    return obj;
  }

  private flowNode(p: number, indentNext: number, level: number): Json {
    const c = this.at(p);
    if (c === LBRACKET) return this.flowSeq(p, indentNext, level + 1);
    if (c === LBRACE) return this.flowMap(p, indentNext, level + 1);
    if (c === DQUOTE || c === SQUOTE) return this.quoted(p, indentNext);
    if (isBadPlainStart(c, this.at(p + 1), true)) bail('unsupported flow node');
    return this.resolve(this.flowPlain(p));
  }

  /** A single-line plain scalar in a flow collection (`pos` set after it). */
  private flowPlain(p: number): string {
    const s = this.s;
    let end = p;
    let i = p;
    for (; i < this.n; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) break;
      if (c === COLON) {
        const next = s.charCodeAt(i + 1);
        if (isBlank(next) || isFlowIndicator(next)) break;
        end = i + 1;
      } else if (c === SP) {
        const next = s.charCodeAt(i + 1);
        if (next === HASH || isFlowIndicator(next)) break;
      } else if (isFlowIndicator(c)) break;
      else end = i + 1;
    }
    if (end === p) bail('empty flow scalar');
    // at a line end, the lexer would continue the scalar on the next line unless that line
    // starts with a separator, a closing bracket or a comment
    let q = end;
    while (s.charCodeAt(q) === SP) q++;
    if (s.charCodeAt(q) === NL || q >= this.n) {
      for (;;) {
        if (q >= this.n) bail('unterminated flow collection');
        q++;
        while (s.charCodeAt(q) === SP) q++;
        const first = s.charCodeAt(q);
        if (first === NL) continue;
        if (first !== COMMA && first !== RBRACKET && first !== RBRACE && first !== HASH) bail('multi-line plain scalar');
        break;
      }
    }
    this.pos = end;
    return s.slice(p, end);
  }
}

/**
 * Reads template output (only the first document; empty gives `{}`) into JSON data when the
 * text is in the subset this reader knows, else `BAIL` (`onBail` hears why). `schema` says how
 * plain scalars (values and keys) become data.
 */
export function readTemplateOutputFast(text: string, schema: ScalarSchema, onBail?: (reason: string) => void): JsonObject | typeof BAIL {
  if (UNHANDLED_CHARS.test(text)) {
    onBail?.('unhandled character');
    return BAIL;
  }
  return attempt(() => new Reader(text, schema).document(), onBail);
}
