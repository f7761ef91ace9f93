/**
 * What happens to one workload: strip an earlier injection (so the decision and the templates see
 * the pristine pod), decide (switching to another configured revision when stage A calls that
 * one), apply the job policy, then inject, leave alone, or remove a sidecar that policy no longer
 * wants; an injected pod is marked against a live webhook that would inject it again. Returns the
 * new pod template (if any) and a one-line summary with the deciding rule. Finding workloads,
 * writing documents and the run modes (explain, check, uninject, patches) are run.ts's and
 * modes/' job; the job and coexistence policies are policy/'s.
 */
import type { Config } from '../config/load.js';
import type { JsonObject, PodTemplate, ResourceRef } from '../kube/types.js';
import { decide, type Decision, type InjectorPolicy, type Webhook } from '../policy/index.js';
import { stripInjection, type SourceQuotesOf } from '../inject/strip.js';
import { injectPodSteps, renderNow } from '../inject/pipeline.js';
import { recordOriginalMetadata } from '../inject/postprocess/index.js';
import { planJob } from '../policy/jobs.js';
import { planCoexistence } from '../policy/coexistence.js';
import type { InjectorSettings, RenderSteps, SidecarRenderer } from '../inject/types.js';
import type { Severity } from '../results/result.js';

export interface NamespaceInfo {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Where the labels came from, for messages. */
  source: 'input' | 'config';
}

/** Everything the per-workload step needs that is the same for every workload of a run. */
export interface Environment {
  config: Config;
  settings: InjectorSettings;
  renderer: SidecarRenderer;
  namespaces: Map<string, NamespaceInfo>;
  webhooks: Webhook[];
  /** Stage B settings of Istio's injector config (template mode); else the function config's. */
  injectorPolicy?: InjectorPolicy;
  /**
   * The other configured revisions (`spec.revisions`), by revision name (`''` = default), each
   * with its own config, settings, renderer and injector policy; webhooks and namespaces are shared.
   */
  revisions?: ReadonlyMap<string, Environment>;
}

export type Action = 'injected' | 'skipped' | 'removed' | 'unchanged';

export interface WorkloadOutcome {
  ref: ResourceRef;
  action: Action;
  reason: string;
  rule: string;
  severity: Severity;
  summary: string;
  decision: Decision;
  /** The new pod template, when the workload changes (or may change). */
  pod?: PodTemplate;
  warnings: string[];
  /** The revision whose settings rendered (or would render) the pod; `''` = default. */
  revision: string;
  /** The pod carried an injection (`sidecar.istio.io/status`) when it came in. */
  wasInjected: boolean;
  /** Extra result tags: `jobs`, `coexistence`. */
  tags: Record<string, string>;
}

/**
 * What the caller needs of the outcome: `write` (default) the pod to write, with the record that
 * lets stripping give the source back; `compare` the injected pod only (no record: the audit
 * compares its injected parts); `decide` only the decision and action (no pod is rendered).
 * `sourceQuotes`: how the source text wrote the pod's labels and annotations (the edge reads it
 * on demand, for the record).
 */
export type OutcomePurpose = 'write' | 'compare' | 'decide';

export interface WorkloadInput {
  obj: JsonObject;
  ref: ResourceRef;
  pod: PodTemplate;
  env: Environment;
  purpose?: OutcomePurpose;
  sourceQuotes?: SourceQuotesOf;
}

export function processWorkload(args: WorkloadInput): WorkloadOutcome {
  return renderNow(workloadSteps(args));
}

