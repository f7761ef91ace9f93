/**
 * The function config without zod: the resolved `Config` (defaults filled in, `spec.revisions`
 * expanded), `ConfigError`, and `loadConfigLazily`, which reads the usual configs (none, or our
 * kind with scalar fields only) directly and loads the zod schema (load.ts) only for the rest.
 * zod, its schema and their code are a large part of a short run's start-up; what this module
 * does not do is validate anything the direct check does not cover (load.ts does, with the
 * schema's words and paths).
 */
import {
  API_GROUP,
  API_VERSION,
  COEXISTENCE_MODES,
  EMULATIONS,
  INJECT_VALUE_SEMANTICS,
  JOB_POLICIES,
  KIND,
  KUBE_VERSION_PATTERN,
  MODES,
  OUTPUT_FORMATS,
  PLATFORMS,
  POLICIES,
  IMAGE_TYPES,
  IMAGE_PULL_POLICIES,
  INTERCEPTION_MODES,
  LOG_LEVELS,
  COMPONENT_LOG_LEVEL_PATTERN,
  HUB_PATTERN,
  TAG_PATTERN,
} from './values.js';
import type { IstioSpec, LabelSelector, CoexistenceMode, JobPolicy, Mode, OutputFormat, ProxySettings, Spec, WorkloadKind } from './schema.js';
import { isObject, type JsonObject } from '../kube/types.js';
import { BUILTIN_WORKLOAD_KINDS } from '../kube/kinds.js';
import { deepMerge } from './settings.js';
import { isBuiltinVersion } from '../inject/builtin/releases.js';

