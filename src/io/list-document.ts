/**
 * A `kind: List` document of a stream (what `kubectl get -o yaml|json` prints: a cluster's
 * objects in one document) given to the run item by item: each item is a resource handle of its
 * own (`ListItem`), read when the run reaches it and let go when the run is done with it, so the
 * List is never held as one value. The document is written back from its items: a changed YAML
 * item is patched within its own lines and the parts joined by list-patch.ts, which does the same
 * for a List read as one handle (`patchListItems`); a JSON List is printed as `printJson` prints
 * the whole value, an item at a time.
 *
 * Only the shapes whose whole-document output is known to be made item by item are split: a YAML
 * List in the block layout of layout.ts (`LIST_RULES`; the layout list-items.ts reads) with at
 * least two items, no character the fast reader leaves to `yaml`, text patching on; a JSON List
 * that json-read.ts reads, at column 0, with at least two items. Every item must be a mapping and
 * read on its own. Anything else is one handle for the whole document, as before (stream.ts).
 * When an item's patch gives up, the document is printed whole, as before, from the items' new
 * values (a patched item that was let go is read back from its patched text).
 */
import type { Json, JsonObject } from '../kube/types.js';
import { isObject, jsonEqual } from '../kube/types.js';
import { BAIL } from './bail.js';
import { reconcileValue } from './edit.js';
import { InputError } from './errors.js';
import { readJson } from './json-read.js';
import { jsonStyle, type JsonStyle } from './json-write.js';
import { itemSlot, patchItem, spliceItems, splitList, type ItemText } from './list-patch.js';
import { readSlot, SourceText, YamlResource } from './resource.js';
import type { ResourceHandle, Slot } from './resource.js';
import type { Segment } from './stream.js';

/** A List's top-level value (without items) and its items' slots, when it is split. */
interface Found {
  top: JsonObject;
  slots: Slot[];
  json: boolean;
}

function yamlItems(src: SourceText, seg: Segment): Found | undefined {
  if (!src.io.textPatching || src.eol !== '\n' || src.unsafe.any(seg.start, seg.end)) return undefined;
  const split = splitList(src, seg);
  if (split === undefined || split.top.kind !== 'List' || split.dashes.length < 2) return undefined;
  const slots: Slot[] = [];
  for (let i = 0; i < split.dashes.length; i++) {
    const slot = itemSlot(src, split, i);
    if (slot === null) return undefined;
    slots.push(slot);
  }
  return { top: split.top, slots, json: false };
}

function jsonItems(src: SourceText, seg: Segment): Found | undefined {
  const { text } = src;
  const { contentStart: start, contentEnd: end } = seg;
  if (!src.io.jsonReading || text.charCodeAt(start) !== 123 /* { */ || src.column(start) !== 0 || src.unsafe.any(start, end)) return undefined;
  const r = readJson(text, start, end, true);
  if (r === BAIL || !isObject(r.value) || r.value.kind !== 'List' || r.items.length < 2) return undefined;
  const slots: Slot[] = [];
  for (const [s, e] of r.items) {
    if (text.charCodeAt(s) !== 123) return undefined;
    slots.push({ kind: 'slot', start: s, end: e, col: src.column(s), json: true });
  }
  return { top: r.value, slots, json: true };
}

/**
 * The document `seg` (whose whole slot is `slot`) as a List of item handles, or undefined when it
 * is read as one handle (see above). Each item is read and checked; those `keep` does not want are
 * let go.
 */
export function readListDocument(
  src: SourceText,
  seg: Segment,
  slot: Slot,
  file: { path: string; index: number } | undefined,
  keep: ((value: JsonObject) => boolean) | undefined,
): ListDocument | undefined {
  if (seg.slow || slot.kind !== 'slot') return undefined;
  const found = yamlItems(src, seg) ?? jsonItems(src, seg);
  if (found === undefined) return undefined;
  const list = new ListDocument(src, slot, found.top, found.json, file);
  for (const s of found.slots) {
    let v: Json;
    try {
      v = readSlot(src, s);
    } catch (e) {
      // read whole, as before: its value (an alias to another item's anchor) or its error
      if (e instanceof InputError) return undefined;
      throw e;
    }
    if (!isObject(v)) return undefined;
    const item = new ListItem(src, s, v, file, list);
    if (keep && !keep(v)) item.release();
    list.items.push(item);
  }
  return list;
}

/** `"\u0000items\u0000"` as JSON writes it: where the items go in the List printed without them (no input string holds it: json-read.ts refuses the escape). */
const ITEMS_MARK = '\u0000items\u0000';
const ITEMS_MARK_JSON = JSON.stringify(ITEMS_MARK);

/** A List document read item by item: its items' handles, and its text written back from them. */
export class ListDocument {
  readonly items: ListItem[] = [];
  /** An item changed. */
  changed = false;
  /** An item's patch gave up: the document is printed whole. */
  private whole = false;
  private seq: boolean | undefined;
  private style: JsonStyle | undefined;

  constructor(
    readonly src: SourceText,
    /** The whole document's slot. */
    readonly slot: Slot,
    /** The document's value without its items. */
    private readonly top: JsonObject,
    /** Read as JSON: printed as JSON. */
    readonly json: boolean,
    readonly file: { path: string; index: number } | undefined,
  ) {}

  /** The sequence style the whole List would be patched with (its annotation, then its text). */
  seqIndented(): boolean {
    this.seq ??= new YamlResource(this.src, this.slot, this.top, this.file).indentSeq();
    return this.seq;
  }

  /** The JSON layout the whole List would be printed in (YamlResource.printJson). */
  jsonStyle(): JsonStyle {
    this.style ??= jsonStyle(this.src.text.slice(this.slot.start, this.slot.end));
    return this.style;
  }

