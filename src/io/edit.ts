/**
 * Minimal edits of a `yaml` node tree: given a node and the plain value it should now have,
 * change the tree only where the values differ, so comments, key order, quoting and scalar text
 * survive everywhere else. Also builds new nodes for new values with the quoting Kubernetes
 * tools need (strings that YAML 1.1 or 1.2 would read as something else are double-quoted,
 * multi-line strings become literal blocks). It knows nothing about Kubernetes kinds or files.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Json, JsonObject } from '../kube/types.js';
import { isObject, jsonEqual } from '../kube/types.js';

// Strings that YAML 1.1 (go-yaml v2, sigs.k8s.io/yaml) or YAML 1.2 would not read as strings.
const AMBIGUOUS = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|<<|=|)$/,
  /^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/,
];

/** True when a string must be quoted so YAML 1.1 and 1.2 readers both see a string. */
export function isAmbiguousString(s: string): boolean {
  return AMBIGUOUS.some((re) => re.test(s));
}

/** A new scalar for a plain value, styled the way kubectl users expect. */
export function makeScalar(v: Json): Scalar {
  const node = new Scalar(v);
  if (typeof v === 'string') {
    if (v.includes('\n')) node.type = 'BLOCK_LITERAL';
    else if (isAmbiguousString(v)) node.type = 'QUOTE_DOUBLE';
  }
  return node;
}

/** New nodes (block style) for a plain value; `flow: false` marks every collection as block explicitly. */
export function makeNode(v: Json, flow?: false): Node {
  if (Array.isArray(v)) {
    const seq = new YAMLSeq();
    if (flow === false) seq.flow = false;
    for (const item of v) seq.items.push(makeNode(item, flow));
    return seq;
  }
  if (isObject(v)) {
    const map = new YAMLMap();
    if (flow === false) map.flow = false;
    for (const [k, val] of Object.entries(v)) map.items.push(new Pair(makeKey(k), makeNode(val, flow)));
    return map;
  }
  return makeScalar(v);
}

function makeKey(k: string): Scalar {
  const key = new Scalar(k);
  if (isAmbiguousString(k)) key.type = 'QUOTE_DOUBLE';
  return key;
}

/** The plain-JSON key of a pair (`yaml` turns non-string keys into strings the same way). */
function keyOf(pair: Pair): string {
  const k = pair.key;
  if (isScalar(k)) return String(k.value ?? '');
  if (k === null || k === undefined) return '';
  return JSON.stringify((k as Node).toJSON());
}

/** Does the node hold exactly this plain value? */
export function nodeEquals(doc: Document, node: unknown, v: Json | undefined): boolean {
  if (node === null || node === undefined) return v === null || v === undefined;
  if (isAlias(node)) return jsonEqual(node.toJS(doc) as Json, v);
  if (isScalar(node)) {
    const nv = node.value;
    if (v === undefined) return false;
    if (typeof nv === 'number' && typeof v === 'number') return nv === v || (Number.isNaN(nv) && Number.isNaN(v));
    return nv === v || (nv === undefined && v === null);
  }
  if (isSeq(node)) {
    if (!Array.isArray(v) || v.length !== node.items.length) return false;
    return node.items.every((it, i) => nodeEquals(doc, it, v[i]));
  }
  if (isMap(node)) {
    if (!isObject(v)) return false;
    const keys = Object.keys(v);
    if (keys.length !== node.items.length) return false;
    return node.items.every((p) => {
      const k = keyOf(p);
      return Object.hasOwn(v, k) && nodeEquals(doc, p.value, v[k]);
    });
  }
  return false;
}

/** Fields that serializers of typed objects add; never introduce them when the source lacks them. */
function isNoiseField(key: string, v: Json): boolean {
  return (key === 'creationTimestamp' && v === null) || (key === 'status' && isObject(v) && Object.keys(v).length === 0);
}

const IDENTITY_KEYS = ['name', 'mountPath', 'containerPort', 'ip'] as const;

