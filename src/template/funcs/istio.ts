/**
 * Istio's injection template functions (`InjectionFuncmap` in `pkg/kube/inject/template.go`, 26
 * names) with Istio's semantics, and the function map istiod gives its templates: sprig's
 * `TxtFuncMap` overlaid with Istio's (`Funcs(sprig.TxtFuncMap()).Funcs(InjectionFuncmap)`), so
 * Istio wins where names collide (`contains`, `indent`, `toYaml`, `env`, `omit`).
 *
 * Where Istio reads the world, this port takes it as a parameter: `env` reads a map given at
 * construction (never the process environment), and `protoToJSON` delegates to an injected
 * function that knows Istio's `cleanProxyConfig` and the ProxyConfig field order (without one it
 * falls back to compact JSON of the message's data, keys in their given order). The functions read
 * Kubernetes and mesh structs through the `GoStruct` views of `value.ts` (JSON data behind them).
 * Not responsible for building the template data or for sprig's functions (see `sprig.ts`).
 */
import { appendMultusNetwork, directory, excludeInboundPort, imageVersion, OTEL_ANNOTATION_PREFIX, otelResourceAttributes as otelText } from './istio-text.js';
import { chargeSteps } from '../budget.js';
import { sprint } from '../fmt.js';
import { GoMap, GoSlice, GoStruct, isMap, mapEntries, mapGet, mapHas, newGoMap, mapSet, type CustomType, type GoPlainMap, type GoValue } from '../value.js';
import { marshalYaml, type YamlMemo } from './istio-yaml.js';
import { goJsonMarshal, goJsonUnmarshal, rawJsonText } from './sprig-json.js';
import { sprigFuncs } from './sprig.js';
import { chargeIndent, goToLower, intArg, stringMap } from './sprig-values.js';
import { defineFunc, GoFuncError, type FuncMap } from './types.js';

const ANY = 'interface {}';
const STRING_MAP = 'map[string]string';
const CONTAINERS = '[]v1.Container';
const OBJECT_META = 'v1.ObjectMeta';

/** Istio's name for the sidecar container (`ProxyContainerName`). */
const PROXY_CONTAINER_NAME = 'istio-proxy';

/** Options for `istioFuncs`: what Istio would read from its process and its proto libraries. */
export interface IstioFuncOptions {
  /** The environment `env KEY DEFAULT` reads (istiod's environment in Istio). Never `process.env`. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `protoToJSON` of a message: for the ProxyConfig, Istio's `cleanProxyConfig` then jsonpb in
   * proto field order. Receives the message's JSON data (`GoStruct.data`), or null for nil.
   */
  readonly protoToJSON?: (message: unknown) => string;
}

/** `proto.Message`: any protobuf struct view (a pointer `GoStruct`), nil included. */
const PROTO_MESSAGE: CustomType = {
  name: 'proto.Message',
  accepts: (v) => v === null || v instanceof GoStruct,
};

const DURATION: CustomType = {
  name: '*durationpb.Duration',
  accepts: (v) => v === null || (v instanceof GoStruct && v.type.name === '*durationpb.Duration'),
};

// ---------------------------------------------------------------------------------------------
// helpers over struct views

/** A field of a struct view: the Go field getter when there is one, else the JSON key. */
function field(v: GoValue, goName: string, jsonName: string): unknown {
  if (!(v instanceof GoStruct) || v.data === null || v.data === undefined) return undefined;
  const data = v.data as Record<string, unknown>;
  if (typeof data === 'object' && Object.hasOwn(data, jsonName)) return data[jsonName];
  const getter = v.type.fields?.[goName];
  return getter ? getter(v) : undefined;
}

function itemsOf(v: GoValue): GoValue[] {
  if (v instanceof GoSlice) return v.items;
  if (Array.isArray(v)) return v;
  return [];
}

function rawItems(v: unknown): unknown[] {
  if (v instanceof GoSlice) return v.items;
  return Array.isArray(v) ? v : [];
}

function stringOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return sprint(v as GoValue);
}

