/**
 * A YAML stream read document by document, with the `items` of a `kind: List` (what
 * `kubectl get ... -o yaml` prints: every object of a cluster in one document) read one at a
 * time, so that a snapshot is never held as one value: each item is read (fast reader, `yaml` for
 * the item when it gives up, resource.ts's `readSlot`) when the caller's iteration reaches it, and
 * let go when the caller is done with it.
 *
 * The items are split with the line walk of layout.ts, in the block layout kubectl and `yaml`
 * print: top-level plain keys at column 0, `items:` alone on its line, one `- ` per item at one
 * indentation (column 0 or indented), every other line of an item indented more.
 * The rest of the document (apiVersion, kind, metadata) is read as a value without its items.
 * Any other shape (JSON, flow style, directives, quoted or duplicate top-level keys, tabs in the
 * indentation, CRLF line ends, a top-level kind other than `List`) is read whole as stream.ts
 * reads a document: with the fast readers at any length, with `yaml` up to `MAX_WHOLE_DOCUMENT`
 * characters (its Document takes tens of times the text; a longer one is an error). An item that
 * only `yaml` reads and that `yaml` refuses on its own (an alias to an anchor in another item)
 * makes the whole document be read too, within the same bound, so values and errors are those of
 * the whole-document path; past the bound the item's own error is reported, naming `items[i]`.
 *
 * Values read here share memory with the text (V8 keeps a whole string alive for any substring
 * still referenced): a caller that keeps parts of them past the text copies them
 * (`cloneJson(v, false, true)`).
 */
import type { Json, JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import { IoContext } from './context.js';
import { checkBinary, InputError } from './errors.js';
import { itemSlot, splitList, type ListSplit } from './list-patch.js';
import { describeKind, readSlot, SourceText } from './resource.js';
import type { Slot } from './resource.js';
import { segmentStream, type Segment } from './stream.js';

/** Longest document `yaml` reads whole (one the fast readers do not read, or an item refused alone). */
export const MAX_WHOLE_DOCUMENT = 16 * 1024 * 1024;

/** One document of a stream with content (documents holding only `null` are skipped). */
export interface StreamDocument {
  /** Its index among the stream's documents with content (as `file.index` of parseStream's resources). */
  index: number;
  /** Its value; without `items` when they come one at a time. */
  value: JsonObject;
  /**
   * The List's items, each read (and checked) when the iteration reaches it: iterate before
   * asking for the next document; undefined when `value` holds the whole document.
   */
  items?: Iterable<Json>;
}

/** The whole document's slot, as stream.ts reads it. */
function wholeSlot(src: SourceText, seg: Segment): Slot {
  return seg.slow
    ? { kind: 'segment', start: seg.start, end: seg.end, col: 0 }
    : { kind: 'slot', start: seg.contentStart, end: seg.contentEnd, col: src.column(seg.contentStart) };
}

/** Reads a document whole: `yaml` only within `MAX_WHOLE_DOCUMENT` (the fast readers for any length). */
function readWhole(src: SourceText, seg: Segment): Json {
  return readSlot(src, wholeSlot(src, seg), MAX_WHOLE_DOCUMENT);
}

function* items(src: SourceText, seg: Segment, split: ListSplit): Generator<Json> {
  for (let i = 0; i < split.dashes.length; i++) {
    const slot = itemSlot(src, split, i);
    let value: Json;
    try {
      value = slot === null ? null : readSlot(src, slot, MAX_WHOLE_DOCUMENT);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // What the whole document gives (an alias to another item's anchor reads, errors are its own).
      if (seg.end - seg.start > MAX_WHOLE_DOCUMENT) throw new InputError(e.code, `items[${i}]: ${e.detail}`, e.line, e.col, e.file);
      const whole = readWhole(src, seg);
      const rest = isObject(whole) && Array.isArray(whole.items) ? whole.items.slice(i) : [];
      yield* rest;
      return;
    }
    yield value;
  }
}

/**
 * The documents of a YAML stream (`file` names it in errors), the items of a List one at a time.
 * Checks the text as stream.ts does (control characters, byte-order marks, documents that are not
 * mappings), each document when the iteration reaches it.
 */
export function* readStreamDocuments(text: string, file?: string, io: IoContext = new IoContext()): Generator<StreamDocument> {
  const src = new SourceText(text, file, io);
  checkBinary(text, src.lines, file);
  let docNo = 0;
  for (const seg of segmentStream(text, src.bom)) {
    if (seg.contentStart === -1) continue;
    docNo++;
    const split = seg.slow ? undefined : splitList(src, seg);
    if (split) {
      yield { index: docNo - 1, value: split.top, items: items(src, seg, split) };
      continue;
    }
    const v = readWhole(src, seg);
    if (v === null) continue;
    if (!isObject(v)) throw src.error('not-an-object', `document ${docNo} is ${describeKind(v)}, not a Kubernetes object`, seg.contentStart);
    yield { index: docNo - 1, value: v };
  }
}
