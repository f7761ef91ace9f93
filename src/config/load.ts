/**
 * Turns the function config the orchestrator hands over (our `SidecarInjection` kind, or a
 * ConfigMap with flat `data` keys as `kpt fn eval -- key=value` builds it) into a validated,
 * defaulted `Config`. Every problem becomes a `ConfigError` with the field path; nothing here
 * reads files or the environment (the CLI does that and passes objects in).
 */
import { parseYamlValue } from '../io/yaml-value.js';
import * as z from 'zod';
import {
  API_GROUP,
  API_VERSION,
  COEXISTENCE_MODES,
  configSchemas,
  EMULATIONS,
  INJECT_VALUE_SEMANTICS,
  JOB_POLICIES,
  KIND,
  KUBE_VERSION_PATTERN,
  MODES,
  OUTPUT_FORMATS,
  PLATFORMS,
  POLICIES,
  type IstioSpec,
  type LabelSelector,
  type CoexistenceMode,
  type JobPolicy,
  type Mode,
  type OutputFormat,
  type ProxySettings,
  type Spec,
  type WorkloadKind,
} from './schema.js';
import { isObject, type JsonObject } from '../kube/types.js';
import { BUILTIN_WORKLOAD_KINDS } from '../kube/kinds.js';
import { deepMerge } from './settings.js';

export interface Config {
  /** What the run does: inject (default), explain, check or uninject. */
  mode: Mode;
  /** full objects (default) or kustomize strategic-merge patches. */
  output: OutputFormat;
  webhookCoexistence: CoexistenceMode;
  jobs: JobPolicy;
  /** As given (`undefined` when unknown); `nativeSidecars` is already resolved from it. */
  kubeVersion: string | undefined;
  /**
   * Further control-plane revisions (`spec.revisions`), each resolved to a complete config that
   * inherits the top-level settings; their own `revisions` is empty.
   */
  revisions: Config[];
  revision: string;
  revisionTags: string[];
  policy: 'enabled' | 'disabled';
  emulate: 'webhook' | 'kube-inject';
  namespaces: Record<string, { labels: Record<string, string>; annotations: Record<string, string> }>;
  defaultNamespace: string | undefined;
  enableNamespacesByDefault: boolean;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  nativeSidecars: boolean;
  /** Why nativeSidecars has its value, for the run summary. */
  nativeSidecarsReason: string;
  compliancePolicy: string;
  platform: 'openshift' | undefined;
  injectValueSemantics: 'exact' | 'legacy';
  proxy: ProxySettings;
  values: JsonObject;
  meshConfig: JsonObject;
  workloads: WorkloadKind[];
  /** Istio injector configuration sources (file paths as given; the CLI reads them). */
  istio: IstioSpec;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Dotted path for messages: `spec.proxy.tag`, `spec.workloads[0].kind`, `data.policy`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(p))) out += (out ? '.' : '') + String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

function issuesOf(error: z.ZodError, prefix: PropertyKey[]): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...prefix, ...issue.path, key]), message: 'unknown field' });
      }
    } else {
      out.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return out;
}

function fail(source: string, issues: { path: string; message: string }[]): never {
  const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n');
  throw new ConfigError(`invalid ${source}:\n${lines}`, issues);
}

/** True for the objects this function treats as its own configuration. */
export function isOwnConfig(obj: JsonObject): boolean {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return obj.kind === KIND && apiVersion.startsWith(`${API_GROUP}/`);
}

/**
 * Reads a function config object (our kind or a ConfigMap); `undefined` gives the defaults.
 * `overrides` (command-line flags) replace top-level spec fields.
 */
export function loadConfig(fnConfig: unknown, source = 'function config', overrides: Spec = {}): Config {
  const resolveWith = (spec: Spec) => resolveAll({ ...spec, ...overrides }, source);
  if (fnConfig === undefined || fnConfig === null) return resolveWith({});
  if (!isObject(fnConfig)) fail(source, [{ path: '', message: 'expected an object' }]);
  if (fnConfig.kind === 'ConfigMap' && (fnConfig.apiVersion === 'v1' || fnConfig.apiVersion === undefined)) {
    return resolveWith(specFromConfigMap(fnConfig, source));
  }
  if (fnConfig.kind === KIND && typeof fnConfig.apiVersion === 'string' && fnConfig.apiVersion !== API_VERSION &&
      fnConfig.apiVersion.startsWith(`${API_GROUP}/`)) {
    fail(source, [{ path: 'apiVersion', message: `unsupported version ${fnConfig.apiVersion}; this build reads ${API_VERSION}` }]);
  }
  const direct = directSpec(fnConfig);
  if (direct) return resolveWith(direct);
  const parsed = configSchemas().FunctionConfigSchema.safeParse(fnConfig);
  if (!parsed.success) fail(source, issuesOf(parsed.error, []));
  return resolveWith(parsed.data.spec ?? {});
}

