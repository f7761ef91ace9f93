/**
 * The injection decision for one pod template, as data: would Istio inject it, which revision,
 * which rule decided, and the trail of every rule consulted on the way. Two emulations:
 *
 * - `webhook`: stage A (the API server's webhook selectors, `webhooks.ts`), then stage B
 *   (istiod's `injectRequired`) exactly in Istio's order;
 * - `kube-inject`: what `istioctl kube-inject` does, stage B only, with the policy forced to
 *   `enabled`, the injector selectors not consulted, and the ignored-namespace check applied to
 *   the pod template's own `metadata.namespace` (normally empty for workloads: Istio's quirk).
 *
 * Pure function on plain data: no YAML, no I/O, no exceptions for user data. Deciding where the
 * inputs come from (Namespace objects, function config, MWCs in the input) and turning a
 * decision into a KRM result is the caller's job; so is rendering the sidecar.
 */
import { Label, Annotation, IGNORED_NAMESPACES } from '../kube/keys.js';
import { compileSelector } from './selector.js';
import type { LabelSelector, Labels, Requirement } from './selector.js';
import { matchWebhooks, normalizeRevision, revisionName } from './webhooks.js';
import type { InjectionWebhook, WebhookMatch } from './webhooks.js';

export type Emulation = 'webhook' | 'kube-inject';

/**
 * How istiod reads `sidecar.istio.io/inject`: `exact` (Istio >= 1.27, the default) accepts only
 * `true`/`false` and treats any other non-empty value as unset (with a warning); `legacy`
 * (< 1.27) accepts `y`/`yes`/`true`/`on` in any case as inject, and any other non-empty value as
 * an explicit skip.
 */
export type InjectValueSemantics = 'exact' | 'legacy';

/** The parts of the injector `config` that take part in the decision. */
export interface InjectorPolicy {
  /** `enabled` or `disabled`; anything else disables injection altogether. */
  policy: string;
  neverInjectSelector: readonly LabelSelector[];
  alwaysInjectSelector: readonly LabelSelector[];
}

export interface DecisionInput {
  emulate: Emulation;
  /** The pod template's labels (stage A object selectors, the inject label, injector selectors). */
  podLabels?: Labels;
  /** The pod template's annotations (only `sidecar.istio.io/inject` is read). */
  podAnnotations?: Labels;
  hostNetwork?: boolean;
  /** The pod template's own `metadata.namespace` (used only by the kube-inject emulation). */
  podNamespace?: string | undefined;
  /** The namespace the workload is created in. */
  namespace: string;
  /** The namespace's labels, or `undefined` when the namespace is unknown. */
  namespaceLabels: Labels | undefined;
  /** Carried for callers (OpenShift UID ranges); the decision does not read them. */
  namespaceAnnotations?: Labels | undefined;
  /** Stage A webhooks: `standardWebhooks(...)` or `webhooksFromConfigurations(...)`. */
  webhooks: readonly InjectionWebhook[];
  injector: InjectorPolicy;
  /** The revision this run renders; `''` (or `default`) is the default revision. */
  revision: string;
  /** Revision tags pointing at `revision`: a webhook serving one of them counts as this run's. */
  tags?: readonly string[];
  /** Default `exact`. */
  injectValueSemantics?: InjectValueSemantics;
}

/**
 * Why a workload is or is not injected. Each code names the rule that decided.
 */
export type ReasonCode =
  | 'namespace-label'
  | 'revision-label'
  | 'enabled-by-default'
  | 'webhook-selector'
  | 'namespace-disabled'
  | 'pod-label'
  | 'pod-annotation'
  | 'inject-value-invalid'
  | 'host-network'
  | 'ignored-namespace'
  | 'never-selector'
  | 'always-selector'
  | 'policy-enabled'
  | 'policy-disabled'
  | 'policy-invalid'
  | 'no-webhooks'
  | 'no-webhook-matched'
  | 'revision-not-installed'
  | 'namespace-unknown'
  | 'other-revision'
  | 'multiple-webhooks';