  /** The new text of a changed item (`value`, read from `original`), or BAIL. */
  itemText(item: ListItem, original: JsonObject, value: JsonObject): string | typeof BAIL {
    if (this.json) return jsonItem(original === value ? value : reconcileValue(original, value), this.jsonStyle().indent);
    if (jsonEqual(original, value)) return this.src.text.slice(item.slot.start, item.slot.end);
    const out = patchItem(this.src, item.slot, original, value, this.seqIndented());
    if (out === BAIL) this.whole = true;
    return out;
  }

  /** The new text of the document's slot, in parts (only when `changed`). */
  *parts(): Generator<string, void, undefined> {
    // items the run did not let go: patched now (a patch that gives up makes the document whole)
    for (const item of this.items) item.settle();
    if (this.json) yield* this.jsonParts(this.jsonStyle());
    else if (this.whole) yield this.printWhole();
    else yield* spliceItems(this.src.text, this.slot, this.changedItems());
  }

  /** The changed items' new texts (after `settle`). */
  private *changedItems(): Generator<ItemText, void, undefined> {
    for (const item of this.items) {
      const text = item.newText();
      if (text !== undefined) yield { slot: item.slot, text };
    }
  }

  /** The List as `printJson(value, style)` writes it, an item at a time. */
  *jsonParts(style: JsonStyle): Generator<string, void, undefined> {
    const eol = (s: string): string => (style.eol === '\r\n' ? s.replace(/\n/g, '\r\n') : s);
    const { indent } = style;
    const out = JSON.stringify({ ...this.top, items: [ITEMS_MARK] }, null, indent);
    const at = out.indexOf(ITEMS_MARK_JSON);
    yield eol(out.slice(0, at));
    const unit = indent === undefined ? '' : typeof indent === 'number' ? ' '.repeat(indent) : indent;
    const sep = indent === undefined ? ',' : ',\n' + unit + unit;
    // the items were printed in the document's layout; a file's layout (json-file.ts) may differ
    const same = indent === this.jsonStyle().indent;
    for (const [i, item] of this.items.entries()) {
      const printed = item.newText();
      const t = printed === undefined ? jsonItem(item.value, indent) : same ? printed : jsonItem(JSON.parse(printed) as Json, indent);
      yield eol(i === 0 ? t : sep + t);
      if (!item.changedItem) item.release();
    }
    yield eol(out.slice(at + ITEMS_MARK_JSON.length)) + (style.final ? style.eol : '');
  }

  /** The document printed whole from its items' new values, as a changed List handle prints. */
  private printWhole(): string {
    const original = readSlot(this.src, this.slot) as JsonObject;
    const before = original.items as Json[];
    const items = this.items.map((item, i) => item.newValue() ?? before[i]!);
    const doc = new YamlResource(this.src, this.slot, original, this.file);
    doc.update(['items'], items);
    return doc.print();
  }
}

/** An item as JSON at its place in a List (two levels deep), lines ending in `\n`. */
function jsonItem(v: Json, indent: JsonStyle['indent']): string {
  const out = JSON.stringify(v, null, indent);
  if (indent === undefined) return out;
  const unit = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  return out.replace(/\n/g, '\n' + unit + unit);
}

/** One item of a `ListDocument`: a resource of its own for the run; `changed` is the document's. */
export class ListItem extends YamlResource {
  /** Its patch gave up: it keeps its value (and no more updates come: the run is done with it). */
  private gaveUp = false;

  constructor(
    src: SourceText,
    slot: Slot,
    value: JsonObject,
    file: { path: string; index: number } | undefined,
    readonly list: ListDocument,
  ) {
    super(src, slot, value, file);
  }

  /** The document changed (as a List handle reports it: a later item sees an earlier one's change). */
  override get changed(): boolean {
    return this.list.changed;
  }

  /** This item changed. */
  get changedItem(): boolean {
    return this._changed;
  }

  override update(path: readonly (string | number)[], newValue: Json): void {
    super.update(path, newValue);
    if (this._changed) this.list.changed = true;
  }

  override indentSeq(): boolean {
    return this.list.seqIndented();
  }

  /** A changed item keeps its new text (not its value) once let go; one whose patch gave up keeps its value. */
  override release(): void {
    if (this.gaveUp) return;
    if (this._changed && this.printed === undefined) {
      const out = this.list.itemText(this, this.original!, this.value);
      if (out === BAIL) {
        this.gaveUp = true;
        return;
      }
      this.printed = this.src.io.store.put(out);
    }
    // (a JSON resource keeps a changed value on release: here its text is kept instead)
    if (this.slot.json) this.drop();
    else super.release();
  }

  /** Lets a changed item go now if it is still held (its text is made, or its patch gives up). */
  settle(): void {
    if (this._changed && this.printed === undefined) this.release();
  }

  /** The item's new text when it changed (after `settle`). */
  newText(): string | undefined {
    return this.printed === undefined ? undefined : this.src.io.store.get(this.printed);
  }

  /** The item's new value when it changed: held, or read back from its new text. */
  newValue(): JsonObject | undefined {
    if (!this._changed) return undefined;
    if (this.printed === undefined) return this.value;
    const { col } = this.slot;
    const back = new SourceText(' '.repeat(col) + this.src.io.store.get(this.printed), undefined, this.src.io);
    return readSlot(back, { kind: 'slot', start: col, end: back.text.length, col }) as JsonObject;
  }
}

/** Is this handle an item of a List document read item by item? */
export function isListItem(h: ResourceHandle): boolean {
  return h instanceof ListItem;
}
