/**
 * Maps the function config's friendly `proxy` settings onto Istio's own configuration shapes
 * (injector values and mesh config), so the built-in profile and Istio's templates read the same
 * data the same way. The defaults themselves live with the built-in profile; this file only
 * translates and overlays.
 */
import { isObject, setOwn, type Json, type JsonObject } from '../kube/types.js';
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

function clone(v: Json): Json {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as Json);
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

/** The values overlay the config implies (before the raw `values` overlay). */
export function valuesOverlay(config: Config): JsonObject {
  const p = config.proxy;
  const v: JsonObject = {};
  setIn(v, ['revision'], config.revision);
  setIn(v, ['global', 'hub'], p.hub);
  setIn(v, ['global', 'tag'], p.tag);
  setIn(v, ['global', 'variant'], p.imageType === 'default' ? '' : p.imageType);
  setIn(v, ['global', 'proxy', 'image'], p.image);
  setIn(v, ['global', 'proxy_init', 'image'], p.initImage);
  setIn(v, ['global', 'imagePullPolicy'], p.imagePullPolicy);
  setIn(v, ['global', 'imagePullSecrets'], p.imagePullSecrets);
  if (p.resources) setIn(v, ['global', 'proxy', 'resources'], p.resources as JsonObject);
  setIn(v, ['pilot', 'cni', 'enabled'], p.cni);
  setIn(v, ['global', 'proxy', 'logLevel'], p.logLevel);
  setIn(v, ['global', 'proxy', 'componentLogLevel'], p.componentLogLevel);
  setIn(v, ['global', 'logging', 'level'], p.agentLogLevel);
  setIn(v, ['global', 'proxy', 'statusPort'], p.statusPort);
  setIn(v, ['global', 'proxy', 'holdApplicationUntilProxyStarts'], p.holdApplicationUntilProxyStarts);
  setIn(v, ['global', 'proxy', 'includeIPRanges'], p.includeIPRanges);
  setIn(v, ['global', 'proxy', 'excludeIPRanges'], p.excludeIPRanges);
  setIn(v, ['global', 'proxy', 'includeInboundPorts'], p.includeInboundPorts);
  setIn(v, ['global', 'proxy', 'excludeInboundPorts'], p.excludeInboundPorts);
  setIn(v, ['global', 'proxy', 'includeOutboundPorts'], p.includeOutboundPorts);
  setIn(v, ['global', 'proxy', 'excludeOutboundPorts'], p.excludeOutboundPorts);
  setIn(v, ['global', 'proxy', 'clusterDomain'], p.clusterDomain);
  setIn(v, ['global', 'istioNamespace'], p.istioNamespace);
  setIn(v, ['global', 'multiCluster', 'clusterName'], p.clusterName);
  setIn(v, ['global', 'network'], p.network);
  setIn(v, ['global', 'meshID'], p.meshID);
  setIn(v, ['global', 'proxy', 'autoInject'], config.policy);
  setIn(v, ['sidecarInjectorWebhook', 'enableNamespacesByDefault'], config.enableNamespacesByDefault);
  setIn(v, ['sidecarInjectorWebhook', 'neverInjectSelector'], config.neverInjectSelector as Json);
  setIn(v, ['sidecarInjectorWebhook', 'alwaysInjectSelector'], config.alwaysInjectSelector as Json);
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
