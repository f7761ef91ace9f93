/**
 * Kubernetes strategic merge patch on plain JSON values: a port of apimachinery's
 * `StrategicMergeMapPatchUsingLookupPatchMeta` (pkg/util/strategicpatch/patch.go) with the
 * options it uses (`MergeParallelList`, `IgnoreUnmatchedNulls`). Function names follow the Go
 * ones (`mergeMap`, `mergeSlice`, `mergeSortedSlice`, ...) so the two can be read side by side.
 * The patch metadata comes from a `SchemaNode` (see schema.ts); nothing here knows about Istio,
 * YAML or KRM, and computing a patch from two objects is not done here.
 *
 * Deliberate differences from apimachinery. For values the patch adds where the original has
 * nothing to merge with: `null`s in them are dropped everywhere (apimachinery drops them only at
 * the top of the added value, and the typed decode that follows in Kubernetes and Istio drops the
 * rest), and directives in them are applied instead of being copied through verbatim (a fresh
 * value is merged into an empty one). And an item of the *original* list without the merge key
 * (a Knative Service's unnamed container: valid in a template, impossible in a real pod) is kept
 * in place as an item the patch does not touch, where apimachinery fails; patch items still need
 * their merge key.
 */
import { cloneJson as clone, isObject as isMap, type Json, type JsonObject } from '../kube/types.js';
import { UserError } from '../results/result.js';
import { fieldSchema, type PatchStrategy, type SchemaNode } from './schema.js';

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderDirectivePrefix = '$setElementOrder/';
const deleteFromPrimitiveListDirectivePrefix = '$deleteFromPrimitiveList/';
const replaceDirective = 'replace';
const deleteDirective = 'delete';
const mergeDirective = 'merge';

/**
 * A patch that cannot be applied (apimachinery would reject it); `path` is the dotted field path
 * where it happened. A `UserError`: the input data, not the code, is at fault.
 */
export class MergeError extends UserError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message, path || undefined, 'merge');
    this.name = 'MergeError';
  }
}

type ElementKind = 'map' | 'scalar';

function isEmptyMap(v: JsonObject): boolean {
  for (const _ in v) return false;
  return true;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Applies `patch` to `original` with strategic-merge semantics for `schema`. Neither input is
 * modified. A non-object `original` counts as an empty object, as in apimachinery.
 */
export function strategicMerge(original: Json, patch: Json, schema: SchemaNode): JsonObject {
  if (!isMap(patch)) throw new MergeError('a strategic merge patch must be an object', '');
  if (!isMap(original) || isEmptyMap(original)) {
    // Into nothing (e.g. a template's output over an empty pod): a patch without directives merges
    // to its own copy without nulls, which `plainFresh` makes without copying the patch first (a
    // map, as the patch is).
    const plain = plainFresh(patch, schema);
    if (plain !== NEEDS_MERGE && isMap(plain)) return plain;
  }
  const base = isMap(original) ? clone(original) : {};
  return mergeMap(base, clone(patch), schema, '');
}

/** Merges two maps in place (both are private copies) and returns the result. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode, path: string): JsonObject {
  if (directiveMarker in patch) return handleDirectiveInMergeMap(patch[directiveMarker] ?? null, patch, path);

  applyRetainKeysDirective(original, patch, path);
  mergePatchIntoOriginal(original, patch, schema, path);

  for (const k of Object.keys(patch)) {
    const patchV = patch[k] as Json;
    let key = k;
    let isDeleteList = false;
    if (k.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
      key = k.slice(deleteFromPrimitiveListDirectivePrefix.length);
      isDeleteList = true;
    }
    const sub = fieldSchema(schema, key);
    const here = join(path, key);

    if (patchV === null) {
      // IgnoreUnmatchedNulls: a null deletes the key and is never copied into the result.
      delete original[key];
      continue;
    }
    if (!(key in original)) {
      if (!isDeleteList) original[key] = fresh(patchV, sub, here);
      continue;
    }
    const originalV = original[key] as Json;
    if (isMap(originalV) && isMap(patchV)) {
      original[key] = mergeStrategy(sub.meta?.strategy) === replaceDirective ? discardNullValues(patchV) : mergeMap(originalV, patchV, sub, here);
    } else if (Array.isArray(originalV) && Array.isArray(patchV)) {
      original[key] = mergeSliceHandler(originalV, patchV, sub, isDeleteList, here);
    } else if (!isDeleteList) {
      // Different types, or scalars: the patch value wins.
      original[key] = fresh(patchV, sub, here);
    }
  }
  return original;
}

/** `extractRetainKeysPatchStrategy`: the strategy without `retainKeys`. */
/** `mergeStrategy` of each strategy the schema uses, looked up (it runs for every list merged). */
const STRATEGY: Readonly<Record<PatchStrategy, string>> = { merge: 'merge', 'merge,retainKeys': 'merge', retainKeys: '', replace: 'replace' };

function mergeStrategy(strategy: PatchStrategy | undefined): string {
  if (!strategy) return '';
  if (Object.hasOwn(STRATEGY, strategy)) return STRATEGY[strategy];
  const parts = strategy.split(',').filter((s) => s !== 'retainKeys');
  return parts[0] ?? '';
}

function handleDirectiveInMergeMap(directive: Json, patch: JsonObject, path: string): JsonObject {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return discardNullValues(patch) as JsonObject;
  }
  if (directive === deleteDirective) return {};
  throw new MergeError(`Unexpected patch type in map: ${JSON.stringify(directive)}`, path);
}

