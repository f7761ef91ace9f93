/**
 * Text patching of a changed resource: given the original text of a block node (a stream document
 * or a ResourceList item), its original plain value and its new value, writes the new text by
 * splicing the original: changed scalars are replaced in place, new keys and list items are
 * inserted as block YAML at the place `reconcile` (edit.ts) would put them, deleted ones are cut.
 * It is the fast path of `YamlResource.print` and must give exactly what re-printing the edited
 * `yaml` Document gives; so it only accepts text that `yaml` would print back unchanged (block
 * style, two-space map indentation, one sequence style, single-line scalars without escapes, no
 * blank lines, comments aligned with the next line...) and edits it can place with certainty. For
 * anything else it returns `BAIL` and the caller takes the `yaml` path. It knows nothing about
 * Kubernetes; it does not parse values (the fast reader and `yaml` do).
 */
import { Document, Pair, Scalar, YAMLMap } from 'yaml';
import type { Json, JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import { deepEqual, isAmbiguousString, makeScalar } from './edit.js';
import { resolvePlain } from './fast.js';

export const PATCH_BAIL: unique symbol = Symbol('patch-bail');

/** How often patching was used or gave up (for tests and benchmarks). */
export const patchStats = { patched: 0, bailed: 0 };

class Bail {}
const bail = new Bail();

interface PScalar {
  t: 'scalar';
  /** Inline value text [vs, ve); vs === ve for an empty (null) value after `key:`. */
  vs: number;
  ve: number;
  flow: boolean;
  /** A block scalar (`|`, `|-`): offset after its last content line. Kept or cut, never edited in place. */
  end?: number;
}
interface PEntry {
  /** Start of the comment lines that lead the entry (or of its first line). */
  lead: number;
  value: PNode;
  /** Offset after the entry's last line. */
  end: number;
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
  /** Start of the comment lines just before this line (ls when none). */
  lead: number;
}

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** Positions of the block structure of text[start, end), whose first node starts in column col. */
class Layout {
  readonly lines: Line[] = [];
  i = 0;
  /** Sequence styles seen: true = indented under the key, false = compact. */
  seqIndented: boolean | undefined;

  constructor(
    readonly s: string,
    readonly start: number,
    readonly end: number,
    readonly col: number,
  ) {
    let ls = start;
    let first = true;
    let lead = -1;
    let leadInd = -1;
    while (ls < end) {
      const nl = s.indexOf('\n', ls);
      const le = nl === -1 || nl >= end ? end : nl;
      let q = ls;
      while (q < le && s.charCodeAt(q) === 32) q++;
      const ind = first ? col : q - ls;
      if (q >= le) throw bail; // blank line
      if (s.charCodeAt(le - 1) === 32 || s.charCodeAt(le - 1) === 13) throw bail; // trailing space, CR
      if (s.charCodeAt(q) === 35) {
        if (first) throw bail;
        if (lead === -1) lead = ls;
        else if (ind !== leadInd) throw bail;
        leadInd = ind;
      } else {
        if (lead !== -1 && leadInd !== ind) throw bail; // a comment not aligned with what follows
        this.lines.push({ ls, q, le, ind, lead: lead === -1 ? ls : lead });
        lead = -1;
      }
      first = false;
      ls = le + 1;
    }
    if (lead !== -1) throw bail;
  }

  isDash(q: number, le: number): boolean {
    return this.s.charCodeAt(q) === 45 && (q + 1 === le || this.s.charCodeAt(q + 1) === 32);
  }

  lineEnd(line: Line): number {
    return Math.min(line.le + 1, this.end);
  }

  /** The block node starting at offset q on line i, in column col. */
  block(q: number, col: number): PNode {
    const line = this.lines[this.i]!;
    if (this.isDash(q, line.le)) return this.seq(q, col);
    return this.map(q, col);
  }

  map(q: number, col: number): PMap {
    const s = this.s;
    const entries = new Map<string, PEntry>();
    let first = true;
    for (;;) {
      const line = this.lines[this.i]!;
      const lead = first ? q : line.lead;
      first = false;
      const colon = s.indexOf(':', q);
      if (colon === -1 || colon >= line.le) throw bail;
      const key = s.slice(q, colon);
      if (!PLAIN_KEY.test(key) || typeof resolvePlain(key) !== 'string' || entries.has(key)) throw bail;
      let value: PNode;
      if (colon + 1 === line.le) {
        // value on the following lines, or empty
        this.i++;
        const next = this.lines[this.i];
        if (next && next.ind > col) {
          if (this.isDash(next.q, next.le)) {
            if (next.ind !== col + 2) throw bail;
            this.style(true);
            value = this.seq(next.q, next.ind);
          } else {
            if (next.ind !== col + 2) throw bail;
            value = this.map(next.q, next.ind);
          }
        } else if (next && next.ind === col && this.isDash(next.q, next.le)) {
          this.style(false);
          value = this.seq(next.q, col);
        } else {
          value = { t: 'scalar', vs: colon + 1, ve: colon + 1, flow: false };
        }
      } else {
        if (s.charCodeAt(colon + 1) !== 32 || s.charCodeAt(colon + 2) === 32) throw bail;
        value = this.inline(colon + 2, line, col);
        this.i++;
      }
      const end = value.t === 'scalar' ? (value.end ?? this.lineEnd(line)) : value.end;
      entries.set(key, { lead, value, end });
      const next = this.lines[this.i];
      if (!next || next.ind < col) return { t: 'map', col, entries, end };
      if (next.ind > col || this.isDash(next.q, next.le)) {
        // a compact sequence ends at its parent's next key; anything else is outside the subset
        if (next.ind === col && this.isDash(next.q, next.le)) return { t: 'map', col, entries, end };
        throw bail;
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
      if (q + 1 >= line.le || s.charCodeAt(q + 2) === 32) throw bail; // `-` alone, or extra spaces
      const v = q + 2;
      let value: PNode;
      if (this.isDash(v, line.le)) value = this.seq(v, col + 2);
      else if (this.isKeyLine(v, line.le)) value = this.map(v, col + 2);
      else {
        value = this.inline(v, line, col);
        this.i++;
      }
      const end = value.t === 'scalar' ? (value.end ?? this.lineEnd(line)) : value.end;
      items.push({ lead, value, end });
      const next = this.lines[this.i];
      if (!next || next.ind < col) return { t: 'seq', col, items, end };
      if (next.ind > col) throw bail;
      if (!this.isDash(next.q, next.le)) return { t: 'seq', col, items, end }; // the parent's next key
      q = next.q;
    }
  }

  isKeyLine(q: number, le: number): boolean {
    const c = this.s.charCodeAt(q);
    if (c === 34 || c === 39 || c === 123 || c === 91) return false;
    for (let k = this.s.indexOf(':', q); k !== -1 && k < le; k = this.s.indexOf(':', k + 1)) {
      if (k + 1 === le || this.s.charCodeAt(k + 1) === 32) return true;
    }
    return false;
  }

  /**
   * A single-line scalar or flow collection at q; the rest of the line may hold ` # comment`. A
   * block scalar (the value of a node in column col) is taken whole: see blockScalar.
   */
  inline(q: number, line: Line, col: number): PScalar {
    const s = this.s;
    const le = line.le;
    const c = s[q]!;
    let ve: number;
    let flow = false;
    if (c === '"') {
      const k = s.indexOf('"', q + 1);
      if (k === -1 || k >= le) throw bail;
      const body = s.slice(q + 1, k);
      if (body.includes('\\') || NOT_PRINTABLE_ASCII.test(body)) throw bail;
      ve = k + 1;
    } else if (c === "'") {
      let k = q + 1;
      for (;;) {
        k = s.indexOf("'", k);
        if (k === -1 || k >= le) throw bail;
        if (s[k + 1] === "'") k += 2;
        else break;
      }
      if (NOT_PRINTABLE_ASCII.test(s.slice(q + 1, k))) throw bail;
      ve = k + 1;
    } else if (c === '{' || c === '[') {
      ve = this.flowEnd(q, le);
      flow = true;
    } else if (c === '|') {
      return this.blockScalar(q, line, col);
    } else {
      if ('|>&*!%@`#'.includes(c)) throw bail;
      // searched within the line only (an unbounded search scans the rest of a stream for every scalar)
      const h = s.slice(q, le).indexOf(' #');
      ve = h === -1 ? le : q + h;
      if (s.charCodeAt(ve - 1) === 32) throw bail; // more than one space before the comment
      if (NOT_PRINTABLE_ASCII.test(s.slice(q, ve))) throw bail;
    }
    if (ve < le) {
      // only ` #comment` may follow, with exactly one space
      if (s.charCodeAt(ve) !== 32 || s.charCodeAt(ve + 1) !== 35) throw bail;
    }
    return { t: 'scalar', vs: q, ve, flow };
  }

  /**
   * A literal block scalar at q as `yaml` prints it (literalText): header `|` or `|-` alone on its
   * line, content lines indented by exactly col + 2 (more only after the first), printable ASCII,
   * no blank lines (the line scanner has refused them). Content lines starting with `#` were taken
   * for comments by the scanner: those give up. Leaves this.i on the last content line.
   */
  blockScalar(q: number, line: Line, col: number): PScalar {
    const s = this.s;
    if (q + 1 !== line.le && !(q + 2 === line.le && s.charCodeAt(q + 1) === 45)) throw bail;
    let j = this.i + 1;
    for (; j < this.lines.length; j++) {
      const l = this.lines[j]!;
      if (l.ind <= col) break;
      if (l.lead !== l.ls || l.ind < col + 2 || (j === this.i + 1 && l.ind !== col + 2)) throw bail;
      if (NOT_PRINTABLE_ASCII.test(s.slice(l.q, l.le))) throw bail;
    }
    if (j === this.i + 1) throw bail; // no content
    const last = this.lines[j - 1]!;
    this.i = j - 1;
    return { t: 'scalar', vs: q, ve: line.le, flow: false, end: this.lineEnd(last) };
  }

  /** End of a one-line flow collection in the form yaml prints (`{a: b, c: [d]}`, no padding). */
  flowEnd(q: number, le: number): number {
    const s = this.s;
    let depth = 0;
    for (let k = q; k < le; k++) {
      const ch = s[k]!;
      if (ch === '"') {
        const e = s.indexOf('"', k + 1);
        if (e === -1 || e >= le) throw bail;
        const body = s.slice(k + 1, e);
        if (body.includes('\\') || NOT_PRINTABLE_ASCII.test(body)) throw bail;
        k = e;
      } else if (ch === "'") {
        let e = k + 1;
        for (;;) {
          e = s.indexOf("'", e);
          if (e === -1 || e >= le) throw bail;
          if (s[e + 1] === "'") e += 2;
          else break;
        }
        if (NOT_PRINTABLE_ASCII.test(s.slice(k + 1, e))) throw bail;
        k = e;
      } else if (ch === '{' || ch === '[') {
        depth++;
        if (s[k + 1] === ' ') throw bail;
      } else if (ch === '}' || ch === ']') {
        if (s[k - 1] === ' ' || s[k - 1] === ',') throw bail;
        if (--depth === 0) return k + 1;
      } else if (ch === ',') {
        if (s[k + 1] !== ' ' || s[k + 2] === ' ') throw bail;
      } else if (ch === ':') {
        if (s[k + 1] === ' ' && s[k + 2] === ' ') throw bail;
      } else if (ch === '#' || NOT_PRINTABLE_ASCII.test(ch)) throw bail;
    }
    throw bail;
  }

  style(indented: boolean): void {
    if (this.seqIndented === undefined) this.seqIndented = indented;
    else if (this.seqIndented !== indented) throw bail;
  }
}

// ---------------------------------------------------------------- printing new values

// What `yaml` (stringifyString.js) checks when it prints a string scalar in block context; the
// fast printer below makes the same decisions in the same order.
// eslint-disable-next-line no-control-regex
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;
/** `yaml` writes a longer implicit key as an explicit `? key` (the caller's business). */
const MAX_IMPLICIT_KEY = 1024;

let coreTests: RegExp[] | undefined;

/** The tests of the core schema's non-string scalar tags (`yaml` quotes a plain string one of them matches). */
function nonStringTests(): RegExp[] {
  if (coreTests === undefined) {
    const schema = new Document(null, { schema: 'core' }).schema;
    const tags = [...schema.tags, ...(schema.compat ?? [])] as { default?: unknown; tag: string; test?: RegExp }[];
    coreTests = tags.filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test).map((t) => t.test!);
  }
  return coreTests;
}

const YAML_ESCAPES: Readonly<Record<string, string>> = {
  '0000': '\\0',
  '0007': '\\a',
  '000b': '\\v',
  '001b': '\\e',
  '0085': '\\N',
  '00a0': '\\_',
  '2028': '\\L',
  '2029': '\\P',
};

/** `yaml`'s double-quoted form of a one-line string: JSON, with YAML's shorter escapes for `\uXXXX`. */
function doubleQuoted(v: string): string {
  const json = JSON.stringify(v);
  if (!json.includes('\\u')) return json;
  // each match is a whole escape, so an escaped backslash followed by `u` is left alone
  return json.replace(/\\(?:u([0-9a-fA-F]{4})|[^u])/g, (esc, code: string | undefined) => {
    if (code === undefined) return esc;
    return YAML_ESCAPES[code] ?? (code.startsWith('00') ? '\\x' + code.slice(2) : esc);
  });
}

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
  if (isAmbiguousString(v) || FORCE_DOUBLE.test(v)) out = doubleQuoted(v); // QUOTE_DOUBLE
  else if (
    NOT_PLAIN.test(v) ||
    // a key in a root map: `yaml` quotes one that looks like a document marker
    (key && DOCUMENT_MARKER.test(v)) ||
    nonStringTests().some((re) => re.test(v))
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

/** Printed one-line strings: most of a sidecar's strings come back for every workload. */
const valueCache = new Map<string, string>();
const keyCache = new Map<string, string>();
/** Longer strings are printed each time (the caches hold at most 10,000 short ones). */
const MAX_CACHED = 512;

function oneLineText(v: string, key: boolean): string {
  const out = scalarTextFast(v, key) ?? scalarTextYaml(v, key);
  if (out.includes('\n')) throw bail;
  return out;
}

/** A scalar as `yaml` prints `makeScalar(v)` (or a key as `makeKey`) in block context. */
function scalarText(v: Json, key: boolean, col = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bail;
    return JSON.stringify(v);
  }
  if (typeof v !== 'string') throw bail;
  if (v.includes('\n')) return literalText(v, key, col);
  if (v.length > MAX_CACHED) return oneLineText(v, key);
  const cache = key ? keyCache : valueCache;
  let out = cache.get(v);
  if (out === undefined) {
    out = oneLineText(v, key);
    if (cache.size > 10000) cache.clear();
    // A string read from a larger text may be a slice that keeps all of that text alive (V8's
    // sliced strings): a template's whole output per cached name. The cache keeps copies.
    const own = detach(v);
    cache.set(own, out === v ? own : detach(out));
  }
  return out;
}

/** A copy of `s` that shares no storage with the text it may have been sliced from. */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * A multi-line string as `yaml` prints a BLOCK_LITERAL scalar that is a value in column col:
 * `|` (one final line break) or `|-` (none), lines indented by col + 2, empty lines left empty.
 * Leading spaces, trailing blanks, tabs and several final line breaks are left to `yaml`.
 */
function literalText(v: string, key: boolean, col: number): string {
  if (key || col < 0 || /^[ \n]|[\t\r]|[ ]\n?$|\n\n$/.test(v) || NOT_PRINTABLE_ASCII.test(v.replace(/\n/g, ''))) throw bail;
  const clip = v.endsWith('\n');
  const body = clip ? v.slice(0, -1) : v;
  const indent = ' '.repeat(col + 2);
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function isEmptyCollection(v: Json): boolean {
  return Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0;
}

/** `key: value` lines at column col. */
function pairText(key: string, v: Json, col: number, seqIndented: boolean): string {
  const pad = ' '.repeat(col);
  const k = scalarText(key, true);
  if (!Array.isArray(v) && !isObject(v)) return `${pad}${k}: ${scalarText(v, false, col)}\n`;
  if (isEmptyCollection(v)) return `${pad}${k}: ${Array.isArray(v) ? '[]' : '{}'}\n`;
  if (Array.isArray(v)) return `${pad}${k}:\n${seqText(v, seqIndented ? col + 2 : col, seqIndented)}`;
  return `${pad}${k}:\n${mapText(v, col + 2, seqIndented)}`;
}

function mapText(v: JsonObject, col: number, seqIndented: boolean): string {
  let out = '';
  for (const [k, x] of Object.entries(v)) out += pairText(k, x, col, seqIndented);
  return out;
}

/** Items of a sequence with their `-` in column col. */
function seqText(v: Json[], col: number, seqIndented: boolean): string {
  let out = '';
  for (const x of v) out += itemText(x, col, seqIndented);
  return out;
}

function itemText(x: Json, col: number, seqIndented: boolean): string {
  const pad = ' '.repeat(col);
  if (!Array.isArray(x) && !isObject(x)) return `${pad}- ${scalarText(x, false, col)}\n`;
  if (isEmptyCollection(x)) return `${pad}- ${Array.isArray(x) ? '[]' : '{}'}\n`;
  const body = Array.isArray(x) ? seqText(x, col + 2, seqIndented) : mapText(x, col + 2, seqIndented);
  return `${pad}- ${body.slice(col + 2)}`;
}

/**
 * A new list item as `yaml` prints `makeNode(x)` in a block sequence whose `-` is in column col,
 * or undefined where this printer leaves the text to `yaml` (ResourceList results use it).
 */
export function newItemText(x: Json, col: number, seqIndented: boolean): string | undefined {
  try {
    return itemText(x, col, seqIndented);
  } catch (e) {
    if (e === bail) return undefined;
    throw e;
  }
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

const IDENTITY_KEYS = ['name', 'mountPath', 'containerPort', 'ip'] as const;

function identityOf(v: Json): string | undefined {
  if (!isObject(v)) return undefined;
  for (const k of IDENTITY_KEYS) {
    const x = v[k];
    if (typeof x === 'string' || typeof x === 'number') return `${k}=${String(x)}`;
  }
  return undefined;
}

class Differ {
  readonly edits: Edit[] = [];
  constructor(
    readonly text: string,
    readonly seqIndented: boolean,
  ) {}

  depth = 0;

  node(p: PNode, old: Json, nu: Json): void {
    if (old === nu || deepEqual(old, nu)) return;
    this.depth++;
    try {
      this.change(p, old, nu);
    } finally {
      this.depth--;
    }
  }

  private change(p: PNode, old: Json, nu: Json): void {
    if (p.t === 'map') {
      if (!isObject(old) || !isObject(nu)) throw bail;
      this.map(p, old, nu);
    } else if (p.t === 'seq') {
      if (!Array.isArray(old) || !Array.isArray(nu)) throw bail;
      this.seq(p, old, nu);
    } else {
      if (p.flow || p.end !== undefined || Array.isArray(nu) || isObject(nu) || Array.isArray(old) || isObject(old)) throw bail;
      const text = scalarText(nu, false, -1);
      this.edits.push({ start: p.vs, end: p.ve, text: p.vs === p.ve ? ' ' + text : text });
    }
  }

  /** Removes an entry; only whole lines (a first key sharing its line with `- ` stays). */
  cut(e: PEntry): void {
    if (e.lead > 0 && this.text.charCodeAt(e.lead - 1) !== 10) throw bail;
    this.edits.push({ start: e.lead, end: e.end, text: '' });
  }

  /** An insertion before an entry: only at a line start. */
  before(e: PEntry): number {
    if (e.lead > 0 && this.text.charCodeAt(e.lead - 1) !== 10) throw bail;
    return e.lead;
  }

  map(p: PMap, old: JsonObject, nu: JsonObject): void {
    if (Object.keys(nu).length === 0) throw bail; // `{}`: the re-printer's business
    if (p.entries.size !== Object.keys(old).length) throw bail;
    const has = (o: JsonObject, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    let last: PEntry | undefined;
    for (const [k, e] of p.entries) {
      if (!has(old, k)) throw bail;
      if (!has(nu, k)) this.cut(e);
      else last = e;
    }
    // where a new key goes: after the previous key of the new value, else at the end
    let at = last ? last.end : p.end;
    let prevSet = false;
    for (const [k, v] of Object.entries(nu)) {
      const e = p.entries.get(k);
      if (e) {
        this.node(e.value, old[k]!, v);
        at = e.end;
        prevSet = true;
        continue;
      }
      if (isNoiseField(k, v)) continue;
      if (!prevSet) {
        at = last ? last.end : p.end;
        prevSet = true;
      }
      this.edits.push({ start: at, end: at, text: pairText(k, v, p.col, this.seqIndented), depth: this.depth });
    }
  }

  seq(p: PSeq, old: Json[], nu: Json[]): void {
    if (nu.length === 0) throw bail; // `[]`
    if (p.items.length !== old.length) throw bail;
    const used = new Array<boolean>(old.length).fill(false);
    const oldIds = old.map(identityOf);
    let lastIdx = -1;
    let at = p.end;
    const matched: number[] = [];
    nu.forEach((item, j) => {
      const id = identityOf(item);
      let idx = -1;
      if (id !== undefined) idx = oldIds.findIndex((o, i) => !used[i] && o === id);
      if (idx === -1) idx = old.findIndex((o, i) => !used[i] && oldIds[i] === undefined && deepEqual(o, item));
      if (idx === -1 && id === undefined && j < old.length && !used[j] && oldIds[j] === undefined) idx = j;
      matched.push(idx);
      if (idx !== -1) {
        if (idx < lastIdx) throw bail; // reordered
        used[idx] = true;
        lastIdx = idx;
      }
    });
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
      this.edits.push({ start: at, end: at, text: itemText(item, p.col, this.seqIndented), depth: this.depth });
    });
  }
}

/**
 * The new text of text[start, end) (a block node in column col whose value was `old`) holding
 * `nu`, or PATCH_BAIL. `seqIndented` is the sequence style the re-printer would use.
 */
export function patchText(
  text: string,
  start: number,
  end: number,
  col: number,
  old: Json,
  nu: Json,
  seqIndented: boolean,
): string | typeof PATCH_BAIL {
  try {
    if (end <= start || text.charCodeAt(end - 1) !== 10) throw bail;
    const layout = new Layout(text, start, end, col);
    const root = layout.block(start, col);
    if (layout.i !== layout.lines.length) throw bail;
    if (layout.seqIndented !== undefined && layout.seqIndented !== seqIndented) throw bail;
    const differ = new Differ(text, seqIndented);
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
      if (e.start < pos) throw bail; // overlapping edits
      out += text.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    patchStats.patched++;
    return out + text.slice(pos, end);
  } catch (e) {
    if (e === bail) {
      patchStats.bailed++;
      return PATCH_BAIL;
    }
    throw e;
  }
}