/** An item's identity in a list: its name (or mount path, port, IP), as `name=web`. */
export function identityOfValue(v: Json): string | undefined {
  if (!isObject(v)) return undefined;
  for (const k of IDENTITY_KEYS) {
    const x = v[k];
    if (typeof x === 'string' || typeof x === 'number') return `${k}=${String(x)}`;
  }
  return undefined;
}

function identityOfNode(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  for (const k of IDENTITY_KEYS) {
    const p = node.items.find((it) => isScalar(it.key) && it.key.value === k);
    if (p && isScalar(p.value) && (typeof p.value.value === 'string' || typeof p.value.value === 'number')) return `${k}=${String(p.value.value)}`;
  }
  return undefined;
}

function carryComments(from: unknown, to: Node): Node {
  if (isNode(from)) {
    const f = from as Scalar;
    if (f.commentBefore) to.commentBefore = f.commentBefore;
    if (f.spaceBefore) to.spaceBefore = f.spaceBefore;
    if (isScalar(to) && f.comment) to.comment = f.comment;
  }
  return to;
}

/**
 * Returns the node that should hold `v` in place of `node`: the same node, edited in place where
 * values differ, or a new node when the kind of value changed.
 */
export function reconcile(doc: Document, node: unknown, v: Json): Node {
  if (node !== null && node !== undefined && nodeEquals(doc, node, v)) return node as Node;
  if (isMap(node) && isObject(v)) {
    reconcileMap(doc, node, v);
    return node;
  }
  if (isSeq(node) && Array.isArray(v)) {
    reconcileSeq(doc, node, v);
    return node;
  }
  return carryComments(node, isScalar(node) ? restyled(node, v) : makeNode(v));
}

// Characters `yaml` prints only double-quoted (stringifyString.js); a single-quoted scalar cannot hold them.
// eslint-disable-next-line no-control-regex
export const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * A new scalar for `v` replacing `old`: a one-line string keeps the old scalar's quotes, so an edit
 * that later restores the old value restores its text too (`"/metrics"`, not `/metrics`).
 */
function restyled(old: Scalar, v: Json): Node {
  const quote = old.type === 'QUOTE_DOUBLE' || old.type === 'QUOTE_SINGLE' ? old.type : undefined;
  if (quote === undefined || typeof v !== 'string' || v.includes('\n')) return makeNode(v);
  const node = new Scalar(v);
  node.type = quote === 'QUOTE_SINGLE' && FORCE_DOUBLE.test(v) ? 'QUOTE_DOUBLE' : quote;
  return node;
}

function reconcileMap(doc: Document, map: YAMLMap, v: JsonObject): void {
  const byKey = new Map<string, Pair>();
  const kept: Pair[] = [];
  for (const p of map.items as Pair[]) {
    const k = keyOf(p);
    if (!Object.hasOwn(v, k) || byKey.has(k)) continue; // deleted
    byKey.set(k, p);
    kept.push(p);
  }
  map.items = kept;
  let prev: Pair | undefined;
  for (const [k, val] of Object.entries(v)) {
    const p = byKey.get(k);
    if (p) {
      p.value = reconcile(doc, p.value, val);
      prev = p;
      continue;
    }
    if (isNoiseField(k, val)) continue;
    const np = new Pair(makeKey(k), makeNode(val));
    if (prev) map.items.splice(map.items.indexOf(prev) + 1, 0, np);
    else map.items.push(np);
    prev = np;
  }
}

/**
 * A summary of a node's value, to the given depth, equal for every node and value that
 * `nodeEquals` holds equal (map keys sorted, as it ignores their order); undefined for a node it
 * cannot summarise (an alias), which then stays a candidate for every value. Values that differ
 * may share a summary: it only narrows the search, `nodeEquals` decides.
 */
