/**
 * `sigs.k8s.io/yaml.Marshal` as Istio's `toYaml` template function calls it: the value is turned
 * into JSON (`encoding/json`), the JSON is decoded by go-yaml v2 (so numbers become int, uint or
 * float64 by YAML 1.1 resolution), and go-yaml v2 emits it: block style, two-space indentation,
 * sequences not indented under their key, map keys in go-yaml's "natural" order (digit runs
 * compared as numbers, non-letters before letters), strings quoted exactly when go-yaml would
 * quote them (`"true"`, `"15001"`, `""`, `'*'`, ...), multi-line strings as literal blocks, long
 * lines folded at 80 columns, and a trailing newline. This is a port of the relevant parts of
 * go-yaml's encoder, resolver and emitter; it does not parse YAML and does not cover anchors,
 * tags or flow style (the JSON round-trip never produces them). The read-back step is modelled
 * where it changes the result: a raw NEL folds, characters go-yaml's reader refuses and over-long
 * or multi-line keys make Marshal fail (then this throws). Checked against go-yaml v2.4.0 through
 * github.com/ghodss/yaml by the differential test (test/template), strings ending in several
 * newlines included (v2.4.0 writes no `...` marker after them).
 */
import { formatFloat } from '../fmt.js';
import type { GoValue } from '../value.js';
import { jsonQuote, toJsonNode, type JsonNode } from './sprig-json.js';
import { GoFuncError } from './types.js';

/** A node after the JSON -> go-yaml decode. */
type YNode =
  | { readonly k: 'null' }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'num'; readonly text: string }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'seq'; readonly items: readonly YNode[] }
  | { readonly k: 'map'; readonly entries: ReadonlyArray<readonly [string, YNode]> };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The text go-yaml prints for a JSON number after resolving it as int, uint or float64. */
function numberText(jsonText: string): string {
  if (/^-?\d+$/.test(jsonText)) {
    const b = BigInt(jsonText);
    if ((b >= INT64_MIN && b <= INT64_MAX) || (b >= 0n && b <= UINT64_MAX)) return b.toString();
  }
  const f = Number(jsonText);
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  return formatFloat(f, 'g', -1);
}

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

