/**
 * Turns the function config the orchestrator hands over (our `SidecarInjection` kind, or a
 * ConfigMap with flat `data` keys as `kpt fn eval -- key=value` builds it) into a validated,
 * defaulted `Config`, with the zod schema. Every problem becomes a `ConfigError` with the field
 * path; nothing here reads files or the environment (the CLI does that and passes objects in).
 * The zod-free part (the `Config` it resolves to, the direct check of simple configs) is
 * config.ts, which the CLI uses so that a run with a simple config does not load zod.
 */
import { parseYamlValue } from '../io/yaml-value.js';
import { InputError } from '../io/errors.js';
import * as z from 'zod';
import { configSchemas, type Spec } from './schema.js';
import { isObject, type JsonObject } from '../kube/types.js';
import { configWithoutSchema, fail, formatPath, resolveAll, type Config } from './config.js';
import { didYouMean } from './values.js';

export { ConfigError, directSpec, formatPath, isOwnConfig, loadConfigLazily, type Config } from './config.js';

function issuesOf(error: z.ZodError, prefix: PropertyKey[], root: z.ZodType): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(root, issue.path);
      for (const key of issue.keys) {
        out.push({ path: formatPath([...prefix, ...issue.path, key]), message: unknownField(key, known) });
      }
    } else {
      out.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return out;
}

/** `unknown field`, with the closest known field name when one is close. */
function unknownField(key: string, known: readonly string[]): string {
  const near = didYouMean(key, known);
  return near === undefined ? 'unknown field' : `unknown field; did you mean ${near}?`;
}

/** The field names of the object the schema expects at `path` (none where it is not an object). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = (n: z.ZodType): z.ZodType => (n instanceof z.ZodOptional || n instanceof z.ZodNullable ? unwrap(n.unwrap() as z.ZodType) : n);
  for (const step of path) {
    if (node === undefined) return [];
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(step)];
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  if (node === undefined) return [];
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/**
 * Reads a function config object (our kind or a ConfigMap); `undefined` gives the defaults.
 * `overrides` (command-line flags) replace top-level spec fields.
 */
export function loadConfig(fnConfig: unknown, source = 'function config', overrides: Spec = {}): Config {
  const quick = configWithoutSchema(fnConfig, source, overrides);
  if (quick) return quick;
  const resolveWith = (spec: Spec) => resolveAll({ ...spec, ...overrides }, source);
  const obj = fnConfig as JsonObject;
  if (obj.kind === 'ConfigMap' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined)) return resolveWith(specFromConfigMap(obj, source));
  const proto = protoKeyPath(obj, []);
  if (proto) fail(source, [protoIssue(proto)]);
  const parsed = configSchemas().FunctionConfigSchema.safeParse(obj);
  if (!parsed.success) fail(source, issuesOf(parsed.error, [], configSchemas().FunctionConfigSchema));
  return resolveWith(parsed.data.spec ?? {});
}

/**
 * Flat ConfigMap keys: every top-level spec field by name (`revision`, `policy`, `nativeSidecars`,
 * ...), proxy settings as `proxy.<field>`, and structured fields (`namespaces`, selectors,
 * `workloads`, `values`, `meshConfig`, `revisionTags`) as YAML or JSON text.
 */
function specFromConfigMap(cm: JsonObject, source: string): Spec {
  const data = cm.data ?? {};
  if (!isObject(data)) fail(source, [{ path: 'data', message: 'expected a map of strings' }]);
  const spec: Record<string, unknown> = {};
  const issues: { path: string; message: string }[] = [];
  const { SpecSchema } = configSchemas();
  const proxyShape = (SpecSchema.shape.proxy.unwrap() as z.ZodObject).shape as Record<string, z.ZodType>;
  const specShape = SpecSchema.shape as Record<string, z.ZodType>;
  for (const [key, raw] of Object.entries(data)) {
    const path = formatPath(['data', key]);
    if (typeof raw !== 'string') {
      issues.push({ path, message: 'ConfigMap data values must be strings' });
      continue;
    }
    const [head, ...rest] = key.split('.');
    // own properties only: `__proto__`, `constructor` or `toString` are unknown fields, not Object's
    const isProxy = head === 'proxy' && rest.length === 1;
    const type = isProxy
      ? Object.hasOwn(proxyShape, rest[0]!)
        ? proxyShape[rest[0]!]
        : undefined
      : rest.length === 0 && head && head !== 'proxy' && Object.hasOwn(specShape, head)
        ? specShape[head]
        : undefined;
    if (!type) {
      const proxyKnown = Object.keys(proxyShape).map((f) => `proxy.${f}`);
      const known = isProxy ? proxyKnown : [...Object.keys(specShape).filter((f) => f !== 'proxy'), ...proxyKnown];
      issues.push({ path, message: unknownField(key, known) });
      continue;
    }
    let value: unknown;
    try {
      value = coerce(raw, type);
    } catch (e) {
      // a limit of the YAML entry point (alias bomb, nesting, control characters)
      if (!(e instanceof InputError)) throw e;
      issues.push({ path, message: e.message });
      continue;
    }
    const proto = protoKeyPath(value, ['data', key]);
    if (proto) {
      issues.push(protoIssue(proto));
      continue;
    }
    if (isProxy) ((spec.proxy ??= {}) as Record<string, unknown>)[rest[0]!] = value;
    else spec[head!] = value;
  }
  if (issues.length) fail(source, issues);
  const parsed = SpecSchema.safeParse(spec);
  if (!parsed.success) {
    // Report ConfigMap paths (data.proxy.tag), not spec paths.
    fail(
      source,
      parsed.error.issues.map((i) => {
        const [first, ...tail] = i.path;
        const key = first === 'proxy' && tail.length ? `proxy.${String(tail[0])}` : String(first ?? '');
        const rest = first === 'proxy' ? tail.slice(1) : tail;
        return { path: formatPath(['data', key, ...rest]), message: i.message };
      }),
    );
  }
  return parsed.data;
}

/**
 * The path to the first own `__proto__` key in a value, if any. The schema (zod) would drop such
 * a key without a word, so it is an error naming the field instead.
 */
function protoKeyPath(v: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const p = protoKeyPath(x, [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === '__proto__') return [...path, k];
    const p = protoKeyPath(x, [...path, k]);
    if (p) return p;
  }
  return undefined;
}

function protoIssue(path: PropertyKey[]): { path: string; message: string } {
  return { path: formatPath(path), message: 'the key __proto__ is not supported (JavaScript reserves it for object prototypes)' };
}

/** ConfigMap values are strings; give booleans, numbers and structures the type the schema wants. */
function coerce(raw: string, type: z.ZodType): unknown {
  const probe = (v: unknown) => type.safeParse(v).success;
  if (probe(raw)) return raw;
  const value = parseYamlValue(raw);
  return value === undefined ? raw : value;
}
