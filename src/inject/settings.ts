/**
 * Turns one revision's resolved values and mesh config into the `InjectorSettings` every workload
 * of the run reads: derives once what each pod would otherwise derive again (the mesh's default
 * ProxyConfig and its `PROXY_CONFIG` JSON, the proxy images, the inbound traffic policy mode, the
 * cluster parameters) and deep-freezes the whole value, so per-workload code can only read it.
 * A pod's own annotations and labels still override per pod (data.ts, pipeline.ts).
 *
 * Not responsible for: where values and mesh config come from or how the function config is laid
 * over them (core/environment.ts, the edge, calls this once per run and revision).
 */
import { deepFreeze, isObject, type JsonObject } from '../kube/types.js';
import { proxyImage, proxyInitImage } from './images.js';
import { inboundTrafficPolicyMode } from './mesh.js';
import { defaultProxyConfig, proxyConfigToJSON } from './proxyconfig.js';
import type { InjectorSettings } from './types.js';

/** What a revision's settings are made of: istiod's configuration and environment. */
export interface SettingsInput {
  values: JsonObject;
  meshConfig: JsonObject;
  revision: string;
  nativeSidecars: boolean;
  compliancePolicy: string;
  /** Webhook URL parameters given from outside (none in a run: the cluster's come from the values). */
  proxyEnvs?: Record<string, string>;
  injectedAnnotations?: Record<string, string>;
}

/**
 * The settings of one revision, frozen (the inputs are frozen with them: pass values the caller
 * owns). Called once per run and revision; everything here is per-revision work.
 */
export function resolveSettings(input: SettingsInput): InjectorSettings {
  const { values, meshConfig } = input;
  const proxyConfig = isObject(meshConfig.defaultConfig ?? null) ? (meshConfig.defaultConfig as JsonObject) : defaultProxyConfig();
  const settings: InjectorSettings = {
    values,
    meshConfig,
    revision: input.revision,
    nativeSidecars: input.nativeSidecars,
    compliancePolicy: input.compliancePolicy,
    proxyEnvs: clusterParameters(values, input.proxyEnvs ?? {}),
    injectedAnnotations: input.injectedAnnotations ?? {},
    pod: {
      proxyConfig,
      proxyConfigJSON: proxyConfigToJSON(proxyConfig),
      proxyImage: proxyImage(values, proxyConfig, undefined),
      proxyInitImage: proxyInitImage(values, undefined),
      inboundTrafficPolicyMode: inboundTrafficPolicyMode(meshConfig),
    },
  };
  return deepFreeze(settings);
}

/**
 * The cluster and network parameters istiod adds to the webhook's URL parameters: the cluster ID
 * from `global.multiCluster.clusterName`, the network from `global.network` (a pod's
 * `topology.istio.io/network` label overrides it: pipeline.ts). Post-processing moves them to the
 * end of the proxy's env and labels the pod with the network.
 */
function clusterParameters(values: JsonObject, given: Readonly<Record<string, string>>): Record<string, string> {
  const envs = { ...given };
  const global = isObject(values.global) ? values.global : {};
  const multiCluster = isObject(global.multiCluster) ? global.multiCluster : {};
  if (typeof multiCluster.clusterName === 'string' && multiCluster.clusterName && !envs.ISTIO_META_CLUSTER_ID) {
    envs.ISTIO_META_CLUSTER_ID = multiCluster.clusterName;
  }
  if (typeof global.network === 'string' && global.network) envs.ISTIO_META_NETWORK = global.network;
  return envs;
}
