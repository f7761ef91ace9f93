/**
 * `applySecurePrometheusAnnotation`: when the proxy serves merged metrics over TLS too
 * (`ENVOY_SECURE_MERGED_METRICS_PORT` in its env, non-empty and not `0`), advertise that port in
 * `prometheus.istio.io/secure-port` unless the user set it. Nothing else.
 */
import { Annotation } from '../../kube/keys.js';
import type { PostProcessContext } from './context.js';
import type { PodJson } from '../../kube/types.js';
import { annotationsOf, ensureAnnotations, findSidecar } from './util.js';

export const SECURE_METRICS_PORT_ENV = 'ENVOY_SECURE_MERGED_METRICS_PORT';

/** The step on a pod it may modify; returns whether it changed anything. */
export function applySecurePrometheusAnnotationInPlace(pod: PodJson, _ctx: PostProcessContext): boolean {
  const sidecar = findSidecar(pod);
  const env = sidecar && Array.isArray(sidecar.env) ? sidecar.env : [];
  const entry = env.find((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && e.name === SECURE_METRICS_PORT_ENV);
  const value = entry && typeof entry === 'object' && !Array.isArray(entry) ? entry.value : undefined;
  if (typeof value !== 'string' || value === '' || value === '0') return false;
  if (Annotation.prometheusSecurePort in annotationsOf(pod)) return false;
  ensureAnnotations(pod)[Annotation.prometheusSecurePort] = value;
  return true;
}
