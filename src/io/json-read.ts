/**
 * JSON documents (a `.json` manifest, a JSON ResourceList) read with `JSON.parse` instead of
 * `yaml`, which reads JSON as flow YAML about twenty times slower and builds a Document per
 * object. Only an accelerator, like fast.ts: a scan first makes sure `yaml` would read the text to
 * the same value and print it the same way, else it gives up (`BAIL`) and the caller uses `yaml`,
 * the authority for values and error messages. It gives up on: duplicate keys (an error for
 * `yaml`), nesting deeper than `MAX_DEPTH`, escapes other than `\"` `\\` `\/` `\n` (control
 * characters, surrogates) and any escape in a key, tabs and the characters fast.ts leaves to
 * `yaml`, a line break between a key and its `:`, keys that are integers or `__proto__` (a JavaScript object would reorder or
 * swallow them), and numbers other than integers of up to 15 digits (`yaml` re-prints a number as
 * written, the printer of new values as JavaScript does: `1.0` would become `1`).
 */
import type { Json } from '../kube/types.js';
import { MAX_DEPTH } from './errors.js';
import { BAIL } from './bail.js';

const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** A JSON text read, and the ranges [start, end) of the elements of its top-level `items`. */
export interface JsonRead {
  value: Json;
  items: [number, number][];
}

/**
 * Reads text[start, end) when it is JSON that `yaml` reads to the same value; else BAIL. With
 * `withoutItems`, the value holds an empty top-level `items` (in its place among the keys): the
 * caller reads each item from its range when it wants it (a large list is not held whole).
 */
export function readJson(text: string, start: number, end: number, withoutItems = false): JsonRead | typeof BAIL {
  const items: [number, number][] = [];
  // One entry per open container: the keys of an object (null for an array).
  const keys: (Set<string> | null)[] = [];
  let expectKey = false;
  /** Depth of the top-level `items` array's elements while inside it (0: not inside). */
  let itemsDepth = 0;
  let lastKey: string | undefined;
  let itemStart = -1;
  /** The `[` and the `]` of the top-level `items`. */
  let itemsOpen = -1;
  let itemsClose = -1;
  let i = start;
  // A value begins at depth d: when it is an element of `items`, remember where.
  const begin = (at: number): void => {
    if (itemsDepth !== 0 && keys.length === itemsDepth) itemStart = at;
  };
  const finish = (at: number): void => {
    if (itemsDepth !== 0 && keys.length === itemsDepth && itemStart !== -1) {
      items.push([itemStart, at]);
      itemStart = -1;
    }
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (keys.length >= MAX_DEPTH) return BAIL;
      begin(i);
      if (c === 91 && keys.length === 1 && lastKey === 'items' && !expectKey) {
        itemsDepth = 2;
        itemsOpen = i;
      }
      keys.push(c === 123 ? new Set() : null);
      expectKey = c === 123;
      i++;
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      if (itemsDepth === 2 && keys.length === 2 && c === 93) {
        itemsDepth = -1;
        itemsClose = i;
      }
      keys.pop();
      i++;
      if (itemsDepth === -1) itemsDepth = 0;
      else finish(i);
      expectKey = false;
      continue;
    }
    if (c === 44 /* , */) {
      expectKey = keys[keys.length - 1] instanceof Set;
      i++;
      continue;
    }
    if (c === 58 /* : */) {
      expectKey = false;
      i++;
      continue;
    }
    if (c === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        if (j >= end) return BAIL;
        const d = text.charCodeAt(j);
        if (d === 34) break;
        if (d === 92 /* \ */) {
          const e = text.charCodeAt(j + 1);
          if (e !== 34 && e !== 92 && e !== 47 && e !== 110) return BAIL;
          escaped = true;
          j += 2;
          continue;
        }
        if (d < 32 || d === 0x85 || d === 0x2028 || d === 0x2029 || d === 0xfeff) return BAIL;
        j++;
      }
      if (expectKey) {
        // a key with an escape could hold a line break, which `yaml` would print as a block key
        if (escaped) return BAIL;
        const key = text.slice(i + 1, j);
        const own = keys[keys.length - 1]!;
        if (own.has(key) || key === '__proto__' || INDEX_KEY.test(key)) return BAIL;
        own.add(key);
        if (keys.length === 1) lastKey = key;
        // `yaml` wants the `:` of a flow mapping's key on the key's line
        let k = j + 1;
        while (k < end && text.charCodeAt(k) === 32) k++;
        if (text.charCodeAt(k) !== 58) return BAIL;
        i = j + 1;
        continue;
      }
      begin(i);
      i = j + 1;
      finish(i);
      continue;
    }
    // numbers and literals
    let j = i;
    while (j < end) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13) break;
      j++;
    }
    const token = text.slice(i, j);
    if (token !== 'true' && token !== 'false' && token !== 'null' && !INT.test(token)) return BAIL;
    begin(i);
    i = j;
    finish(i);
  }
  if (keys.length !== 0) return BAIL;
  let value: Json;
  try {
    const json = withoutItems && itemsOpen !== -1 ? text.slice(start, itemsOpen + 1) + text.slice(itemsClose, end) : text.slice(start, end);
    value = JSON.parse(json) as Json;
  } catch {
    return BAIL;
  }
  return { value, items };
}
