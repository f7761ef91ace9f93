/**
 * The fast YAML reader: it turns the plain block YAML that Kubernetes tools and Istio's templates
 * write into JSON values in one pass, several times faster than building `yaml` Documents. One
 * reader serves both uses, with options instead of module state:
 *
 *  - manifests (`fastParse`): one block node of an input (a stream document or a ResourceList
 *    item), plain scalars resolved with the YAML 1.2 core schema, keys unique as `yaml` checks them
 *    (`keys: 'unique'`);
 *  - template output (`fastParseDocument`): the first document of a text, plain scalars (keys
 *    included) resolved with go-yaml v2's rules, duplicate keys last-wins as `sigs.k8s.io/yaml`
 *    reads them (`keys: 'last-wins'`).
 *
 * Its subset: block maps and sequences (compact and indented), plain scalars on one line, quoted
 * scalars (also folded over lines), literal and folded block scalars (chomping, indentation
 * indicators), flow collections on one or many lines (trailing commas, comments), comments,
 * blank lines, document markers around a document. It is only an accelerator: for anything else
 * (anchors, aliases, tags, merge keys, complex keys, multi-line plain scalars, tabs, unusual
 * indentation, anything `yaml` would report as an error...) it gives up (`BAIL`, bail.ts) and the
 * caller reads the same text with `yaml`, which is the authority for values and error messages.
 * Where it answers, the answer is the one `yaml` gives (same values, same key order): the block-
 * and quoted-scalar rules below follow that parser's lexer and value resolution, not only the
 * YAML spec (checked by differential property tests for both schemas). It keeps no comments or
 * positions; editing is done on `yaml` Documents or by patch.ts elsewhere.
 *
 * The text it reads is the node or document itself (a slice of the input), so every search it
 * makes (scan.ts) ends at the end of the node at the latest, and most at the end of the line.
 * Scalar rules and escapes come from scalars.ts.
 */
import { setOwn, type Json, type JsonObject } from '../kube/types.js';
import { attempt, bail, BAIL } from './bail.js';
import { controlCharacter } from './errors.js';
import { decodeDoubleQuoted, decodeSingleQuoted, KEY_STRINGS, RESOLVERS, type PlainResolver, type ScalarSchema } from './scalars.js';
import {
  COLON,
  COMMA,
  DASH,
  DQUOTE,
  HASH,
  indexWithin,
  isBlank,
  isFlowIndicator,
  LBRACE,
  LBRACKET,
  lineEnd,
  NL,
  nextContentLine,
  plainKeyColon,
  quotedEnd,
  RBRACE,
  RBRACKET,
  skipSpaces,
  SP,
  SQUOTE,
} from './scan.js';

/** What the reader makes of the text: how plain scalars resolve, and how map keys are checked. */
export interface ReadOptions {
  /** The rules for plain scalars (values, and keys with `last-wins`). */
  readonly schema: ScalarSchema;
  /**
   * `unique`: as `yaml` with `uniqueKeys` and `toJS` (manifests): it gives up on a duplicate key,
   * `__proto__`, and a plain key that is not a string. `last-wins`: as `sigs.k8s.io/yaml`
   * (template output): the last duplicate wins, `__proto__` is data, plain keys become strings by
   * the schema's key rules.
   */
  readonly keys: 'unique' | 'last-wins';
}

/** Manifests: `yaml`'s YAML 1.2 core schema, unique keys. */
export const MANIFEST: ReadOptions = { schema: 'yaml-1.2', keys: 'unique' };

/** Istio template output: go-yaml v2's scalars, last duplicate wins. */
export const TEMPLATE_OUTPUT: ReadOptions = { schema: 'go-yaml-v2', keys: 'last-wins' };

/** Deeper than this, the reader leaves the text to `yaml` (which has its own, higher limit). */
const MAX_FAST_DEPTH = 100;
const MAX_IMPLICIT_KEY = 1024;

/** First characters that cannot start a plain scalar here (indicators, or left to `yaml`). */
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