/** One line of documentation per reason code (also used by `--explain` and the README). */
export const REASONS: Readonly<Record<ReasonCode, string>> = {
  'namespace-label':
    'a webhook was called because of a namespace label (e.g. istio-injection=enabled) and istiod injected by default',
  'revision-label':
    'a webhook was called because an istio.io/rev label (on the namespace, or on the pod when the namespace has none) names this revision or one of its tags',
  'enabled-by-default':
    'a webhook matching unlabelled namespaces and pods was called (enableNamespacesByDefault) and istiod injected by default',
  'webhook-selector': 'a webhook with custom selectors matched on pod labels and istiod injected by default',
  'namespace-disabled':
    'the namespace has istio-injection set to something other than "enabled": no standard webhook matches, whatever the pod says',
  'pod-label': 'the pod label sidecar.istio.io/inject decided (true or false; a "false" label also stops the webhooks)',
  'pod-annotation': 'the pod annotation sidecar.istio.io/inject decided (istiod only; webhooks do not see annotations)',
  'inject-value-invalid':
    'the pod label sidecar.istio.io/inject has a value other than "true"/"false", so no webhook selects the pod',
  'host-network': 'the pod uses hostNetwork: istiod never injects it',
  'ignored-namespace': 'the namespace is one istiod never injects (kube-system, kube-public, kube-node-lease, local-path-storage)',
  'never-selector': 'a neverInjectSelector of the injector config matched the pod labels',
  'always-selector': 'an alwaysInjectSelector of the injector config matched the pod labels',
  'policy-enabled': 'nothing explicit; the injection policy is enabled (kube-inject always behaves so)',
  'policy-disabled': 'nothing explicit; the injection policy is disabled',
  'policy-invalid': 'the injection policy is neither "enabled" nor "disabled": istiod injects nothing',
  'no-webhooks': 'no injection webhook is installed (or all are deactivated)',
  'no-webhook-matched': 'no webhook selects this namespace and pod, so istiod is never called',
  'revision-not-installed': 'an istio.io/rev label names a revision or tag that has no webhook',
  'namespace-unknown':
    'the namespace is not in the input (or not given: -n/--namespace, spec.defaultNamespace) and its labels decide; provide it (Namespace object, or namespaces: in the function config)',
  'other-revision': 'the webhooks that match call another revision than the one this run renders',
  'multiple-webhooks': 'more than one webhook matches: the pod would be injected more than once',
};

export type Verdict = 'matched' | 'not matched' | 'skipped' | 'unknown';

/** The rule a trail step is about. */
export type StepRule =
  | 'webhook'
  | 'revision'
  | 'host-network'
  | 'ignored-namespace'
  | 'inject-value'
  | 'never-selector'
  | 'always-selector'
  | 'policy';

export interface Step {
  /** `A` = API server webhook selectors, `B` = istiod's injectRequired. */
  stage: 'A' | 'B';
  rule: StepRule;
  /** Webhook entry name (rule `webhook` only). */
  webhook?: string;
  /** Its configuration (rule `webhook` only). */
  configuration?: string;
  /** Human subject, e.g. `webhook namespace.sidecar-injector.istio.io (istio-sidecar-injector, revision default)`. */
  subject: string;
  /** What the rule looked at. */
  input: string;
  verdict: Verdict;
  /** What the verdict means here. */
  detail: string;
  /** This step decided the outcome (exactly one step per decision). */
  deciding: boolean;
}

export interface Decision {
  inject: boolean;
  /** The revision that injects (or, for `other-revision`, the first revision that would); `''` = default. */
  revision?: string;
  /** All revisions stage A definitely calls, in call order (webhook emulation). */
  revisions?: string[];
  reason: ReasonCode;
  /** Human account of the deciding rule. */
  rule: string;
  severity: 'info' | 'warning';
  trail: Step[];
}

const WARNING_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'namespace-unknown',
  'multiple-webhooks',
  'inject-value-invalid',
  'policy-invalid',
  'no-webhooks',
  'revision-not-installed',
]);

