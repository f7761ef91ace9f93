/**
 * Reads the text an injection template produced the way istiod reads it: `sigs.k8s.io/yaml`,
 * which is go-yaml v2 (YAML 1.1-ish scalar resolution) followed by a conversion to JSON. The
 * difference from the YAML 1.2 core schema used everywhere else matters for template output:
 * unquoted `yes`, `no`, `on`, `off`, `y`, `n` are booleans; `0777` is octal; `1_000` is 1000;
 * timestamps stay strings; `1:30` is a string (go-yaml v2 has no sexagesimal numbers); merge
 * keys (`<<`) work; duplicate keys are allowed (the last wins); non-string keys become strings.
 *
 * The parser (eemeli/yaml) runs with the failsafe schema so every scalar arrives as text with its
 * style, and this module resolves plain scalars itself, following go-yaml v2's `resolve()`.
 * Most texts are read by the fast reader in `template-fast.ts` (same results, one pass); whatever
 * it does not handle, errors included, goes through eemeli/yaml as described above.
 * It is not a general YAML loader (see `yaml-value.ts` for that) and it does not know about pods.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import { asError, MAX_CONFIG_TEXT, parseYaml, placeIn } from './parse.js';
import { setOwn, type Json, type JsonObject } from '../kube/types.js';
import { BAIL, readTemplateOutputFast } from './template-fast.js';

/** A problem in the template's output (not valid YAML, or not representable as JSON). */
export class TemplateOutputError extends Error {
  override name = 'TemplateOutputError';
}

const BOOL_NULL: ReadonlyMap<string, Json> = new Map<string, Json>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as [string, Json]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as [string, Json]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as [string, Json]),
]);

/** Decimal integers up to 15 digits without a leading zero: exact as doubles. */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/** ASCII characters a plain scalar must start with to be anything but a string here. */
const SPECIAL_START: readonly boolean[] = Array.from({ length: 0x80 }, (_, c) => /[0-9+\-.~yYnNtTfFoO]/.test(String.fromCharCode(c)));

const SPECIAL_FLOATS = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

// go-yaml v2 tries these layouts on plain scalars starting with a digit; into interface{} a
// match stays a string, so recognising them only keeps them away from the number parsing.
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/;

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` (after underscores were removed); undefined if not an integer. */
function parseGoInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  v *= sign;
  if (v < -(2n ** 63n) || v >= 2n ** 64n) return undefined;
  return Number(v);
}

/** go-yaml v2's resolution of an untagged plain scalar, then sigs.k8s.io/yaml's JSON view of it. */
export function resolvePlainScalar(text: string): Json {
  // Shortcuts for the common cases (the full rules below give the same answers): a decimal
  // integer that fits a double exactly, and text whose first character starts no special value.
  if (PLAIN_DECIMAL.test(text)) return Number(text);
  const first = text.charCodeAt(0);
  if (first < 0x80 && !SPECIAL_START[first]) return text;
  if (BOOL_NULL.has(text)) return BOOL_NULL.get(text)!;
  if (SPECIAL_FLOATS.has(text)) throw new TemplateOutputError(`unsupported value ${text} (not representable in JSON)`);
  const c = text.charAt(0);
  if (c === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
    return text;
  }
  if ((c >= '0' && c <= '9') || c === '-' || c === '+') {
    if (c >= '0' && c <= '9' && TIMESTAMP.test(text)) return text;
    const plain = text.replace(/_/g, '');
    const i = parseGoInt(plain);
    if (i !== undefined) return i;
    if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
    const b = /^([-]?)0b([01]+)$/.exec(plain);
    if (b) return (b[1] ? -1 : 1) * Number.parseInt(b[2]!, 2);
  }
  return text;
}

function keyString(k: Json): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'object') throw new TemplateOutputError('a map key must be a scalar');
  return String(k);
}

function convert(node: Node | null | undefined, doc: Document, depth: number): Json {
  if (depth > 200) throw new TemplateOutputError('nesting too deep');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(doc) as Node | undefined, doc, depth + 1);
  if (isScalar(node)) {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    const tag = node.tag;
    if (tag === 'tag:yaml.org,2002:str' || tag === 'tag:yaml.org,2002:binary') return text;
    if (node.type === Scalar.PLAIN || tag) return resolvePlainScalar(text);
    return text;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item as Node, doc, depth + 1));
  if (isMap(node)) {
    const out: JsonObject = {};
    const merged: JsonObject = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<') {
        // Merge key: a map or a list of maps; explicit keys of this map win, earlier sources win.
        const value = convert(pair.value as Node, doc, depth + 1);
        const sources = Array.isArray(value) ? value : [value];
        for (const s of sources) {
          if (s === null || typeof s !== 'object' || Array.isArray(s)) {
            throw new TemplateOutputError('map merge requires map or sequence of maps as the value');
          }
          for (const [k, v] of Object.entries(s)) if (!Object.hasOwn(merged, k)) setOwn(merged, k, v);
        }
        continue;
      }
      const key = keyString(convert(keyNode, doc, depth + 1));
      setOwn(out, key, convert(pair.value as Node, doc, depth + 1));
    }
    for (const [k, v] of Object.entries(merged)) if (!Object.hasOwn(out, k)) setOwn(out, k, v);
    return out;
  }
  return null;
}

/**
 * Parses template output into JSON data as `sigs.k8s.io/yaml.Unmarshal` would into
 * `map[string]interface{}`. Empty output gives `{}`; only the first document counts.
 * Throws `TemplateOutputError` when the text is not valid YAML or not a map.
 */
export function parseTemplateOutput(text: string): JsonObject {
  if (text.length > MAX_CONFIG_TEXT) throw new TemplateOutputError(`the text is longer than ${MAX_CONFIG_TEXT} characters`);
  const fast = readTemplateOutputFast(text, resolvePlainScalar);
  return fast === BAIL ? parseTemplateOutputWithYaml(text) : fast;
}

/**
 * The fast reader alone (`template-fast.ts` with go-yaml v2's scalar rules): the same data as
 * `parseTemplateOutput` when it handles the text, `BAIL` when it leaves it to the general parser.
 */
export function fastParseTemplateOutput(text: string): JsonObject | typeof BAIL {
  return readTemplateOutputFast(text, resolvePlainScalar);
}

const GO_YAML_OPTIONS = { schema: 'failsafe', version: '1.1', uniqueKeys: false, strict: false, logLevel: 'error' } as const;

/**
 * `parseTemplateOutput` through the general parser only (the reference for the fast reader),
 * with the limits of the one YAML entry point (parse.ts).
 */
export function parseTemplateOutputWithYaml(text: string): JsonObject {
  const doc = asError(
    () => parseYaml(text, GO_YAML_OPTIONS, placeIn(text), { maxLength: MAX_CONFIG_TEXT, firstOnly: true }),
    (e) => new TemplateOutputError(e.message),
  );
  if (!doc) return {};
  const value = convert(doc.contents as Node | null, doc as Document, 0);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateOutputError(`the template output is not a map (got ${Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`})`);
  }
  return value;
}
