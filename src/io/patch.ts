/**
 * Text patching of a changed resource: given the original text of a block node (a stream document
 * or a ResourceList item), its original plain value and its new value, writes the new text by
 * splicing the original: changed scalars are replaced in place (keeping their quoting), new keys
 * and list items are inserted as block YAML at the place `reconcile` (edit.ts) would put them,
 * deleted ones are cut. Everything else keeps its bytes: the diff between the input and the output
 * holds only the lines of changed fields. It is the main path of `YamlResource.print`; on text in
 * the form `yaml` prints (block style, two-space indentation, one sequence style...) it gives
 * exactly what re-printing the edited `yaml` Document gives, and beyond that it keeps the source's
 * own layout: blank and whitespace-only lines, trailing spaces, either sequence style (both may
 * mix), any indentation, flow collections, block and multi-line scalars and `key:\n  {}` values
 * (these are kept whole and only replaced whole). For what it cannot place with certainty
 * (anchors, tags, quoted keys, edits inside a flow collection or a multi-line scalar...) it returns
 * `BAIL` and the caller takes the `yaml` path. It knows nothing about Kubernetes; it does not parse
 * values (the fast reader and `yaml` do).
 */
import { Document, Pair, Scalar, YAMLMap } from 'yaml';
import type { Json, JsonObject, SourceQuote } from '../kube/types.js';
import { isObject, jsonEqual, sourceQuotesOf } from '../kube/types.js';
import { FORCE_DOUBLE, identityOfValue, isAmbiguousString, makeScalar, matchItems, PRINT_DEPTH, valuePrint } from './edit.js';
import { attempt, bail, BAIL } from './bail.js';
import type { IoContext, PrintedScalars } from './context.js';
import { doubleQuoted, readsAsString } from './scalars.js';
import { commentStart, FLOW_UNFOLLOWED, flowClose, type FlowState, indexWithin, isDashAt, lineEnd, plainKeyColon, skipSpaces, trimSpacesBack } from './scan.js';

/** How a scalar is written: plain, quoted, or kept whole (flow collection, block or multi-line scalar). */
type ScalarStyle = 'plain' | '"' | "'" | 'whole';

interface PScalar {
  t: 'scalar';
  /** Value text [vs, ve); vs === ve for an empty (null) value after `key:`. */
  vs: number;
  ve: number;
  style: ScalarStyle;
}
interface PEntry {
  /** Start of the comment and blank lines that lead the entry (or of its first line). */
  lead: number;
  value: PNode;
  /** Offset after the entry's last line. */
  end: number;
  /** For a map entry: the offset just after its `:`. */
  gap?: number;
}
interface PMap {
  t: 'map';
  col: number;
  entries: Map<string, PEntry>;
  end: number;
}
interface PSeq {
  t: 'seq';
  col: number;
  items: PEntry[];
  end: number;
}
type PNode = PScalar | PMap | PSeq;

interface Line {
  /** Line start, first content character, offset of the line's `\n` (or the range end). */
  ls: number;
  q: number;
  le: number;
  ind: number;
  /** Start of the comment and blank lines just before this line (ls when none). */
  lead: number;
  /** End of the line's value text (past its continuation lines) and where that value starts; vs = -1 when the line ends after `key:` or `-`. */
  vs: number;
  ve: number;
  style: ScalarStyle;
  /** Offset of the `\n` ending the line's last continuation line (le when none). */
  ce: number;
}