function portNumber(p: unknown): string {
  const n = p instanceof GoStruct ? field(p, 'ContainerPort', 'containerPort') : (p as Record<string, unknown>)?.containerPort;
  if (n === undefined || n === null) return '0';
  return stringOf(n);
}

function portProtocol(p: unknown): string {
  const v = p instanceof GoStruct ? field(p, 'Protocol', 'protocol') : (p as Record<string, unknown>)?.protocol;
  return stringOf(v);
}

function containerName(c: unknown): string {
  return stringOf(c instanceof GoStruct ? field(c, 'Name', 'name') : (c as Record<string, unknown>)?.name);
}

function containerPorts(c: unknown): unknown[] {
  return rawItems(c instanceof GoStruct ? field(c, 'Ports', 'ports') : (c as Record<string, unknown>)?.ports);
}

function stringMapGet(m: GoValue, key: string): string | undefined {
  if (m instanceof GoMap || isMap(m)) {
    if (!mapHas(m as GoMap | GoPlainMap, key)) return undefined;
    return stringOf(mapGet(m as GoMap | GoPlainMap, key));
  }
  return undefined;
}

function stringMapEntries(m: GoValue): Array<[string, string]> {
  if (m instanceof GoMap || isMap(m)) return mapEntries(m as GoMap | GoPlainMap).map(([k, v]) => [k, stringOf(v)]);
  return [];
}

// ---------------------------------------------------------------------------------------------
// the functions

/** Go's `time.Duration.String()` of a nanosecond count. */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let s = '';
    let print = false;
    let x = v;
    for (let i = 0; i < prec; i++) {
      const digit = x % 10n;
      print = print || digit !== 0n;
      if (print) s = digit.toString() + s;
      x /= 10n;
    }
    return [print ? '.' + s : '', x];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1_000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [f, rest] = frac(u, prec);
    out = rest.toString() + f + unit;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = (u % 60n).toString() + f + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

/** Nanoseconds of a protobuf Duration in its JSON form (`"23s"`, `"0.5s"`) or `{seconds, nanos}`. */
function durationNanos(data: unknown): bigint {
  if (typeof data === 'string') {
    const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(data.trim());
    if (!m) return 0n;
    const n = BigInt(m[2] as string) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0') || '0');
    return m[1] ? -n : n;
  }
  if (data !== null && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    const secs = BigInt(Math.trunc(Number(o.seconds ?? 0)) || 0);
    const nanos = BigInt(Math.trunc(Number(o.nanos ?? 0)) || 0);
    return secs * 1_000_000_000n + nanos;
  }
  return 0n;
}

/** Istio's `includeInboundPorts`: TCP container ports of every container. */
function includeInboundPorts(containers: GoValue): string {
  const parts: string[] = [];
  for (const c of itemsOf(containers)) {
    for (const p of containerPorts(c)) {
      const proto = portProtocol(p);
      if (proto === '' || proto === 'TCP') parts.push(portNumber(p));
    }
  }
  return parts.join(',');
}

/** Istio's `applicationPorts`: ports of every container but the proxy. */
function applicationPorts(containers: GoValue): string {
  const parts: string[] = [];
  for (const c of itemsOf(containers)) {
    if (containerName(c) === PROXY_CONTAINER_NAME) continue;
    for (const p of containerPorts(c)) parts.push(portNumber(p));
  }
  return parts.join(',');
}

/** Istio's `annotation`: the annotation if present, else `fmt.Sprint(default)`. */
function annotation(meta: GoValue, name: string, def: GoValue): string {
  const annotations = meta instanceof GoStruct ? (meta.type.fields?.Annotations?.(meta) ?? null) : null;
  const v = stringMapGet(annotations, name);
  return v !== undefined ? v : sprint(def ?? null);
}

/** Istio's `indent`: every line but the first gets `spaces` spaces (Go `%*s` padding, so |n|). */
export function istioIndent(spaces: number, source: string): string {
  chargeIndent(spaces, source);
  const pad = ' '.repeat(Math.abs(spaces));
  return source
    .split('\n')
    .map((line, i) => (i > 0 ? pad + line : line))
    .join('\n');
}

