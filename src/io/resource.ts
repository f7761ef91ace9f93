/**
 * `ResourceHandle`: one Kubernetes object inside a YAML text (a stream document or a ResourceList
 * item). It reads the object's plain value (fast reader first, `yaml` as the authority), applies the
 * core's edits to a lazily built `yaml` Document with minimal changes, and prints itself: untouched
 * objects as their original bytes, changed ones re-printed with their comments and styles. It does
 * not know how objects are grouped into files or ResourceLists (stream.ts, resource-list.ts).
 */
import type { Document, Scalar } from 'yaml';
import { isMap } from 'yaml';
import type { Json, JsonObject, SourceQuote } from '../kube/types.js';
import { isObject, jsonEqual } from '../kube/types.js';
import { getIn } from '../kube/kinds.js';
import { inputError, type InputError, LineIndex } from './errors.js';
import { parseWithYaml, toPlain } from './yaml-doc.js';
import type { InputErrorCode } from './errors.js';
import { assocIn, isAmbiguousString as isAmbiguous, reconcile, reconcileValue } from './edit.js';
import { BAIL } from './bail.js';
import { fastParse, UnsafeIndex } from './fast.js';
import { patchText, sourceQuotesAt } from './patch.js';
import { readJson } from './json-read.js';
import { jsonStyle, printJson } from './json-write.js';
import { lineStart, skipSpaces } from './scan.js';
import { patchListItems } from './list-patch.js';
import type { IoContext, TextRef } from './context.js';

/** A YAML text being read: the whole input or one file, with shared lookup structures and its run's context. */
export class SourceText {
  readonly lines: LineIndex;
  readonly unsafe: UnsafeIndex;
  readonly bom: number;
  readonly eol: '\n' | '\r\n';
  /** Sequence style of the file when known: true = indented (`wide`), false = `compact`. */
  indentSeq: boolean | undefined;

  constructor(
    readonly text: string,
    readonly file: string | undefined,
    readonly io: IoContext,
  ) {
    this.lines = new LineIndex(text);
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.unsafe = new UnsafeIndex(text, this.bom === 1);
    const nl = text.indexOf('\n');
    this.eol = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  }

  error(code: InputErrorCode, detail: string, offset: number): InputError {
    return inputError(code, detail, this.lines, offset, this.file);
  }

  /** Column of an offset (0-based), counting from after a BOM on the first line. */
  column(offset: number): number {
    const ls = lineStart(this.text, offset, 0);
    return offset - (ls === 0 ? this.bom : ls);
  }
}

/**
 * Where a resource's YAML lives: the original range [start, end) that is replaced when the
 * resource changes, and how to parse it on its own.
 *  - `slot`: a block node starting at `start` in column `col`; parsed as `col` spaces + the range.
 *  - `segment`: a whole stream document (with its `---`, directives, comments); parsed as is.
 */
export interface Slot {
  kind: 'slot' | 'segment';
  start: number;
  end: number;
  col: number;
  /** Read as JSON (json-read.ts): its output is computed from values, without `yaml`. */
  json?: boolean;
}

export const PRINT_OPTIONS = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false } as const;

function sourceOf(src: SourceText, slot: Slot): { text: string; base: number } {
  if (slot.kind === 'segment') return { text: src.text.slice(slot.start, slot.end), base: slot.start };
  return { text: ' '.repeat(slot.col) + src.text.slice(slot.start, slot.end), base: slot.start - slot.col };
}

/**
 * Reads the plain value of a slot: JSON.parse or the fast reader when it can, else `yaml` (for a
 * slot of at most `yamlLimit` characters: `yaml`'s Document takes tens of times its text; a longer
 * one is a `too-large` error).
 */