/** `[indent, content]` per line of a block scalar's body, split as `yaml` splits it. */
function splitBlockLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0]!;
  const m = /^( *)/.exec(first);
  const lines: [string, string][] = [m && m[1] ? [m[1], first.slice(m[1].length)] : ['', first]];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i]!, split[i + 1]!]);
  return lines;
}

class Reader {
  private readonly n: number;
  private readonly resolve: PlainResolver;
  private readonly keyString: (text: string) => string;
  private readonly unique: boolean;
  /** End of the last inline node read (just after it). */
  private pos = 0;
  /** Start of the next content line after the node just read, or -1 at the end of the text. */
  private next = -1;
  /** Indentation of the line at `next`. */
  private ind = 0;
  private depth = 0;
  /** Start of the document marker line that ended the content, or -1. */
  private endMarker = -1;
  /** The ':' of the plain key found at `keyAt` by isKeyLine (saves a second scan of the key). */
  private keyAt = -1;
  private keyColon = -1;

  /**
   * @param s the text: a node or a document and nothing else
   * @param col0 the column of the text's first character in its line of the input
   */
  constructor(
    private readonly s: string,
    private readonly col0: number,
    options: ReadOptions,
  ) {
    this.n = s.length;
    this.resolve = RESOLVERS[options.schema];
    this.keyString = KEY_STRINGS[options.schema];
    this.unique = options.keys === 'unique';
  }

  private at(i: number): number {
    return this.s.charCodeAt(i);
  }

  private lineEnd(p: number): number {
    return lineEnd(this.s, p, this.n);
  }

  private isDocMarker(p: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    return (c === DASH || c === 0x2e) && (s.startsWith('---', p) || s.startsWith('...', p)) && isBlank(this.at(p + 3));
  }

  private isDash(p: number): boolean {
    return this.at(p) === DASH && isBlank(this.at(p + 1));
  }

  /** Column of position `p`. */
  private colOf(p: number): number {
    const ls = this.s.lastIndexOf('\n', p - 1) + 1;
    return p - ls + (ls === 0 ? this.col0 : 0);
  }

  /**
   * From line start `p`, skips blank and comment lines; returns the start of the next content
   * line (its indentation in `ind`), or -1 at the end of the text or a document marker.
   */
  private nextContent(p: number): number {
    const line = nextContentLine(this.s, p, this.n);
    if (line === -1) return -1;
    if (this.isDocMarker(line)) {
      this.endMarker = line;
      return -1;
    }
    this.ind = skipSpaces(this.s, line, this.n) - line;
    return line;
  }

  /** After a node at `p`: only spaces and a comment may follow on the line; returns the next line's start. */
  private restOfLine(p: number): number {
    const s = this.s;
    const start = p;
    p = skipSpaces(s, p, this.n);
    if (p >= this.n) return this.n;
    const c = s.charCodeAt(p);
    if (c === NL) return p + 1;
    if (c === HASH && (p > start || s.charCodeAt(p - 1) === SP || s.charCodeAt(p - 1) === NL)) return Math.min(this.lineEnd(p) + 1, this.n);
    return bail('unexpected text after a node');
  }

  /** Sets `next`/`ind` to the content line after line start `p`. */
  private finishLine(p: number): void {
    this.next = this.nextContent(p);
  }

  /** The block node at the start of the text (in column `col0`), which must be all of it. */
  node(): Json {
    const col = this.col0;
    if (col === 0 && this.isDocMarker(0)) bail('a document marker');
    let value: Json;
    if (this.isDash(0)) value = this.blockSeq(col, 0);
    else if (this.isKeyLine(0)) value = this.blockMap(col, 0);
    else {
      const c = this.at(0);
      // as at the top of a document, no indentation rule applies to a flow collection here
      if (c === LBRACE) value = this.flowMap(0, 0, 1);
      else if (c === LBRACKET) value = this.flowSeq(0, 0, 1);
      else bail('a scalar at the top');
      this.finishLine(this.restOfLine(this.pos));
    }
    if (this.next >= 0 || this.endMarker >= 0) bail('content after the node');
    return value;
  }

