/**
 * Maps the function config's friendly `proxy` settings onto Istio's own configuration shapes
 * (injector values and mesh config), so the built-in profile and Istio's templates read the same
 * data the same way. The defaults themselves live with the built-in profile; this file only
 * translates and overlays.
 */
import { cloneJson, isObject, setOwn, type Json, type JsonObject } from '../kube/types.js';
import type { Config } from './load.js';

/** Deep merge: maps merge key by key; lists, scalars and null replace. Inputs are not modified. */
export function deepMerge(base: Json | undefined, overlay: Json | undefined): Json {
  if (overlay === undefined) return clone(base ?? null);
  if (!isObject(base) || !isObject(overlay)) return clone(overlay);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, clone(v));
  for (const [k, v] of Object.entries(overlay)) setOwn(out, k, deepMerge(Object.hasOwn(base, k) ? base[k] : undefined, v));
  return out;
}

/** `cloneJson` as a JSON text round trip gives it for maps and lists; a scalar as it is. */
function clone(v: Json): Json {
  return typeof v === 'object' ? cloneJson(v, true) : v;
}

function setIn(obj: JsonObject, path: string[], value: Json | undefined): void {
  if (value === undefined) return;
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (!isObject(next)) cur[key] = {};
    cur = cur[key] as JsonObject;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * Where each setting of the function config lands in Istio's injector values, in the order the
 * overlay is built. A setting left unset (`undefined`) is not written.
 */
const VALUES: readonly (readonly [path: string, setting: (c: Config) => Json | undefined])[] = [
  ['revision', (c) => c.revision],
  ['global.hub', (c) => c.proxy.hub],
  ['global.tag', (c) => c.proxy.tag],
  ['global.variant', (c) => (c.proxy.imageType === 'default' ? '' : c.proxy.imageType)],
  ['global.proxy.image', (c) => c.proxy.image],
  ['global.proxy_init.image', (c) => c.proxy.initImage],
  ['global.imagePullPolicy', (c) => c.proxy.imagePullPolicy],
  ['global.imagePullSecrets', (c) => c.proxy.imagePullSecrets],
  ['global.proxy.resources', (c) => (c.proxy.resources || undefined) as JsonObject | undefined],
  ['pilot.cni.enabled', (c) => c.proxy.cni],
  ['global.proxy.logLevel', (c) => c.proxy.logLevel],
  ['global.proxy.componentLogLevel', (c) => c.proxy.componentLogLevel],
  ['global.logging.level', (c) => c.proxy.agentLogLevel],
  ['global.proxy.statusPort', (c) => c.proxy.statusPort],
  ['global.proxy.holdApplicationUntilProxyStarts', (c) => c.proxy.holdApplicationUntilProxyStarts],
  ['global.proxy.includeIPRanges', (c) => c.proxy.includeIPRanges],
  ['global.proxy.excludeIPRanges', (c) => c.proxy.excludeIPRanges],
  ['global.proxy.includeInboundPorts', (c) => c.proxy.includeInboundPorts],
  ['global.proxy.excludeInboundPorts', (c) => c.proxy.excludeInboundPorts],
  ['global.proxy.includeOutboundPorts', (c) => c.proxy.includeOutboundPorts],
  ['global.proxy.excludeOutboundPorts', (c) => c.proxy.excludeOutboundPorts],
  ['global.proxy.clusterDomain', (c) => c.proxy.clusterDomain],
  ['global.istioNamespace', (c) => c.proxy.istioNamespace],
  ['global.multiCluster.clusterName', (c) => c.proxy.clusterName],
  ['global.network', (c) => c.proxy.network],
  ['global.meshID', (c) => c.proxy.meshID],
  ['global.proxy.autoInject', (c) => c.policy],
  ['sidecarInjectorWebhook.enableNamespacesByDefault', (c) => c.enableNamespacesByDefault],
  ['sidecarInjectorWebhook.neverInjectSelector', (c) => c.neverInjectSelector as Json],
  ['sidecarInjectorWebhook.alwaysInjectSelector', (c) => c.alwaysInjectSelector as Json],
];

/** The values overlay the config implies (before the raw `values` overlay). */
export function valuesOverlay(config: Config): JsonObject {
  const v: JsonObject = {};
  for (const [path, setting] of VALUES) setIn(v, path.split('.'), setting(config));
  return v;
}

/** The mesh overlay the config implies (before the raw `meshConfig` overlay). */
export function meshOverlay(config: Config): JsonObject {
  const p = config.proxy;
  const m: JsonObject = {};
  setIn(m, ['defaultConfig', 'interceptionMode'], p.interceptionMode);
  // The proxy's status port is read from values by the template and from the mesh by the probe
  // rewriting and prometheus merge; keep them in step (0 only disables the proxy's own probes).
  if (p.statusPort) setIn(m, ['defaultConfig', 'statusPort'], p.statusPort);
  // Istio's chart derives the discovery address from the revision and the control-plane namespace.
  if (config.revision || p.istioNamespace) {
    const istiod = config.revision ? `istiod-${config.revision}` : 'istiod';
    setIn(m, ['defaultConfig', 'discoveryAddress'], `${istiod}.${p.istioNamespace ?? 'istio-system'}.svc:15012`);
  }
  return m;
}
