/**
 * Multi-document YAML streams (`---`): split a file into documents with a cheap line scanner,
 * read each document as a resource, and write the stream back with untouched documents (and the
 * separators, comments and empty documents around them) byte for byte. Also gives each input
 * file's new text for `--in-place`. It does not read or write files itself (the CLI does). A
 * `kind: List` document is given item by item where it can be (list-document.ts); else it is one
 * resource, whose `items` the core walks through paths.
 */
import type { Json, JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import { makeNode } from './edit.js';
import { checkBinary } from './errors.js';
import { describeKind, PRINT_OPTIONS, readSlot, SourceText, YamlResource } from './resource.js';
import type { ReadOptions, ResourceHandle, Slot } from './resource.js';
import { Document } from 'yaml';
import { IoContext } from './context.js';
import { lineEnd, skipSpaces, skipSpacesAndTabs } from './scan.js';
import { ListDocument, readListDocument } from './list-document.js';

/** One document of a stream: its whole text range, and where its content is. */
export interface Segment {
  start: number;
  end: number;
  /** First character of the content (-1: no content, only comments/markers). */
  contentStart: number;
  /** End (after the line break) of the last content line. */
  contentEnd: number;
  /** Needs `yaml` for the whole segment (directives, content on the `---` line...). */
  slow: boolean;
}

function isMarker(text: string, ls: number, le: number, m: '---' | '...'): boolean {
  if (!text.startsWith(m, ls)) return false;
  const c = ls + 3 < le ? text[ls + 3] : '\n';
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Splits a stream into documents; the segments partition the text exactly. */
export function segmentStream(text: string, bom: number): Segment[] {
  const segs: Segment[] = [];
  const len = text.length;
  let cur: Segment & { marker: boolean } = { start: 0, end: len, contentStart: -1, contentEnd: -1, slow: false, marker: false };
  const close = (at: number): void => {
    cur.end = at;
    segs.push({ start: cur.start, end: at, contentStart: cur.contentStart, contentEnd: cur.contentEnd, slow: cur.slow });
    cur = { start: at, end: len, contentStart: -1, contentEnd: -1, slow: false, marker: false };
  };
  let ls = 0;
  while (ls < len) {
    const le = lineEnd(text, ls, len);
    const next = le < len ? le + 1 : len;
    const ts = ls === 0 ? bom : ls;
    if (isMarker(text, ts, le, '---')) {
      if (cur.contentStart !== -1 || cur.marker) close(ls);
      cur.marker = true;
      const q = skipSpacesAndTabs(text, ts + 3, le);
      // only a comment or the line's end (`\r\n` included) may follow; a lone `\r` is left to yaml
      if (q < le && text[q] !== '#' && !(text[q] === '\r' && q + 1 === le)) {
        cur.slow = true;
        if (cur.contentStart === -1) cur.contentStart = q;
        cur.contentEnd = next;
      }
    } else if (isMarker(text, ts, le, '...')) {
      cur.slow = cur.slow || /\S/.test(text.slice(ts + 3, le).replace(/#.*/, ''));
      close(next);
    } else if (text[ts] === '%') {
      // A directive starts a new document only after `...` (which closed the segment already);
      // after content or `---` it is an error, which yaml reports when it reads the whole segment.
      if (cur.marker || cur.contentStart !== -1) {
        if (cur.contentStart === -1) cur.contentStart = ts;
        cur.contentEnd = next;
      }
      cur.slow = true;
    } else {
      const q = skipSpaces(text, ts, le);
      const c = text[q];
      if (q < le && c !== '#' && !(c === '\r' && q + 1 === le)) {
        if (cur.contentStart === -1) cur.contentStart = q;
        cur.contentEnd = next;
      }
    }
    ls = next;
  }
  if (cur.start < len || segs.length === 0) close(len);
  return segs;
}

/** A parsed stream: the file's text, its documents, and the resources among them. */
export class ParsedStream {
  constructor(
    readonly src: SourceText,
    readonly segments: Segment[],
    /** For each segment: the resource it holds (a List read item by item: its items), if any. */
    readonly slots: (YamlResource | ListDocument | undefined)[],
    readonly resources: YamlResource[],
  ) {}

  get file(): string | undefined {
    return this.src.file;
  }

  /** The file's new text: untouched documents verbatim, changed ones re-printed, dropped ones removed. */
  emit(keep?: ReadonlySet<ResourceHandle>): string {
    return [...this.parts(keep)].join('');
  }

  /**
   * `emit` in parts, made as they are asked for: slices of the input and each changed document's
   * printed text, so no string longer than the input or one document is built.
   */
  *parts(keep?: ReadonlySet<ResourceHandle>): Generator<string, void, undefined> {
    const text = this.src.text;
    let pos = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const r = this.slots[i];
      if (r instanceof ListDocument) {
        if (keep && !r.items.some((it) => keep.has(it))) {
          yield text.slice(pos, seg.start);
          pos = seg.end;
        } else if (r.changed) {
          yield text.slice(pos, r.slot.start);
          yield* r.parts();
          pos = r.slot.end;
        }
      } else if (r && keep && !keep.has(r)) {
        yield text.slice(pos, seg.start);
        pos = seg.end;
      } else if (r?.changed) {
        yield text.slice(pos, r.slot.start);
        yield r.print();
        pos = r.slot.end;
      }
    }
    yield pos === 0 ? text : text.slice(pos);
  }
}

/**
 * Parses a YAML stream; `file` names it in positions and in each resource's `file`. Every
 * document is read and checked; with `keep`, the values of the others are dropped and read again
 * when asked for.
 */
export function parseStreamFile(text: string, file?: string, options: ReadOptions = {}): ParsedStream {
  const src = new SourceText(text, file, options.io ?? new IoContext());
  checkBinary(text, src.lines, file);
  const segments = segmentStream(text, src.bom);
  const slots: (YamlResource | ListDocument | undefined)[] = [];
  const resources: YamlResource[] = [];
  let docNo = 0;
  for (const seg of segments) {
    if (seg.contentStart === -1) {
      slots.push(undefined);
      continue;
    }
    docNo++;
    const slot: Slot = seg.slow
      ? { kind: 'segment', start: seg.start, end: seg.end, col: 0 }
      : { kind: 'slot', start: seg.contentStart, end: seg.contentEnd, col: src.column(seg.contentStart) };
    const where = file !== undefined ? { path: file, index: docNo - 1 } : undefined;
    // a List given item by item is never read whole
    const list = options.listItems && src.io.listItems ? readListDocument(src, seg, slot, where, options.keep) : undefined;
    if (list) {
      slots.push(list);
      for (const item of list.items) resources.push(item);
      continue;
    }
    const v: Json = readSlot(src, slot);
    if (v === null) {
      slots.push(undefined);
      continue;
    }
    if (!isObject(v)) throw src.error('not-an-object', `document ${docNo} is ${describeKind(v)}, not a Kubernetes object`, seg.contentStart);
    const r = new YamlResource(src, slot, v, where);
    if (options.keep && !options.keep(v)) r.release();
    slots.push(r);
    resources.push(r);
  }
  // Copies that fit: an array grown by push holds room for 16 more, and a tree of small files
  // keeps three per file to the end of the run (20,000 files: ~8 MB of empty room).
  const parsed = new ParsedStream(src, exact(segments), exact(slots), exact(resources));
  for (const r of resources) ownerOf.set(r, parsed);
  return parsed;
}

/** The array's elements in an array of exactly their number (a small one copied, a large one kept: its room is a small part of it). */
function exact<T>(a: T[]): T[] {
  return a.length < 64 ? a.slice() : a;
}

/** The resources of a YAML stream (empty documents are kept for output but not offered). */
export function parseStream(text: string, file?: string, options: ReadOptions = {}): ResourceHandle[] {
  const parsed = parseStreamFile(text, file, options);
  const list = parsed.resources.slice();
  owners.set(list, parsed);
  return list;
}

const owners = new WeakMap<object, ParsedStream>();
const ownerOf = new WeakMap<ResourceHandle, ParsedStream>();

/** A resource the core creates (not from any input); printed as a new document. */
export function createResource(value: JsonObject, file?: { path: string; index: number }, io: IoContext = new IoContext()): ResourceHandle {
  const doc = new Document(null, { schema: 'core' });
  doc.contents = makeNode(value) as typeof doc.contents;
  const text = doc.toString(PRINT_OPTIONS);
  const src = new SourceText(text, file?.path, io);
  const r = new YamlResource(src, { kind: 'slot', start: 0, end: text.length, col: 0 }, value, file);
  return r;
}

/**
 * Writes resources as one YAML stream: for each input file (in order of first appearance) its
 * text with changed documents re-printed and documents missing from `docs` dropped; resources
 * that come from no file follow as new documents.
 */
export function emitStream(docs: readonly ResourceHandle[] | ParsedStream | readonly ParsedStream[]): string {
  return [...emitStreamParts(docs)].join('');
}

/** A file's text starts with a document marker (its first 5 characters tell: a BOM, `---`, a space or line break). */
const STARTS_WITH_MARKER = /^(?:\uFEFF)?---(?:[ \t\r\n]|$)/;

/**
 * The stream `emitStream` gives, in parts to be written one after another, made as they are
 * asked for: the output of a large input can be longer than the longest string V8 holds (~512
 * MiB; 100,000 injected one-object files make about 600 MB), and holding it whole took ~5x the
 * input. Only a file's first few characters are joined (to see whether it starts with `---`).
 */
export function* emitStreamParts(docs: readonly ResourceHandle[] | ParsedStream | readonly ParsedStream[]): Generator<string, void, undefined> {
  let first = true;
  let endsWithNl = true;
  for (const { parts } of fileParts(docs)) {
    // the file's first characters, until there are enough to see how it starts
    let head = '';
    let started = false;
    let last = '';
    for (const part of parts) {
      if (part === '') continue;
      if (started) {
        yield part;
        last = part;
        continue;
      }
      head += part;
      if (head.length < 5) continue;
      yield* startFile(head, first, endsWithNl);
      first = false;
      started = true;
      last = head;
    }
    if (!started) {
      if (head === '') continue;
      yield* startFile(head, first, endsWithNl);
      first = false;
      last = head;
    }
    endsWithNl = last.endsWith('\n');
  }
}

/** A file's first characters in the stream: after a line break and `---` unless it is the first or has them. */
function* startFile(head: string, first: boolean, endsWithNl: boolean): Generator<string, void, undefined> {
  if (first) {
    yield head;
    return;
  }
  if (!endsWithNl) yield '\n';
  if (!STARTS_WITH_MARKER.test(head)) yield '---\n';
  yield head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
}

/** Per-file output for `--in-place`: each input file's new text (new resources get file `undefined`). */
export function emitFiles(docs: readonly ResourceHandle[] | ParsedStream | readonly ParsedStream[]): { file: string | undefined; text: string }[] {
  return Array.from(fileParts(docs), ({ file, parts }) => ({ file, text: [...parts].join('') }));
}

/**
 * `emitFiles` with each file's text in parts, made when they are asked for; a file's parts are
 * made when the file is reached (a tree of 20,000 files held 20,000 waiting generators, ~6 MB).
 */
function* fileParts(
  docs: readonly ResourceHandle[] | ParsedStream | readonly ParsedStream[],
): Generator<{ file: string | undefined; parts: Iterable<string> }, void, undefined> {
  if (docs instanceof ParsedStream) {
    yield { file: docs.file, parts: docs.parts() };
    return;
  }
  const list = docs as readonly (ResourceHandle | ParsedStream)[];
  if (list.length > 0 && list.every((d) => d instanceof ParsedStream)) {
    for (const p of list as ParsedStream[]) yield { file: p.file, parts: p.parts() };
    return;
  }
  const handles = list as readonly ResourceHandle[];
  const keep = new Set(handles);
  const streams: ParsedStream[] = [];
  const seen = new Set<ParsedStream>();
  const loose: ResourceHandle[] = [];
  const whole = owners.get(handles);
  if (whole) {
    seen.add(whole);
    streams.push(whole);
  }
  for (const h of handles) {
    const p = ownerOf.get(h);
    if (!p) loose.push(h);
    else if (!seen.has(p)) {
      seen.add(p);
      streams.push(p);
    }
  }
  seen.clear();
  for (const p of streams) yield { file: p.file, parts: p.parts(keep) };
  // New resources one entry each (their texts end with a line break): written in parts, as the
  // rest (the patches of --format patch are all new resources).
  for (const [i, h] of loose.entries()) yield { file: undefined, parts: looseParts(h, i === 0) };
}

function* looseParts(h: ResourceHandle, first: boolean): Generator<string, void, undefined> {
  yield first ? h.text() : `---\n${h.text()}`;
}