/** go-yaml v2's `keyList.Less` for two string keys. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10n + BigInt((ar[ai]?.codePointAt(0) ?? 48) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10n + BigInt((br[bi]?.codePointAt(0) ?? 48) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

const NEL = '\u0085';

/** Characters Go's JSON encoder leaves raw that go-yaml's reader refuses ("control characters are not allowed"). */
const YAML_UNREADABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * A JSON string as go-yaml v2 reads it back (a double-quoted flow scalar): the raw NEL (U+0085,
 * which Go's JSON encoder does not escape) is a line break there, folded with the spaces around
 * it (one break becomes a space, n breaks n-1 newlines); a line starting with a document marker
 * (`--- `, `... `) after it is a syntax error. A key is a simple key, which must stay on one line
 * and end within 1024 characters of JSON text, or the decode fails. Throws where the decode fails
 * (Marshal then returns an error, and Istio's toYaml an empty string).
 */
function yamlReadBack(s: string, isKey: boolean): string {
  const fail = (why: string): never => {
    throw new GoFuncError(`error converting JSON to YAML: ${why}`);
  };
  if (YAML_UNREADABLE.test(s)) fail('control characters are not allowed');
  if (isKey && [...jsonQuote(s)].length - 2 > 1022) fail('simple key too long');
  if (!s.includes(NEL)) return s;
  if (isKey) fail('multi-line simple key');
  let out = '';
  let i = 0;
  while (i < s.length) {
    while (i < s.length && s[i] !== ' ' && s[i] !== NEL) out += s[i++];
    if (i >= s.length) break;
    let whitespace = '';
    let leadingBlanks = false;
    let trailingBreaks = '';
    while (i < s.length && (s[i] === ' ' || s[i] === NEL)) {
      if (s[i] === ' ') {
        if (!leadingBlanks) whitespace += ' ';
      } else if (!leadingBlanks) {
        whitespace = '';
        leadingBlanks = true;
      } else trailingBreaks += '\n';
      i++;
    }
    if (s[i - 1] === NEL && (s.startsWith('---', i) || s.startsWith('...', i)) && (s[i + 3] === ' ' || s[i + 3] === NEL)) {
      fail('found unexpected document indicator');
    }
    out += leadingBlanks ? (trailingBreaks === '' ? ' ' : trailingBreaks) : whitespace;
  }
  return out;
}

function toYNode(n: JsonNode): YNode {
  switch (n.k) {
    case 'null':
    case 'bool':
      return n;
    case 'str':
      return { k: 'str', v: yamlReadBack(n.v, false) };
    case 'num':
      return { k: 'num', text: numberText(n.text) };
    case 'arr':
      return { k: 'seq', items: n.items.map(toYNode) };
    case 'obj': {
      // Duplicate keys cannot occur (JSON from Go maps/structs); the last one would win.
      const entries = n.entries.map(([k, v]) => [yamlReadBack(k, true), toYNode(v)] as const);
      entries.sort((x, y) => (yamlKeyLess(x[0], y[0]) ? -1 : yamlKeyLess(y[0], x[0]) ? 1 : 0));
      return { k: 'map', entries };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// go-yaml's resolver: would a plain scalar read back as something other than a string?

const BOOL_NULL_WORDS = new Set(
  [
    'y Y yes Yes YES true True TRUE on On ON',
    'n N no No NO false False FALSE off Off OFF',
    '~ null Null NULL',
    '.nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF',
  ]
    .join(' ')
    .split(' '),
);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** go-yaml's `parseTimestamp` (the formats it tries with `time.Parse`). */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  const h = m[4] ?? m[7];
  const mi = m[5] ?? m[8];
  const sec = m[6] ?? m[9];
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)) return false;
  return true;
}

function parsesAsGoInt(plain: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  return m !== null;
}

/** Would go-yaml resolve the plain scalar `s` to a non-string (so that the encoder must quote it)? */
export function resolvesToNonString(s: string): boolean {
  if (s === '' || BOOL_NULL_WORDS.has(s)) return true;
  const c = s[0] as string;
  if (c === '.') return YAML_STYLE_FLOAT.test(s);
  if (!/[-+0-9]/.test(c)) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (parsesAsGoInt(plain)) return true;
  if (YAML_STYLE_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

function isBase60Float(s: string): boolean {
  return BASE60_FLOAT.test(s);
}

// ---------------------------------------------------------------------------------------------
// go-yaml's emitter

function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

function isBreak(cp: number | undefined): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isBlank(cp: number | undefined): boolean {
  return cp === 0x20 || cp === 0x09;
}

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** `yaml_emitter_analyze_scalar` (block context only). */
function analyzeScalar(value: string): ScalarAnalysis {
  const cps = [...value].map((ch) => ch.codePointAt(0) ?? 0);
  if (cps.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] as number;
    const next = cps[i + 1];
    const followedByWhitespace = i + 1 >= cps.length || isBlank(next) || isBreak(next);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) blockIndicators = true;
    else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) specialCharacters = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === 0;
  }
  const r: ScalarAnalysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) r.blockPlainAllowed = false;
  if (trailingSpace) r.blockAllowed = false;
  if (breakSpace) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
    r.blockAllowed = false;
  }
  if (lineBreaks) r.blockPlainAllowed = false;
  if (blockIndicators) r.blockPlainAllowed = false;
  return r;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  private readonly indents: number[] = [];

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  /** `write_break`: a '\n' is a newline; another break character is copied and starts a line. */
  private writeBreak(ch: string): void {
    if (ch === '\n') this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.out += ind;
    this.column += ind.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  emitNode(n: YNode, ctx: { mapping?: boolean; simpleKey?: boolean }): void {
    switch (n.k) {
      case 'null':
        this.emitScalar('null', 'plain', !!ctx.simpleKey);
        return;
      case 'bool':
        this.emitScalar(n.v ? 'true' : 'false', 'plain', !!ctx.simpleKey);
        return;
      case 'num':
        this.emitScalar(n.text, 'plain', !!ctx.simpleKey);
        return;
      case 'str':
        this.emitString(n.v, !!ctx.simpleKey);
        return;
      case 'seq':
        if (n.items.length === 0) {
          this.writeIndicator('[', true, true, false);
          this.writeIndicator(']', false, false, false);
          return;
        }
        this.increaseIndent(false, !!ctx.mapping && !this.indention);
        for (const item of n.items) {
          this.writeIndent();
          this.writeIndicator('-', true, false, true);
          this.emitNode(item, {});
        }
        this.popIndent();
        return;
      case 'map':
        if (n.entries.length === 0) {
          this.writeIndicator('{', true, true, false);
          this.writeIndicator('}', false, false, false);
          return;
        }
        this.increaseIndent(false, false);
        for (const [key, value] of n.entries) {
          this.writeIndent();
          if (isSimpleKey(key)) {
            this.emitString(key, true);
            this.writeIndicator(':', false, false, false);
          } else {
            this.writeIndicator('?', true, false, true);
            this.emitString(key, false);
            this.writeIndent();
            this.writeIndicator(':', true, false, true);
          }
          this.emitNode(value, { mapping: true });
        }
        this.popIndent();
        return;
    }
  }

  /** The encoder's `stringv`: choose plain, literal or double-quoted, then let the emitter refine. */
  private emitString(s: string, simpleKey: boolean): void {
    let style: Style;
    const canUsePlain = !resolvesToNonString(s) && !isBase60Float(s);
    if (s.includes('\n')) style = 'literal';
    else if (canUsePlain) style = 'plain';
    else style = 'double';
    this.emitScalar(s, style, simpleKey);
  }

  /** `yaml_emitter_select_scalar_style` + `process_scalar`. */
  private emitScalar(value: string, requested: Style, simpleKey: boolean): void {
    const a = analyzeScalar(value);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlainAllowed) style = 'single';
      if (value.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(value, allowBreaks);
        break;
      case 'single':
        this.writeSingle(value, allowBreaks);
        break;
      case 'double':
        this.writeDouble(value, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(value);
        break;
    }
    this.popIndent();
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cps = [...value];
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cps[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') {
          this.writeIndent();
        } else this.put(ch);
        spaces = true;
      } else if (isBreak(ch.codePointAt(0))) {
        // Only U+2028/U+2029 reach here (a '\n' selects the literal style, and other breaks double quotes).
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        breaks = false;
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = [...value];
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      const c = ch.codePointAt(0) ?? 0;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
        this.put('\\');
        const short = DOUBLE_ESCAPES[c];
        if (short !== undefined) this.put(short);
        else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = [...value];
    if (cps[0] === ' ' || isBreak(cps[0]?.codePointAt(0))) {
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    }
    const last = cps[cps.length - 1]?.codePointAt(0);
    let chomp = '';
    if (!isBreak(last)) chomp = '-';
    else if (cps.length === 1 || isBreak(cps[cps.length - 2]?.codePointAt(0))) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of cps) {
      if (isBreak(ch.codePointAt(0))) {
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          this.indention = false;
          breaks = false;
        }
        this.put(ch);
      }
    }
  }

  endDocument(): void {
    this.indent = -1;
    this.writeIndent();
  }
}

