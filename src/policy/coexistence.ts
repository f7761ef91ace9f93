/**
 * Coexistence with a live injection webhook. A pod rendered with its sidecar is still created
 * through the API server; if its namespace (or the pod) is still labelled for webhook injection,
 * Istio's webhook injects it a second time (merging the cluster's template over the rendered
 * sidecar). This module asks the stage A selectors whether a live webhook would call istiod for
 * the rendered pod (`callingWebhooks`) and applies the configured answer:
 *
 * - `label` (default): set the pod label `sidecar.istio.io/inject: "false"`. Every standard
 *   webhook's objectSelector excludes it, so the API server never calls istiod for the pod. The
 *   label is recorded in the original-metadata record like any other change of the injection, so
 *   the next run strips it before deciding (a user's own label is given back as it was).
 * - `warn`: leave the pod as it is and say so in a warning.
 * - `error`: an error result; nothing is written.
 *
 * Only definite matches count: a namespace that is not known (kube-inject emulation without
 * namespace information) is not guessed at. Not responsible for the decision itself or for
 * writing the record (the caller records after marking).
 */
import { Label } from '../kube/keys.js';
import type { PodTemplate } from '../kube/types.js';
import { callingWebhooks, type InjectionWebhook } from './webhooks.js';
import type { CoexistenceMode } from '../config/schema.js';

export interface CoexistencePlan {
  /** Nothing to do: no live webhook calls istiod for the rendered pod. */
  clash: boolean;
  mode: CoexistenceMode;
  /** The pod to write (marked for `label`). */
  pod: PodTemplate;
  /** One line for the result; empty without a clash. */
  note: string;
  severity: 'info' | 'warning' | 'error';
}

/** The label value that keeps every standard Istio webhook away from a pod. */
export const COEXISTENCE_MARK = { key: Label.sidecarInject, value: 'false' } as const;

export function planCoexistence(args: {
  pod: PodTemplate;
  mode: CoexistenceMode;
  webhooks: readonly InjectionWebhook[];
  namespace: string;
  /** Labels of the workload's namespace; `undefined` when not known. */
  namespaceLabels: Record<string, string> | undefined;
  /** Where the namespace labels came from, for the message. */
  namespaceSource?: 'input' | 'config' | undefined;
}): CoexistencePlan {
  const { pod, mode } = args;
  const labels = pod.metadata?.labels ?? {};
  const calling = callingWebhooks(args.webhooks, { name: args.namespace, labels: args.namespaceLabels }, labels).filter((m) => m.verdict === true);
  if (calling.length === 0) return { clash: false, mode, pod, note: '', severity: 'info' };
  const configurations = [...new Set(calling.map((m) => m.webhook.configuration))].join(', ');
  const where = args.namespaceSource === 'config' ? ', by the labels the function config gives it' : '';
  const why = `the live ${configurations} webhook would inject it again (namespace ${args.namespace}${where})`;
  if (mode === 'label') {
    const marked: PodTemplate = {
      ...pod,
      metadata: { ...(pod.metadata ?? {}), labels: { ...labels, [COEXISTENCE_MARK.key]: COEXISTENCE_MARK.value } },
    };
    return { clash: true, mode, pod: marked, note: `labelled ${COEXISTENCE_MARK.key}=${COEXISTENCE_MARK.value}: otherwise ${why}`, severity: 'info' };
  }
  if (mode === 'warn') {
    return { clash: true, mode, pod, note: `double injection: ${why} (webhookCoexistence: warn)`, severity: 'warning' };
  }
  return {
    clash: true,
    mode,
    pod,
    note: `double injection: ${why}; remove the injection labels from the namespace, or use webhookCoexistence: label`,
    severity: 'error',
  };
}
