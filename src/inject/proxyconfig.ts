/**
 * Istio's ProxyConfig (`meshconfig.ProxyConfig`) as the injector sees it: the effective config of
 * one pod (mesh `defaultConfig`, then the pod annotation `proxy.istio.io/config`), and the JSON
 * the `sidecar` template puts in the `PROXY_CONFIG` env (`protoToJSON`: `cleanProxyConfig`, then
 * jsonpb with fields in proto declaration order). Values are kept in proto3 JSON form
 * (lowerCamelCase names, durations as `"23s"`, enums by name, proto3 zero scalars left out).
 *
 * Merge semantics follow Istio's `MergeProxyConfig` over jsonpb's `Unmarshal`: every field the
 * overlay sets replaces the base field wholesale (messages and lists included), `null` leaves the
 * field alone, unknown fields are ignored, and `proxyMetadata` maps are merged key by key.
 *
 * Not responsible for: ProxyConfig custom resources (kube-inject ignores them too), the full
 * `ValidateMeshConfigProxyConfig` rule set (only the checks listed in `validateProxyConfigValues`),
 * or rendering the sidecar.
 */
import { parseYaml11Value } from '../io/yaml-value.js';
import type { Json, JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import { Annotation } from '../kube/keys.js';
import { UserError } from '../results/result.js';

type FieldKind = 'string' | 'int32' | 'duration' | 'enum' | 'int32Wrapper' | 'uint32Wrapper' | 'boolWrapper' | 'message' | 'stringMap' | 'stringList';

interface FieldSpec {
  /** proto3 JSON (lowerCamelCase) name. */
  readonly json: string;
  /** proto field name (snake_case); jsonpb accepts both. */
  readonly proto: string;
  readonly kind: FieldKind;
  /** Enum value names by number. */
  readonly enumValues?: Readonly<Record<number, string>>;
  /** Name of the oneof the field belongs to. */
  readonly oneof?: string;
}

function f(json: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec {
  const proto = json.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return { json, proto, kind, ...extra };
}

/**
 * `meshconfig.ProxyConfig` fields in proto declaration order (the order jsonpb writes them).
 * Fields Istio removed (reserved numbers) are absent.
 */
export const PROXY_CONFIG_FIELDS: readonly FieldSpec[] = [
  f('configPath', 'string'),
  f('binaryPath', 'string'),
  f('serviceCluster', 'string', { oneof: 'clusterName' }),
  f('tracingServiceName', 'enum', {
    oneof: 'clusterName',
    enumValues: { 0: 'APP_LABEL_AND_NAMESPACE', 1: 'CANONICAL_NAME_ONLY', 2: 'CANONICAL_NAME_AND_NAMESPACE' },
  }),
  f('drainDuration', 'duration'),
  f('parentShutdownDuration', 'duration'),
  f('discoveryAddress', 'string'),
  f('statsdUdpAddress', 'string'),
  f('proxyAdminPort', 'int32'),
  f('controlPlaneAuthPolicy', 'enum', { enumValues: { 0: 'NONE', 1: 'MUTUAL_TLS', 1000: 'INHERIT' } }),
  f('customConfigFile', 'string'),
  f('statNameLength', 'int32'),
  f('concurrency', 'int32Wrapper'),
  f('proxyBootstrapTemplatePath', 'string'),
  f('interceptionMode', 'enum', { enumValues: { 0: 'REDIRECT', 1: 'TPROXY', 2: 'NONE' } }),
  f('tracing', 'message'),
  f('envoyAccessLogService', 'message'),
  f('envoyMetricsService', 'message'),
  f('proxyMetadata', 'stringMap'),
  f('runtimeValues', 'stringMap'),
  f('statusPort', 'int32'),
  f('extraStatTags', 'stringList'),
  f('gatewayTopology', 'message'),
  f('terminationDrainDuration', 'duration'),
  f('meshId', 'string'),
  f('readinessProbe', 'message'),
  f('proxyStatsMatcher', 'message'),
  f('holdApplicationUntilProxyStarts', 'boolWrapper'),
  f('caCertificatesPem', 'stringList'),
  f('image', 'message'),
  f('privateKeyProvider', 'message'),
  f('proxyHeaders', 'message'),
  f('fileFlushInterval', 'duration'),
  f('fileFlushMinSizeKb', 'uint32Wrapper'),
];

const BY_NAME = new Map<string, FieldSpec>();
for (const spec of PROXY_CONFIG_FIELDS) {
  BY_NAME.set(spec.json, spec);
  BY_NAME.set(spec.proto, spec);
}

/** Istio's `mesh.DefaultProxyConfig()`, in proto3 JSON form. */
export function defaultProxyConfig(): JsonObject {
  return {
    configPath: './etc/istio/proxy',
    binaryPath: '/usr/local/bin/envoy',
    serviceCluster: 'istio-proxy',
    drainDuration: '45s',
    discoveryAddress: 'istiod.istio-system.svc:15012',
    proxyAdminPort: 15000,
    controlPlaneAuthPolicy: 'MUTUAL_TLS',
    statNameLength: 189,
    statusPort: 15020,
    terminationDrainDuration: '5s',
  };
}

/** `defaultProxyConfig()` made once, frozen: to compare with, or to merge over (merges copy). */
export const DEFAULT_PROXY_CONFIG: Readonly<JsonObject> = Object.freeze(defaultProxyConfig());

/** A problem in a ProxyConfig document; `path` is the field inside it (e.g. `drainDuration`). */
export class ProxyConfigError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ProxyConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`, in nanoseconds (as a bigint to keep precision). */
export function parseGoDuration(text: string): bigint {
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let total = 0n;
  const re = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = re.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) {
      throw new Error(`time: ${m ? 'invalid' : 'missing unit in'} duration ${JSON.stringify(text)}`);
    }
    const unit = BigInt(DURATION_UNITS[m[3]!]!);
    const whole = BigInt(m[1] || '0') * unit;
    let frac = 0n;
    if (m[2]) {
      const digits = m[2].slice(0, 18);
      frac = (BigInt(digits) * unit) / 10n ** BigInt(digits.length);
    }
    total += whole + frac;
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}

/** jsonpb's Duration form: seconds with 0, 3, 6 or 9 fractional digits and an `s` suffix. */
export function formatProtoDuration(nanos: bigint): string {
  const neg = nanos < 0n;
  const abs = neg ? -nanos : nanos;
  const sec = abs / 1_000_000_000n;
  const frac = abs % 1_000_000_000n;
  let x = `${sec}.${frac.toString().padStart(9, '0')}`;
  if (x.endsWith('000')) x = x.slice(0, -3);
  if (x.endsWith('000')) x = x.slice(0, -3);
  if (x.endsWith('.000')) x = x.slice(0, -4);
  return `${neg ? '-' : ''}${x}s`;
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A nested message, kept as JSON: snake_case keys become lowerCamelCase, nulls are dropped. */
function normalizeMessage(v: Json, path: string): JsonObject {
  if (!isObject(v)) throw new ProxyConfigError(`expected an object, got ${describe(v)}`, path);
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null) continue;
    const name = snakeToCamel(k);
    out[name] = isObject(val)
      ? normalizeMessage(val, `${path}.${name}`)
      : Array.isArray(val)
        ? val.map((x) => (isObject(x) ? normalizeMessage(x, `${path}.${name}`) : x))
        : val;
  }
  return out;
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function int32Of(v: Json, path: string, unsigned = false): number {
  const n = typeof v === 'string' && /^-?[0-9]+$/.test(v.trim()) ? Number(v) : v;
  const max = unsigned ? 4294967295 : 2147483647;
  const min = unsigned ? 0 : -2147483648;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ProxyConfigError(`expected ${unsigned ? 'a uint32' : 'an int32'}, got ${describe(v)}`, path);
  }
  return n;
}

/**
 * The canonical value of one field, or `undefined` when the value is the proto3 zero value of a
 * plain scalar (which proto3 cannot tell from "unset").
 */
function normalizeField(spec: FieldSpec, v: Json, path: string): Json | undefined {
  switch (spec.kind) {
    case 'string':
      if (typeof v !== 'string') throw new ProxyConfigError(`expected a string, got ${describe(v)}`, path);
      return v === '' && !spec.oneof ? undefined : v;
    case 'int32': {
      const n = int32Of(v, path);
      return n === 0 ? undefined : n;
    }
    case 'int32Wrapper':
      return int32Of(v, path);
    case 'uint32Wrapper':
      return int32Of(v, path, true);
    case 'boolWrapper':
      if (typeof v !== 'boolean') throw new ProxyConfigError(`expected a boolean, got ${describe(v)}`, path);
      return v;
    case 'duration': {
      if (typeof v !== 'string') throw new ProxyConfigError(`bad Duration: expected a string like "5s", got ${describe(v)}`, path);
      try {
        return formatProtoDuration(parseGoDuration(v));
      } catch (e) {
        throw new ProxyConfigError(`bad Duration: ${(e as Error).message}`, path);
      }
    }
    case 'enum': {
      const values = spec.enumValues!;
      let name: string | undefined;
      if (typeof v === 'number') name = values[v];
      else if (typeof v === 'string') name = Object.values(values).includes(v) ? v : undefined;
      if (name === undefined) {
        throw new ProxyConfigError(`invalid value ${JSON.stringify(v)}, expected one of ${Object.values(values).join(', ')}`, path);
      }
      return name === values[0] && !spec.oneof ? undefined : name;
    }
    case 'message':
      return normalizeMessage(v, path);
    case 'stringMap': {
      if (!isObject(v)) throw new ProxyConfigError(`expected a map of strings, got ${describe(v)}`, path);
      const out: JsonObject = {};
      for (const [k, val] of Object.entries(v)) {
        if (typeof val !== 'string') throw new ProxyConfigError(`expected a string, got ${describe(val)}`, `${path}.${k}`);
        out[k] = val;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    case 'stringList': {
      if (!Array.isArray(v)) throw new ProxyConfigError(`expected a list of strings, got ${describe(v)}`, path);
      for (const [i, item] of v.entries()) {
        if (typeof item !== 'string') throw new ProxyConfigError(`expected a string, got ${describe(item)}`, `${path}[${i}]`);
      }
      return v.length === 0 ? undefined : [...v];
    }
  }
}

/**
 * Applies a ProxyConfig document (already decoded from YAML/JSON) over `base`, as Istio's
 * `MergeProxyConfig` does. Returns a new object; throws `ProxyConfigError` on a bad value.
 */
export function mergeProxyConfig(overlay: unknown, base: JsonObject): JsonObject {
  if (overlay === null || overlay === undefined) return { ...base };
  if (!isObject(overlay as Json)) throw new ProxyConfigError(`expected a ProxyConfig object, got ${describe(overlay as Json)}`, '');
  const doc = overlay as JsonObject;
  const out: JsonObject = { ...base };
  // jsonpb: the JSON name wins over the proto name when both are given.
  for (const spec of PROXY_CONFIG_FIELDS) {
    let raw: Json | undefined;
    if (Object.hasOwn(doc, spec.proto)) raw = doc[spec.proto];
    if (Object.hasOwn(doc, spec.json)) raw = doc[spec.json];
    if (raw === undefined || raw === null) continue;
    let value = normalizeField(spec, raw, spec.json);
    if (spec.kind === 'stringMap' && spec.json === 'proxyMetadata') {
      const prev = isObject(base.proxyMetadata ?? null) ? (base.proxyMetadata as JsonObject) : {};
      const merged: JsonObject = { ...prev, ...((value as JsonObject | undefined) ?? {}) };
      value = Object.keys(merged).length === 0 ? undefined : merged;
    }
    if (spec.oneof) {
      for (const other of PROXY_CONFIG_FIELDS) if (other.oneof === spec.oneof) delete out[other.json];
    }
    if (value === undefined) delete out[spec.json];
    else out[spec.json] = value;
  }
  return out;
}

/** Decodes the `proxy.istio.io/config` text (YAML 1.1 or JSON, as `sigs.k8s.io/yaml` reads it). */
export function parseProxyConfigText(text: string): unknown {
  try {
    return parseYaml11Value(text);
  } catch (e) {
    throw new ProxyConfigError(`not valid YAML: ${(e as Error).message}`, '');
  }
}

const ANNOTATION_PATH = `metadata.annotations["${Annotation.proxyConfig}"]`;

/**
 * The pod's effective ProxyConfig: `base` (the mesh `defaultConfig`, `InjectorSettings.pod`), then
 * the `proxy.istio.io/config` annotation. Without the annotation it is `base` itself (the
 * settings' frozen value, shared by every such pod). A bad annotation is a `UserError` at
 * `metadata.annotations["proxy.istio.io/config"]`.
 */
export function effectiveProxyConfig(base: JsonObject, annotations: Readonly<Record<string, string>> | undefined): JsonObject {
  const text = annotations?.[Annotation.proxyConfig];
  if (text === undefined) return base;
  try {
    return mergeProxyConfig(parseProxyConfigText(text), base);
  } catch (e) {
    if (e instanceof ProxyConfigError) {
      throw new UserError(`invalid value for annotation ${Annotation.proxyConfig}: could not parse proxy config: ${e.message}`, ANNOTATION_PATH);
    }
    throw e;
  }
}

/** Istio's `cleanProxyConfig`: drops the fields equal to `DefaultProxyConfig()` and empty metadata. */
export function cleanProxyConfig(pc: JsonObject): JsonObject {
  const defaults = DEFAULT_PROXY_CONFIG;
  const out: JsonObject = { ...pc };
  for (const key of [
    'configPath',
    'binaryPath',
    'controlPlaneAuthPolicy',
    'serviceCluster',
    'drainDuration',
    'terminationDrainDuration',
    'discoveryAddress',
    'proxyAdminPort',
    'statNameLength',
    'statusPort',
  ]) {
    if (out[key] !== undefined && out[key] === defaults[key]) delete out[key];
  }
  if (isObject(out.proxyMetadata ?? null) && Object.keys(out.proxyMetadata as JsonObject).length === 0) delete out.proxyMetadata;
  return out;
}

function sortedKeys(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

/**
 * `protoToJSON` of a ProxyConfig as the `sidecar` template writes it into `PROXY_CONFIG`:
 * `cleanProxyConfig`, then compact jsonpb (declaration order, sorted map keys, wrappers kept).
 */
export function proxyConfigToJSON(pc: JsonObject): string {
  const clean = cleanProxyConfig(pc);
  const ordered: JsonObject = {};
  for (const spec of PROXY_CONFIG_FIELDS) {
    const v = clean[spec.json];
    if (v === undefined) continue;
    ordered[spec.json] = spec.kind === 'stringMap' && isObject(v) ? sortedKeys(v) : v;
  }
  return JSON.stringify(ordered);
}

/** The interception mode of an effective ProxyConfig (`REDIRECT` when unset). */
export function interceptionModeOf(pc: JsonObject): string {
  const m = pc.interceptionMode;
  return typeof m === 'string' && m !== '' ? m : 'REDIRECT';
}

/** `.ProxyConfig.HoldApplicationUntilProxyStarts.GetValue`. */
export function holdApplicationOf(pc: JsonObject): boolean {
  return pc.holdApplicationUntilProxyStarts === true;
}

/** `.ProxyConfig.ProxyMetadata` as a string map (empty when unset). */
export function proxyMetadataOf(pc: JsonObject): Record<string, string> {
  const m = pc.proxyMetadata;
  if (!isObject(m ?? null)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m as JsonObject)) out[k] = typeof v === 'string' ? v : String(v);
  return out;
}