/** Istio's `omitNil`: drops nil values recursively; maps and lists left empty become nil. */
export function omitNil(data: GoValue): GoValue {
  chargeSteps(1);
  if (Array.isArray(data)) {
    const out: GoValue[] = [];
    for (const item of data) {
      if (item === null || item === undefined) continue;
      const cleaned = omitNil(item);
      if (cleaned !== null) out.push(cleaned);
    }
    return out.length === 0 ? null : out;
  }
  if (isMap(data) && !(data instanceof GoMap)) {
    const out = newGoMap();
    for (const [k, v] of mapEntries(data as GoPlainMap)) {
      if (v === null || v === undefined) continue;
      const cleaned = omitNil(v);
      if (cleaned !== null) mapSet(out, k, cleaned);
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return data;
}

function mergeStringMaps(maps: GoValue[]): GoMap {
  const res = new Map<string, string>();
  for (const m of maps) for (const [k, v] of stringMapEntries(m)) res.set(k, v);
  return stringMap(res);
}

/** Does the mesh have an OpenTelemetry provider asking for semantic-convention service attributes? */
function hasOtelSemconv(mesh: GoValue): boolean {
  const providers = rawItems(field(mesh, 'ExtensionProviders', 'extensionProviders'));
  return providers.some((p) => {
    const data = p instanceof GoStruct ? p.data : p;
    if (data === null || typeof data !== 'object') return false;
    const otel = (data as Record<string, unknown>).opentelemetry;
    if (otel === null || typeof otel !== 'object') return false;
    return (otel as Record<string, unknown>).serviceAttributeEnrichment === 'OTEL_SEMANTIC_CONVENTIONS';
  });
}

/** Istio's `otelResourceAttributes` over Go values (see istio-text.ts for the rules). */
export function otelResourceAttributes(mesh: GoValue, annotations: GoValue, labels: GoValue, namespace: string, containers: GoValue): string {
  const app = itemsOf(containers).find((c) => containerName(c) !== PROXY_CONTAINER_NAME);
  return otelText({
    enabled: hasOtelSemconv(mesh),
    annotation: (attr) => stringMapGet(annotations, OTEL_ANNOTATION_PREFIX + attr),
    versionLabel: stringMapGet(labels, 'app.kubernetes.io/version'),
    namespace,
    app: app === undefined ? undefined : { name: containerName(app), image: stringOf(app instanceof GoStruct ? field(app, 'Image', 'image') : undefined) },
  });
}

function swallowToString(f: () => string, fallback: string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoFuncError) return fallback;
    throw e;
  }
}

/** Istio's 26 `InjectionFuncmap` functions. */
export { appendMultusNetwork, excludeInboundPort, imageVersion };

