/**
 * Reads the text an injection template produced the way istiod reads it: `sigs.k8s.io/yaml`,
 * which is go-yaml v2 (YAML 1.1-ish scalar resolution) followed by a conversion to JSON. The
 * difference from the YAML 1.2 core schema used everywhere else matters for template output:
 * unquoted `yes`, `no`, `on`, `off`, `y`, `n` are booleans; `0777` is octal; `1_000` is 1000;
 * timestamps stay strings; `1:30` is a string (go-yaml v2 has no sexagesimal numbers); merge
 * keys (`<<`) work; duplicate keys are allowed (the last wins); non-string keys become strings.
 *
 * The parser (eemeli/yaml) runs with the failsafe schema so every scalar arrives as text with its
 * style, and plain scalars are resolved with go-yaml v2's `resolve()` rules (scalars.ts).
 * Most texts are read by the fast reader (fast.ts, with go-yaml v2's rules: same results, one pass); whatever
 * it does not handle, errors included, goes through eemeli/yaml as described above.
 * It is not a general YAML loader (see `yaml-value.ts` for that) and it does not know about pods.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import { asError, MAX_CONFIG_TEXT, parseYaml, placeIn } from './parse.js';
import { setOwn, type Json, type JsonObject } from '../kube/types.js';
import { Bail, BAIL } from './bail.js';
import { KEY_STRINGS, RESOLVERS, type ScalarSchema } from './scalars.js';
import { fastParseDocument, TEMPLATE_OUTPUT } from './fast.js';

/** A problem in the template's output (not valid YAML, or not representable as JSON). */
export class TemplateOutputError extends Error {
  override name = 'TemplateOutputError';
}

/**
 * go-yaml v2's resolution of an untagged plain scalar, then sigs.k8s.io/yaml's JSON view of it
 * (scalars.ts; `schema` picks the other resolver, for tests of the readers); a value JSON cannot
 * hold (`.inf`) is a `TemplateOutputError`.
 */
export function resolvePlainScalar(text: string, schema: ScalarSchema = 'go-yaml-v2'): Json {
  try {
    return RESOLVERS[schema](text);
  } catch (e) {
    if (e instanceof Bail) throw new TemplateOutputError(e.reason);
    throw e;
  }
}

/** The JSON key of a map key node, as sigs.k8s.io/yaml makes it (with `schema`'s rules for plain keys). */
function mapKey(keyNode: Node | null, doc: Document, depth: number, schema: ScalarSchema): string {
  if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && !keyNode.tag) {
    const text = keyNode.value === null || keyNode.value === undefined ? '' : String(keyNode.value);
    try {
      return KEY_STRINGS[schema](text);
    } catch (e) {
      if (e instanceof Bail) throw new TemplateOutputError(e.reason);
      throw e;
    }
  }
  const k = convert(keyNode, doc, depth, schema);
  if (typeof k === 'string') return k;
  if (k === null) {
    if (schema === 'go-yaml-v2') throw new TemplateOutputError('unsupported map key null');
    return 'null';
  }
  if (typeof k === 'object') throw new TemplateOutputError('a map key must be a scalar');
  return String(k);
}

function convert(node: Node | null | undefined, doc: Document, depth: number, schema: ScalarSchema): Json {
  if (depth > 200) throw new TemplateOutputError('nesting too deep');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(doc) as Node | undefined, doc, depth + 1, schema);
  if (isScalar(node)) {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    const tag = node.tag;
    if (tag === 'tag:yaml.org,2002:str' || tag === 'tag:yaml.org,2002:binary') return text;
    if (node.type === Scalar.PLAIN || tag) return resolvePlainScalar(text, schema);
    return text;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item as Node, doc, depth + 1, schema));
  if (isMap(node)) {
    const out: JsonObject = {};
    const merged: JsonObject = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<') {
        // Merge key: a map or a list of maps; explicit keys of this map win, earlier sources win.
        const value = convert(pair.value as Node, doc, depth + 1, schema);
        const sources = Array.isArray(value) ? value : [value];
        for (const s of sources) {
          if (s === null || typeof s !== 'object' || Array.isArray(s)) {
            throw new TemplateOutputError('map merge requires map or sequence of maps as the value');
          }
          for (const [k, v] of Object.entries(s)) if (!Object.hasOwn(merged, k)) setOwn(merged, k, v);
        }
        continue;
      }
      const key = mapKey(keyNode, doc, depth + 1, schema);
      setOwn(out, key, convert(pair.value as Node, doc, depth + 1, schema));
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
  const fast = fastParseDocument(text, TEMPLATE_OUTPUT);
  return fast === BAIL ? parseTemplateOutputWithYaml(text) : fast;
}

/**
 * The fast reader alone (fast.ts with go-yaml v2's scalar rules): the same data as
 * `parseTemplateOutput` when it handles the text, `BAIL` when it leaves it to the general parser
 * (`onBail` hears why).
 */
export function fastParseTemplateOutput(text: string, onBail?: (reason: string) => void): JsonObject | typeof BAIL {
  return fastParseDocument(text, TEMPLATE_OUTPUT, onBail);
}

const GO_YAML_OPTIONS = { schema: 'failsafe', version: '1.1', uniqueKeys: false, strict: false, logLevel: 'error' } as const;

/**
 * `parseTemplateOutput` through the general parser only (the reference for the fast readers),
 * with the limits of the one YAML entry point (parse.ts). `schema` resolves the plain scalars.
 */
export function parseTemplateOutputWithYaml(text: string, schema: ScalarSchema = 'go-yaml-v2'): JsonObject {
  const doc = asError(
    () => parseYaml(text, GO_YAML_OPTIONS, placeIn(text), { maxLength: MAX_CONFIG_TEXT, firstOnly: true }),
    (e) => new TemplateOutputError(e.message),
  );
  if (!doc) return {};
  const value = convert(doc.contents as Node | null, doc as Document, 0, schema);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateOutputError(`the template output is not a map (got ${Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`})`);
  }
  return value;
}