function nodePrint(doc: Document, node: unknown, depth: number): string | undefined {
  if (node === null || node === undefined) return 'n';
  if (isAlias(node)) return undefined;
  if (isScalar(node)) return scalarPrint(node.value);
  if (isSeq(node)) {
    if (depth === 0) return `S${node.items.length}`;
    const parts: string[] = [];
    for (const it of node.items) {
      const p = nodePrint(doc, it, depth - 1);
      if (p === undefined) return undefined;
      parts.push(p);
    }
    return `S[${parts.join(',')}]`;
  }
  if (isMap(node)) {
    if (depth === 0) return `M${node.items.length}`;
    const parts: string[] = [];
    for (const pair of node.items) {
      const p = nodePrint(doc, pair.value, depth - 1);
      if (p === undefined) return undefined;
      parts.push(`${keyOf(pair)}=${p}`);
    }
    return `M{${parts.sort().join(',')}}`;
  }
  return 'x';
}

export function valuePrint(v: Json | undefined, depth: number): string {
  if (v === null || v === undefined || typeof v !== 'object') return scalarPrint(v);
  if (Array.isArray(v)) return depth === 0 ? `S${v.length}` : `S[${v.map((x) => valuePrint(x, depth - 1)).join(',')}]`;
  const keys = Object.keys(v);
  if (depth === 0) return `M${keys.length}`;
  return `M{${keys
    .map((k) => `${k}=${valuePrint(v[k], depth - 1)}`)
    .sort()
    .join(',')}}`;
}