export function readSlot(src: SourceText, slot: Slot, yamlLimit = Infinity): Json {
  // read as JSON before (this range, or a list holding it): the reader's checks passed on it
  if (slot.json === true && slot.kind === 'slot') return JSON.parse(src.text.slice(slot.start, slot.end)) as Json;
  if (slot.kind === 'slot' && !src.unsafe.any(slot.start, slot.end)) {
    const first = src.text.charCodeAt(slot.start);
    if (first === 123 /* { */ && src.io.jsonReading) {
      const r = readJson(src.text, slot.start, slot.end);
      if (r !== BAIL) {
        slot.json = true;
        return r.value;
      }
    }
    const v = fastParse(src.text, slot.start, slot.end, slot.col);
    if (v !== BAIL) return v;
  }
  if (slot.end - slot.start > yamlLimit) {
    throw src.error(
      'too-large',
      `a document of more than ${yamlLimit / 1024 / 1024} MiB that only the general YAML reader reads (anchors, tags, flow style...)`,
      slot.start,
    );
  }
  const { text, base } = sourceOf(src, slot);
  return toPlain(parseWithYaml(src, text, base));
}

export function describeKind(v: Json): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a sequence';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a mapping';
}

export interface ReadOptions {
  /** The run's context (switches, counters, caches); a reader given none makes its own. */
  io?: IoContext;
  /**
   * Which items to keep in memory once read. Every item is read (so bad input is found before
   * anything is written); the value of an item not kept is dropped and read again when asked for.
   * (A ResourceList drops only items its line scanner split off: they can be read again on their own.)
   */
  keep?: (value: JsonObject) => boolean;
  /**
   * A stream's `kind: List` documents given item by item where they can be (list-document.ts):
   * each item a resource, read when asked for and let go on `release()`; unless the run's
   * IoContext switches it off (tests comparing with the whole-document path).
   */
  listItems?: boolean;
}

export interface ResourceHandle {
  /** Plain JSON of the object (read-only; give changes to `update`). */
  readonly value: JsonObject;
  /** Replace the value at `path` with `newValue`, editing the YAML minimally. */
  update(path: readonly (string | number)[], newValue: Json): void;
  /** True once an update really changed the object (an item of a List given item by item: its document). */
  readonly changed: boolean;
  /** The keys of the map at `path` whose values the source text writes in quotes. */
  sourceQuotes(path: readonly (string | number)[]): Record<string, SourceQuote> | undefined;
  /** Source file and document index (stream mode) or from the KRM path/index annotations. */
  readonly file?: { path: string; index: number };
  /** Where the object starts in the input (1-based), for messages. */
  readonly position: { line: number; col: number; file?: string };
  /** The object's YAML as it will be emitted (original bytes when unchanged). */
  text(): string;
  /** `apiVersion` and `kind` as read (empty strings when missing), known without holding the value. */
  readonly header: { apiVersion: string; kind: string };
  /**
   * The caller is done with the value for now: drop it (and any editing state) to save memory. An
   * unchanged resource reads its value again on the next access; a changed one keeps only its
   * printed text, so `text()` still works but its value is gone.
   */
  release(): void;
}

function headerOf(v: JsonObject): { apiVersion: string; kind: string } {
  return { apiVersion: typeof v.apiVersion === 'string' ? v.apiVersion : '', kind: typeof v.kind === 'string' ? v.kind : '' };
}

export class YamlResource implements ResourceHandle {
  private doc: Document.Parsed | Document | undefined;
  protected _changed = false;
  /** The value `doc` holds, when it was reconciled to an older value than `_value`. */
  private docValue: JsonObject | undefined;
  /** Re-print through `yaml` even when the value is equal (markChanged). */
  private forced = false;
  /** The current value; undefined after `release()` (read again from the source on demand). */
  protected _value: JsonObject | undefined;
  /** The value as read, which the source text holds. */
  protected original: JsonObject | undefined;
  /** The printed text of a changed resource that was released, in its run's store (context.ts). */
  protected printed: TextRef | undefined;
  private disposed = false;
  /**
   * The containers of `_value` that updates made (copies on the way to a changed field), which
   * only `_value` holds: later updates change them in place (assocIn). The value read from the
   * source is never changed. Made at the first update, dropped with the value.
   */
  private owned: WeakSet<object> | undefined;
  readonly header: { apiVersion: string; kind: string };

  constructor(
    readonly src: SourceText,
    readonly slot: Slot,
    value: JsonObject,
    readonly file?: { path: string; index: number },
  ) {
    this._value = value;
    this.original = value;
    this.header = headerOf(value);
  }