/** `processWorkload`, handing its render (if it injects) to the caller (see `RenderRequest`). */
export function* workloadSteps(args: WorkloadInput): RenderSteps<WorkloadOutcome> {
  const { ref } = args;
  const purpose = args.purpose ?? 'write';
  const stripped = stripInjection(args.pod);
  const pristine = stripped.pod;
  const namespace = ref.namespace ?? args.env.config.defaultNamespace;
  const ns = namespace !== undefined ? args.env.namespaces.get(namespace) : undefined;
  let env = args.env;
  let decision = decideFor(env, pristine, namespace, ns);
  // Several revisions in one repository: stage A calls another configured revision (a canary),
  // so that revision decides stage B and renders.
  if (!decision.inject && decision.reason === 'other-revision' && decision.revision !== undefined) {
    const other = env.revisions?.get(decision.revision);
    if (other) {
      env = other;
      decision = decideFor(env, pristine, namespace, ns);
    }
  }
  const { config } = env;
  const base = {
    ref,
    reason: decision.reason as string,
    rule: decision.rule,
    decision,
    warnings: [] as string[],
    revision: config.revision,
    wasInjected: stripped.wasInjected,
    tags: {} as Record<string, string>,
  };
  const notInjected = (why: { severity: Severity; rule: string }): WorkloadOutcome => {
    if (stripped.wasInjected && why.severity === 'info') {
      return { ...base, action: 'removed', severity: 'info', summary: `sidecar removed: ${why.rule}`, pod: pristine };
    }
    return {
      ...base,
      action: 'skipped',
      severity: why.severity,
      summary: stripped.wasInjected ? `left as it is, with its existing sidecar: ${why.rule}` : `skipped: ${why.rule}`,
    };
  };
  if (!decision.inject) return notInjected({ severity: decision.severity, rule: decision.rule });

  const jobArgs = { ref, policy: config.jobs, nativeSidecars: env.settings.nativeSidecars, kubeVersion: config.kubeVersion };
  const job = planJob({ ...jobArgs, pod: pristine });
  if (job.action !== 'none') base.tags.jobs = job.action;
  if (job.action === 'skip') {
    return { ...notInjected({ severity: 'info', rule: job.note }), reason: 'job-policy', rule: job.note };
  }
  if (purpose === 'decide') {
    return {
      ...base,
      action: 'injected',
      severity: decision.severity === 'warning' || job.severity === 'warning' ? 'warning' : 'info',
      summary: `injected: ${decision.rule}`,
    };
  }
  const workload = {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    namespace: namespace ?? '',
  };
  const out = yield* injectPodSteps({
    pod: job.pod,
    workload,
    settings: env.settings,
    renderer: env.renderer,
    ...(ns ? { namespaceAnnotations: ns.annotations } : {}),
    platform: config.platform,
    recordOriginal: false,
    // Istio's re-injection merges over the pod as it came (the job policy's annotation included).
    ...(config.emulateExactly && stripped.wasInjected ? { asCame: planJob({ ...jobArgs, pod: args.pod }).pod } : {}),
  });
  const coexistence = planCoexistence({
    pod: out.pod,
    mode: config.webhookCoexistence,
    webhooks: env.webhooks,
    namespace: namespace ?? '',
    namespaceLabels: ns?.labels,
    namespaceSource: ns?.source,
  });
  if (coexistence.clash) base.tags.coexistence = coexistence.mode;
  const notes = [job.note, coexistence.note].filter(Boolean);
  const summary = `injected: ${decision.rule}${notes.length ? `; ${notes.join('; ')}` : ''}`;
  if (coexistence.severity === 'error') {
    return { ...base, action: 'skipped', reason: 'webhook-coexistence', severity: 'error', summary: `not injected: ${coexistence.note}` };
  }
  // The record is written after the job annotation and the coexistence label, so stripping gives
  // back the pod exactly as it came (and the next run decides on the user's labels, not ours).
  const pod = purpose === 'write' ? recordOriginalMetadata(pristine, coexistence.pod, args.sourceQuotes) : coexistence.pod;
  const severities = [decision.severity, job.severity, coexistence.severity];
  return {
    ...base,
    action: 'injected',
    severity: severities.includes('warning') ? 'warning' : 'info',
    summary,
    pod,
    warnings: out.warnings,
  };
}

function decideFor(env: Environment, pristine: PodTemplate, namespace: string | undefined, ns: NamespaceInfo | undefined): Decision {
  const { config } = env;
  const meta = pristine.metadata ?? {};
  return decide({
    emulate: config.emulate,
    podLabels: meta.labels ?? {},
    podAnnotations: meta.annotations ?? {},
    hostNetwork: pristine.spec.hostNetwork === true,
    podNamespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    namespace: namespace ?? '',
    namespaceLabels: ns?.labels,
    webhooks: env.webhooks,
    injector: env.injectorPolicy ?? {
      policy: config.policy,
      neverInjectSelector: config.neverInjectSelector,
      alwaysInjectSelector: config.alwaysInjectSelector,
    },
    revision: config.revision,
    tags: config.revisionTags,
    injectValueSemantics: config.injectValueSemantics,
  });
}