/** The trail step that decided. */
export function decidingStep(decision: Decision): Step | undefined {
  return decision.trail.find((s) => s.deciding);
}

export function decide(input: DecisionInput): Decision {
  const run = normalizeRevision(input.revision);
  if (input.emulate === 'kube-inject') {
    const b = stageB(input);
    return finish({
      inject: b.inject,
      revision: run,
      reason: b.reason,
      rule: b.rule,
      trail: b.steps,
      deciding: b.deciding,
      warn: b.invalidValue !== undefined && b.usedDefault,
    });
  }

  const a = stageA(input, run);
  if (a.kind === 'stop') {
    return finish({
      inject: false,
      ...(a.revision !== undefined ? { revision: a.revision } : {}),
      revisions: a.revisions,
      reason: a.reason,
      rule: a.rule,
      trail: a.steps,
      deciding: a.deciding,
      warn: false,
    });
  }

  const b = stageB(input);
  const trail = [...a.steps, ...b.steps];
  const offset = a.steps.length;
  const warnValue = b.invalidValue !== undefined && b.usedDefault;

  if (a.kind === 'undetermined') {
    if (!b.inject) {
      // Whatever the namespace says, istiod would not inject: decide on stage B.
      return finish({ inject: false, reason: b.reason, rule: b.rule, trail, deciding: offset + b.deciding, warn: warnValue });
    }
    return finish({
      inject: false,
      revision: run,
      reason: 'namespace-unknown',
      rule: a.rule,
      trail,
      deciding: a.summary,
      warn: true,
    });
  }

  // Stage A calls this run's revision.
  const via = a.runCalled[0] as WebhookMatch;
  const viaText = webhookRef(via.webhook);
  if (b.inject && a.called.length > 1) {
    return finish({
      inject: true,
      revision: run,
      revisions: a.revisions,
      reason: 'multiple-webhooks',
      rule: `${a.called.length} webhooks would inject: ${a.called.map((m) => webhookRef(m.webhook)).join(', ')}`,
      trail,
      deciding: a.summary,
      warn: true,
    });
  }
  if (b.inject && b.usedDefault) {
    // Policy enabled and nothing explicit: the webhook selector is what made it happen.
    const matchText = describeMatch(via, input);
    return finish({
      inject: true,
      revision: run,
      revisions: a.revisions,
      reason: reasonForMatch(via, input),
      rule: `${matchText} (${viaText})${b.invalidValue !== undefined ? `; ${b.invalidValue}` : ''}`,
      trail,
      deciding: a.webhookIndex.get(via) ?? a.summary,
      warn: warnValue,
    });
  }
  // Stage B decided (it said no, or an explicit value said yes).
  return finish({
    inject: b.inject,
    revision: run,
    revisions: a.revisions,
    reason: b.reason,
    rule: `${b.rule} (called by ${viaText})`,
    trail,
    deciding: offset + b.deciding,
    warn: warnValue,
  });
}

function finish(d: {
  inject: boolean;
  revision?: string;
  revisions?: string[];
  reason: ReasonCode;
  rule: string;
  trail: Step[];
  deciding: number;
  warn: boolean;
}): Decision {
  const trail = d.trail.map((s, i) => ({ ...s, deciding: i === d.deciding }));
  return {
    inject: d.inject,
    ...(d.revision !== undefined ? { revision: d.revision } : {}),
    ...(d.revisions !== undefined ? { revisions: d.revisions } : {}),
    reason: d.reason,
    rule: d.rule,
    severity: d.warn || WARNING_REASONS.has(d.reason) ? 'warning' : 'info',
    trail,
  };
}

// ---------------------------------------------------------------------------------------------
// Stage A

type StageA =
  | {
      kind: 'stop';
      reason: ReasonCode;
      rule: string;
      revision?: string;
      revisions: string[];
      steps: Step[];
      deciding: number;
    }
  | {
      kind: 'called' | 'undetermined';
      rule: string;
      called: WebhookMatch[];
      runCalled: WebhookMatch[];
      revisions: string[];
      steps: Step[];
      summary: number;
      webhookIndex: Map<WebhookMatch, number>;
    };

