/**
 * The contracts between the injection stages. A renderer (the built-in profile, or Istio's Go
 * templates) turns `SidecarTemplateData` into rendered pod patches; the shared pipeline
 * (merge, user overrides, post-processing) turns those into the injected pod template.
 * Nothing here knows about YAML text or KRM.
 */
import type { JsonObject, ObjectMeta, PodSpec, PodTemplate } from '../kube/types.js';

/**
 * The resolved injector configuration of one revision: what istiod has in memory. Built once per
 * run and revision at the edge (core/environment.ts, through `resolveSettings` in settings.ts),
 * deep-frozen, and only read by the per-workload code: what a pod changes (its annotations and
 * labels) is applied over it per pod, never written into it.
 */
export interface InjectorSettings {
  /** Chart values (`istio-sidecar-injector` ConfigMap key `values`), defaults applied. */
  readonly values: JsonObject;
  /** Mesh config (`istio` ConfigMap key `mesh`) in proto3 JSON form, Istio's defaults applied. */
  readonly meshConfig: JsonObject;
  /** Control-plane revision; '' is the default revision. */
  readonly revision: string;
  /** Cluster-level native sidecar decision (ENABLE_NATIVE_SIDECARS / kubelet >= 1.33). */
  readonly nativeSidecars: boolean;
  /** istiod's COMPLIANCE_POLICY ('' when unset). */
  readonly compliancePolicy: string;
  /**
   * Cluster/network parameters a webhook URL would carry (ISTIO_META_CLUSTER_ID from
   * `global.multiCluster.clusterName`, ISTIO_META_NETWORK from `global.network`); a pod's
   * `topology.istio.io/network` label overrides the network for that pod.
   */
  readonly proxyEnvs: Readonly<Record<string, string>>;
  /** `config.injectedAnnotations` (webhook emulation only). */
  readonly injectedAnnotations: Readonly<Record<string, string>>;
  /** What every pod of the revision gets unless its own annotations say otherwise. */
  readonly pod: PodDefaults;
}

/** The per-pod values the settings imply for a pod without overriding annotations. */
export interface PodDefaults {
  /** Mesh `defaultConfig` (Istio's `DefaultProxyConfig()` when the mesh has none): the pod's ProxyConfig without `proxy.istio.io/config`. */
  readonly proxyConfig: JsonObject;
  /** `protoToJSON` of `proxyConfig` (the `PROXY_CONFIG` env). */
  readonly proxyConfigJSON: string;
  /** `ProxyImage` / `ProxyInitImage` without `sidecar.istio.io/proxyImageType`. */
  readonly proxyImage: string;
  readonly proxyInitImage: string;
  /** `InboundTrafficPolicyMode(mesh)`. */
  readonly inboundTrafficPolicyMode: 'localhost' | 'passthrough';
}

/** Istio's `SidecarTemplateData`, as plain JSON-shaped data (field names lowerCamel). */
export interface SidecarTemplateData {
  typeMeta: { apiVersion: string; kind: string };
  deploymentMeta: { name: string; namespace: string };
  /** The pod template's metadata after stripping a previous injection. */
  objectMeta: ObjectMeta;
  /** The pod spec after stripping a previous injection. */
  spec: PodSpec;
  /** Effective ProxyConfig: mesh `defaultConfig`, then the pod's `proxy.istio.io/config`; proto3 JSON names. */
  proxyConfig: JsonObject;
  /**
   * Not a field of Istio's struct: `protoToJSON` of `proxyConfig` (the `PROXY_CONFIG` env), the
   * settings' own for a pod without `proxy.istio.io/config` (`InjectorSettings.pod`).
   */
  proxyConfigJSON: string;
  meshConfig: JsonObject;
  values: JsonObject;
  revision: string;
  nativeSidecars: boolean;
  proxyImage: string;
  proxyInitImage: string;
  proxyUID: number;
  proxyGID: number;
  inboundTrafficPolicyMode: 'localhost' | 'passthrough';
  compliancePolicy: string;
}

/** One template's output, parsed: a partial Pod (`metadata`, `spec`) to strategic-merge into the pod. */
export type RenderedPatch = JsonObject;

/** Something that renders sidecars: returns one patch per selected template, in order. */
export interface SidecarRenderer {
  /** Human name for results, e.g. `built-in istio profile` or `ConfigMap istio-system/istio-sidecar-injector`. */
  readonly source: string;
  render(data: SidecarTemplateData): RenderedPatch[];
}

/**
 * A render the injection of one pod asks for: the injection's steps (`injectPodSteps`) hand it
 * to their driver and go on with its patches, so a run can render many pods back to back.
 */
export interface RenderRequest {
  readonly renderer: SidecarRenderer;
  readonly data: SidecarTemplateData;
}

/** Steps of work that ask for renders on the way to a `T` (see `RenderRequest`). */
export type RenderSteps<T> = Generator<RenderRequest, T, RenderedPatch[]>;

/** Identity of the workload the pod template belongs to. */
export interface WorkloadMeta {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface InjectOutcome {
  pod: PodTemplate;
  /** Non-fatal notes (e.g. dnsPolicy warning). */
  warnings: string[];
}
