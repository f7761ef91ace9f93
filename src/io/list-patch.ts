/**
 * A `kind: List` document (what `kubectl get -o yaml` prints: a cluster's objects in one
 * document) in the block layout of layout.ts (`LIST_RULES`): where its items are in the text, and
 * its text written back with each changed item patched within its own lines. The one stitcher of
 * a List's changed items, for both ways a List is read: as one handle (resource.ts
 * `YamlResource.print`, through `patchListItems`) and item by item (list-document.ts, whose items
 * are handles of their own). Both take an item's slot from `itemSlot` (from its value's first
 * character to the next item's `-` line, or the end of the items), patch it with `patchItem` and
 * join the parts with `spliceItems`, so the two give the same bytes for the same edits.
 */
import type { Json, JsonObject } from '../kube/types.js';
import { isObject, jsonEqual } from '../kube/types.js';
import { BAIL } from './bail.js';
import { blockLayout, itemValueStart, LIST_RULES } from './layout.js';
import { patchText } from './patch.js';
import type { SourceText, Slot } from './resource.js';
import type { Segment } from './stream.js';

/** The layout of a List document read item by item. */
export interface ListSplit {
  top: JsonObject;
  /** Offsets of the items' `-`. */
  dashes: number[];
  /** Starts of the items' `-` lines. */
  starts: number[];
  /** End of the last item (the start of the next top-level key line, or the document's content end). */
  bodyEnd: number;
}

/**
 * The item layout of a document, or undefined when it is not a List (or a List cut off before its
 * `kind`) in the block layout of `LIST_RULES`.
 */
export function splitList(src: SourceText, seg: Segment): ListSplit | undefined {
  const layout = blockLayout(src, seg, LIST_RULES);
  if (layout === undefined) return undefined;
  const { top } = layout;
  if (!isObject(top) || (top.kind !== 'List' && top.kind !== undefined)) return undefined;
  delete top.items;
  return { top, dashes: layout.items.map((it) => it.dash), starts: layout.items.map((it) => it.start), bodyEnd: layout.itemsEnd };
}

/**
 * The slot of item `i` of a split List (null: an empty item): from its value's first character to
 * the start of the next item's `-` line (or the end of the items), the comment and blank lines
 * after its last line included (a block scalar's more indented `#` lines are its content).
 */
export function itemSlot(src: SourceText, split: ListSplit, i: number): Slot | null {
  const { dashes, starts } = split;
  const end = i + 1 < dashes.length ? starts[i + 1]! : split.bodyEnd;
  const v = itemValueStart(src.text, dashes[i]!, end);
  return v === -1 ? null : { kind: 'slot', start: v, end, col: src.column(v) };
}

/** The new text of the item at `slot` changed from `old` to `nu`, or BAIL when its patch gives up. */
export function patchItem(src: SourceText, slot: Slot, old: Json, nu: Json, seqIndented: boolean): string | typeof BAIL {
  return patchText(src.text, slot.start, slot.end, slot.col, old, nu, seqIndented, src.io);
}

/** A changed item's new text, in place of its slot's. */
export interface ItemText {
  slot: Slot;
  text: string;
}

/** The text of the List's slot `list` with its changed items' new texts in place (in the items' order), in parts. */
export function* spliceItems(text: string, list: Slot, changed: Iterable<ItemText>): Generator<string, void, undefined> {
  let pos = list.start;
  for (const { slot, text: t } of changed) {
    yield text.slice(pos, slot.start);
    yield t;
    pos = slot.end;
  }
  yield text.slice(pos, list.end);
}

/**
 * A changed List read as one handle, patched item by item: only the items whose value changed are
 * patched, each within its own lines, so the patcher's layout of the text is one item's at a time,
 * not the whole list's (for 10,000 kubectl objects, the heap peaked at over 1 GB printing the List
 * in one piece). BAIL when the document is not such a List in the block layout, when anything but
 * its items changed, or when an item's patch gives up: the caller patches or re-prints the whole
 * document then.
 */
export function patchListItems(src: SourceText, slot: Slot, old: JsonObject, nu: JsonObject, seqIndented: boolean): string | typeof BAIL {
  const oldItems = old.items;
  const newItems = nu.items;
  if (old.kind !== 'List' || nu.kind !== 'List' || !Array.isArray(oldItems) || !Array.isArray(newItems) || oldItems.length !== newItems.length) return BAIL;
  if (slot.col !== 0 || oldItems.length < 2) return BAIL;
  const keys = Object.keys(old);
  const newKeys = Object.keys(nu);
  if (keys.length !== newKeys.length || keys.some((k, i) => newKeys[i] !== k || (k !== 'items' && !jsonEqual(old[k], nu[k])))) return BAIL;
  const split = splitList(src, { start: slot.start, end: slot.end, contentStart: slot.start, contentEnd: slot.end, slow: false });
  if (split === undefined || split.dashes.length !== oldItems.length) return BAIL;
  const changed: ItemText[] = [];
  for (let i = 0; i < oldItems.length; i++) {
    const a = oldItems[i]!;
    const b = newItems[i]!;
    if (jsonEqual(a, b)) continue;
    const s = itemSlot(src, split, i);
    if (s === null) return BAIL;
    const patched = patchItem(src, s, a, b, seqIndented);
    if (patched === BAIL) return BAIL;
    changed.push({ slot: s, text: patched });
  }
  return [...spliceItems(src.text, slot, changed)].join('');
}
