/**
 * `--uninject`: takes every injection out of a workload's pod template and gives back the pod as
 * it was before, with `stripInjection` (src/inject/strip.ts): the status annotation, the proxy's
 * saved probes and prometheus settings, `proxy.istio.io/overrides`, the labels and annotations
 * the templates add, and, where those are not enough, this tool's
 * `inject-sidecar.dev/original-metadata` record (which also covers the job policy's annotation and
 * the coexistence label). For this tool's own output that is exact; a pod Istio injected is
 * stripped the same way, so a label the user had set to the template's own value, or a named
 * probe port Istio resolved, cannot come back. No decision is made: uninject does not care
 * whether policy would inject.
 */
import type { PodTemplate } from '../../kube/types.js';
import { stripInjection } from '../../inject/strip.js';

export interface UninjectOutcome {
  /** The pod without its sidecar; `undefined` when there was nothing to remove. */
  pod?: PodTemplate;
  action: 'uninjected' | 'unchanged';
  /** The pod carried this tool's record (restoration is exact by construction). */
  recorded: boolean;
  summary: string;
  severity: 'info' | 'warning';
}

export function uninjectWorkload(pod: PodTemplate): UninjectOutcome {
  const stripped = stripInjection(pod);
  if (!stripped.wasInjected) {
    return { action: 'unchanged', recorded: false, summary: 'no sidecar to remove', severity: 'info' };
  }
  const notes = stripped.notes.length ? `; ${stripped.notes.join('; ')}` : '';
  return {
    pod: stripped.pod,
    action: 'uninjected',
    recorded: stripped.exact,
    summary: `sidecar removed${stripped.exact ? ' (with the inject-sidecar record)' : ''}${notes}`,
    severity: stripped.notes.length ? 'warning' : 'info',
  };
}