  /** The first document of the text, which must be a map (empty: `{}`). */
  document(): JsonObject {
    const s = this.s;
    let p = 0;
    // comments and blank lines, then an optional '---'
    for (;;) {
      const q = skipSpaces(s, p, this.n);
      if (q >= this.n) return {};
      const c = s.charCodeAt(q);
      if (c === NL || c === HASH) {
        p = this.lineEnd(q) + 1;
        if (p >= this.n) return {};
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
   * Only the first document counts, but `yaml` may still report problems after its end marker
   * as errors of the first document: anything there but comments is left to it.
   */
  private checkTail(): void {
    if (this.endMarker < 0) return;
    let p = this.restOfLine(this.endMarker + 3);
    const s = this.s;
    while (p < this.n) {
      p = skipSpaces(s, p, this.n);
      const c = s.charCodeAt(p);
      if (c !== NL && c !== HASH && p < this.n) bail('more after the end of the first document');
      p = this.lineEnd(p) + 1;
    }
  }

  /** Whether the line from `p` holds an implicit key: a single-line key followed by ': ' or ':' at the end. */
  private isKeyLine(p: number): boolean {
    const c = this.at(p);
    if (c === DQUOTE || c === SQUOTE) {
      // a key is on one line: the closing quote is searched on this line only
      const end = quotedEnd(this.s, p, this.lineEnd(p));
      if (end < 0) return false;
      const q = skipSpaces(this.s, end + 1, this.n);
      return this.at(q) === COLON && isBlank(this.at(q + 1));
    }
    if (isBadPlainStart(c, this.at(p + 1), false)) return false;
    this.keyAt = p;
    this.keyColon = plainKeyColon(this.s, p, this.n);
    return this.keyColon >= 0;
  }

  /** The ':' ending a plain key that starts at `p`, or -1 if the line has none. */
  private plainKeyColon(p: number): number {
    return this.keyAt === p ? this.keyColon : plainKeyColon(this.s, p, this.n);
  }

  private enter(): void {
    if (++this.depth > MAX_FAST_DEPTH) bail('nesting too deep');
  }

  /** The JSON key of a plain map key. */
  private plainKey(text: string): string {
    if (text === '<<') bail('merge key');
    if (!this.unique) return this.keyString(text);
    if (typeof this.resolve(text) !== 'string') bail('a key that is not a string');
    return text;
  }

  /** Sets a map entry by the key rules. */
  private setKey(obj: JsonObject, key: string, value: Json): void {
    if (!this.unique) setOwn(obj, key, value);
    else if (key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key)) bail('duplicate key or __proto__');
    else obj[key] = value;
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
        if (indexWithin(this.s, '\n', p, end) !== -1) bail('multi-line key');
        if (end - p > MAX_IMPLICIT_KEY) bail('long key');
        const q = skipSpaces(this.s, end, this.n);
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
      this.setKey(obj, key, this.mapValue(col, after));
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
    p = skipSpaces(this.s, p, this.n);
    const c = this.at(p);
    if (c === NL || c === HASH || p >= this.n) {
      const from = this.restOfLine(p);
      const line = this.nextContent(from);
      if (line < 0) {
        this.next = -1;
        return null;
      }
      if (this.ind > col) return this.nestedBlock(from, line, this.ind, col);
      if (this.ind === col && this.isDash(line + col)) return this.blockSeq(col, line + col);
      this.next = line;
      return null;
    }
    return this.inlineValue(col, p, false);
  }

  /**
   * A node that starts on its own line (`line`, indented by `ind`) under a key or '-' of a block
   * collection at column `col`: a block collection, or a single flow or quoted scalar or flow
   * collection (block scalars there are left to `yaml`). `from` starts the blank and comment
   * lines skipped before it.
   */
  private nestedBlock(from: number, line: number, ind: number, col: number): Json {
    const p = line + ind;
    if (this.isDash(p)) return this.blockSeq(ind, p);
    if (this.isKeyLine(p)) return this.blockMap(ind, p);
    const c = this.at(p);
    if (c === 0x7c || c === 0x3e) bail('a block scalar on its own line');
    if (c !== DQUOTE && c !== SQUOTE && c !== LBRACKET && c !== LBRACE && this.lowersIndent(from, line))
      bail('a plain scalar after a line that lowers the indentation');
    return this.inlineValue(col, p, false);
  }

  /**
   * Whether one of the blank and comment lines in [from, to) makes `yaml`'s lexer lower the
   * indentation a plain scalar must keep to end on its line: a blank line followed by text at
   * column 0, or a comment with no space after its `#` (the lexer looks at the character after
   * a line's indentation). A plain scalar after it may take the next, less indented line as its
   * continuation (`a:` NL NL `#c` NL `   x` NL `b` is one scalar `x b`).
   */
  private lowersIndent(from: number, to: number): boolean {
    const s = this.s;
    for (let ls = from; ls < to; ) {
      const k = skipSpaces(s, ls, to);
      const le = this.lineEnd(k);
      const c = s.charCodeAt(k);
      if (c === NL && le + 1 < to && s.charCodeAt(le + 1) !== SP && s.charCodeAt(le + 1) !== NL) return true;
      if (c === HASH && k + 1 < le && s.charCodeAt(k + 1) !== SP) return true;
      ls = le + 1;
    }
    return false;
  }

  /** A block list whose first '-' is at `p`, in column `col`. */
  private blockSeq(col: number, p: number): Json[] {
    this.enter();
    const arr: Json[] = [];
    for (;;) {
      const q = skipSpaces(this.s, p + 1, this.n);
      const c = this.at(q);
      if (c === NL || c === HASH || q >= this.n) {
        const from = this.restOfLine(q);
        const line = this.nextContent(from);
        if (line >= 0 && this.ind > col) arr.push(this.nestedBlock(from, line, this.ind, col));
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
    this.pos = this.plainEnd(p, false);
    return this.s.slice(p, this.pos);
  }

  /**
   * The end of the plain scalar on one line from `p`: before a comment, the line break, a `:`
   * that makes it a key and, in a flow collection (`inFlow`), a flow indicator. In block context
   * a `:` that would make it a key gives up (a map in a value).
   */
  private plainEnd(p: number, inFlow: boolean): number {
    const s = this.s;
    let end = p;
    for (let i = p; i < this.n; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) break;
      if (c === COLON) {
        const next = s.charCodeAt(i + 1);
        if (isBlank(next)) {
          if (inFlow) break;
          bail('a map in a value');
        }
        if (inFlow && isFlowIndicator(next)) break;
        end = i + 1;
      } else if (c === SP) {
        if (s.charCodeAt(i + 1) === HASH) break;
      } else if (inFlow && isFlowIndicator(c)) break;
      else end = i + 1;
    }
    return end;
  }

  /** Where the lexer continues a multi-line scalar on the line starting at `offset`, or -1. */
  private continueScalar(offset: number, indentNext: number): number {
    if (indentNext === 0) return this.isDocMarker(offset) ? -1 : offset;
    const k = skipSpaces(this.s, offset, this.n);
    return this.at(k) === NL || k - offset >= indentNext ? k : -1;
  }

  /** A quoted scalar at `p` whose continuation lines need `indentNext` spaces (`pos` set after it). */
  private quoted(p: number, indentNext: number): string {
    const s = this.s;
    const end = quotedEnd(s, p, this.n);
    if (end < 0) bail('unterminated quoted scalar');
    let nl = indexWithin(s, '\n', p, end);
    const multiLine = nl >= 0;
    while (nl >= 0) {
      const cs = this.continueScalar(nl + 1, indentNext);
      if (cs < 0) bail('quoted scalar not indented');
      nl = indexWithin(s, '\n', cs, end);
    }
    this.pos = end + 1;
    if (s.charCodeAt(p) === SQUOTE) return decodeSingleQuoted(s.slice(p + 1, end));
    if (!multiLine && indexWithin(s, '\\', p + 1, end) < 0) return s.slice(p + 1, end);
    const value = decodeDoubleQuoted(s, p + 1, end);
    // an escaped control character: `yaml`'s path (parse.ts) refuses it with its position
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
      for (;;) {
        const cs = this.continueScalar(nl + 1, indentNext);
        if (cs < 0) break;
        nl = this.lineEnd(cs);
        if (nl >= n) break;
      }
      if (nl > n) nl = n;
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

  /** The value of a block scalar body, as `yaml` resolves it. */
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
        const ls = p + 1;
        p = skipSpaces(s, ls, this.n);
        const k = p - ls;
        const first = s.charCodeAt(p);
        // `yaml` refuses some comments at column 0 here (`{a: b` NL `#` NL `}`: "Comments must be
        // separated from other tokens"), depending on what came before: all are left to it
        if (first === HASH && k === 0) bail('a comment at column 0 in a flow collection');
        if (first === NL || p >= this.n || first === HASH) continue;
        if (k === 0 && this.isDocMarker(p)) bail('document marker in a flow collection');
        if (k < indentNext && !(k === indentNext - 1 && level === 1 && (first === RBRACKET || first === RBRACE))) {
          bail('flow collection not indented');
        }
      } else if (c === HASH) {
        const prev = s.charCodeAt(p - 1);
        if (prev !== SP && prev !== NL) bail('comment without a space');
        p = this.lineEnd(p);
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
        if (indexWithin(this.s, '\n', p, this.pos) !== -1) bail('multi-line key');
        // after a quoted key, ':' is the value indicator whatever follows it
        const q = skipSpaces(this.s, this.pos, this.n);
        p = this.at(q) === COLON ? q : this.flowSpace(q, indentNext, level);
      } else {
        if (isBadPlainStart(c, this.at(p + 1), true)) bail('unsupported flow key');
        const text = this.flowPlain(p);
        key = this.plainKey(text);
        const q = skipSpaces(this.s, this.pos, this.n);
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
      this.setKey(obj, key, value);
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
    const end = this.plainEnd(p, true);
    if (end === p) bail('empty flow scalar');
    // at a line end, the lexer would continue the scalar on the next line unless that line
    // starts with a separator, a closing bracket or a comment
    let q = skipSpaces(s, end, this.n);
    if (s.charCodeAt(q) === NL || q >= this.n) {
      for (;;) {
        if (q >= this.n) bail('unterminated flow collection');
        q = skipSpaces(s, q + 1, this.n);
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
 * Reads the block node whose first character is at `start` (column `col`) and which ends at `end`
 * (a stream document or a ResourceList item), with `options` (manifests unless said otherwise).
 * Returns BAIL when the text is outside the subset (the caller then uses `yaml`). CRLF line breaks
 * are read as `\n` (a lone CR is left to `yaml`: FAST_UNSAFE).
 */
export function fastParse(text: string, start: number, end: number, col: number, options: ReadOptions = MANIFEST): Json | typeof BAIL {
  let node = text.slice(start, end);
  if (node.includes('\r')) {
    node = node.replace(/\r\n/g, '\n');
    if (node.includes('\r')) return BAIL;
  }
  return attempt(() => new Reader(node, col, options).node());
}

/**
 * Reads the first document of `text` (empty gives `{}`), which must be a map, with `options`;
 * `BAIL` when the text is outside the subset (`onBail` hears why).
 */
export function fastParseDocument(text: string, options: ReadOptions, onBail?: (reason: string) => void): JsonObject | typeof BAIL {
  if (DOCUMENT_UNSAFE.test(text)) {
    onBail?.('unhandled character');
    return BAIL;
  }
  return attempt(() => new Reader(text, 0, options).document(), onBail);
}

/** Characters that make the fast reader give up for a whole text (checked once per input). */
// eslint-disable-next-line no-control-regex
export const FAST_UNSAFE = /[\t\x85\u2028\u2029\uFEFF]|\r(?!\n)/g;

/**
 * What `fastParseDocument` gives up on: FAST_UNSAFE, every CR, and the raw control characters
 * that the callers of `fastParse` reject before reading (parse.ts, errors.ts).
 */
// eslint-disable-next-line no-control-regex
const DOCUMENT_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

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