function stageA(input: DecisionInput, run: string): StageA {
  const podLabels = input.podLabels ?? {};
  const nsLabels = input.namespaceLabels;
  const matches = matchWebhooks(input.webhooks, { name: input.namespace, labels: nsLabels }, podLabels);
  const tags = new Set(input.tags ?? []);
  const isRun = (w: InjectionWebhook): boolean => w.revision === run || (w.tag !== undefined && tags.has(w.tag));

  const steps: Step[] = [];
  const webhookIndex = new Map<WebhookMatch, number>();
  const nsText =
    input.namespace === ''
      ? 'unknown (no namespace given)'
      : nsLabels === undefined
        ? `unknown (only ${Label.metadataName}=${input.namespace})`
        : labelsText({ ...nsLabels, [Label.metadataName]: input.namespace });
  const stepInput = `namespace labels ${nsText}; pod labels ${labelsText(podLabels)}`;
  for (const m of matches) {
    webhookIndex.set(m, steps.length);
    steps.push(webhookStep(m, stepInput));
  }

  const called = matches.filter((m) => m.verdict === true);
  const possible = matches.filter((m) => m.verdict === 'unknown');
  const runCalled = called.filter((m) => isRun(m.webhook));
  const runPossible = possible.filter((m) => isRun(m.webhook));
  const revisions = [...new Set(called.map((m) => m.webhook.revision))];
  const runText = `this run renders revision ${revisionName(run)}${tags.size > 0 ? ` (tags ${[...tags].join(', ')})` : ''}`;
  const calledText = called.length === 0 ? 'no webhook is called' : `called: ${called.map((m) => webhookRef(m.webhook)).join(', ')}`;
  const summaryInput = `${calledText}${possible.length > 0 ? `; may be called: ${possible.map((m) => webhookRef(m.webhook)).join(', ')}` : ''}; ${runText}`;
  const summary = steps.length;
  const summaryStep = (verdict: Verdict, detail: string): Step => ({
    stage: 'A',
    rule: 'revision',
    subject: 'revision called',
    input: summaryInput,
    verdict,
    detail,
    deciding: false,
  });

  if (runCalled.length > 0) {
    steps.push(summaryStep('matched', `istiod revision ${revisionName(run)} is called`));
    return { kind: 'called', rule: '', called, runCalled, revisions, steps, summary, webhookIndex };
  }
  if (runPossible.length > 0) {
    const keys = [...new Set(runPossible.flatMap((m) => m.unknownKeys))].sort();
    const calledText = `${runPossible.map((m) => webhookRef(m.webhook)).join(', ')} ${runPossible.length > 1 ? 'are' : 'is'} called`;
    const rule =
      input.namespace === ''
        ? `no namespace: give -n/--namespace or spec.defaultNamespace (the object has no metadata.namespace, and the namespace labels ${keys.join(', ')} decide whether ${calledText})`
        : `namespace ${input.namespace} is not in the input, and its labels ${keys.join(', ')} decide whether ${calledText}; ` +
          `add the Namespace object to the input, or give its labels under namespaces: in the function config`;
    steps.push(summaryStep('unknown', `depends on namespace labels ${keys.join(', ')}`));
    return { kind: 'undetermined', rule, called, runCalled, revisions, steps, summary, webhookIndex };
  }
  if (called.length > 0 || possible.length > 0) {
    const others = [...called, ...possible];
    const first = others[0] as WebhookMatch;
    steps.push(summaryStep('not matched', `only other revisions are called (${revisionList(others)})`));
    return {
      kind: 'stop',
      reason: 'other-revision',
      rule: `${called.length > 0 ? describeMatch(first, input) : 'the namespace labels'} select${called.length > 0 ? 's' : ''} revision ${revisionName(first.webhook.revision)} (${webhookRef(first.webhook)}${called.length === 0 ? ', if its namespace labels allow' : ''}), not revision ${revisionName(run)}`,
      revision: first.webhook.revision,
      revisions,
      steps,
      deciding: called.length > 0 ? (webhookIndex.get(first) ?? summary) : summary,
    };
  }

  // Nothing is (or could be) called.
  steps.push(summaryStep('not matched', 'no webhook is called'));
  const stop = (reason: ReasonCode, rule: string, deciding = summary): StageA => ({
    kind: 'stop',
    reason,
    rule,
    revisions,
    steps,
    deciding,
  });
  const active = matches.filter((m) => !m.webhook.deactivated);
  if (active.length === 0) {
    return stop('no-webhooks', input.webhooks.length === 0 ? 'no injection webhook is installed' : 'every injection webhook is deactivated (never-match selectors)');
  }
  const podInject = podLabels[Label.sidecarInject];
  if (podInject === 'false') {
    const blocked = active.find((m) => m.namespace !== false && !m.object);
    return stop(
      'pod-label',
      `pod label ${Label.sidecarInject}=false${blocked ? ` (excluded by ${webhookRef(blocked.webhook)})` : ''}`,
      blocked ? (webhookIndex.get(blocked) ?? summary) : summary,
    );
  }
  const nsInjection = nsLabels?.[Label.istioInjection];
  if (nsInjection !== undefined && nsInjection !== 'enabled') {
    return stop('namespace-disabled', `namespace label ${Label.istioInjection}=${nsInjection}: no webhook selects the namespace`);
  }
  const missing = missingRevision(nsLabels, podLabels, input.webhooks);
  if (missing !== undefined) {
    return stop('revision-not-installed', `${missing.where} label ${Label.istioRev}=${missing.value} names no installed revision or tag`);
  }
  if (podInject !== undefined && podInject !== 'true') {
    return stop(
      'inject-value-invalid',
      `pod label ${Label.sidecarInject}=${JSON.stringify(podInject)} is not "true", so no webhook selects the pod`,
    );
  }
  return stop(
    'no-webhook-matched',
    `no webhook selects ${input.namespace === '' ? 'the namespace' : `namespace ${input.namespace}`} (${nsText}) with pod labels ${labelsText(podLabels)}`,
  );
}