function scalarPrint(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v}${String(v)}`;
  return 'x';
}

/** Depth of `nodePrint`: a list item's `metadata.name`, a container's `name`, an env var's `value`. */
export const PRINT_DEPTH = 2;

/** Indices in ascending order, taken one by one; `next` skips the taken ones at the front. */
class IndexQueue {
  private head = 0;
  constructor(readonly list: number[] = []) {}
  /** The indices not taken yet, in order. */
  *open(used: readonly boolean[]): Generator<number> {
    while (this.head < this.list.length && used[this.list[this.head]!]) this.head++;
    for (let i = this.head; i < this.list.length; i++) if (!used[this.list[i]!]) yield this.list[i]!;
  }
}

/**
 * For each element of `v`, the index of the old item it takes over (-1: a new item): the unused
 * old item of the same identity, else the first unused anonymous one holding an equal value, else
 * the anonymous one at the same position. Old items are indexed by identity and by a summary of
 * their value, so the search looks only at the candidates (a list of thousands stays linear).
 */
export function matchItems<T>(
  old: readonly T[],
  v: readonly Json[],
  idOf: (o: T) => string | undefined,
  printOf: (o: T) => string | undefined,
  equals: (o: T, item: Json) => boolean,
): number[] {
  const used = new Array<boolean>(old.length).fill(false);
  const oldIds = old.map(idOf);
  const byId = new Map<string, IndexQueue>();
  const byPrint = new Map<string, IndexQueue>();
  const anyPrint = new IndexQueue();
  const queue = (m: Map<string, IndexQueue>, k: string): IndexQueue => {
    let q = m.get(k);
    if (!q) m.set(k, (q = new IndexQueue()));
    return q;
  };
  for (let i = 0; i < old.length; i++) {
    const id = oldIds[i];
    if (id !== undefined) {
      queue(byId, id).list.push(i);
      continue;
    }
    const p = printOf(old[i]!);
    (p === undefined ? anyPrint : queue(byPrint, p)).list.push(i);
  }
  const firstEqual = (item: Json): number => {
    // No anonymous old items (every one has an identity, the usual list of named containers):
    // nothing to compare, and no summary of the item to make.
    if (byPrint.size === 0 && anyPrint.list.length === 0) return -1;
    const a = byPrint.get(valuePrint(item, PRINT_DEPTH))?.open(used) ?? [][Symbol.iterator]();
    const b = anyPrint.open(used);
    let x = a.next();
    let y = b.next();
    while (!x.done || !y.done) {
      let i: number;
      if (y.done || (!x.done && x.value < y.value)) {
        i = x.value as number;
        x = a.next();
      } else {
        i = y.value;
        y = b.next();
      }
      if (equals(old[i]!, item)) return i;
    }
    return -1;
  };
  return v.map((item, j) => {
    const id = identityOfValue(item);
    let idx = -1;
    if (id !== undefined) idx = byId.get(id)?.open(used).next().value ?? -1;
    if (idx === -1) idx = firstEqual(item);
    if (idx === -1 && id === undefined && j < old.length && !used[j] && oldIds[j] === undefined) idx = j;
    if (idx !== -1) used[idx] = true;
    return idx;
  });
}

function reconcileSeq(doc: Document, seq: YAMLSeq, v: Json[]): void {
  const old = seq.items;
  const match = matchItems(
    old,
    v,
    identityOfNode,
    (o) => nodePrint(doc, o, PRINT_DEPTH),
    (o, item) => nodeEquals(doc, o, item),
  );
  seq.items = v.map((item, j) => (match[j] === -1 ? makeNode(item) : reconcile(doc, old[match[j]!], item)));
}

/**
 * The value `reconcile` gives a node holding `old` when asked for `v`, as a plain value (what the
 * printed node reads back as), for JSON sources written without `yaml`: `v`, with the key order of
 * `old` where both have a map and without the noise fields `v` adds to an existing map.
 */
export function reconcileValue(old: Json, v: Json): Json {
  if (jsonEqual(old, v)) return old;
  if (isObject(old) && isObject(v)) {
    const order = Object.keys(old).filter((k) => Object.hasOwn(v, k));
    const values = new Map<string, Json>();
    let prev: string | undefined;
    for (const [k, val] of Object.entries(v)) {
      if (Object.hasOwn(old, k)) {
        values.set(k, reconcileValue(old[k]!, val));
        prev = k;
        continue;
      }
      if (isNoiseField(k, val)) continue;
      if (prev !== undefined) order.splice(order.indexOf(prev) + 1, 0, k);
      else order.push(k);
      values.set(k, val);
      prev = k;
    }
    const out: JsonObject = {};
    for (const k of order) out[k] = values.get(k)!;
    return out;
  }
  if (Array.isArray(old) && Array.isArray(v)) {
    const match = matchItems(old, v, identityOfValue, (o) => valuePrint(o, PRINT_DEPTH), jsonEqual);
    return v.map((item, j) => (match[j] === -1 ? item : reconcileValue(old[match[j]!]!, item)));
  }
  return v;
}

/**
 * Returns a copy of `root` with `newValue` at `path`, sharing every untouched branch; missing
 * intermediate maps are created. With `owned` (the containers an earlier call made for the same
 * owner, which nobody else holds), those are changed in place instead of copied again, and the
 * ones it makes are added: a List's updates, one per item, then copy its items array once, not
 * once per item.
 */
export function assocIn(root: Json, path: readonly (string | number)[], newValue: Json, owned?: WeakSet<object>): Json {
  return assocFrom(root, path, 0, newValue, owned);
}

function assocFrom(root: Json, path: readonly (string | number)[], i: number, newValue: Json, owned: WeakSet<object> | undefined): Json {
  if (i === path.length) return newValue;
  const head = path[i]!;
  if (typeof head === 'number') {
    let arr: Json[];
    if (Array.isArray(root) && owned?.has(root)) arr = root;
    else {
      arr = Array.isArray(root) ? root.slice() : [];
      owned?.add(arr);
    }
    while (arr.length < head) arr.push(null);
    arr[head] = assocFrom(arr[head] ?? null, path, i + 1, newValue, owned);
    return arr;
  }
  let obj: JsonObject;
  if (isObject(root) && owned?.has(root)) obj = root;
  else {
    obj = isObject(root) ? { ...root } : {};
    owned?.add(obj);
  }
  obj[head] = assocFrom(obj[head] ?? null, path, i + 1, newValue, owned);
  return obj;
}
