/**
 * KRM `ResourceList` input and output (functions spec, `config.kubernetes.io/v1`/`v1beta1`).
 * Reading splits `items` into per-item text ranges with a line scanner, so each item is read on its
 * own (fast reader, `yaml` as fallback) and untouched items are written back as their original
 * bytes; only changed items are re-printed (block style, kpt's head-comment placement). JSON input
 * is written back as block YAML. It does not decide which items the function may touch (Kptfile,
 * local-config, the function's own config): that is the core's business.
 */
import { Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import type { Json, JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import type { Result } from '../results/result.js';
import { makeNode, makeScalar } from './edit.js';
import { checkBinary } from './errors.js';
import { BAIL } from './bail.js';
import { IoContext } from './context.js';
import { readJson } from './json-read.js';
import { blockLayout, itemValueStart, type LayoutRules } from './layout.js';
import { newItemText } from './patch.js';
import { describeKind, PRINT_OPTIONS, readSlot, SourceText, toBlockStyle, YamlResource } from './resource.js';
import { parseWithYaml, toPlain } from './yaml-doc.js';
import type { ReadOptions, ResourceHandle, Slot } from './resource.js';
import { segmentStream } from './stream.js';
import type { Segment } from './stream.js';
import { lineEnd, lineStart, skipSpaces } from './scan.js';

export const RESOURCE_LIST_API_VERSIONS = ['config.kubernetes.io/v1', 'config.kubernetes.io/v1beta1'] as const;

interface ItemLayout {
  /** The whole item including its `-` line: [start, end). */
  start: number;
  end: number;
  slot: Slot;
  value?: Json;
}

interface Layout {
  top: JsonObject;
  items: ItemLayout[];
  /** Range of an existing top-level `results` entry, replaced on output. */
  results?: [number, number];
  /** Where a new `results` entry goes. */
  insertAt: number;
  /** Where new items go, and the column of their `-`. */
  itemsEnd: number;
  seqIndent: number;
  /** Rewrite everything as block YAML (JSON or flow-style input). */
  reprint: boolean;
  fullDoc?: Document.Parsed;
}

export interface ParsedResourceList {
  apiVersion: string;
  items: ResourceHandle[];
  functionConfig?: JsonObject;
  /** Internals for emitResourceList. */
  readonly src: SourceText;
  readonly layout: Layout;
}

/** What a ResourceList read item by item may hold (layout.ts): CRLF, tabs inside items, other top-level sequences. */
const RESOURCE_LIST_RULES: LayoutRules = { crlf: true, tabs: true, sequenceAtColumn0: true };

/** The usual kpt/kustomize layout: block top-level keys at column 0, `items` a block sequence. */
function fastLayout(src: SourceText, seg: Segment): Layout | null {
  const text = src.text;
  const block = blockLayout(src, seg, RESOURCE_LIST_RULES);
  if (block === undefined) return null;
  const { top, keys, items, seqIndent, itemsEnd } = block;
  if (!isObject(top)) return null;
  const layout: Layout = {
    top,
    items: [],
    insertAt: seg.contentEnd,
    itemsEnd,
    seqIndent,
    reprint: false,
  };
  const rs = keys.get('results');
  if (rs !== undefined) {
    const after = [...keys.values()].find((s) => s > rs);
    layout.results = [rs, after ?? seg.contentEnd];
  }
  for (const it of items) {
    const v = itemValueStart(text, it.dash, it.end);
    if (v === -1) {
      const after = skipSpaces(text, it.dash + 1, it.end);
      layout.items.push({ start: it.start, end: it.end, slot: { kind: 'slot', start: after, end: it.end, col: 0 }, value: null });
      continue;
    }
    layout.items.push({ start: it.start, end: it.end, slot: { kind: 'slot', start: v, end: it.end, col: src.column(v) } });
  }
  return layout;
}

/**
 * A JSON ResourceList read without `yaml` (json-read.ts); null when the reader gives up or the
 * list is not a well-formed one (`slowLayout` then reads it and reports the problem).
 */
function jsonLayout(src: SourceText, seg: Segment): Layout | null {
  // the items are read one at a time (parseResourceList, through readSlot), not as one value
  const r = readJson(src.text, seg.contentStart, seg.contentEnd, true);
  if (r === BAIL) return null;
  const top = r.value;
  if (!isObject(top) || top.kind !== 'ResourceList' || !(RESOURCE_LIST_API_VERSIONS as readonly unknown[]).includes(top.apiVersion)) return null;
  if (!Array.isArray(top.items)) return null;
  const items: ItemLayout[] = r.items.map(([start, end]) => ({
    start,
    end,
    slot: { kind: 'slot', start, end, col: src.column(start), json: true },
  }));
  return { top, items, insertAt: seg.contentEnd, itemsEnd: seg.contentEnd, seqIndent: 0, reprint: true };
}

/** Anything else (JSON, flow style, anchors, directives...): read the whole document with yaml. */
function slowLayout(src: SourceText, seg: Segment): Layout {
  const text = src.text;
  const doc = parseWithYaml(src, text.slice(seg.start, seg.end), seg.start);
  const top = toPlain(doc);
  const at = (o: number | undefined): number => seg.start + (o ?? 0);
  if (!isObject(top) || !isMap(doc.contents))
    throw src.error('not-a-resource-list', `expected a ResourceList, found ${describeKind(top)}`, at(doc.contents?.range?.[0]));
  checkHeader(src, top, at(doc.contents.range?.[0]));
  const contents = doc.contents;
  const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === 'items');
  if (!pair) throw src.error('missing-items', 'the ResourceList has no `items`', at(contents.range?.[0]));
  const seq = pair.value;
  if (!isSeq(seq)) {
    if (isScalar(seq) && seq.value === null)
      throw src.error('missing-items', 'the ResourceList has an empty `items`; expected a list', at((pair.key as Node).range?.[0]));
    throw src.error('items-not-a-list', `\`items\` is ${describeKind(top.items ?? null)}, not a list`, at((seq as Node | null)?.range?.[0]));
  }
  const reprint = contents.flow === true || (seq.flow === true && seq.items.length > 0);
  const values = top.items as Json[];
  const items: ItemLayout[] = seq.items.map((node, i) => {
    const n = node as Node;
    const r = n.range ?? [0, 0, 0];
    const start = at(r[0]);
    const end = reprint ? at(r[1]) : lineEndAfter(text, at(r[2]) - 1, seg.end);
    const slot: Slot = { kind: 'slot', start, end, col: src.column(start) };
    return { start, end, slot, value: values[i] ?? null };
  });
  const layout: Layout = {
    top,
    items,
    insertAt: seg.contentEnd,
    itemsEnd: at(seq.range?.[2]),
    seqIndent: items.length > 0 ? Math.max(0, items[0]!.slot.col - 2) : 0,
    reprint,
    fullDoc: doc,
  };
  const rp = contents.items.find((p) => isScalar(p.key) && p.key.value === 'results');
  if (rp && !reprint) {
    const k = at((rp.key as Node).range?.[0]);
    const ls = lineStart(text, k, seg.start);
    layout.results = [ls, lineEndAfter(text, at((rp.value as Node | null)?.range?.[2]) - 1, seg.end)];
  }
  return layout;
}

function lineEndAfter(text: string, offset: number, limit: number): number {
  if (offset < 0) return 0;
  if (text[offset] === '\n') return offset + 1;
  const le = lineEnd(text, offset, limit);
  return le < limit ? le + 1 : limit;
}

function checkHeader(src: SourceText, top: JsonObject, offset: number): void {
  if (top.kind !== 'ResourceList')
    throw src.error('not-a-resource-list', `expected kind ResourceList, found ${top.kind === undefined ? 'no kind' : JSON.stringify(top.kind)}`, offset);
  if (!(RESOURCE_LIST_API_VERSIONS as readonly unknown[]).includes(top.apiVersion))
    throw src.error(
      'not-a-resource-list',
      `unsupported ResourceList apiVersion ${JSON.stringify(top.apiVersion ?? null)} (expected ${RESOURCE_LIST_API_VERSIONS.join(' or ')})`,
      offset,
    );
}

/** `file` of an item from kpt/kustomize annotations (internal first, then the legacy ones). */
function fileOf(v: JsonObject): { path: string; index: number } | undefined {
  const meta = v.metadata;
  const a = isObject(meta) ? meta.annotations : undefined;
  if (!isObject(a)) return undefined;
  const path = a['internal.config.kubernetes.io/path'] ?? a['config.kubernetes.io/path'];
  if (typeof path !== 'string') return undefined;
  const idx = a['internal.config.kubernetes.io/index'] ?? a['config.kubernetes.io/index'];
  const index = typeof idx === 'string' || typeof idx === 'number' ? Number(idx) : 0;
  return { path, index: Number.isFinite(index) ? index : 0 };
}

/** Reads a KRM ResourceList (YAML or JSON). Bad input throws an InputError. */
export function parseResourceList(text: string, options: ReadOptions = {}): ParsedResourceList {
  const src = new SourceText(text, undefined, options.io ?? new IoContext());
  checkBinary(text, src.lines);
  const segments = segmentStream(text, src.bom);
  const content = segments.filter((s) => s.contentStart !== -1);
  if (content.length === 0) throw src.error('not-a-resource-list', 'empty input: expected a ResourceList', 0);
  if (content.length > 1) throw src.error('multiple-documents', 'expected one ResourceList document, found another document', content[1]!.contentStart);
  const seg = content[0]!;
  const first = text[seg.contentStart];
  let layout = !seg.slow && first !== '{' && first !== '[' ? fastLayout(src, seg) : null;
  const split = layout !== null;
  if (layout) checkHeader(src, layout.top, seg.contentStart);
  else layout = (!seg.slow && first === '{' && src.io.jsonReading ? jsonLayout(src, seg) : null) ?? slowLayout(src, seg);
  const json = layout.reprint && !layout.fullDoc;
  const items: ResourceHandle[] = layout.items.map((it, i) => {
    const v = it.value !== undefined ? it.value : readSlot(src, it.slot);
    if (!isObject(v)) throw src.error('item-not-an-object', `items[${i}] is ${describeKind(v)}, not a Kubernetes object`, it.slot.start);
    const h = new YamlResource(src, it.slot, v, fileOf(v));
    // an item split off by a scanner can be read again on its own
    if ((split || json) && options.keep && !options.keep(v)) h.release();
    return h;
  });
  const fc = layout.top.functionConfig;
  const parsed: ParsedResourceList = {
    apiVersion: String(layout.top.apiVersion),
    items,
    src,
    layout,
  };
  if (isObject(fc)) parsed.functionConfig = fc;
  else if (fc !== undefined && fc !== null) {
    const at = /^functionConfig:/m.exec(src.text)?.index ?? 0;
    throw src.error('function-config-not-an-object', `functionConfig is ${describeKind(fc)}, not an object (a SidecarInjection or a ConfigMap)`, at);
  }
  return parsed;
}

const RESULT_KEYS = ['message', 'severity', 'resourceRef', 'field', 'file', 'tags'] as const;
const REF_KEYS = ['apiVersion', 'kind', 'name', 'namespace'] as const;
const FIELD_KEYS = ['path', 'currentValue', 'proposedValue'] as const;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);
}

