/**
 * Plain-data shapes the core works on. Everything below `run.ts` handles Kubernetes objects as
 * JSON-compatible values (what `yaml` gives for a document with the core schema); the Kubernetes
 * types are imported as types only, never at run time.
 */
import type { V1ObjectMeta, V1PodSpec, V1Container, V1Volume } from '@kubernetes/client-node';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A pod template as written in a workload: `metadata` and `spec` only. */
export interface PodTemplate {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

// Loose versions of the client-node types: manifests carry fields the types do not know,
// and quantities stay the strings (or numbers) the user wrote.
export type ObjectMeta = Omit<V1ObjectMeta, 'creationTimestamp' | 'deletionTimestamp'> & {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};
export type Container = V1Container & { [key: string]: unknown };
export type Volume = V1Volume & { [key: string]: unknown };
export type PodSpec = Omit<V1PodSpec, 'containers' | 'initContainers' | 'volumes'> & {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  [key: string]: unknown;
};

/**
 * The same pod template viewed as plain JSON, for code that edits it generically (the
 * post-processing steps, overrides, stripping): a `JsonObject` with the fields those steps read.
 */
export type PodJson = JsonObject & {
  metadata?: JsonObject & { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: JsonObject & { containers?: JsonObject[]; initContainers?: JsonObject[]; volumes?: JsonObject[]; imagePullSecrets?: JsonObject[] };
};

/**
 * A JSON object viewed as a pod template: the one place a JSON value becomes the typed view. No
 * copy and no check: the value itself. Sound for what `checkPodTemplate` (kube/shape.ts) passed,
 * and for what the pipeline builds from such a pod with JSON steps (copies, strategic merges with
 * checked template patches, stripping), which keep the field types it checked.
 */
export function asPodTemplate(json: JsonObject): PodTemplate {
  return json as unknown as PodTemplate;
}

/**
 * A pod template viewed as plain JSON (the reverse of `asPodTemplate`), for the generic code:
 * merge, copy, compare, write back. No copy. `PodTemplate`'s types admit `undefined` and
 * `unknown` fields, which `Json` does not; a pod template in the pipeline holds JSON values only
 * (read from JSON, copied with `cloneJson`, which leaves `undefined` fields out). A `JsonObject`
 * given here is a pod template in the same sense as for `asPodTemplate`.
 */
export function asPodJson(pod: PodTemplate | JsonObject): PodJson {
  return pod as unknown as PodJson;
}

/** apiVersion/kind/name/namespace of a resource, as KRM results reference it. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The project's one structural equality of JSON values: object key order does not count, and a
 * field holding `undefined` counts as absent (as `cloneJson` leaves it out).
 */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  let na = 0;
  for (const k of Object.keys(a)) {
    const v = a[k];
    if (v === undefined) continue;
    if (!Object.hasOwn(b, k) || !jsonEqual(v, b[k])) return false;
    na++;
  }
  let nb = 0;
  for (const k of Object.keys(b)) if (b[k] !== undefined) nb++;
  return na === nb;
}

/**
 * The project's one deep copy, of a JSON-shaped value (a `Json`, or a typed view of one such as
 * `PodTemplate`): objects get their own enumerable keys (`__proto__` as an own key, see `setOwn`),
 * fields holding `undefined` are left out, arrays keep their length, numbers stay as they are.
 * With `asText`, the copy is what a JSON text round trip (`JSON.parse(JSON.stringify(v))`) gives,
 * without the text: non-finite numbers become null, -0 becomes 0 and `undefined` list items (or
 * holes) become null; the pipeline reads the user's pod so, as Istio reads it from JSON. Several
 * times faster than `structuredClone` or the text round trip. With `detach`, strings are copied
 * too: a value read from a text holds substrings of it, and V8 keeps the whole text alive for any
 * of them, so what is kept after the text (the audit's records of a snapshot) is copied so.
 */
export function cloneJson<T>(value: T, asText = false, detach = false): T {
  if (typeof value === 'number') return (asText && !Number.isFinite(value) ? null : asText ? value + 0 : value) as T;
  if (typeof value === 'string') return (detach ? detachString(value) : value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    if (!asText) return value.map((v) => cloneJson(v, false, detach)) as T;
    const out: Json[] = new Array<Json>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : cloneJson(value[i] as Json, true, detach);
    return out as T;
  }
  const out: JsonObject = {};
  for (const k in value) {
    const v = (value as JsonObject)[k];
    if (v !== undefined) setOwn(out, k, cloneJson(v, asText, detach));
  }
  return out as T;
}

/**
 * A copy of a string that holds no memory but its own characters, for a string kept long. V8
 * makes a substring of 13 characters or more a view into its parent (shorter ones are copies
 * already, and so are keys), and keeps a string built by concatenation as a chain of its pieces,
 * ~32 bytes each, until something reads it whole: a joined path has ~17, a printed document
 * ~1,000 (a tree of 20,000 files kept ~15 MB of pieces for its paths, the spool as much for
 * its first 4 MiB of documents).
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Strings remembered with what was made from them, for texts that come back workload after
 * workload (printed scalars, result messages): bounded, it forgets everything when `max` are held
 * and starts again. The string kept as the key is detached (detachString), so a remembered string
 * holds only its own characters, and `make` gets that copy.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string, make: (own: string) => V): V {
    const known = this.map.get(key);
    if (known !== undefined) return known;
    if (this.map.size >= this.max) this.map.clear();
    const own = detachString(key);
    const made = make(own);
    this.map.set(own, made);
    return made;
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Freezes a JSON-shaped value and everything it holds (`Object.freeze` all the way down), so a
 * value shared by every workload of a run (the resolved settings) cannot be changed by one of
 * them: a write throws (modules run in strict mode). Returns the value itself.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

/**
 * Sets a key of a JSON object as an own property: `__proto__` too, which a plain assignment
 * would turn into a prototype change (and so silently drop).
 */
export function setOwn(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** The string-valued entries of a map (labels, annotations read from input); {} for anything else. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** How the source wrote a string value that the printer would have written otherwise. */
export type SourceQuote = '"' | "'";

const SOURCE_QUOTES: unique symbol = Symbol('source-quotes');

/**
 * A printing hint on a map of strings: the keys whose values the source wrote in these quotes.
 * Not data: a non-enumerable symbol property, so JSON, `Object.keys`, equality and copies do
 * not see it. Set by stripping (from the original-metadata record) on a map it gives back a key
 * the injection removed, so the text printer writes the key as the user had it.
 */
export function setSourceQuotes(map: JsonObject, quotes: Readonly<Record<string, SourceQuote>>): void {
  Object.defineProperty(map, SOURCE_QUOTES, { value: quotes, enumerable: false, configurable: true });
}

export function sourceQuotesOf(map: JsonObject): Readonly<Record<string, SourceQuote>> | undefined {
  return (map as { [SOURCE_QUOTES]?: Readonly<Record<string, SourceQuote>> })[SOURCE_QUOTES];
}