function webhookStep(m: WebhookMatch, input: string): Step {
  const w = m.webhook;
  const verdict: Verdict = w.deactivated ? 'skipped' : m.verdict === 'unknown' ? 'unknown' : m.verdict ? 'matched' : 'not matched';
  let detail: string;
  if (w.deactivated) {
    detail = 'deactivated: its selectors never match';
  } else {
    const ns = m.namespace === 'unknown' ? `unknown (needs ${m.unknownKeys.join(', ')})` : String(m.namespace);
    detail = `namespaceSelector ${m.namespaceSelector.toString()} → ${ns}; objectSelector ${m.objectSelector.toString()} → ${String(m.object)}`;
  }
  return {
    stage: 'A',
    rule: 'webhook',
    webhook: w.name,
    configuration: w.configuration,
    subject: `webhook ${w.name} (${w.configuration}, revision ${revisionName(w.revision)}${w.tag !== undefined ? `, tag ${w.tag}` : ''})`,
    input,
    verdict,
    detail,
    deciding: false,
  };
}

/** A `istio.io/rev` label that stage A would follow, naming a revision/tag no webhook serves. */
function missingRevision(
  nsLabels: Labels | undefined,
  podLabels: Labels,
  webhooks: readonly InjectionWebhook[],
): { where: 'namespace' | 'pod'; value: string } | undefined {
  const served = new Set<string>();
  for (const w of webhooks) {
    if (w.deactivated) continue;
    served.add(revisionName(w.revision));
    if (w.tag !== undefined) served.add(w.tag);
  }
  if (nsLabels === undefined || nsLabels[Label.istioInjection] !== undefined) return undefined;
  const nsRev = nsLabels[Label.istioRev];
  if (nsRev !== undefined) return served.has(nsRev) ? undefined : { where: 'namespace', value: nsRev };
  const podRev = podLabels[Label.istioRev];
  if (podRev !== undefined && !served.has(podRev)) return { where: 'pod', value: podRev };
  return undefined;
}