const DOUBLE_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/** `yaml_emitter_check_simple_key` for a string key: single-line and at most 128 bytes. */
function isSimpleKey(key: string): boolean {
  if (/[\n\r\u0085\u2028\u2029]/.test(key)) return false;
  return Buffer.byteLength(key, 'utf8') <= 128;
}

/**
 * Outputs of `marshalYaml` by the JSON text of the tree they were made from (one text per tree),
 * for the caller that keeps one: Istio's function map keeps one per map (istio.ts; one map per
 * renderer, so per run and revision), since Istio's templates marshal the same few `.Values`
 * sections for every workload and the emitter is what costs, the key is cheap. The output is a
 * function of the key, so a memo cannot change it. Bounded: cleared when full, large trees not kept.
 */
export type YamlMemo = Map<string, string>;
const YAML_MEMO_ENTRIES = 256;
const YAML_MEMO_KEY_LENGTH = 16 * 1024;

/** `sigs.k8s.io/yaml.Marshal(v)`. Throws `GoFuncError` where `json.Marshal` fails (NaN, Inf). */
export function marshalYaml(v: GoValue, memo?: YamlMemo): string {
  const json = toJsonNode(v);
  const key = memo ? JSON.stringify(json) : '';
  const cached = memo?.get(key);
  if (cached !== undefined) return cached;
  const root = toYNode(json);
  const e = new Emitter();
  e.emitNode(root, {});
  e.endDocument();
  if (memo && key.length <= YAML_MEMO_KEY_LENGTH) {
    if (memo.size >= YAML_MEMO_ENTRIES) memo.clear();
    memo.set(key, e.out);
  }
  return e.out;
}
