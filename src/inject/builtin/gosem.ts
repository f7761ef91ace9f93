/**
 * The few pieces of Go semantics the built-in profile needs to reproduce what Istio's `sidecar`
 * template yields after its output is parsed as YAML: Go truthiness of chart values, `fmt.Sprint`
 * of JSON-decoded values (numbers are float64, so 1000000 prints `1e+06`), sprig's `default`,
 * and how the YAML parser reads back a plain, double-quoted or single-quoted scalar the template
 * wrote (go-yaml v2 resolution: YAML 1.1 booleans such as `yes`). It is not a template engine
 * and knows nothing about Istio; the real engine lives in `src/template/`.
 */
import type { Json } from '../../kube/types.js';
import { attempt, Bail, BAIL } from '../../io/bail.js';
import { decodeDoubleQuoted, decodeSingleQuoted, formatGoFloat, resolveGoYamlV2 } from '../../io/scalars.js';
import { UserError } from '../../results/result.js';

/** A value read from JSON data: `undefined` is a missing map key (Go's invalid value). */
export type Val = Json | undefined;

/**
 * A constant memo, not a cache of run data: `dig`'s callers pass only path literals written in
 * this repository (the renderer's and images.ts' value paths), so it holds at most those few
 * dozen splits, each a function of its literal; it cannot change output. Bounded all the same.
 */
const splitPaths = new Map<string, readonly string[]>();
const SPLIT_PATHS_ENTRIES = 1000;

/** Reads `a.b.c` from nested JSON objects; `undefined` when any step is missing or not a map. */
export function dig(root: Val, path: string): Val {
  let cur: Val = root;
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (splitPaths.size < SPLIT_PATHS_ENTRIES) splitPaths.set(path, keys);
  }
  for (const key of keys) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Go template truthiness (`if`, `and`, `or`, `with`) of a JSON-decoded value. */
export function truthy(v: Val): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`). */
export function goFloat(f: number): string {
  // The usual case (a port, a count): an integer below 1e6 prints as its digits (Go switches to the
  // exponent form at 1e+06). -0 prints as -0 (formatGoFloat).
  if (Number.isInteger(f) && Math.abs(f) < 1e6 && !Object.is(f, -0)) return String(f);
  return formatGoFloat(f, 64);
}

/** Go's `fmt.Sprint` of a JSON-decoded value passed to a function (`nil` and missing print `<nil>`). */
export function sprint(v: Val): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (Array.isArray(v)) return `[${v.map(sprint).join(' ')}]`;
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${sprint(v[k])}`).join(' ')}]`;
}

/** What `{{ x }}` prints: like `sprint`, but a missing key prints `<no value>`. */
export function print(v: Val): string {
  return v === undefined ? '<no value>' : sprint(v);
}

/** sprig's `default d v`: `d` when `v` is empty (nil, "", 0, false, empty list or map). */
export function dflt<T extends Val>(d: T, v: Val): Val {
  return truthy(v) ? v : d;
}

/** Istio's `valueOrDefault`: `d` when `v` is nil or the empty string. */
export function valueOrDefault(v: Val, d: Val): Val {
  return v === undefined || v === null || v === '' ? d : v;
}

/**
 * How go-yaml v2 resolves a plain scalar the template printed (then converted to JSON by
 * `sigs.k8s.io/yaml`): the one go-yaml v2 resolver of the YAML layer, after YAML's trimming of
 * the scalar's surrounding spaces. A value JSON cannot hold (`.inf`) fails as Istio does.
 */
export function plainScalar(text: string, field = 'a value of the sidecar template'): Json {
  const s = text.trim();
  try {
    return resolveGoYamlV2(s);
  } catch (e) {
    if (e instanceof Bail) throw renderError(field, text);
    throw e;
  }
}

/**
 * The string YAML reads from `"<text>"` where the template printed `text` between double quotes.
 * Throws a UserError when the text would end the scalar early (an unescaped `"`) or holds a bad
 * escape, as the YAML parser in Istio would reject the rendered template.
 */
export function dq(text: string, field: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) throw renderError(field, text);
  }
  const out = attempt(() => decodeDoubleQuoted(text, 0, text.length));
  if (out === BAIL) throw renderError(field, text);
  return out;
}

/** The string YAML reads from `'<text>'`: `''` is one quote; a lone `'` breaks the document. */
export function sq(text: string, field: string): string {
  if (text.replace(/''/g, '').includes("'")) throw renderError(field, text);
  return decodeSingleQuoted(text);
}

function renderError(field: string, text: string): UserError {
  return new UserError(
    `the sidecar cannot be rendered: the value ${JSON.stringify(text)} for ${field} breaks the YAML Istio's template produces`,
    field,
    'render',
  );
}

/** Go's `strings.Trim(s, cutset)`. */
export function trimAll(s: string, cutset: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && cutset.includes(s[a]!)) a++;
  while (b > a && cutset.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** sprig's `trunc n` on a Go string (byte length; only ASCII is exact). */
export function trunc(s: string, n: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= n) return s;
  return bytes.subarray(0, n).toString('utf8');
}