export interface Config {
  /** What the run does: inject (default), explain, check or uninject. */
  mode: Mode;
  /** full objects (default) or kustomize strategic-merge patches. */
  output: OutputFormat;
  webhookCoexistence: CoexistenceMode;
  jobs: JobPolicy;
  /** As given (`undefined` when unknown); `nativeSidecars` is already resolved from it. */
  kubeVersion: string | undefined;
  /** `spec.istioVersion`: the release whose sidecar template the built-in profile renders (`undefined`: the development template). */
  istioVersion: string | undefined;
  /**
   * Further control-plane revisions (`spec.revisions`), each resolved to a complete config that
   * inherits the top-level settings; their own `revisions` is empty.
   */
  revisions: Config[];
  revision: string;
  revisionTags: string[];
  policy: 'enabled' | 'disabled';
  emulate: 'webhook' | 'kube-inject';
  /**
   * The emulation was asked for (`spec.emulate`, `--emulate`): byte parity with Istio, so
   * re-injection merges the new templates over the earlier injection as Istio does. Unset: the
   * earlier injection is stripped and the pristine pod injected (converging output).
   */
  emulateExactly: boolean;
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

export function fail(source: string, issues: { path: string; message: string }[]): never {
  const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n');
  throw new ConfigError(`invalid ${source}:\n${lines}`, issues);
}

/** True for the objects this function treats as its own configuration. */
export function isOwnConfig(obj: JsonObject): boolean {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return obj.kind === KIND && apiVersion.startsWith(`${API_GROUP}/`);
}

/**
 * The config when the schema is not needed to read it: none (the defaults), our kind with a spec
 * `directSpec` accepts, or a problem found without the schema (not an object, another version of
 * our kind). `undefined` means the schema must read it (load.ts).
 */
export function configWithoutSchema(fnConfig: unknown, source: string, overrides: Spec): Config | undefined {
  const resolveWith = (spec: Spec) => resolveAll({ ...spec, ...overrides }, source);
  if (fnConfig === undefined || fnConfig === null) return resolveWith({});
  if (!isObject(fnConfig)) fail(source, [{ path: '', message: 'expected an object' }]);
  if (fnConfig.kind === 'ConfigMap' && (fnConfig.apiVersion === 'v1' || fnConfig.apiVersion === undefined)) return undefined;
  if (
    fnConfig.kind === KIND &&
    typeof fnConfig.apiVersion === 'string' &&
    fnConfig.apiVersion !== API_VERSION &&
    fnConfig.apiVersion.startsWith(`${API_GROUP}/`)
  ) {
    fail(source, [{ path: 'apiVersion', message: `unsupported version ${fnConfig.apiVersion}; this build reads ${API_VERSION}` }]);
  }
  const direct = directSpec(fnConfig);
  return direct ? resolveWith(direct) : undefined;
}

/**
 * `loadConfig` (load.ts) for the CLI: the same result, but zod and the schema are loaded (a
 * chunk of their own in the bundle) only when the config needs them.
 */
export async function loadConfigLazily(fnConfig: unknown, source = 'function config', overrides: Spec = {}): Promise<Config> {
  return configWithoutSchema(fnConfig, source, overrides) ?? (await import('./load.js')).loadConfig(fnConfig, source, overrides);
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
  istioVersion: (v) => typeof v === 'string' && isBuiltinVersion(v),
  compliancePolicy: isString,
  platform: oneOf(PLATFORMS),
  injectValueSemantics: oneOf(INJECT_VALUE_SEMANTICS),
};

const matches = (re: RegExp) => (v: unknown) => typeof v === 'string' && re.test(v);

/** The scalar `proxy` fields `directSpec` checks itself, with the schema's rules (ProxySchema). */
const DIRECT_PROXY_FIELDS: Record<string, (v: unknown) => boolean> = {
  hub: matches(HUB_PATTERN),
  tag: matches(TAG_PATTERN),
  image: isName,
  initImage: isName,
  imageType: oneOf(IMAGE_TYPES),
  imagePullPolicy: oneOf(IMAGE_PULL_POLICIES),
  interceptionMode: oneOf(INTERCEPTION_MODES),
  cni: (v) => typeof v === 'boolean',
  logLevel: oneOf(LOG_LEVELS),
  componentLogLevel: matches(COMPONENT_LOG_LEVEL_PATTERN),
  agentLogLevel: matches(COMPONENT_LOG_LEVEL_PATTERN),
  statusPort: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535,
  holdApplicationUntilProxyStarts: (v) => typeof v === 'boolean',
  includeIPRanges: isString,
  excludeIPRanges: isString,
  includeInboundPorts: isString,
  excludeInboundPorts: isString,
  includeOutboundPorts: isString,
  excludeOutboundPorts: isString,
  clusterDomain: isName,
  istioNamespace: isName,
  clusterName: isString,
  network: isString,
  meshID: isString,
};

/** A `proxy` of scalar fields only, each as the schema accepts it (its collections go through the schema). */
const isDirectProxy = (v: unknown): boolean =>
  isPlain(v) && Object.entries(v).every(([k, x]) => Object.hasOwn(DIRECT_PROXY_FIELDS, k) && DIRECT_PROXY_FIELDS[k]!(x));

/**
 * The spec of a config the schema certainly accepts, read without building the zod schema (a
 * start-up cost): our kind and version, a plain `metadata`, and a `spec` of scalar fields only
 * (`DIRECT_FIELDS`) and a `proxy` of scalar fields (`DIRECT_PROXY_FIELDS`). Anything else, valid or not, is `undefined` and goes through the schema,
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
    if (key === 'proxy') {
      if (!isDirectProxy(value)) return undefined;
      out[key] = { ...(value as JsonObject) };
      continue;
    }
    const check = Object.hasOwn(DIRECT_FIELDS, key) ? DIRECT_FIELDS[key] : undefined;
    if (!check?.(value)) return undefined;
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as Spec;
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
export function resolveAll(spec: Spec, source: string): Config {
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
    istioVersion: spec.istioVersion,
    revisions: [],
    revision,
    revisionTags: spec.revisionTags ?? [],
    policy: spec.policy ?? 'enabled',
    emulate: spec.emulate ?? 'webhook',
    emulateExactly: spec.emulate !== undefined,
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