  get value(): JsonObject {
    if (this._value === undefined) {
      if (this.disposed) throw new Error('a resource was read after it was written out for good');
      if (this.printed !== undefined) throw new Error('the value of a changed resource was read after it was written out');
      // It was read (and checked) once already, so it reads the same again.
      this._value = this.original = readSlot(this.src, this.slot) as JsonObject;
    }
    return this._value;
  }

  release(): void {
    // A JSON source keeps its values: its output is computed from them (`outputValue`) when
    // written, as JSON or YAML (`outputValue`), instead of being printed through `yaml` here.
    if (this.slot.json && this._changed) return;
    if (this._changed && this.printed === undefined) this.printed = this.src.io.store.put(this.print());
    this.drop();
  }

  /** Lets the value and any editing state go (see release). */
  protected drop(): void {
    this._value = this.original = this.docValue = this.doc = this.owned = undefined;
  }

  /** Written out for good (a streaming writer): drop the printed text too; nothing may be read after. */
  dispose(): void {
    this.disposed = true;
    this._value = this.original = this.docValue = this.doc = this.printed = this.owned = undefined;
  }

  /** The value the printed resource reads back as (key order and noise fields as `print` keeps them). */
  outputValue(): JsonObject {
    const value = this.value;
    return this._changed ? (reconcileValue(this.original!, value) as JsonObject) : value;
  }

  get changed(): boolean {
    return this._changed;
  }

  get position(): { line: number; col: number; file?: string } {
    const p = this.src.lines.pos(this.slot.start);
    return this.src.file !== undefined ? { ...p, file: this.src.file } : p;
  }

  /**
   * The editable `yaml` Document holding the current value (parsed on first use; the updates
   * made since are applied to it with minimal changes).
   */
  document(): Document {
    const value = this.value;
    if (!this.doc) {
      const { text, base } = sourceOf(this.src, this.slot);
      this.doc = parseWithYaml(this.src, text, base);
      this.docValue = this.original;
    }
    if (this.docValue !== value) {
      const doc = this.doc;
      const contents = doc.contents;
      const next = reconcile(doc, contents, value);
      if (next !== contents) doc.contents = next as typeof doc.contents;
      this.docValue = value;
    }
    return this.doc;
  }

  update(path: readonly (string | number)[], newValue: Json): void {
    if (this.printed !== undefined) throw new Error('a changed resource was updated after it was written out');
    const current = this.value;
    // bad input surfaces here, as it did when the Document was parsed at the first update
    if (!this.src.io.textPatching || this.slot.kind !== 'slot') this.document();
    // The value at `path` already equal: nothing changes. Compared there, not at the root: the
    // root of a List holds every item, and a re-injection updates each workload with what it has.
    // (A value that differs at `path` differs at the root: `getIn` finds nothing where `assocIn` would build.)
    if (jsonEqual(getIn(current, path), newValue)) return;
    const newRoot = assocIn(current, path, newValue, (this.owned ??= new WeakSet()));
    if (!isObject(newRoot)) throw new TypeError('update: a resource must stay a mapping');
    this._changed = true;
    // changed in place: the Document no longer holds what `docValue` holds now
    if (newRoot === current) this.docValue = undefined;
    this._value = newRoot;
  }

  /** Marks the resource as changed even if its value is equal (e.g. to force a re-print). */
  markChanged(): void {
    this.document();
    this._changed = true;
    this.forced = true;
  }

  /**
   * The keys of the map at `path` whose values the source text writes in quotes (see
   * sourceQuotesAt); undefined when the source is not block YAML the patcher reads.
   */
  sourceQuotes(path: readonly (string | number)[]): Record<string, SourceQuote> | undefined {
    if (this.slot.kind !== 'slot' || this.src.eol !== '\n' || this.src.unsafe.any(this.slot.start, this.slot.end)) return undefined;
    return sourceQuotesAt(this.src.text, this.slot.start, this.slot.end, this.slot.col, path);
  }

  /** Original text of the replaced range. */
  sourceText(): string {
    return this.src.text.slice(this.slot.start, this.slot.end);
  }

  text(): string {
    if (this.disposed) throw new Error('a resource was read after it was written out for good');
    return this._changed ? this.print() : this.sourceText();
  }