function mergeSliceHandler(original: Json[], patch: Json[], schema: SchemaNode, isDeleteList: boolean, path: string): Json[] {
  // Delete lists are handled the same way whatever the field's strategy is.
  if (mergeStrategy(schema.meta?.strategy) === mergeDirective || isDeleteList) {
    return mergeSlice(original, patch, schema, schema.meta?.mergeKey ?? '', isDeleteList, path);
  }
  return discardNullValues(patch) as Json[];
}

/**
 * A patch value with nothing to merge into: directives applied (merged into an empty value),
 * nulls dropped.
 */
function fresh(value: Json, schema: SchemaNode, path: string): Json {
  const plain = plainFresh(value, schema);
  if (plain !== NEEDS_MERGE) return plain;
  if (isMap(value)) return mergeMap({}, value, schema, path);
  if (Array.isArray(value)) {
    if (mergeStrategy(schema.meta?.strategy) === mergeDirective && value.some((v) => isMap(v))) {
      return mergeSlice([], value, schema, schema.meta?.mergeKey ?? '', false, path);
    }
    return discardNullValues(value);
  }
  return value;
}

const NEEDS_MERGE = Symbol('needs merge');

/**
 * `fresh` for the common case, a value with no directives: what merging it into nothing gives,
 * computed as a copy (maps without their null fields, merge-keyed lists with unique keys as they
 * are). `NEEDS_MERGE` when the value has a `$` key where maps are merged, or a merge-keyed list
 * whose items must be merged with each other or are invalid; `fresh` then merges it the long way
 * (which also reports the errors). Modifies nothing.
 */
function plainFresh(value: Json, schema: SchemaNode): Json | typeof NEEDS_MERGE {
  if (isMap(value)) {
    const out: JsonObject = {};
    for (const k of Object.keys(value)) {
      if (k.charCodeAt(0) === 36 /* $ */) return NEEDS_MERGE;
      const v = value[k] as Json;
      if (v === null) continue;
      if (typeof v !== 'object') {
        out[k] = v;
        continue;
      }
      const c = plainFresh(v, fieldSchema(schema, k));
      if (c === NEEDS_MERGE) return NEEDS_MERGE;
      out[k] = c;
    }
    return out;
  }
  if (!Array.isArray(value)) return value;
  if (mergeStrategy(schema.meta?.strategy) !== mergeDirective || !value.some((v) => isMap(v))) return withoutNullFields(value);
  const mergeKey = schema.meta?.mergeKey ?? '';
  if (!mergeKey) return NEEDS_MERGE;
  const keys = new Set<Json | undefined>();
  const out: Json[] = [];
  for (const item of value) {
    if (!isMap(item) || !(mergeKey in item)) return NEEDS_MERGE;
    const key = item[mergeKey];
    // Object keys compare by value (JSON), NaN by ===, and a null key is dropped with the other
    // nulls (the item is then an error): all the long way.
    if (key === null || key === undefined || typeof key === 'object' || Number.isNaN(key) || keys.has(key)) return NEEDS_MERGE;
    keys.add(key);
    const c = plainFresh(item, schema);
    if (c === NEEDS_MERGE) return NEEDS_MERGE;
    out.push(c);
  }
  return out;
}

/** `discardNullValues` as a copy. */
function withoutNullFields(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (!isMap(value)) return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value)) {
    const v = value[k] as Json;
    if (v !== null) out[k] = withoutNullFields(v);
  }
  return out;
}

