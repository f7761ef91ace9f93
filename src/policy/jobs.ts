/**
 * The job policy: how run-to-completion workloads get their sidecar. A classic `istio-proxy`
 * container never exits on its own, so a Job whose application has finished still has a running
 * pod and never completes (CronJobs pile up). A Kubernetes native sidecar (an init container with
 * `restartPolicy: Always`) is stopped by the kubelet once the main containers are done, so the
 * Job completes. The policy (`jobs:` in the config):
 *
 * - `native` (default): render the sidecar native for these pods only, through Istio's per-pod
 *   annotation `sidecar.istio.io/nativeSidecar: "true"` (honoured by the built-in profile and by
 *   Istio's templates alike). Every Kubernetes version Istio currently supports (>= 1.29) runs
 *   native sidecars; when `kubeVersion` says older, it falls back to classic with a warning.
 * - `classic`: what Istio's webhook does; the result says that the job will not complete unless
 *   the application stops the proxy (`curl -X POST localhost:15020/quitquitquit`).
 * - `skip`: no sidecar for run-to-completion workloads.
 *
 * Run-to-completion means a `Job` or `CronJob`, or a bare `Pod` with `restartPolicy` `Never` or
 * `OnFailure`. The user's own `sidecar.istio.io/nativeSidecar` annotation always wins. This module
 * only decides and annotates; injecting is the pipeline's job.
 */
import { Annotation } from '../kube/keys.js';
import type { PodTemplate, ResourceRef } from '../kube/types.js';
import type { JobPolicy } from '../config/schema.js';

/** Kubernetes version from which native sidecars (SidecarContainers) are on by default. */
export const NATIVE_SIDECAR_MIN_MINOR = 29;

export function isRunToCompletion(ref: ResourceRef, pod: PodTemplate): boolean {
  if (ref.kind === 'Job' || ref.kind === 'CronJob') return true;
  const restart = pod.spec.restartPolicy;
  return ref.kind === 'Pod' && (restart === 'Never' || restart === 'OnFailure');
}

export interface JobPlan {
  /** `none`: not a job, or nothing to change; `skip`: do not inject. */
  action: 'none' | 'native' | 'classic' | 'skip';
  /** The pod to inject (annotated for `native`). */
  pod: PodTemplate;
  /** For the result; empty when there is nothing to say. */
  note: string;
  severity: 'info' | 'warning';
}

function kubeBelowNative(kubeVersion: string | undefined): boolean {
  if (!kubeVersion) return false;
  const m = /^v?(\d+)\.(\d+)/.exec(kubeVersion);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 1 || (major === 1 && minor < NATIVE_SIDECAR_MIN_MINOR);
}

/**
 * What the job policy does to one pod that is about to be injected. `nativeSidecars` is the
 * run's cluster-wide setting (already native: nothing to do).
 */
export function planJob(args: { ref: ResourceRef; pod: PodTemplate; policy: JobPolicy; nativeSidecars: boolean; kubeVersion: string | undefined }): JobPlan {
  const { pod, policy } = args;
  const none: JobPlan = { action: 'none', pod, note: '', severity: 'info' };
  if (!isRunToCompletion(args.ref, pod)) return none;
  const what = args.ref.kind === 'Pod' ? `a pod with restartPolicy ${String(pod.spec.restartPolicy)}` : `a ${args.ref.kind}`;
  if (policy === 'skip') {
    return { action: 'skip', pod, note: `jobs: skip (${what} runs to completion)`, severity: 'info' };
  }
  const own = pod.metadata?.annotations?.[Annotation.nativeSidecar];
  if (own !== undefined) {
    const native = own === 'true';
    return {
      action: 'none',
      pod,
      note: `${what}: the pod's own annotation ${Annotation.nativeSidecar}=${own} decides (${native ? 'native sidecar' : 'classic sidecar: the job will not complete while istio-proxy runs'})`,
      severity: native ? 'info' : 'warning',
    };
  }
  if (args.nativeSidecars) return none;
  if (policy === 'classic') {
    return {
      action: 'classic',
      pod,
      note: `jobs: classic: ${what} keeps running istio-proxy after the application exits; it completes only if the application stops the proxy (POST localhost:15020/quitquitquit)`,
      severity: 'info',
    };
  }
  if (kubeBelowNative(args.kubeVersion)) {
    return {
      action: 'classic',
      pod,
      note: `jobs: native, but kubeVersion ${args.kubeVersion} has no native sidecars (from 1.${NATIVE_SIDECAR_MIN_MINOR}): classic sidecar, the job will not complete while istio-proxy runs`,
      severity: 'warning',
    };
  }
  const annotated: PodTemplate = {
    ...pod,
    metadata: { ...(pod.metadata ?? {}), annotations: { ...(pod.metadata?.annotations ?? {}), [Annotation.nativeSidecar]: 'true' } },
  };
  return {
    action: 'native',
    pod: annotated,
    note: `jobs: native: istio-proxy is a native sidecar (${Annotation.nativeSidecar}=true) so ${what} can complete`,
    severity: 'info',
  };
}
