/**
 * What happens to one workload: strip an earlier injection (so the decision and the templates see
 * the pristine pod), decide, then inject, leave alone, or remove a sidecar that policy no longer
 * wants. Returns the new pod template (if any) and a one-line summary with the deciding rule.
 * Finding workloads and writing documents is run.ts's job.
 */
import type { Config } from './config/load.js';
import type { JsonObject, PodTemplate, ResourceRef } from './kube/types.js';
import { decide, type Decision, type InjectorPolicy, type Webhook } from './policy/index.js';
import { stripInjection } from './inject/strip.js';
import { injectPod } from './inject/pipeline.js';
import type { InjectorSettings, SidecarRenderer } from './inject/types.js';
import type { Severity } from './results/result.js';

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
}

export function processWorkload(args: { obj: JsonObject; ref: ResourceRef; pod: PodTemplate; env: Environment }): WorkloadOutcome {
  const { ref, env } = args;
  const { config } = env;
  const stripped = stripInjection(args.pod);
  const pristine = stripped.pod;
  const namespace = ref.namespace ?? config.defaultNamespace;
  const ns = namespace !== undefined ? env.namespaces.get(namespace) : undefined;
  const meta = pristine.metadata ?? {};
  const decision = decide({
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
    injectValueSemantics: config.injectValueSemantics,
  });
  const base = { ref, reason: decision.reason, rule: decision.rule, decision, warnings: [] as string[] };
  if (!decision.inject) {
    if (stripped.wasInjected && decision.severity === 'info') {
      return {
        ...base,
        action: 'removed',
        severity: 'info',
        summary: `sidecar removed: ${decision.rule}`,
        pod: pristine,
      };
    }
    return {
      ...base,
      action: 'skipped',
      severity: decision.severity,
      summary: stripped.wasInjected
        ? `left as it is, with its existing sidecar: ${decision.rule}`
        : `skipped: ${decision.rule}`,
    };
  }
  const workload = {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    namespace: namespace ?? '',
  };
  const out = injectPod({
    pod: pristine,
    workload,
    settings: env.settings,
    renderer: env.renderer,
    ...(ns ? { namespaceAnnotations: ns.annotations } : {}),
  });
  return {
    ...base,
    action: 'injected',
    severity: 'info',
    summary: `injected: ${decision.rule}`,
    pod: out.pod,
    warnings: out.warnings,
  };
}