/** `discardNullValuesFromPatch`, applied recursively (maps and maps inside lists). */
function discardNullValues(value: Json): Json {
  if (Array.isArray(value)) return value.map(discardNullValues);
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else value[k] = discardNullValues(v);
    }
  }
  return value;
}

function applyRetainKeysDirective(original: JsonObject, patch: JsonObject, path: string): void {
  if (!(retainKeysDirective in patch)) return;
  const retainKeys = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retainKeys)) throw new MergeError('$retainKeys must be a list of field names', path);
  const keep = new Set(retainKeys.map((k) => String(k)));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListDirectivePrefix) || k.startsWith(setElementOrderDirectivePrefix)) {
      continue;
    }
    if (!keep.has(k)) throw new MergeError(`field ${JSON.stringify(k)} is in the patch but not in $retainKeys`, path);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * Processes `$setElementOrder/<list>` directives: merges the list with its patch and orders the
 * result by the directive (then the patch, then the original). Removes what it processed from
 * the patch so the main loop does not see it again.
 */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: SchemaNode, path: string): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderDirectivePrefix)) continue;
    const field = key.slice(setElementOrderDirectivePrefix.length);
    const here = join(path, field);
    const order = patch[key];
    if (!Array.isArray(order)) throw new MergeError(`${key} must be a list`, path);
    const foundOriginal = Array.isArray(original[field]);
    const foundPatch = Array.isArray(patch[field]);
    if (original[field] !== undefined && original[field] !== null && !foundOriginal) {
      throw new MergeError('$setElementOrder applies to a field that is not a list', here);
    }
    const originalList = foundOriginal ? (original[field] as Json[]) : [];
    const patchList = foundPatch ? (patch[field] as Json[]) : [];
    const sub = fieldSchema(schema, field);
    const mergeKey = sub.meta?.mergeKey ?? '';

    validatePatchWithSetOrderList(patchList, order, mergeKey, here);

    let merged: Json[];
    if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, sub, false, here);
    else if (foundOriginal) merged = originalList;
    else if (foundPatch) merged = fresh(patchList, sub, here) as Json[];
    else {
      delete patch[key];
      continue;
    }
    delete patch[field];
    delete patch[key];
    if (merged.length === 0) {
      original[field] = merged;
      continue;
    }
    const kind = sliceElementType([...originalList, ...patchList, ...merged], here);
    const [patchItems, serverOnlyItems] =
      kind === 'scalar' ? partitionPrimitivesByPresentInList(merged, order) : partitionMapsByPresentInList(merged, order, mergeKey, here);
    original[field] = normalizeElementOrder(patchItems, serverOnlyItems, order, originalList, mergeKey, kind, here);
  }
}

function validatePatchWithSetOrderList(patchList: Json[], order: Json[], mergeKey: string, path: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((item) => !(isMap(item) && item[directiveMarker] === deleteDirective)) : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    const item = nonDelete[p] as Json;
    if (isMap(item) && directiveMarker in item) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[s] as Json, mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length) {
    throw new MergeError(`the order of the patch list does not match ${setElementOrderDirectivePrefix} list`, path);
  }
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return sameValue(left, right);
  if (!isMap(left) || !isMap(right)) return false;
  return sameValue(left[mergeKey], right[mergeKey]);
}

/** Go's `==` on decoded JSON values (used for merge keys and scalar list items). */
function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function sliceElementType(items: Json[], path: string): ElementKind {
  let kind: ElementKind | undefined;
  for (const item of items) {
    if (Array.isArray(item)) throw new MergeError('a list of lists cannot be merged', path);
    const k: ElementKind = isMap(item) ? 'map' : 'scalar';
    if (kind && kind !== k) throw new MergeError('list elements of different types cannot be merged', path);
    kind = k;
  }
  return kind ?? 'scalar';
}

/** Merges two lists (merge strategy); `original` and `patch` are private copies. */
function mergeSlice(original: Json[], patch: Json[], schema: SchemaNode, mergeKey: string, isDeleteList: boolean, path: string): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType([...original, ...patch], path);

  let merged: Json[];
  if (kind === 'scalar') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new MergeError('cannot merge lists without merge key', path);
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey, schema, path);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, path);
  }

  const [patchItems, serverOnlyItems] =
    kind === 'scalar' ? partitionPrimitivesByPresentInList(merged, patch) : partitionMapsByPresentInList(merged, patch, mergeKey, path);
  return normalizeElementOrder(patchItems, serverOnlyItems, patch, original, mergeKey, kind, path);
}