function ordered(v: Record<string, unknown>, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (!isEmpty(v[k])) out[k] = v[k] as Json;
  for (const k of Object.keys(v)) if (!keys.includes(k) && !isEmpty(v[k])) out[k] = v[k] as Json;
  return out;
}

/** A result in the spec's field order, empty fields left out. */
export function resultToJson(r: Result): JsonObject {
  const o: Record<string, unknown> = { ...r };
  if (r.resourceRef) o.resourceRef = ordered({ ...r.resourceRef }, REF_KEYS);
  if (r.field) o.field = ordered({ ...r.field }, FIELD_KEYS);
  if (r.file) {
    const f: JsonObject = { path: r.file.path };
    if (r.file.index !== undefined && r.file.index !== 0) f.index = r.file.index;
    o.file = f;
  }
  return ordered(o, RESULT_KEYS);
}

function resultsNode(results: readonly Result[]): YAMLSeq {
  return makeNode(results.map(resultToJson)) as YAMLSeq;
}

/**
 * `results:` as block YAML (compact sequence), ending with a line break, given to `write` a result
 * at a time (each printed on its own: the same text as one document of all of them, without
 * building one). `io`: the run's context (the printer's remembered strings).
 */
export function writeResults(results: readonly Result[], write: (text: string) => void, io: IoContext): void {
  if (results.length === 0) return;
  write('results:\n');
  for (const result of results) {
    const json = resultToJson(result);
    const quick = newItemText(json, 0, false, io);
    if (quick !== undefined) write(quick);
    else {
      const doc = new Document(null, { schema: 'core' });
      doc.contents = makeNode([json]) as typeof doc.contents;
      write(doc.toString({ ...PRINT_OPTIONS, indentSeq: false }));
    }
  }
}