/** Requirements that hold because a label is present (In, =, Exists), with the label that satisfies them. */
function positiveLabels(reqs: readonly Requirement[], labels: Labels): [string, string][] {
  const out: [string, string][] = [];
  for (const r of reqs) {
    if ((r.op === 'in' || r.op === '=' || r.op === 'exists') && Object.prototype.hasOwnProperty.call(labels, r.key)) {
      out.push([r.key, labels[r.key] as string]);
    }
  }
  return out;
}

function describeMatch(m: WebhookMatch, input: DecisionInput): string {
  const nsLabels = input.namespaceLabels ?? {};
  const ns = positiveLabels(m.namespaceSelector.requirements, nsLabels).map(([k, v]) => `namespace label ${k}=${v}`);
  const pod = positiveLabels(m.objectSelector.requirements, input.podLabels ?? {}).map(([k, v]) => `pod label ${k}=${v}`);
  const parts = [...ns, ...pod];
  return parts.length > 0 ? parts.join(' and ') : 'injection enabled for unlabelled namespaces and pods';
}

function reasonForMatch(m: WebhookMatch, input: DecisionInput): ReasonCode {
  const ns = positiveLabels(m.namespaceSelector.requirements, input.namespaceLabels ?? {});
  const pod = positiveLabels(m.objectSelector.requirements, input.podLabels ?? {});
  if (pod.some(([k]) => k === Label.sidecarInject)) return 'pod-label';
  if ([...ns, ...pod].some(([k]) => k === Label.istioRev)) return 'revision-label';
  if (ns.length > 0) return 'namespace-label';
  if (pod.length > 0) return 'webhook-selector';
  return 'enabled-by-default';
}

function webhookRef(w: InjectionWebhook): string {
  return w.configuration === 'istio-sidecar-injector' ? `webhook ${w.name}` : `webhook ${w.name} of ${w.configuration}`;
}

function revisionList(ms: readonly WebhookMatch[]): string {
  return [...new Set(ms.map((m) => revisionName(m.webhook.revision)))].join(', ');
}

// ---------------------------------------------------------------------------------------------
// Stage B: injectRequired

interface StageB {
  inject: boolean;
  reason: ReasonCode;
  rule: string;
  steps: Step[];
  /** Index into `steps`. */
  deciding: number;
  /** Nothing explicit and no selector: the policy decided. */
  usedDefault: boolean;
  /** Set when the inject value was present but not understood (exact semantics). */
  invalidValue?: string;
}