const isPlain = (v: unknown): v is Record<string, unknown> => isObject(v) && Object.getPrototypeOf(v) === Object.prototype;
const oneOf = (values: readonly unknown[]) => (v: unknown) => values.includes(v);
const isString = (v: unknown) => typeof v === 'string';
const isName = (v: unknown) => typeof v === 'string' && v.length > 0;

/**
 * The spec fields `directSpec` checks itself, each with exactly the schema's rule for it (the
 * value tables are shared with schema.ts; test/config checks the two agree on random configs).
 */
const DIRECT_FIELDS: Record<string, (v: unknown) => boolean> = {
  mode: oneOf(MODES),
  output: oneOf(OUTPUT_FORMATS),
  webhookCoexistence: oneOf(COEXISTENCE_MODES),
  jobs: oneOf(JOB_POLICIES),
  revision: isString,
  revisionTags: (v) => Array.isArray(v) && Array.from(v).every(isName),
  policy: oneOf(POLICIES),
  emulate: oneOf(EMULATIONS),
  defaultNamespace: isName,
  enableNamespacesByDefault: (v) => typeof v === 'boolean',
  nativeSidecars: (v) => typeof v === 'boolean' || v === 'auto',
  kubeVersion: (v) => typeof v === 'string' && KUBE_VERSION_PATTERN.test(v),
  compliancePolicy: isString,
  platform: oneOf(PLATFORMS),
  injectValueSemantics: oneOf(INJECT_VALUE_SEMANTICS),
};

/**
 * The spec of a config the schema certainly accepts, read without building the zod schema (a
 * start-up cost): our kind and version, a plain `metadata`, and a `spec` of scalar fields only
 * (`DIRECT_FIELDS`). Anything else, valid or not, is `undefined` and goes through the schema,
 * which alone words the errors. The result equals what the schema would return.
 */