function deleteFromSlice(original: Json[], toDelete: Json[]): Json[] {
  return original.filter((item) => !toDelete.some((d) => sameValue(d, item)));
}

function deduplicateScalars(items: Json[]): Json[] {
  const out: Json[] = [];
  for (const item of items) if (!out.some((o) => sameValue(o, item))) out.push(item);
  return out;
}

/**
 * Handles `$patch` elements of a list of maps: `delete` removes the matching original items,
 * `replace` makes the rest of the patch the whole list, `merge` is rejected as in apimachinery.
 * Returns the (possibly reduced) original and the patch without directive elements.
 */
function mergeSliceWithSpecialElements(original: Json[], patch: Json[], mergeKey: string, schema: SchemaNode, path: string): [Json[], Json[]] {
  const plain: Json[] = [];
  let replace = false;
  for (const item of patch) {
    const typed = item as JsonObject;
    if (!(directiveMarker in typed)) {
      plain.push(item);
      continue;
    }
    const directive = typed[directiveMarker];
    if (directive === deleteDirective) {
      if (!(mergeKey in typed)) throw new MergeError(`map ${JSON.stringify(typed)} does not contain declared merge key "${mergeKey}"`, path);
      const value = typed[mergeKey];
      original = original.filter((o) => !(isMap(o) && sameValue(o[mergeKey], value)));
    } else if (directive === replaceDirective) {
      replace = true;
    } else if (directive === mergeDirective) {
      throw new MergeError('merging lists cannot yet be specified in the patch', path);
    } else {
      throw new MergeError(`Unexpected patch type in list: ${JSON.stringify(directive)}`, path);
    }
  }
  if (replace) return [plain.map((item) => fresh(item, schema, path)), []];
  return [original, plain];
}

function mergeSliceWithoutSpecialElements(original: Json[], patch: Json[], mergeKey: string, schema: SchemaNode, path: string): Json[] {
  const merged = [...original];
  const keyOf = (o: Json | undefined): Key => (isMap(o) && mergeKey in o ? o[mergeKey] : ABSENT);
  const found = new KeyIndex(merged, keyOf);
  for (const item of patch) {
    const typed = item as JsonObject;
    if (!(mergeKey in typed)) throw new MergeError(`map ${JSON.stringify(typed)} does not contain declared merge key "${mergeKey}"`, path);
    const value = typed[mergeKey];
    const index = found.indexOf(value);
    const here = `${path}[${mergeKey}=${typeof value === 'string' ? value : JSON.stringify(value)}]`;
    // A null merge key in the patch deletes the key from the item it merged into.
    if (index >= 0) found.set(index, mergeMap(merged[index] as JsonObject, typed, schema, here));
    else found.push(fresh(typed, schema, here));
  }
  return merged;
}

function partitionPrimitivesByPresentInList(items: Json[], partitionBy: Json[]): [Json[], Json[]] {
  const present: Json[] = [];
  const absent: Json[] = [];
  const found = new KeyIndex(partitionBy, (p) => p);
  for (const item of items) (found.indexOf(item) >= 0 ? present : absent).push(item);
  return [present, absent];
}

function partitionMapsByPresentInList(items: Json[], partitionBy: Json[], mergeKey: string, path: string): [Json[], Json[]] {
  const present: Json[] = [];
  const absent: Json[] = [];
  const found = new KeyIndex(partitionBy, (p) => (isMap(p) && mergeKey in p ? p[mergeKey] : ABSENT));
  for (const item of items) {
    if (!isMap(item)) throw new MergeError(`list item ${JSON.stringify(item)} is not a map`, path);
    if (!(mergeKey in item)) {
      absent.push(item); // an original item without the key (see the module comment)
      continue;
    }
    (found.indexOf(item[mergeKey]) >= 0 ? present : absent).push(item);
  }
  return [present, absent];
}

/** Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then interleaves them. */
function normalizeElementOrder(
  patch: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  mergeKey: string,
  kind: ElementKind,
  path: string,
): Json[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind, path);
  const sortedServerOnly = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind, path);
  return mergeSortedSlice(sortedServerOnly, sortedPatch, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: ElementKind, path: string): Json[] {
  const orderIndex = listIndex(order, mergeKey, kind);
  const indexed = toSort.map((item) => {
    const i = index(orderIndex, order, item, mergeKey, kind);
    if (i < 0) throw new MergeError(`list item ${JSON.stringify(item)} is missing from the list that orders it`, path);
    return { item, i };
  });
  // Array.prototype.sort is stable, like sort.SliceStable.
  return indexed.sort((a, b) => a.i - b.i).map((x) => x.item);
}

