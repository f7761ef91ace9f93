/**
 * Istio's mesh configuration defaults (`mesh.DefaultMeshConfig()`) and `applyMeshConfig`, which
 * lays a user's mesh config over them the way istiod and istioctl do (`mesh.ApplyMeshConfig`).
 * Values are in proto3 JSON form (lowerCamelCase, durations as strings, enums by name, proto3 zero
 * values left out), the same form as `InjectorSettings.meshConfig`.
 *
 * Merge rules, following `ApplyMeshConfig` over jsonpb's `Unmarshal`: a top-level field the user
 * sets replaces the default wholesale (scalars, lists, and messages alike; `null` leaves it alone);
 * `defaultConfig` is merged field by field over the previous ProxyConfig (`MergeProxyConfig`,
 * with `proxyMetadata` merged by key); `defaultProviders` is merged field by field;
 * `extensionProviders` are merged by `name` (a user provider replaces the default of the same name,
 * others are appended); `trustDomainAliases` are unioned and sorted.
 *
 * Not responsible for: reading ConfigMaps or files, `meshNetworks`, or validating the parts of the
 * mesh config the injector never reads.
 */
import type { Json, JsonObject } from '../kube/types.js';
import { cloneJson, isObject } from '../kube/types.js';
import { UserError } from '../results/result.js';
import { defaultProxyConfig, mergeProxyConfig, ProxyConfigError } from './proxyconfig.js';

/** Istio's `mesh.DefaultMeshConfig()` in proto3 JSON form. */
export function defaultMeshConfig(): JsonObject {
  return {
    connectTimeout: '10s',
    defaultConfig: defaultProxyConfig(),
    defaultDestinationRuleExportTo: ['*'],
    defaultProviders: {},
    defaultServiceExportTo: ['*'],
    defaultVirtualServiceExportTo: ['*'],
    dnsRefreshRate: '60s',
    enableAutoMtls: true,
    enablePrometheusMerge: true,
    enableTracing: true,
    extensionProviders: [
      { name: 'prometheus', prometheus: {} },
      { name: 'stackdriver', stackdriver: {} },
      { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
    ],
    // mode PASSTHROUGH is the enum's zero value, so proto3 JSON leaves it out
    inboundTrafficPolicy: {},
    ingressClass: 'istio',
    ingressControllerMode: 'STRICT',
    ingressService: 'istio-ingressgateway',
    localityLbSetting: { enabled: true },
    outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    protocolDetectionTimeout: '0s',
    proxyInboundListenPort: 15006,
    proxyListenPort: 15001,
    rootNamespace: 'istio-system',
    trustDomain: 'cluster.local',
  };
}

/**
 * The mesh config the Istio chart (istio-discovery, default profile) renders into the `istio`
 * ConfigMap; `applyMeshConfig(chartMeshConfig(), defaultMeshConfig())` is what istiod runs with.
 */
export function chartMeshConfig(): JsonObject {
  return {
    defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
    defaultProviders: { metrics: ['prometheus'] },
    enablePrometheusMerge: true,
    rootNamespace: 'istio-system',
    trustDomain: 'cluster.local',
  };
}

/** The mesh config of the built-in profile: the chart's, applied over Istio's defaults. */
export function builtinMeshConfig(): JsonObject {
  return applyMeshConfig(chartMeshConfig(), defaultMeshConfig());
}

/**
 * Lays `userMesh` over `defaults` as Istio's `ApplyMeshConfig` does. A bad `defaultConfig` is a
 * `UserError` with field path `defaultConfig.<field>` (relative to the mesh config).
 */
export function applyMeshConfig(userMesh: JsonObject | null | undefined, defaults: JsonObject): JsonObject {
  const out = cloneJson(defaults);
  if (!userMesh) return out;
  for (const [key, value] of Object.entries(userMesh)) {
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'defaultConfig': {
        const prev = isObject(out.defaultConfig ?? null) ? (out.defaultConfig as JsonObject) : defaultProxyConfig();
        try {
          out.defaultConfig = mergeProxyConfig(value, prev);
        } catch (e) {
          if (e instanceof ProxyConfigError) {
            throw new UserError(`invalid mesh config: defaultConfig: ${e.message}`, e.path ? `defaultConfig.${e.path}` : 'defaultConfig');
          }
          throw e;
        }
        break;
      }
      case 'defaultProviders': {
        if (!isObject(value)) throw new UserError('invalid mesh config: defaultProviders must be an object', 'defaultProviders');
        const prev = isObject(out.defaultProviders ?? null) ? (out.defaultProviders as JsonObject) : {};
        const merged: JsonObject = { ...prev };
        for (const [k, v] of Object.entries(value)) if (v !== null) merged[k] = cloneJson(v);
        out.defaultProviders = merged;
        break;
      }
      case 'extensionProviders': {
        if (!Array.isArray(value)) throw new UserError('invalid mesh config: extensionProviders must be a list', 'extensionProviders');
        const merged: Json[] = Array.isArray(out.extensionProviders) ? cloneJson(out.extensionProviders) : [];
        for (const p of value) {
          const name = isObject(p) ? p.name : undefined;
          const idx = merged.findIndex((e) => isObject(e) && e.name === name);
          if (idx >= 0) merged[idx] = cloneJson(p);
          else merged.push(cloneJson(p));
        }
        out.extensionProviders = merged;
        break;
      }
      case 'trustDomainAliases': {
        if (!Array.isArray(value)) throw new UserError('invalid mesh config: trustDomainAliases must be a list', 'trustDomainAliases');
        const prev = Array.isArray(out.trustDomainAliases) ? out.trustDomainAliases : [];
        out.trustDomainAliases = [...new Set([...prev, ...value].map(String))].sort();
        break;
      }
      default:
        out[key] = cloneJson(value);
    }
  }
  return out;
}

/** Reads a number field of the mesh config (proto3: unset means 0). */
export function meshNumber(mesh: JsonObject, key: string): number {
  const v = mesh[key];
  return typeof v === 'number' ? v : 0;
}

/** `InboundTrafficPolicyMode(mesh)`: `localhost` only for mode LOCALHOST. */
export function inboundTrafficPolicyMode(mesh: JsonObject): 'localhost' | 'passthrough' {
  const policy = mesh.inboundTrafficPolicy;
  return isObject(policy ?? null) && (policy as JsonObject).mode === 'LOCALHOST' ? 'localhost' : 'passthrough';
}