// kubectl's managedFields keys too (`.`, `f:spec`, `k:{"name":"app"}`): no space, `#` or final `:`.
const PLAIN_KEY = /^(?:[A-Za-z0-9_.][A-Za-z0-9_./-]*|[a-z]:[^\s#]*[^\s#:])$/;
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** Positions of the block structure of text[start, end), whose first node starts in column col. */
class Layout {
  readonly lines: Line[] = [];
  i = 0;

  constructor(
    readonly s: string,
    readonly start: number,
    readonly end: number,
    readonly col: number,
  ) {
    let ls = start;
    let first = true;
    let lead = -1;
    while (ls < end) {
      const le = this.eol(ls);
      const q = skipSpaces(s, ls, le);
      if (s.charCodeAt(le - 1) === 13) bail('outside the subset'); // CR
      if (q >= le || s.charCodeAt(q) === 35) {
        // a blank or whitespace-only line, or a comment: leads the next entry
        if (first) bail('outside the subset');
        if (lead === -1) lead = ls;
        ls = le + 1;
        continue;
      }
      const line: Line = { ls, q, le, ind: first ? col : q - ls, lead: lead === -1 ? ls : lead, vs: -1, ve: -1, style: 'plain', ce: le };
      this.lines.push(line);
      lead = -1;
      first = false;
      this.value(line);
      ls = line.ce + 1;
    }
  }

  /** Offset of the `\n` ending the line that starts at ls (or the range end). */
  eol(ls: number): number {
    return lineEnd(this.s, ls, this.end);
  }

  /** Column of offset x on the line. */
  colOf(line: Line, x: number): number {
    return line.ind + (x - line.q);
  }

  isDash(q: number, le: number): boolean {
    return isDashAt(this.s, q, le);
  }

  lineEnd(line: Line): number {
    return Math.min(line.ce + 1, this.end);
  }

  /**
   * The `:` ending a plain key that starts at q, or -1. A `: ` inside the line's comment is outside
   * the subset (a key the patcher cannot tell from a comment that looks like one).
   */
  keyColon(q: number, le: number): number {
    const s = this.s;
    const c = s.charCodeAt(q);
    if (c === 34 || c === 39 || c === 123 || c === 91) return -1;
    const k = plainKeyColon(s, q, le);
    if (k === -1) {
      const h = commentStart(s, q, le);
      if (h !== -1 && (indexWithin(s, ': ', h, le) !== -1 || s.charCodeAt(le - 1) === 58)) bail('outside the subset');
    }
    return k;
  }

  isKeyLine(q: number, le: number): boolean {
    return this.keyColon(q, le) !== -1;
  }

  /**
   * Finds the scalar value the line ends with (after its `- ` and `key: ` prefixes) and the lines
   * that continue it: a block scalar's body, a quoted scalar or flow collection running over
   * several lines, a plain scalar's more-indented continuation lines.
   */
  value(line: Line): void {
    const s = this.s;
    const le = line.le;
    let p = line.q;
    let kc = line.ind; // column of the innermost node that starts on the line
    while (this.isDash(p, le)) {
      kc = this.colOf(line, p);
      p = skipSpaces(s, p + 1, le);
      if (p >= le) return;
    }
    const colon = this.keyColon(p, le);
    if (colon !== -1) {
      kc = this.colOf(line, p);
      p = skipSpaces(s, colon + 1, le);
      if (p >= le || s.charCodeAt(p) === 35) return; // value on the next lines, or null
    }
    this.scalarAt(line, p, kc);
  }

  /** The scalar starting at v on the line, in a node at column kc. */
  scalarAt(line: Line, v: number, kc: number): void {
    const s = this.s;
    const c = s[v]!;
    line.vs = v;
    if ('&*!%@`'.includes(c)) bail('outside the subset'); // anchors, aliases, tags, reserved
    if (c === '|' || c === '>') {
      const header = s.slice(v, this.commentAt(v, line.le)).trimEnd();
      if (!/^[|>][1-9-]?[1-9-]?$/.test(header)) bail('outside the subset'); // `+` keeps trailing blank lines: left to yaml
      line.style = 'whole';
      line.ce = this.more(line.le, kc, true);
      line.ve = trimSpacesBack(s, v, line.ce);
      return;
    }
    if (c === '"' || c === "'" || c === '[' || c === '{') {
      const close = this.closing(v, kc, line);
      line.style = c === '"' || c === "'" ? (line.ce === line.le ? c : 'whole') : 'whole';
      line.ve = close;
      this.afterValue(close, this.eol(close));
      return;
    }
    line.ve = trimSpacesBack(s, v, this.commentAt(v, line.le));
    line.ce = this.more(line.le, kc, false);
    if (line.ce !== line.le) {
      line.style = 'whole';
      line.ve = trimSpacesBack(s, v, line.ce);
    }
  }

  /** Where ` #` starts a comment in [v, le), or le (a search bounded to the line). */
  commentAt(v: number, le: number): number {
    const k = commentStart(this.s, v, le);
    return k === -1 ? le : k;
  }

  /** Only spaces and a comment may follow a value that ends at x. */
  afterValue(x: number, le: number): void {
    x = skipSpaces(this.s, x, le);
    if (x < le && (this.s.charCodeAt(x) !== 35 || this.s.charCodeAt(x - 1) !== 32)) bail('outside the subset');
  }

  /**
   * The `\n` offset of the last line after the line ending at le that is more indented than column
   * kc (blank lines between them included; comments too when `any`, as in a block scalar).
   */
  more(le: number, kc: number, any: boolean): number {
    const s = this.s;
    let last = le;
    let ls = le + 1;
    while (ls < this.end) {
      const e = this.eol(ls);
      const q = skipSpaces(s, ls, e);
      if (q < e) {
        if (q - ls <= kc) break;
        if (!any && s.charCodeAt(q) === 35) break; // a comment ends a plain scalar
        last = e;
      }
      ls = e + 1;
    }
    return last;
  }

  /**
   * The offset after the quoted scalar or flow collection starting at v, which may run over more
   * lines (each more indented than kc); sets line.ce to the `\n` of its last line.
   */
  closing(v: number, kc: number, line: Line): number {
    const s = this.s;
    const st: FlowState = { depth: 0, quote: 0 };
    let from = v;
    let le = line.le;
    for (;;) {
      const k = flowClose(s, from, le, st);
      // a comment inside a flow collection, anchors, aliases, tags, an unmatched bracket
      if (k === FLOW_UNFOLLOWED) bail('outside the subset');
      if (k !== -1) return k;
      // the value goes on on the next line
      if (le >= this.end) bail('outside the subset');
      const ls = le + 1;
      le = this.eol(ls);
      const q = skipSpaces(s, ls, le);
      if (st.quote === 0 && q < le && q - ls <= kc) bail('outside the subset');
      line.ce = le;
      from = ls;
    }
  }

  /** The block node starting at offset q on line i, in column col. */
  block(q: number, col: number): PNode {
    const line = this.lines[this.i]!;
    if (this.isDash(q, line.le)) return this.seq(q, col);
    return this.map(q, col);
  }

  /** The value of the line's scalar. */
  scalar(line: Line): PScalar {
    return { t: 'scalar', vs: line.vs, ve: line.ve, style: line.style };
  }

  map(q: number, col: number): PMap {
    const s = this.s;
    const entries = new Map<string, PEntry>();
    let first = true;
    for (;;) {
      const line = this.lines[this.i]!;
      const lead = first ? q : line.lead;
      first = false;
      const colon = this.keyColon(q, line.le);
      if (colon === -1) bail('outside the subset');
      const key = s.slice(q, colon);
      if (!PLAIN_KEY.test(key) || !readsAsString(key, 'yaml-1.2') || entries.has(key)) bail('outside the subset');
      let value: PNode;
      let end: number;
      if (line.vs === -1) {
        // value on the following lines, or empty
        this.i++;
        const next = this.lines[this.i];
        if (next && next.ind > col) {
          if (this.isDash(next.q, next.le)) value = this.seq(next.q, next.ind);
          else if (this.isKeyLine(next.q, next.le)) value = this.map(next.q, next.ind);
          else {
            // a scalar or flow collection on its own line (`resources:\n  {}`): kept whole
            if (next.vs !== next.q) bail('outside the subset');
            value = { t: 'scalar', vs: next.vs, ve: next.ve, style: 'whole' };
            this.i++;
          }
          end = value.t === 'scalar' ? this.lineEnd(next) : value.end;
        } else if (next && next.ind === col && this.isDash(next.q, next.le)) {
          value = this.seq(next.q, col);
          end = value.end;
        } else {
          value = { t: 'scalar', vs: colon + 1, ve: colon + 1, style: 'plain' };
          end = this.lineEnd(line);
        }
      } else {
        value = this.scalar(line);
        this.i++;
        end = this.lineEnd(line);
      }
      entries.set(key, { lead, value, end, gap: colon + 1 });
      const next = this.lines[this.i];
      if (!next || next.ind < col) return { t: 'map', col, entries, end };
      if (next.ind > col || this.isDash(next.q, next.le)) {
        // a compact sequence ends at its parent's next key; anything else is outside the subset
        if (next.ind === col && this.isDash(next.q, next.le)) return { t: 'map', col, entries, end };
        bail('outside the subset');
      }
      q = next.q;
    }
  }

  seq(q: number, col: number): PSeq {
    const s = this.s;
    const items: PEntry[] = [];
    let first = true;
    for (;;) {
      const line = this.lines[this.i]!;
      const lead = first ? (q === line.q ? line.lead : q) : line.lead;
      first = false;
      const v = skipSpaces(s, q + 1, line.le);
      if (v >= line.le) bail('outside the subset'); // `-` alone, its item on the next lines
      let value: PNode;
      if (this.isDash(v, line.le)) value = this.seq(v, this.colOf(line, v));
      else if (this.isKeyLine(v, line.le)) value = this.map(v, this.colOf(line, v));
      else {
        value = this.scalar(line);
        this.i++;
      }
      const end = value.t === 'scalar' ? this.lineEnd(line) : value.end;
      items.push({ lead, value, end });
      const next = this.lines[this.i];
      if (!next || next.ind < col) return { t: 'seq', col, items, end };
      if (next.ind > col) bail('outside the subset');
      if (!this.isDash(next.q, next.le)) return { t: 'seq', col, items, end }; // the parent's next key
      q = next.q;
    }
  }
}

// ---------------------------------------------------------------- printing new values

// What `yaml` (stringifyString.js) checks when it prints a string scalar in block context; the
// fast printer below makes the same decisions in the same order.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;
/** `yaml` writes a longer implicit key as an explicit `? key` (the caller's business). */
const MAX_IMPLICIT_KEY = 1024;

/** `yaml`'s quotedString with default options: single quotes only for text with `"` and no `'`. */
function quoted(v: string): string {
  const hasDouble = v.includes('"');
  const hasSingle = v.includes("'");
  return hasDouble && !hasSingle ? `'${v}'` : doubleQuoted(v);
}

/**
 * The text `yaml` prints for the one-line string `makeScalar(v)` as a block map value (or, when
 * `key`, as a key), computed directly; undefined for what it leaves to `yaml` (line breaks, keys
 * too long to be implicit).
 */
export function scalarTextFast(v: string, key: boolean): string | undefined {
  if (v.includes('\n')) return undefined;
  let out: string;
  if (isAmbiguousString(v) || FORCE_DOUBLE.test(v))
    out = doubleQuoted(v); // QUOTE_DOUBLE
  else if (
    NOT_PLAIN.test(v) ||
    // a key in a root map: `yaml` quotes one that looks like a document marker
    (key && DOCUMENT_MARKER.test(v)) ||
    !readsAsString(v, 'yaml-1.2')
  )
    out = quoted(v);
  else out = v;
  return key && out.length > MAX_IMPLICIT_KEY ? undefined : out;
}

/** The text `yaml` prints for `makeScalar(v)` as the value (or key) of a root block map entry. */
export function scalarTextYaml(v: string, key: boolean): string {
  const doc = new Document(null, { schema: 'core' });
  const map = new YAMLMap();
  const node = makeScalar(v);
  map.items.push(key ? new Pair(node, new Scalar('x')) : new Pair(new Scalar('k'), node));
  doc.contents = map as typeof doc.contents;
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
  return key ? text.slice(0, text.length - ': x\n'.length) : text.slice('k: '.length, text.length - 1);
}

function oneLineText(v: string, key: boolean): string {
  const out = scalarTextFast(v, key) ?? scalarTextYaml(v, key);
  if (out.includes('\n')) bail('outside the subset');
  return out;
}
const oneLineValue = (v: string): string => oneLineText(v, false);
const oneLineKey = (v: string): string => oneLineText(v, true);

// A plain scalar inside a flow collection may not hold these (YAML 1.2 flow indicators).
const NOT_PLAIN_IN_FLOW = /[,[\]{}]/;

/**
 * A multi-line string as `yaml` prints a BLOCK_LITERAL scalar that is a value in column col:
 * `|` (one final line break) or `|-` (none), lines indented by col + 2, empty lines left empty.
 * Leading spaces, trailing blanks, tabs and several final line breaks are left to `yaml`.
 */
function literalText(v: string, key: boolean, col: number): string {
  if (key || col < 0 || /^[ \n]|[\t\r]|[ ]\n?$|\n\n$/.test(v) || NOT_PRINTABLE_ASCII.test(v.replace(/\n/g, ''))) bail('outside the subset');
  const clip = v.endsWith('\n');
  const body = clip ? v.slice(0, -1) : v;
  const indent = ' '.repeat(col + 2);
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function isEmptyCollection(v: Json): boolean {
  return Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0;
}

/**
 * New values as `yaml` prints them in block context, with sequences indented under their key or
 * not (`seqIndented`); the short one-line strings it prints are remembered in the run's `printed`.
 */
class Printer {
  constructor(
    private readonly printed: PrintedScalars,
    readonly seqIndented: boolean,
    /** An empty collection value on a line of its own (`key:` then `{}` indented), as `yaml` prints the collections of `makeNode(v, false)`. */
    readonly blockEmpty = false,
  ) {}

  /** A scalar as `yaml` prints `makeScalar(v)` (or a key as `makeKey`) in block context. */
  scalar(v: Json, key: boolean, col = 0): string {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bail('outside the subset');
      return JSON.stringify(v);
    }
    if (typeof v !== 'string') bail('outside the subset');
    if (v.includes('\n')) return literalText(v, key, col);
    return this.printed.get(v, key, key ? oneLineKey : oneLineValue);
  }

  /**
   * The text replacing a one-line scalar written in `style`: a string keeps the source's quotes
   * (`"/metrics"` becomes `"/stats/prometheus"`, and back), so a later edit restoring the old value
   * restores its bytes; plain scalars and other values are written as new ones.
   */
  replacement(style: ScalarStyle, v: Json): string {
    if (typeof v !== 'string' || v.includes('\n') || style === 'plain' || style === 'whole') return this.scalar(v, false, -1);
    if (style === "'" && !FORCE_DOUBLE.test(v)) return `'${v.replace(/'/g, "''")}'`;
    return doubleQuoted(v);
  }

  /** A value as `yaml` prints it in a flow collection (`{a: b, c: [d, "e,f"]}`, no padding). */
  flow(v: Json): string {
    if (Array.isArray(v)) return `[${v.map((x) => this.flow(x)).join(', ')}]`;
    if (isObject(v))
      return `{${Object.entries(v)
        .map(([k, x]) => `${this.flowScalar(k, true)}: ${this.flow(x)}`)
        .join(', ')}}`;
    return this.flowScalar(v, false);
  }

  private flowScalar(v: Json, key: boolean): string {
    if (typeof v !== 'string') return this.scalar(v, key);
    const out = this.scalar(v, key);
    if (out.includes('\n')) bail('outside the subset');
    return out === v && NOT_PLAIN_IN_FLOW.test(v) ? doubleQuoted(v) : out;
  }

  /**
   * `key: value` lines at column col; `quote`: a one-line string value written in those quotes;
   * `unpadded`: the first line without its indentation (it follows a `- `).
   */
  pair(key: string, v: Json, col: number, quote?: SourceQuote, unpadded = false): string {
    const pad = unpadded ? '' : spaces(col);
    const k = this.scalar(key, true);
    if (!Array.isArray(v) && !isObject(v)) return `${pad}${k}: ${quote ? this.replacement(quote, v) : this.scalar(v, false, col)}\n`;
    if (isEmptyCollection(v)) {
      if (!this.blockEmpty) return `${pad}${k}: ${Array.isArray(v) ? '[]' : '{}'}\n`;
      return `${pad}${k}:\n${spaces(Array.isArray(v) && !this.seqIndented ? col : col + 2)}${Array.isArray(v) ? '[]' : '{}'}\n`;
    }
    if (Array.isArray(v)) return `${pad}${k}:\n${this.seq(v, this.seqIndented ? col + 2 : col)}`;
    return `${pad}${k}:\n${this.map(v, col + 2)}`;
  }

  /** The pairs of a map at column col (`unpadded`: see pair). */
  map(v: JsonObject, col: number, unpadded = false): string {
    let out = '';
    let first = unpadded;
    for (const [k, x] of Object.entries(v)) {
      out += this.pair(k, x, col, undefined, first);
      first = false;
    }
    return out;
  }

  /** Items of a sequence with their `-` in column col (`unpadded`: see pair). */
  seq(v: Json[], col: number, unpadded = false): string {
    let out = '';
    let first = unpadded;
    for (const x of v) {
      out += this.item(x, col, first);
      first = false;
    }
    return out;
  }

  item(x: Json, col: number, unpadded = false): string {
    // The item's first line follows its `- ` (written unpadded rather than cut from a padded
    // text: cutting a string made by concatenation copies all of it, at every level of nesting).
    const pad = unpadded ? '' : spaces(col);
    if (!Array.isArray(x) && !isObject(x)) return `${pad}- ${this.scalar(x, false, col)}\n`;
    if (isEmptyCollection(x)) return `${pad}- ${Array.isArray(x) ? '[]' : '{}'}\n`;
    return `${pad}- ${Array.isArray(x) ? this.seq(x, col + 2, true) : this.map(x, col + 2, true)}`;
  }
}

/** Indentations up to this column are made once. */
const KEPT_SPACES = 128;
const SPACES: string[] = [];

/** `col` spaces. */
function spaces(col: number): string {
  if (col >= KEPT_SPACES) return ' '.repeat(col);
  return (SPACES[col] ??= ' '.repeat(col));
}

/**
 * A new list item as `yaml` prints `makeNode(x)` (with `blockEmpty`, `makeNode(x, false)`) in a
 * block sequence whose `-` is in column col, or undefined where this printer leaves the text to
 * `yaml` (ResourceList results and re-printed JSON items use it).
 */
export function newItemText(x: Json, col: number, seqIndented: boolean, io: IoContext, blockEmpty = false): string | undefined {
  const printer = new Printer(io.printed, seqIndented, blockEmpty);
  const out = attempt(() => printer.item(x, col));
  return out === BAIL ? undefined : out;
}

// ---------------------------------------------------------------- diffing

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Nesting depth: at one offset, the end of an inner collection comes before its parent's next key. */
  depth?: number;
}

/** Same fields as edit.ts's `isNoiseField`: never introduced when the source lacks them. */
function isNoiseField(key: string, v: Json): boolean {
  return (key === 'creationTimestamp' && v === null) || (key === 'status' && isObject(v) && Object.keys(v).length === 0);
}

class Differ {
  readonly edits: Edit[] = [];
  constructor(
    readonly text: string,
    /** The end of the node being patched. */
    readonly end: number,
    readonly print: Printer,
  ) {}

  depth = 0;

  node(p: PNode, old: Json, nu: Json): void {
    if (old === nu || jsonEqual(old, nu)) return;
    this.depth++;
    try {
      this.change(p, old, nu);
    } finally {
      this.depth--;
    }
  }

  private change(p: PNode, old: Json, nu: Json): void {
    if (p.t === 'map') {
      if (!isObject(old) || !isObject(nu)) bail('outside the subset');
      this.map(p, old, nu);
    } else if (p.t === 'seq') {
      if (!Array.isArray(old) || !Array.isArray(nu)) bail('outside the subset');
      this.seq(p, old, nu);
    } else {
      if (p.style === 'whole') {
        // a one-line flow collection is written again as one, in the form `yaml` prints
        const c = this.text.charCodeAt(p.vs);
        if ((c !== 123 && c !== 91) || indexWithin(this.text, '\n', p.vs, p.ve) !== -1) bail('outside the subset');
        if (!Array.isArray(nu) && !isObject(nu)) bail('outside the subset');
        this.edits.push({ start: p.vs, end: p.ve, text: this.print.flow(nu) });
        return;
      }
      if (Array.isArray(nu) || isObject(nu) || Array.isArray(old) || isObject(old)) bail('outside the subset');
      const text = this.print.replacement(p.style, nu);
      this.edits.push({ start: p.vs, end: p.ve, text: p.vs === p.ve ? ' ' + text : text });
    }
  }

  /**
   * A map entry whose value turns from empty (null, `{}`, `[]`) into a block collection or the
   * other way round: its value text after the `:` is replaced; false when that is not the case.
   */
  private emptied(e: PEntry, col: number, old: Json, nu: Json): boolean {
    if (e.gap === undefined) return false;
    const v = e.value;
    if (v.t === 'scalar' && (old === null || isEmptyCollection(old)) && (Array.isArray(nu) || isObject(nu)) && !isEmptyCollection(nu)) {
      if (v.vs !== v.ve && !/^(?:\{\}|\[\]|null|~)$/.test(this.text.slice(v.vs, v.ve))) return false;
      // the rest of the line (a comment) would follow the new block: only when there is none
      const nl = lineEnd(this.text, v.ve, this.end); // the value's line ends with a line break (patchText checks)
      if (this.text.slice(v.ve, nl).trim() !== '') bail('outside the subset');
      const body = Array.isArray(nu) ? this.print.seq(nu, this.print.seqIndented ? col + 2 : col) : this.print.map(nu, col + 2);
      this.edits.push({ start: e.gap, end: v.ve, text: '\n' + body.slice(0, -1) });
      return true;
    }
    if (v.t !== 'scalar' && isEmptyCollection(nu) && (Array.isArray(old) || isObject(old)) && !isEmptyCollection(old)) {
      this.edits.push({ start: e.gap, end: e.end, text: Array.isArray(nu) ? ' []\n' : ' {}\n' });
      return true;
    }
    return false;
  }

  /** Removes an entry; only whole lines (a first key sharing its line with `- ` stays). */
  cut(e: PEntry): void {
    if (e.lead > 0 && this.text.charCodeAt(e.lead - 1) !== 10) bail('outside the subset');
    this.edits.push({ start: e.lead, end: e.end, text: '' });
  }

  /** An insertion before an entry: only at a line start. */
  before(e: PEntry): number {
    if (e.lead > 0 && this.text.charCodeAt(e.lead - 1) !== 10) bail('outside the subset');
    return e.lead;
  }

  map(p: PMap, old: JsonObject, nu: JsonObject): void {
    if (Object.keys(nu).length === 0) bail('outside the subset'); // `{}` at the top: the re-printer's business
    if (p.entries.size !== Object.keys(old).length) bail('outside the subset');
    const has = (o: JsonObject, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    let last: PEntry | undefined;
    for (const [k, e] of p.entries) {
      if (!has(old, k)) bail('outside the subset');
      if (!has(nu, k)) this.cut(e);
      else last = e;
    }
    // where a new key goes: after the previous key of the new value, else at the end
    let at = last ? last.end : p.end;
    let prevSet = false;
    for (const [k, v] of Object.entries(nu)) {
      const e = p.entries.get(k);
      if (e) {
        if (!jsonEqual(old[k]!, v) && !this.emptied(e, p.col, old[k]!, v)) this.node(e.value, old[k]!, v);
        at = e.end;
        prevSet = true;
        continue;
      }
      if (isNoiseField(k, v)) continue;
      if (!prevSet) {
        at = last ? last.end : p.end;
        prevSet = true;
      }
      const quote = typeof v === 'string' && !v.includes('\n') ? sourceQuotesOf(nu)?.[k] : undefined;
      // a key given back as the source had it: in its quotes (see setSourceQuotes)
      this.edits.push({ start: at, end: at, text: this.print.pair(k, v, p.col, quote), depth: this.depth });
    }
  }

  seq(p: PSeq, old: Json[], nu: Json[]): void {
    if (nu.length === 0) bail('outside the subset'); // `[]`
    if (p.items.length !== old.length) bail('outside the subset');
    // the items each new item takes over, as reconcile matches them (edit.ts), through an index:
    // a `kind: List` of 20,000 anonymous items stays linear
    const matched = matchItems(old, nu, identityOfValue, (o) => valuePrint(o, PRINT_DEPTH), jsonEqual);
    const used = new Array<boolean>(old.length).fill(false);
    let lastIdx = -1;
    let at = p.end;
    for (const idx of matched) {
      if (idx === -1) continue;
      if (idx < lastIdx) bail('outside the subset'); // reordered
      used[idx] = true;
      lastIdx = idx;
    }
    // dropped items
    old.forEach((_, i) => {
      if (!used[i]) this.cut(p.items[i]!);
    });
    nu.forEach((item, j) => {
      const idx = matched[j]!;
      if (idx !== -1) {
        this.node(p.items[idx]!.value, old[idx]!, item);
        at = p.items[idx]!.end;
        return;
      }
      if (j === 0) {
        // before the first kept item (reconcile builds the list in the new order)
        const firstKept = used.findIndex((u) => u);
        at = firstKept === -1 ? p.end : this.before(p.items[firstKept]!);
      }
      this.edits.push({ start: at, end: at, text: this.print.item(item, p.col), depth: this.depth });
    });
  }
}

/**
 * The keys of the block map at `path` inside text[start, end) (a block node in column col) whose
 * values are one-line quoted scalars, with their quote; undefined when the text is not one the
 * patcher reads or the path is not a block map. Reads only that node's lines.
 */
export function sourceQuotesAt(
  text: string,
  start: number,
  end: number,
  col: number,
  path: readonly (string | number)[],
): Record<string, SourceQuote> | undefined {
  if (end <= start || text.charCodeAt(end - 1) !== 10) return undefined;
  const out = attempt(() => {
    const layout = new Layout(text, start, end, col);
    let node: PNode = layout.block(start, col);
    for (const step of path) {
      const next: PEntry | undefined =
        node.t === 'map' ? node.entries.get(String(step)) : node.t === 'seq' && typeof step === 'number' ? node.items[step] : undefined;
      if (!next) return undefined;
      node = next.value;
    }
    if (node.t !== 'map') return undefined;
    const quotes: Record<string, SourceQuote> = {};
    for (const [k, e] of node.entries) {
      if (e.value.t === 'scalar' && (e.value.style === '"' || e.value.style === "'") && indexWithin(text, '\n', e.value.vs, e.value.ve) === -1)
        quotes[k] = e.value.style;
    }
    return quotes;
  });
  return out === BAIL ? undefined : out;
}

/** A patched text, or BAIL. */
type Patched = string | typeof BAIL;

/**
 * The new text of text[start, end) (a block node in column col whose value was `old`) holding
 * `nu`, or BAIL. `seqIndented` is the sequence style the re-printer would use; `io` the run's
 * context (its printed strings and counters).
 */
export function patchText(text: string, start: number, end: number, col: number, old: Json, nu: Json, seqIndented: boolean, io: IoContext): Patched {
  if (end > start && text.charCodeAt(end - 1) !== 10 && end === text.length) {
    // the last line of the input has no line break: patch as if it had one, and drop it again
    const out = patchText(text + '\n', start, end + 1, col, old, nu, seqIndented, io);
    return out === BAIL || !out.endsWith('\n') ? out : out.slice(0, -1);
  }
  const out = attempt(() => {
    if (end <= start || text.charCodeAt(end - 1) !== 10) bail('outside the subset');
    const layout = new Layout(text, start, end, col);
    const root = layout.block(start, col);
    if (layout.i !== layout.lines.length) bail('outside the subset');
    const differ = new Differ(text, end, new Printer(io.printed, seqIndented));
    differ.node(root, old, nu);
    const edits = differ.edits;
    // stable: inserts at one offset keep the order they were made in
    // and go before a cut starting there; the deeper insertion first
    const order = edits
      .map((e, i) => ({ e, i, cut: e.end > e.start ? 1 : 0 }))
      .sort((a, b) => a.e.start - b.e.start || a.cut - b.cut || (b.e.depth ?? 0) - (a.e.depth ?? 0) || a.i - b.i);
    let out = '';
    let pos = start;
    for (const { e } of order) {
      if (e.start < pos) bail('outside the subset'); // overlapping edits
      out += text.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    return out + text.slice(pos, end);
  });
  if (out === BAIL) io.patchStats.bailed++;
  else io.patchStats.patched++;
  return out;
}