/** `results:` as block YAML (compact sequence), ending with a line break. */
export function printResults(results: readonly Result[], io: IoContext): string {
  let out = '';
  writeResults(results, (t) => (out += t), io);
  return out;
}

/**
 * Writes the ResourceList: every item in input order (untouched ones byte for byte), the
 * functionConfig as received, and `results`. `items` may drop input items or add new ones
 * (from `createResource`), which are appended.
 */
export function emitResourceList(parsed: ParsedResourceList, results: readonly Result[], items: readonly ResourceHandle[] = parsed.items): string {
  return emitResourceListParts(parsed, results, items).join('');
}

/** `emitResourceList` in parts to be written one after another (a large list can be longer than one string may be). */
export function emitResourceListParts(parsed: ParsedResourceList, results: readonly Result[], items: readonly ResourceHandle[] = parsed.items): string[] {
  const { src, layout } = parsed;
  const eol = (s: string): string => (src.eol === '\r\n' ? s.replace(/\r?\n/g, '\r\n') : s);
  const keep = new Set(items);
  const own = new Set<ResourceHandle>(parsed.items);
  const added = items.filter((h) => !own.has(h));
  if (layout.reprint) return reprintAll(parsed, results, items).map(eol);
  const text = src.text;
  const edits: { start: number; end: number; text: string }[] = [];
  parsed.items.forEach((h, i) => {
    const it = layout.items[i]!;
    if (!keep.has(h)) edits.push({ start: it.start, end: it.end, text: '' });
    else if (h.changed) edits.push({ start: it.slot.start, end: it.slot.end, text: (h as YamlResource).print() });
  });
  if (added.length > 0) {
    const pad = ' '.repeat(layout.seqIndent);
    const block = added
      .map(
        (h) =>
          `${pad}- ${h
            .text()
            .replace(/\r?\n$/, '')
            .replace(/\n(?=[^\n])/g, '\n' + pad + '  ')}\n`,
      )
      .join('');
    const at = layout.itemsEnd;
    const needNl = at > 0 && text[at - 1] !== '\n';
    edits.push({ start: at, end: at, text: eol((needNl ? '\n' : '') + block) });
  }
  const res = eol(printResults(results, src.io));
  if (layout.results) edits.push({ start: layout.results[0], end: layout.results[1], text: res });
  else if (res !== '') {
    const at = layout.insertAt;
    const needNl = at > 0 && text[at - 1] !== '\n';
    edits.push({ start: at, end: at, text: (needNl ? src.eol : '') + res });
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let pos = 0;
  for (const e of edits) {
    parts.push(text.slice(pos, e.start), e.text);
    pos = Math.max(pos, e.end);
  }
  parts.push(text.slice(pos));
  return parts;
}

/**
 * Writes the ResourceList as its items are finished, for inputs too large to hold twice: `done`
 * (in input order) writes everything up to and including that item and lets the item go; `finish`
 * writes the rest with the results. The bytes are those `emitResourceList` would write, given to
 * `write` in parts as they are made (a part per item or less: the caller joins them into larger
 * writes, see cli/files.ts `outputSink`). Undefined when the layout does not allow it (re-printed
 * flow input, or `results` before `items`): then write the whole list at the end.
 */
export function resourceListWriter(
  parsed: ParsedResourceList,
  write: (text: string) => void,
): { done(item: ResourceHandle): void; finish(results: readonly Result[]): void } | undefined {
  const { src, layout } = parsed;
  if (layout.reprint) return layout.fullDoc ? undefined : jsonListWriter(parsed, write);
  if (src.eol !== '\n') return undefined;
  const last = layout.items[layout.items.length - 1];
  const resultsAt = layout.results ? layout.results[0] : layout.insertAt;
  if (last && resultsAt < last.end) return undefined;
  const text = src.text;
  let pos = 0;
  let next = 0;
  return {
    done(item) {
      if (parsed.items[next] !== item) throw new Error('resourceListWriter: items must be done once each, in input order');
      const slot = layout.items[next]!.slot;
      next++;
      if (item.changed) {
        write(text.slice(pos, slot.start));
        write(item.text());
        pos = slot.end;
      }
      (item as YamlResource).dispose();
    },
    finish(results) {
      if (next !== parsed.items.length) throw new Error('resourceListWriter: not every item was done');
      const [from, to] = layout.results ?? [layout.insertAt, layout.insertAt];
      const needNl = !layout.results && results.length > 0 && from > 0 && text[from - 1] !== '\n';
      write(text.slice(pos, from) + (needNl ? '\n' : ''));
      writeResults(results, write, src.io);
      write(text.slice(to));
    },
  };
}

/** `resourceListWriter` for a list read as JSON: each item printed as block YAML once done, and let go. */
function jsonListWriter(
  parsed: ParsedResourceList,
  write: (text: string) => void,
): { done(item: ResourceHandle): void; finish(results: readonly Result[]): void } {
  const crlf = parsed.src.eol === '\r\n';
  const printer = jsonListPrinter(parsed.layout, parsed.src.io, parsed.items.length > 0);
  // the pairs before `items` go out with the first part written after them
  let head = printer.head;
  let next = 0;
  const put = (part: string): void => {
    const t = head === '' ? part : head + part;
    head = '';
    if (t !== '') write(crlf ? t.replace(/\r?\n/g, '\r\n') : t);
  };
  return {
    done(item) {
      if (parsed.items[next] !== item) throw new Error('resourceListWriter: items must be done once each, in input order');
      next++;
      put(printer.item(item as YamlResource));
      (item as YamlResource).dispose();
    },
    finish(results) {
      if (next !== parsed.items.length) throw new Error('resourceListWriter: not every item was done');
      printer.tail(results, put);
      put('');
    },
  };
}

/** JSON or flow-style input: the whole list re-printed as block YAML (in parts). */
function reprintAll(parsed: ParsedResourceList, results: readonly Result[], items: readonly ResourceHandle[]): string[] {
  const { layout } = parsed;
  const doc = new Document(null, { schema: 'core' });
  const map = new YAMLMap();
  const full = layout.fullDoc;
  if (!full) {
    const printer = jsonListPrinter(layout, parsed.src.io, items.length > 0);
    const parts = [printer.head, ...items.map((h) => printer.item(h as YamlResource))];
    printer.tail(results, (t) => parts.push(t));
    return parts;
  }
  const src = full.contents as YAMLMap;
  for (const p of src.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (k === 'results') continue;
    if (k === 'items') {
      const seq = new YAMLSeq();
      for (const h of items) seq.items.push(blockNode(h as YamlResource));
      map.items.push(new Pair(new Scalar('items'), seq));
      continue;
    }
    const tmp = new Document(null, { schema: 'core' });
    tmp.contents = p.value as typeof tmp.contents;
    toBlockStyle(tmp);
    const key = isScalar(p.key) ? makeScalar(String(p.key.value)) : p.key;
    map.items.push(new Pair(key, p.value));
  }
  if (results.length > 0) map.items.push(new Pair(new Scalar('results'), resultsNode(results)));
  doc.contents = map as typeof doc.contents;
  return [doc.toString({ ...PRINT_OPTIONS, indentSeq: false })];
}

/**
 * A list read as JSON (every node built from values; block style as toBlockStyle gives a JSON
 * document) printed a piece at a time: `head` (the pairs before `items`, and `items:`), each
 * item, `tail` (the pairs after, and the results). A block map's pairs and a block list's items
 * print the same alone, and the nodes of one item at a time stay small (one Document of a large
 * list spent ~40% of the run collecting garbage). `withItems`: false when no item is written
 * (then `items: []`, in its place, in `tail`).
 */
function jsonListPrinter(
  layout: Layout,
  io: IoContext,
  withItems: boolean,
): { head: string; item(h: YamlResource): string; tail(results: readonly Result[], write: (text: string) => void): void } {
  const print = (pairs: Pair[]): string => {
    if (pairs.length === 0) return '';
    const d = new Document(null, { schema: 'core' });
    const m = new YAMLMap();
    m.items = pairs;
    d.contents = m as typeof d.contents;
    return d.toString({ ...PRINT_OPTIONS, indentSeq: false });
  };
  const before: Pair[] = [];
  const after: Pair[] = [];
  let seen = false;
  for (const [k, v] of Object.entries(layout.top)) {
    if (k === 'results') continue;
    if (k === 'items' && withItems) {
      seen = true;
      continue;
    }
    (seen ? after : before).push(new Pair(k === 'items' ? new Scalar('items') : makeScalar(k), k === 'items' ? new YAMLSeq() : makeNode(v, false)));
  }
  return {
    head: withItems ? print(before) + 'items:\n' : '',
    item(h) {
      const quick = jsonItemText(h);
      if (quick !== undefined) return quick;
      const seq = new YAMLSeq();
      seq.items.push(blockNode(h));
      return print([new Pair(new Scalar('items'), seq)]).slice('items:\n'.length);
    },
    tail(results, write) {
      // the results as writeResults prints them: one at a time, not one Document of them all
      write(print(withItems ? after : before));
      writeResults(results, write, io);
    },
  };
}

/**
 * An item read as JSON printed by the text printer (patch.ts), as `yaml` prints its `blockNode`
 * in the compact `items` list: about half the time of the `yaml` nodes. Undefined where the two
 * could differ (the printer gives up, or a value it prints otherwise: `-0`, a key starting with a
 * document marker, which `yaml` quotes only at the top of a document).
 */
function jsonItemText(y: YamlResource): string | undefined {
  if (!y.slot.json) return undefined;
  const v = y.outputValue();
  return printsAlike(v) ? newItemText(v, 0, false, y.src.io, true) : undefined;
}

/** The value's depth is the reader's (MAX_DEPTH) plus what injection adds. */
function printsAlike(v: Json): boolean {
  if (typeof v === 'number') return !Object.is(v, -0);
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(printsAlike);
  for (const [k, x] of Object.entries(v)) if (k.startsWith('---') || k.startsWith('...') || !printsAlike(x)) return false;
  return true;
}

/**
 * An item as block YAML: its Document restyled, or when it was read as JSON, nodes built from its
 * values as `toBlockStyle` leaves that Document (every collection `flow: false`, so an empty one
 * prints on a line of its own; scalars and keys styled as `makeNode` and `toBlockStyle` agree).
 */
function blockNode(y: YamlResource): unknown {
  if (y.slot.json) return makeNode(y.outputValue(), false);
  const d = y.document();
  toBlockStyle(d);
  return d.contents;
}
