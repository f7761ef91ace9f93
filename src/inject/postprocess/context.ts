/**
 * What the post-processing steps read besides the pod: the injector settings, the effective
 * ProxyConfig and the template pod (what the templates produced, merged over an empty pod).
 * Kept apart from index.ts so each step can import the type without importing the chain.
 */
import type { JsonObject, PodTemplate } from '../../kube/types.js';
import type { InjectorSettings } from '../types.js';

export interface PostProcessContext {
  /** Mesh config, values, revision, proxyEnvs (webhook URL parameters) and injectedAnnotations. */
  settings: Pick<InjectorSettings, 'meshConfig' | 'values' | 'revision' | 'proxyEnvs' | 'injectedAnnotations'>;
  /** Effective ProxyConfig: mesh `defaultConfig`, then the pod's `proxy.istio.io/config` (proto3 JSON). */
  proxyConfig: JsonObject;
  /** The templates' output merged over an empty pod: the status annotation lists its items. */
  templatePod: PodTemplate;
}