/**
 * Inserts each item of `left` (server-only items) into `right` (patch items). Relative order in
 * each list is kept; an item of `left` goes before the current item of `right` only when both
 * are in `serverOrder` and it comes first there. So patch items the original did not have come
 * before the remaining original items.
 */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: ElementKind): Json[] {
  const serverIndex = listIndex(serverOrder, mergeKey, kind);
  const less = (l: Json, r: Json): boolean => {
    const li = index(serverIndex, serverOrder, l, mergeKey, kind);
    const ri = index(serverIndex, serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 && li < ri;
  };
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as Json);
    else if (j >= right.length) out.push(left[i++] as Json);
    else if (less(left[i] as Json, right[j] as Json)) out.push(left[i++] as Json);
    else out.push(right[j++] as Json);
  }
  return out;
}

/** `list` indexed by merge key (maps) or by value (scalars), for `index`. */
function listIndex(list: Json[], mergeKey: string, kind: ElementKind): KeyIndex {
  return new KeyIndex(list, kind === 'map' ? (item) => (isMap(item) ? item[mergeKey] : undefined) : (item) => item);
}

/** Index of `value` in `list` (indexed by `keys`), by merge key for maps and by value for scalars; -1 if absent. */
function index(keys: KeyIndex, list: Json[], value: Json, mergeKey: string, kind: ElementKind): number {
  // An original item without the merge key is found by identity (it is never copied on the way).
  if (kind === 'map' && isMap(value) && !(mergeKey in value)) return list.indexOf(value);
  return keys.indexOf(kind === 'map' ? (isMap(value) ? value[mergeKey] : undefined) : value);
}

/** Marks a list item that no key can find (a map without the merge key). */
const ABSENT: unique symbol = Symbol('absent');

/** A list item's key: the value of its merge key (primitive items: the item), or `ABSENT`. */
type Key = Json | undefined | typeof ABSENT;

/**
 * First index of the item of a list whose key is `sameValue` to a wanted key, without scanning
 * the list for every lookup (the lists merged for every pod, such as a container's env, would
 * make that quadratic). Short lists are scanned; longer ones get a map from primitive keys to
 * their first index, and are scanned only for object keys. Items added with `push` are found too.
 */
class KeyIndex {
  /** Keys by position and primitive key to first position; only for lists longer than `SCAN`. */
  private keys: Key[] | undefined;
  private firstIndex: Map<Json | undefined, number> | undefined;
  private objectKeys = false;

  constructor(
    private readonly list: Json[],
    private readonly keyOf: (item: Json | undefined) => Key,
  ) {
    if (list.length > SCAN) this.build();
  }

  private build(): void {
    this.keys = this.list.map(this.keyOf);
    this.firstIndex = new Map();
    this.objectKeys = false;
    for (const [i, k] of this.keys.entries()) this.remember(k, i);
  }

  private remember(k: Key, i: number): void {
    if (k === ABSENT) return;
    if (typeof k === 'object' && k !== null) this.objectKeys = true;
    else if (!this.firstIndex!.has(k)) this.firstIndex!.set(k, i);
  }

  set(i: number, item: Json): void {
    this.list[i] = item;
    if (!this.keys) return;
    const k = this.keyOf(item);
    const was = this.keys[i];
    if (k === was || (k !== ABSENT && was !== ABSENT && typeof k === 'object' && sameValue(k, was))) return;
    this.build();
  }

  push(item: Json): void {
    this.list.push(item);
    if (this.keys) {
      const k = this.keyOf(item);
      this.keys.push(k);
      this.remember(k, this.keys.length - 1);
    } else if (this.list.length > SCAN) {
      this.build();
    }
  }

  indexOf(wanted: Json | undefined): number {
    const map = this.firstIndex;
    if (map === undefined || (typeof wanted === 'object' && wanted !== null)) {
      if (map !== undefined && !this.objectKeys) return -1;
      for (let i = 0; i < this.list.length; i++) {
        const k = this.keyOf(this.list[i]);
        if (k !== ABSENT && sameValue(k, wanted)) return i;
      }
      return -1;
    }
    // sameValue is ===: NaN finds nothing (the map would find it).
    if (typeof wanted === 'number' && Number.isNaN(wanted)) return -1;
    return map.get(wanted) ?? -1;
  }
}

/** Lists up to this length are scanned. */
const SCAN = 8;