  /** Sequence indentation to print with: the kpt annotation, then what the source shows. */
  indentSeq(): boolean {
    const a = (this.value.metadata as JsonObject | undefined)?.annotations;
    const hint = isObject(a) ? a['internal.config.kubernetes.io/seqindent'] : undefined;
    if (hint === 'wide') return true;
    if (hint === 'compact') return false;
    const m = /^( *)[^ \n#-][^\n]*:[ ]*\r?\n( *)- /m.exec(this.sourceText());
    if (m) return m[2]!.length > m[1]!.length;
    return this.src.indentSeq ?? false;
  }

  /** Nothing but indentation before the slot on its line (a whole document, not `- {...}`). */
  private startsLine(): boolean {
    const { start } = this.slot;
    return skipSpaces(this.src.text, start - this.slot.col, start) === start;
  }

  /**
   * A document read as JSON, as JSON in the layout of its text (json-write.ts): JSON in, JSON
   * out, whatever the file's name, without `yaml` (whose Document of a large JSON List took more
   * than V8's heap). Its lines after the first are indented to sit where the original was.
   */
  private printJson(): string {
    const { col } = this.slot;
    const style = jsonStyle(this.sourceText());
    // the indentation seen is the document's column and the unit
    if (col > 0 && typeof style.indent === 'number' && style.indent > col) style.indent -= col;
    const out = printJson(this.outputValue(), style);
    return col > 0 ? out.replace(/\n(?=[^\r\n])/g, '\n' + ' '.repeat(col)) : out;
  }

  /** Re-prints the edited document, indented to sit where the original was. */
  print(options: { block?: boolean } = {}): string {
    if (this.printed !== undefined && !options.block) return this.src.io.store.get(this.printed);
    if (this.slot.json && !options.block && this.startsLine()) return this.printJson();
    if (this.src.io.textPatching && !this.forced && !options.block && this.slot.kind === 'slot' && this.src.eol === '\n') {
      const { text, start, end, col } = { text: this.src.text, ...this.slot };
      if (!this.src.unsafe.any(start, end)) {
        const value = this.value;
        const items = patchListItems(this.src, this.slot, this.original!, value, this.indentSeq());
        if (items !== BAIL) return items;
        const out = patchText(text, start, end, col, this.original!, value, this.indentSeq(), this.src.io);
        if (out !== BAIL) return out;
      }
    }
    const doc = this.document();
    const contents = doc.contents;
    // kpt's comment fix (krm.md 2.4): a head comment belongs to the first key, not the collection.
    if (isMap(contents) && contents.commentBefore && contents.items.length > 0) {
      const first = contents.items[0]!;
      const key = first.key as Scalar;
      if (key && typeof key === 'object') {
        key.commentBefore = contents.commentBefore + (key.commentBefore ? '\n' + key.commentBefore : '');
        contents.commentBefore = undefined;
      }
    }
    if (options.block) toBlockStyle(doc);
    let out = doc.toString({ ...PRINT_OPTIONS, indentSeq: this.indentSeq() });
    if (this.slot.kind === 'slot') {
      const orig = this.src.text;
      const endsWithNl = this.slot.end > this.slot.start && orig.charCodeAt(this.slot.end - 1) === 10;
      if (!endsWithNl && out.endsWith('\n')) out = out.slice(0, -1);
      if (this.slot.col > 0) {
        const pad = ' '.repeat(this.slot.col);
        out = out.replace(/\n(?=[^\n])/g, '\n' + pad);
      }
    }
    if (this.src.eol === '\r\n') out = out.replace(/\r?\n/g, '\r\n');
    return out;
  }
}

/** Turns flow collections into block ones and JSON-style quoting into the usual plain style. */
export function toBlockStyle(doc: Document): void {
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    const node = n as { flow?: boolean; items?: unknown[]; type?: string; value?: unknown; key?: unknown };
    if (Array.isArray(node.items)) {
      node.flow = false;
      for (const it of node.items) visit(it);
      return;
    }
    if ('key' in node && 'value' in node) {
      visit(node.key);
      visit(node.value);
      return;
    }
    if (node.type === 'QUOTE_DOUBLE' && typeof node.value === 'string') {
      const s = node.value;
      node.type = s.includes('\n') ? 'BLOCK_LITERAL' : isAmbiguous(s) ? 'QUOTE_DOUBLE' : 'PLAIN';
    }
  };
  visit(doc.contents);
}
