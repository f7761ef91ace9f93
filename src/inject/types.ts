/**
 * The contracts between the injection stages. A renderer (the built-in profile, or Istio's Go
 * templates) turns `SidecarTemplateData` into rendered pod patches; the shared pipeline
 * (merge, user overrides, post-processing) turns those into the injected pod template.
 * Nothing here knows about YAML text or KRM.
 */
import type { JsonObject, ObjectMeta, PodSpec, PodTemplate } from '../kube/types.js';

/**
 * The resolved injector configuration: what istiod has in memory. Built once per run from the
 * function config (built-in profile) or from Istio's ConfigMaps (template mode).
 */
export interface InjectorSettings {
  /** Chart values (`istio-sidecar-injector` ConfigMap key `values`), defaults applied. */
  values: JsonObject;
  /** Mesh config (`istio` ConfigMap key `mesh`) in proto3 JSON form, Istio's defaults applied. */
  meshConfig: JsonObject;
  /** Control-plane revision; '' is the default revision. */
  revision: string;
  /** Cluster-level native sidecar decision (ENABLE_NATIVE_SIDECARS / kubelet >= 1.33). */
  nativeSidecars: boolean;
  /** istiod's COMPLIANCE_POLICY ('' when unset). */
  compliancePolicy: string;
  /** Cluster/network parameters a webhook URL would carry (ISTIO_META_CLUSTER_ID, ISTIO_META_NETWORK, ...). */
  proxyEnvs: Record<string, string>;
  /** `config.injectedAnnotations` (webhook emulation only). */
  injectedAnnotations: Record<string, string>;
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