function stageB(input: DecisionInput): StageB {
  const kubeInject = input.emulate === 'kube-inject';
  const steps: Step[] = [];
  const step = (rule: StepRule, subject: string, stepInput: string, verdict: Verdict, detail: string): number => {
    steps.push({ stage: 'B', rule, subject, input: stepInput, verdict, detail, deciding: false });
    return steps.length - 1;
  };

  // 1. hostNetwork
  const hostNetwork = input.hostNetwork === true;
  const hn = step(
    'host-network',
    'host network',
    `hostNetwork: ${String(hostNetwork)}`,
    hostNetwork ? 'matched' : 'not matched',
    hostNetwork ? 'host networking: never injected' : 'pod network',
  );
  if (hostNetwork) {
    return { inject: false, reason: 'host-network', rule: 'the pod uses hostNetwork', steps, deciding: hn, usedDefault: false };
  }

  // 2. ignored namespaces
  const podNamespace = kubeInject ? (input.podNamespace ?? '') : input.namespace;
  const ignored = IGNORED_NAMESPACES.includes(podNamespace);
  const ig = step(
    'ignored-namespace',
    'ignored namespace',
    kubeInject ? `pod template metadata.namespace ${JSON.stringify(podNamespace)}` : podNamespace === '' ? 'no namespace given' : `namespace ${podNamespace}`,
    ignored ? 'matched' : 'not matched',
    ignored ? `${podNamespace} is never injected` : `not one of ${IGNORED_NAMESPACES.join(', ')}`,
  );
  if (ignored) {
    return { inject: false, reason: 'ignored-namespace', rule: `namespace ${podNamespace} is never injected`, steps, deciding: ig, usedDefault: false };
  }

  // 3. the inject label (wins when present, even empty), else the annotation
  const labels = input.podLabels ?? {};
  const annotations = input.podAnnotations ?? {};
  const labelPresent = Object.prototype.hasOwnProperty.call(labels, Label.sidecarInject);
  const annotationPresent = Object.prototype.hasOwnProperty.call(annotations, Annotation.sidecarInject);
  const source: 'label' | 'annotation' | undefined = labelPresent ? 'label' : annotationPresent ? 'annotation' : undefined;
  const value = labelPresent ? (labels[Label.sidecarInject] as string) : annotationPresent ? (annotations[Annotation.sidecarInject] as string) : '';
  const legacy = input.injectValueSemantics === 'legacy';
  let explicit: boolean | undefined;
  let invalidValue: string | undefined;
  if (legacy) {
    if (value !== '') explicit = ['y', 'yes', 'true', 'on'].includes(value.toLowerCase());
  } else if (value === 'true') {
    explicit = true;
  } else if (value === 'false') {
    explicit = false;
  } else if (value !== '') {
    invalidValue = `pod ${source} ${Label.sidecarInject}=${JSON.stringify(value)} is neither "true" nor "false": ignored, default used`;
  }
  const shadowed = labelPresent && annotationPresent ? `; annotation ${JSON.stringify(annotations[Annotation.sidecarInject])} ignored (the label wins)` : '';
  const valueInput = source === undefined ? 'no label or annotation' : `pod ${source} ${Label.sidecarInject}=${JSON.stringify(value)}${shadowed}`;
  const valueDetail =
    explicit !== undefined
      ? `explicit ${explicit ? 'inject' : 'skip'}${legacy ? ' (pre-1.27 semantics)' : ''}`
      : invalidValue !== undefined
        ? 'invalid value: default used'
        : 'unset: default used';
  const vi = step('inject-value', `${Label.sidecarInject}`, valueInput, explicit !== undefined ? 'matched' : 'not matched', valueDetail);
  const explicitReason: ReasonCode = source === 'annotation' ? 'pod-annotation' : 'pod-label';
  const explicitRule = `pod ${source ?? 'label'} ${Label.sidecarInject}=${value}`;

  // 4./5. never- and always-inject selectors (not consulted by kube-inject)
  let decidedBySelector: { inject: boolean; index: number; rule: string } | undefined;
  for (const which of ['never', 'always'] as const) {
    const rule: StepRule = which === 'never' ? 'never-selector' : 'always-selector';
    const name = which === 'never' ? 'neverInjectSelector' : 'alwaysInjectSelector';
    const list = which === 'never' ? input.injector.neverInjectSelector : input.injector.alwaysInjectSelector;
    if (kubeInject) {
      step(rule, name, `${list.length} selector(s)`, 'skipped', 'kube-inject does not consult it');
      continue;
    }
    if (explicit !== undefined || decidedBySelector !== undefined) {
      step(rule, name, `${list.length} selector(s)`, 'skipped', explicit !== undefined ? 'explicit value given' : 'already decided by neverInjectSelector');
      continue;
    }
    const notes: string[] = [];
    let hit: { i: number; text: string } | undefined;
    for (const [i, sel] of list.entries()) {
      const compiled = compileSelector(sel);
      if (!compiled.ok) {
        notes.push(`[${i}] invalid (${compiled.error.field}: ${compiled.error.message}), skipped`);
      } else if (compiled.selector.empty) {
        notes.push(`[${i}] empty, skipped`);
      } else if (compiled.selector.matches(labels)) {
        hit = { i, text: compiled.selector.toString() };
        break;
      }
    }
    const idx = step(
      rule,
      name,
      `pod labels ${labelsText(labels)} against ${list.length} selector(s)`,
      hit ? 'matched' : 'not matched',
      [hit ? `[${hit.i}] ${hit.text} matches` : 'none matches', ...notes].join('; '),
    );
    if (hit) {
      decidedBySelector = { inject: which === 'always', index: idx, rule: `${name}[${hit.i}] ${hit.text} matches the pod labels` };
    }
  }

  // 6. policy
  const policy = kubeInject ? 'enabled' : input.injector.policy;
  const policyInput = kubeInject ? `policy enabled (forced by kube-inject; configured ${JSON.stringify(input.injector.policy)} not used)` : `policy ${JSON.stringify(policy)}`;
  const usedDefault = explicit === undefined && decidedBySelector === undefined;
  if (policy !== 'enabled' && policy !== 'disabled') {
    const pi = step('policy', 'injection policy', policyInput, 'matched', 'invalid policy: injection disabled altogether');
    return {
      inject: false,
      reason: 'policy-invalid',
      rule: `injection policy ${JSON.stringify(policy)} is neither "enabled" nor "disabled"`,
      steps,
      deciding: pi,
      usedDefault,
      ...(invalidValue !== undefined ? { invalidValue } : {}),
    };
  }
  const pi = step(
    'policy',
    'injection policy',
    policyInput,
    'matched',
    usedDefault ? `default: ${policy === 'enabled' ? 'inject' : 'skip'}` : 'follows the explicit decision',
  );
  const extra = invalidValue !== undefined ? { invalidValue } : {};
  if (explicit !== undefined) {
    return { inject: explicit, reason: explicitReason, rule: explicitRule, steps, deciding: vi, usedDefault: false, ...extra };
  }
  if (decidedBySelector !== undefined) {
    return {
      inject: decidedBySelector.inject,
      reason: decidedBySelector.inject ? 'always-selector' : 'never-selector',
      rule: decidedBySelector.rule,
      steps,
      deciding: decidedBySelector.index,
      usedDefault: false,
      ...extra,
    };
  }
  const inject = policy === 'enabled';
  return {
    inject,
    reason: inject ? 'policy-enabled' : 'policy-disabled',
    rule: `${kubeInject ? 'kube-inject injects by default' : `injection policy ${policy}`}${invalidValue !== undefined ? `; ${invalidValue}` : ''}`,
    steps,
    deciding: pi,
    usedDefault: true,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

function labelsText(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

const MARK: Readonly<Record<Verdict, string>> = {
  matched: '✔',
  'not matched': '✘',
  skipped: '-',
  unknown: '?',
};

/**
 * The decision trail as readable text for `--explain`: the outcome and deciding rule, then every
 * step of stage A (admission webhooks) and stage B (istiod's injectRequired) with its input and
 * verdict; the deciding step is marked `=>`.
 */
export function formatTrail(decision: Decision): string {
  const lines: string[] = [];
  const outcome = decision.inject ? `inject (revision ${revisionName(decision.revision ?? '')})` : 'no injection';
  lines.push(`${outcome}: ${decision.reason} [${decision.severity}]`);
  lines.push(`  ${decision.rule}`);
  for (const stage of ['A', 'B'] as const) {
    const steps = decision.trail.filter((s) => s.stage === stage);
    if (steps.length === 0) continue;
    lines.push('');
    lines.push(stage === 'A' ? 'Stage A: admission webhooks (API server selectors)' : 'Stage B: istiod injectRequired');
    for (const s of steps) {
      lines.push(`${s.deciding ? '=>' : '  '} ${MARK[s.verdict]} ${s.verdict.padEnd(11)} ${s.subject}`);
      lines.push(`       input:  ${s.input}`);
      lines.push(`       detail: ${s.detail}`);
    }
  }
  return lines.join('\n') + '\n';
}
