/**
 * The one line walk that splits a block-layout document into its top-level keys and the items of
 * its `items:` sequence, for the two that read such a document item by item: the KRM ResourceList
 * reader (resource-list.ts) and a `kind: List`'s items (list-patch.ts: read and patched one by one).
 *
 * The layout: top-level plain keys at column 0, each once; `items:` alone on its line (a comment
 * may follow); one `- ` per item at one indentation (column 0 or indented); every other line of an
 * item indented more. The rest of the document (without the item lines) is read as a value, with
 * the fast reader, else `yaml`. What the two readers accept differs in a few places, given as
 * `LayoutRules`; any other shape gives undefined and the caller reads the document another way.
 */
import type { Json } from '../kube/types.js';
import { BAIL } from './bail.js';
import { FAST_UNSAFE, fastParse } from './fast.js';
import { parseWithYaml, toPlain } from './yaml-doc.js';
import type { SourceText } from './resource.js';
import { CR, HASH, indexWithin, isDashAt, lineEnd, NL, nextContentLine, plainKeyColon, skipSpaces } from './scan.js';
import type { Segment } from './stream.js';

/** Where the two readers differ. */
export interface LayoutRules {
  /** Lines may end in CRLF; false: a `\r` anywhere in the document refuses the layout. */
  crlf: boolean;
  /**
   * A line whose content starts with a tab is read as a line of an item (false: refuses the
   * layout), and after `items:` any whitespace (JS `trim`) may come before a comment (false: spaces).
   */
  tabs: boolean;
  /** A top-level key other than `items` may hold a block sequence at column 0 (false: refuses). */
  sequenceAtColumn0: boolean;
}

/**
 * What a `kind: List` read or patched item by item may hold (list-patch.ts): no CR, no
 * tab starting a line's content, no other top-level block sequence at column 0.
 */
export const LIST_RULES: LayoutRules = { crlf: false, tabs: false, sequenceAtColumn0: false };

/** One item of the sequence. */
export interface LayoutItem {
  /** Offset of its `-`. */
  dash: number;
  /** Start of its `-` line. */
  start: number;
  /** End of its last content line (after its line break). */
  end: number;
}

export interface BlockLayout {
  /** The document read without its item lines (`items` is null in it). */
  top: Json;
  /** The top-level keys, in order, with the start of their line. */
  keys: Map<string, number>;
  /** At least one. */
  items: LayoutItem[];
  /** The column of the items' `-`. */
  seqIndent: number;
  /** End of the items' body: the start of the next top-level key line, or the document's content end. */
  itemsEnd: number;
}

/** A top-level key line's key: plain and simple (quoted or odd keys refuse the layout). */
const TOP_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The block layout of the document `seg`, or undefined when it has another shape (see above). */
export function blockLayout(src: SourceText, seg: Segment, rules: LayoutRules): BlockLayout | undefined {
  const text = src.text;
  const end = seg.contentEnd;
  if (src.column(seg.contentStart) !== 0) return undefined;
  // A lone CR is a line break to `yaml` (and one of the characters `unsafe` indexes); CRLF is found line by line.
  if (!rules.crlf && src.unsafe.any(seg.start, seg.end) && indexWithin(text, '\r', seg.start, seg.end) !== -1) return undefined;
  const keys = new Map<string, number>();
  let key: string | undefined;
  let itemsBody = -1;
  let itemsEnd = -1;
  let seqIndent = -1;
  const items: LayoutItem[] = [];
  let ls = seg.contentStart - src.column(seg.contentStart);
  while (ls < end) {
    // `end` is after the line break of the last content line (or the end of the text)
    const le = lineEnd(text, ls, end);
    const next = Math.min(le + 1, end);
    // the line's text without the `\r` of a CRLF line break
    let ce = le;
    if (le > ls && text.charCodeAt(le - 1) === CR) {
      if (!rules.crlf) return undefined;
      ce = le - 1;
    }
    const ts = ls === 0 ? src.bom : ls;
    const q = skipSpaces(text, ts, ce);
    if (!rules.tabs && q < ce && text.charCodeAt(q) === 0x09) return undefined;
    if (q < ce && text.charCodeAt(q) !== HASH) {
      const ind = q - ts;
      const dash = isDashAt(text, q, ce);
      if (ind === 0 && !dash) {
        const colon = plainKeyColon(text, q, ce);
        const k = colon === -1 ? '' : text.slice(q, colon);
        if (!TOP_KEY.test(k) || keys.has(k)) return undefined;
        if (key === 'items') itemsEnd = ls;
        key = k;
        keys.set(key, ls);
        if (key === 'items') {
          if (rules.tabs) {
            const rest = text.slice(colon + 1, le).trim();
            if (rest !== '' && !rest.startsWith('#')) return undefined;
          } else {
            const r = skipSpaces(text, colon + 1, le);
            if (r < le && text.charCodeAt(r) !== HASH) return undefined;
          }
          itemsBody = next;
        }
      } else if (key === 'items') {
        if (seqIndent === -1) {
          if (!dash) return undefined;
          seqIndent = ind;
        }
        if (ind === seqIndent && dash) items.push({ dash: q, start: ls, end: next });
        else if (ind <= seqIndent) return undefined;
        else items[items.length - 1]!.end = next;
      } else if (ind === 0 && (key === undefined || !rules.sequenceAtColumn0)) return undefined;
    }
    ls = next;
  }
  if (key === 'items') itemsEnd = end;
  // no `items`, or `items:` with nothing under it: the caller's other path reads (and reports) it
  if (itemsBody === -1 || items.length === 0) return undefined;
  // The rest of the document without the item lines is small: the fast reader, else `yaml`.
  const skeleton = text.slice(seg.start, itemsBody) + text.slice(itemsEnd, seg.end);
  const cut = itemsBody - seg.start;
  const map = (o: number): number => (o < cut ? seg.start + o : seg.start + o + (itemsEnd - itemsBody));
  FAST_UNSAFE.lastIndex = 0;
  const quick = FAST_UNSAFE.test(skeleton) ? BAIL : fastParse(skeleton, seg.contentStart - seg.start, skeleton.length, 0);
  const top = quick !== BAIL ? quick : toPlain(parseWithYaml(src, skeleton, map));
  return { top, keys, items, seqIndent, itemsEnd };
}

/**
 * The first content character of the item whose `-` is at `dash`: its value on the dash's line,
 * else on a later line before `end` (the item's end), passing over blank and comment lines and a
 * line whose first character after its indentation is a lone `\r`; -1 when the item holds nothing.
 */
export function itemValueStart(text: string, dash: number, end: number): number {
  const v = skipSpaces(text, dash + 1, end);
  if (v < end) {
    const c = text.charCodeAt(v);
    if (c !== HASH && c !== NL && c !== CR) return v;
  }
  for (let at = nextContentLine(text, lineEnd(text, v, end) + 1, end); at !== -1; at = nextContentLine(text, lineEnd(text, at, end) + 1, end)) {
    const q = skipSpaces(text, at, end);
    if (text.charCodeAt(q) !== CR) return q;
  }
  return -1;
}