export function directSpec(fnConfig: JsonObject): Spec | undefined {
  for (const key of Object.keys(fnConfig)) if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'spec') return undefined;
  if (fnConfig.apiVersion !== API_VERSION || fnConfig.kind !== KIND) return undefined;
  if (fnConfig.metadata !== undefined && !isPlain(fnConfig.metadata)) return undefined;
  const spec = fnConfig.spec;
  if (spec === undefined) return {};
  if (!isPlain(spec)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    const check = Object.hasOwn(DIRECT_FIELDS, key) ? DIRECT_FIELDS[key] : undefined;
    if (!check?.(value)) return undefined;
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as Spec;
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
    if (head === 'proxy' && rest.length === 1) {
      const field = rest[0]!;
      const type = proxyShape[field];
      if (!type) {
        issues.push({ path, message: 'unknown field' });
        continue;
      }
      ((spec.proxy ??= {}) as Record<string, unknown>)[field] = coerce(raw, type);
    } else if (rest.length === 0 && head && specShape[head] && head !== 'proxy') {
      spec[head] = coerce(raw, specShape[head]);
    } else {
      issues.push({ path, message: 'unknown field' });
    }
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

/** ConfigMap values are strings; give booleans, numbers and structures the type the schema wants. */
function coerce(raw: string, type: z.ZodType): unknown {
  const probe = (v: unknown) => type.safeParse(v).success;
  if (probe(raw)) return raw;
  const value = parseYamlValue(raw);
  return value === undefined ? raw : value;
}

function resolveNative(spec: Spec): { value: boolean; reason: string } {
  const setting = spec.nativeSidecars ?? 'auto';
  if (setting !== 'auto') return { value: setting, reason: `nativeSidecars: ${setting}` };
  if (!spec.kubeVersion) {
    return {
      value: false,
      reason: 'nativeSidecars auto without kubeVersion: classic sidecar containers (set kubeVersion, or nativeSidecars: true for Kubernetes >= 1.33)',
    };
  }
  const m = /^v?(\d+)\.(\d+)/.exec(spec.kubeVersion)!;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const on = major > 1 || (major === 1 && minor >= 33);
  return { value: on, reason: `nativeSidecars auto with kubeVersion ${spec.kubeVersion}: ${on ? 'native' : 'classic'} sidecars (native from 1.33)` };
}

/**
 * The top-level config and one per `revisions[]` entry. An entry inherits every top-level field
 * except `revision`, `revisionTags` and `istio` (a revision's Istio configuration is its own:
 * ConfigMaps with its suffix); its `proxy` fields replace the top-level ones field by field,
 * and its `values` and `meshConfig` are deep-merged over the top-level overlays.
 */
function resolveAll(spec: Spec, source: string): Config {
  const top = resolve(spec);
  const entries = spec.revisions ?? [];
  const issues: { path: string; message: string }[] = [];
  const seen = new Map<string, string>([[top.revision, 'the top-level revision']]);
  for (const tag of top.revisionTags) seen.set(`tag:${tag}`, 'a top-level revision tag');
  const { revisions: _drop, ...inherited } = spec;
  for (const [i, entry] of entries.entries()) {
    const name = entry.revision === 'default' ? '' : entry.revision;
    const where = `spec.revisions[${i}]`;
    const clash = seen.get(name);
    if (clash !== undefined) issues.push({ path: `${where}.revision`, message: `revision ${entry.revision} is already ${clash}` });
    seen.set(name, where);
    for (const [j, tag] of (entry.revisionTags ?? []).entries()) {
      const tagClash = seen.get(`tag:${tag}`);
      if (tagClash !== undefined) issues.push({ path: `${where}.revisionTags[${j}]`, message: `tag ${tag} is already ${tagClash}` });
      seen.set(`tag:${tag}`, `a tag of ${where}`);
    }
    const merged: Spec = {
      ...inherited,
      ...entry,
      revisionTags: entry.revisionTags ?? [],
      proxy: { ...(spec.proxy ?? {}), ...(entry.proxy ?? {}) },
      values: deepMerge((spec.values ?? {}) as JsonObject, (entry.values ?? {}) as JsonObject) as Record<string, unknown>,
      meshConfig: deepMerge((spec.meshConfig ?? {}) as JsonObject, (entry.meshConfig ?? {}) as JsonObject) as Record<string, unknown>,
      istio: entry.istio ?? {},
    };
    top.revisions.push(resolve(merged));
  }
  if (issues.length) fail(source, issues);
  return top;
}

function resolve(spec: Spec): Config {
  const native = resolveNative(spec);
  const revision = spec.revision === 'default' ? '' : (spec.revision ?? '');
  const namespaces: Config['namespaces'] = {};
  for (const [name, ns] of Object.entries(spec.namespaces ?? {})) {
    namespaces[name] = { labels: ns.labels ?? {}, annotations: ns.annotations ?? {} };
  }
  return {
    mode: spec.mode ?? 'inject',
    output: spec.output ?? 'full',
    webhookCoexistence: spec.webhookCoexistence ?? 'label',
    jobs: spec.jobs ?? 'native',
    kubeVersion: spec.kubeVersion,
    revisions: [],
    revision,
    revisionTags: spec.revisionTags ?? [],
    policy: spec.policy ?? 'enabled',
    emulate: spec.emulate ?? 'webhook',
    namespaces,
    defaultNamespace: spec.defaultNamespace,
    enableNamespacesByDefault: spec.enableNamespacesByDefault ?? false,
    neverInjectSelector: spec.neverInjectSelector ?? [],
    alwaysInjectSelector: spec.alwaysInjectSelector ?? [],
    nativeSidecars: native.value,
    nativeSidecarsReason: native.reason,
    compliancePolicy: spec.compliancePolicy ?? '',
    platform: spec.platform,
    injectValueSemantics: spec.injectValueSemantics ?? 'exact',
    proxy: spec.proxy ?? {},
    values: (spec.values ?? {}) as JsonObject,
    meshConfig: (spec.meshConfig ?? {}) as JsonObject,
    workloads: [...(spec.workloads ?? []), ...BUILTIN_WORKLOAD_KINDS],
    istio: spec.istio ?? {},
  };
}
