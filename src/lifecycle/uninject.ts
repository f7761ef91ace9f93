/**
 * `--uninject`: takes every injection out of a workload's pod template and gives back the pod as
 * it was before. For pods this tool injected, `stripInjection` is exact (the status annotation,
 * the proxy's saved probes and the `inject-sidecar.dev/original-metadata` record hold everything
 * the injection changed, including the job policy's annotation and the coexistence label). For
 * pods Istio injected (no record) it removes what the status annotation lists, restores probes
 * and prometheus annotations, puts back `proxy.istio.io/overrides`, and also drops the labels and
 * annotations Istio's template adds; the result says the restoration is best effort. No decision
 * is made: uninject does not care whether policy would inject.
 */
import type { PodTemplate } from '../kube/types.js';
import { stripInjection } from '../inject/strip.js';

export interface UninjectOutcome {
  /** The pod without its sidecar; `undefined` when there was nothing to remove. */
  pod?: PodTemplate;
  action: 'uninjected' | 'unchanged';
  /** Exact restoration (this tool's record) or best effort (injected by Istio). */
  exact: boolean;
  summary: string;
  severity: 'info' | 'warning';
}

export function uninjectWorkload(pod: PodTemplate): UninjectOutcome {
  const stripped = stripInjection(pod, { dropKnownMetadata: true });
  if (!stripped.wasInjected) {
    return { action: 'unchanged', exact: true, summary: 'no sidecar to remove', severity: 'info' };
  }
  if (stripped.exact) {
    return { pod: stripped.pod, action: 'uninjected', exact: true, summary: 'sidecar removed: restored exactly as it was before injection', severity: 'info' };
  }
  return {
    pod: stripped.pod,
    action: 'uninjected',
    exact: false,
    summary: `sidecar removed (best effort): ${stripped.notes.join('; ')}`,
    severity: 'warning',
  };
}