export function istioFuncs(opts: IstioFuncOptions = {}): FuncMap {
  const env = opts.env ?? {};
  // `toYaml` outputs of this map's templates (istio-yaml.ts): one memo per map, so per renderer.
  const yamlMemo: YamlMemo = new Map();
  const str = (v: GoValue): string => v as string;
  return {
    formatDuration: defineFunc([DURATION], (d) => formatGoDuration(d instanceof GoStruct ? durationNanos(d.data) : 0n), { result: 'string' }),
    isset: defineFunc([STRING_MAP, 'string'], (m, k) => stringMapGet(m, str(k)) !== undefined, { result: 'bool' }),
    excludeInboundPort: defineFunc([ANY, 'string'], (p, e) => excludeInboundPort(sprint(p ?? null), str(e)), { result: 'string' }),
    includeInboundPorts: defineFunc([CONTAINERS], (c) => includeInboundPorts(c), { result: 'string' }),
    kubevirtInterfaces: defineFunc(['string'], (s) => str(s), { result: 'string' }),
    excludeInterfaces: defineFunc(['string'], (s) => str(s), { result: 'string' }),
    applicationPorts: defineFunc([CONTAINERS], (c) => applicationPorts(c), { result: 'string' }),
    annotation: defineFunc([OBJECT_META, 'string', ANY], (m, n, d) => annotation(m, str(n), d), { result: 'string' }),
    valueOrDefault: defineFunc([ANY, ANY], (v, d) => (v === '' || v === null || v === undefined ? (d ?? null) : v), {
      result: ANY,
    }),
    toJSON: defineFunc([STRING_MAP], (m) => (m === null || (m instanceof GoMap && m.isNilMap) ? '{}' : swallowToString(() => goJsonMarshal(m), '{}')), {
      result: 'string',
    }),
    fromJSON: defineFunc(
      ['string'],
      (j) => {
        try {
          return goJsonUnmarshal(str(j));
        } catch (e) {
          if (e instanceof GoFuncError) return '{}';
          throw e;
        }
      },
      { result: ANY },
    ),
    structToJSON: defineFunc([ANY], (v) => (v === null || v === undefined ? '{}' : swallowToString(() => goJsonMarshal(v), '{}')), { result: 'string' }),
    protoToJSON: defineFunc(
      [PROTO_MESSAGE],
      (m) => {
        if (!(m instanceof GoStruct) || m.data === null || m.data === undefined) return '{}';
        if (opts.protoToJSON) return opts.protoToJSON(m.data);
        return swallowToString(() => rawJsonText(m.data), '{}');
      },
      { result: 'string' },
    ),
    toYaml: defineFunc([ANY], (v) => swallowToString(() => marshalYaml(v ?? null, yamlMemo), ''), { result: 'string' }),
    indent: defineFunc(['int', 'string'], (n, s) => istioIndent(intArg(n), str(s)), {
      result: 'string',
    }),
    directory: defineFunc(['string'], (p) => directory(str(p)), { result: 'string' }),
    contains: defineFunc(['string', 'string'], (needle, haystack) => str(haystack).includes(str(needle)), {
      result: 'bool',
    }),
    toLower: defineFunc(['string'], (s) => goToLower(str(s)), { result: 'string' }),
    appendMultusNetwork: defineFunc(['string', 'string'], (e, n) => appendMultusNetwork(str(e), str(n)), {
      result: 'string',
    }),
    env: defineFunc(
      ['string', 'string'],
      (k, d) => {
        const v = Object.hasOwn(env, str(k)) ? env[str(k)] : undefined;
        return v === undefined || v === '' ? str(d) : v;
      },
      { result: 'string' },
    ),
    omit: defineFunc(
      [STRING_MAP],
      (m, ...keys) => {
        const drop = new Set(keys.map(str));
        return stringMap(stringMapEntries(m).filter(([k]) => !drop.has(k)));
      },
      { variadic: 'string', result: STRING_MAP },
    ),
    strdict: defineFunc(
      [],
      (...v) => {
        const out = new Map<string, string>();
        for (let i = 0; i < v.length; i += 2) out.set(str(v[i] ?? ''), i + 1 >= v.length ? '' : str(v[i + 1] ?? ''));
        return stringMap(out);
      },
      { variadic: 'string', result: STRING_MAP },
    ),
    toJsonMap: defineFunc([], (...maps) => swallowToString(() => goJsonMarshal(mergeStringMaps(maps)), ''), {
      variadic: STRING_MAP,
      result: 'string',
    }),
    mergeMaps: defineFunc([], (...maps) => mergeStringMaps(maps), { variadic: STRING_MAP, result: STRING_MAP }),
    omitNil: defineFunc([ANY], (v) => omitNil(v ?? null), { result: ANY }),
    otelResourceAttributes: defineFunc(
      ['*v1alpha1.MeshConfig', STRING_MAP, STRING_MAP, 'string', CONTAINERS],
      (mesh, a, l, ns, c) => otelResourceAttributes(mesh, a, l, str(ns), c),
      { result: 'string' },
    ),
  };
}

/** The function map of Istio's templates: sprig's, overlaid with Istio's (Istio wins on collisions). */
export function istioFuncMap(opts: IstioFuncOptions = {}): FuncMap {
  return { ...sprigFuncs(), ...istioFuncs(opts) };
}
