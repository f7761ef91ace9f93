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
import type { Decision, DecisionInput, InjectValue, Outcome, ReasonCode, SelectorCheck, StageA, StageAStop, StageB, StageBFact, Step } from './facts.js';
import { compileSelector, presentLabels, type LabelSelector, type Labels } from './selector.js';
import { toDecision } from './trail.js';
import { matchWebhooks, normalizeRevision, revisionName, type InjectionWebhook, type WebhookMatch } from './webhooks.js';

/** One line of documentation per reason code (also used by `--explain` and the README). */
export const REASONS: Readonly<Record<ReasonCode, string>> = {
  'namespace-label': 'a webhook was called because of a namespace label (e.g. istio-injection=enabled) and istiod injected by default',
  'revision-label':
    'a webhook was called because an istio.io/rev label (on the namespace, or on the pod when the namespace has none) names this revision or one of its tags',
  'enabled-by-default': 'a webhook matching unlabelled namespaces and pods was called (enableNamespacesByDefault) and istiod injected by default',
  'webhook-selector': 'a webhook with custom selectors matched on pod labels and istiod injected by default',
  'namespace-disabled': 'the namespace has istio-injection set to something other than "enabled": no standard webhook matches, whatever the pod says',
  'pod-label': 'the pod label sidecar.istio.io/inject decided (true or false; a "false" label also stops the webhooks)',
  'pod-annotation': 'the pod annotation sidecar.istio.io/inject decided (istiod only; webhooks do not see annotations)',
  'inject-value-invalid': 'the pod label sidecar.istio.io/inject has a value other than "true"/"false", so no webhook selects the pod',
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
    const o = outcome({
      inject: b.inject,
      revision: run,
      reason: b.reason,
      grounds: { by: 'stage-b', calledBy: undefined },
      deciding: { stage: 'B' },
      warn: valueWarning(b),
    });
    return toDecision(input, undefined, b, o);
  }

  const a = stageA(input, run);
  if (a.outcome.kind === 'stop') {
    const stop = a.outcome.stop;
    const o = outcome({
      inject: false,
      ...(stop.reason === 'other-revision' ? { revision: stop.first.webhook.revision } : {}),
      revisions: a.revisions,
      reason: stop.reason,
      grounds: { by: 'stage-a', stop },
      deciding: { stage: 'A', match: stopMatch(a, stop) },
      warn: false,
    });
    return toDecision(input, a, undefined, o);
  }

  const b = stageB(input);
  const decided = (o: Omit<Outcome, 'severity'> & { warn: boolean }): Decision => toDecision(input, a, b, outcome(o));
  const bDecides = { inject: b.inject, reason: b.reason, deciding: { stage: 'B' }, warn: valueWarning(b) } as const;
  if (a.outcome.kind === 'undetermined') {
    // Whatever the namespace says, istiod would not inject: decide on stage B.
    if (!b.inject) return decided({ ...bDecides, grounds: { by: 'stage-b', calledBy: undefined } });
    return decided({
      inject: false,
      revision: run,
      reason: 'namespace-unknown',
      grounds: { by: 'namespace-unknown' },
      deciding: { stage: 'A', match: undefined },
      warn: true,
    });
  }

  // Stage A calls this run's revision.
  const via = a.runCalled[0] as WebhookMatch;
  const called = { revision: run, revisions: a.revisions };
  if (b.inject && a.called.length > 1) {
    return decided({
      ...called,
      inject: true,
      reason: 'multiple-webhooks',
      grounds: { by: 'multiple-webhooks' },
      deciding: { stage: 'A', match: undefined },
      warn: true,
    });
  }
  if (b.inject && b.usedDefault) {
    // Policy enabled and nothing explicit: the webhook selector is what made it happen.
    return decided({ ...called, ...bDecides, reason: reasonForMatch(via, input), grounds: { by: 'webhook', via }, deciding: { stage: 'A', match: via } });
  }
  // Stage B decided (it said no, or an explicit value said yes).
  return decided({ ...called, ...bDecides, grounds: { by: 'stage-b', calledBy: via.webhook } });
}

function outcome({ warn, ...o }: Omit<Outcome, 'severity'> & { warn: boolean }): Outcome {
  return { ...o, severity: warn || WARNING_REASONS.has(o.reason) ? 'warning' : 'info' };
}

/** An inject value istiod ignored (with a warning) and the default then decided. */
function valueWarning(b: StageB): boolean {
  return b.invalidValue !== undefined && b.usedDefault;
}

/** The webhook step that decides a stop, if one does (else stage A's summary step). */
function stopMatch(a: StageA, stop: StageAStop): WebhookMatch | undefined {
  if (stop.reason === 'other-revision') return a.called.length > 0 ? stop.first : undefined;
  if (stop.reason === 'pod-label') return stop.blocked;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Stage A: the API server's webhook selectors

function stageA(input: DecisionInput, run: string): StageA {
  const podLabels = input.podLabels ?? {};
  const nsLabels = input.namespaceLabels;
  const tags = [...new Set(input.tags ?? [])];
  const isRun = (m: WebhookMatch): boolean => m.webhook.revision === run || (m.webhook.tag !== undefined && tags.includes(m.webhook.tag));
  const matches = matchWebhooks(input.webhooks, { name: input.namespace, labels: nsLabels }, podLabels);
  const called = matches.filter((m) => m.verdict === true);
  const possible = matches.filter((m) => m.verdict === 'unknown');
  const facts = {
    matches,
    called,
    possible,
    runCalled: called.filter(isRun),
    runPossible: possible.filter(isRun),
    revisions: [...new Set(called.map((m) => m.webhook.revision))],
    run,
    tags,
  };
  const stop = (s: StageAStop): StageA => ({ ...facts, outcome: { kind: 'stop', stop: s } });

  if (facts.runCalled.length > 0) return { ...facts, outcome: { kind: 'called' } };
  if (facts.runPossible.length > 0) {
    const keys = [...new Set(facts.runPossible.flatMap((m) => m.unknownKeys))].sort();
    return { ...facts, outcome: { kind: 'undetermined', keys } };
  }
  if (called.length > 0 || possible.length > 0) return stop({ reason: 'other-revision', first: [...called, ...possible][0] as WebhookMatch });

  // Nothing is (or could be) called: find the reason a user would look for.
  const active = matches.filter((m) => !m.webhook.deactivated);
  if (active.length === 0) return stop({ reason: 'no-webhooks' });
  const podInject = podLabels[Label.sidecarInject];
  if (podInject === 'false') return stop({ reason: 'pod-label', blocked: active.find((m) => m.namespace !== false && !m.object) });
  const nsInjection = nsLabels?.[Label.istioInjection];
  if (nsInjection !== undefined && nsInjection !== 'enabled') return stop({ reason: 'namespace-disabled', value: nsInjection });
  const missing = missingRevision(nsLabels, podLabels, input.webhooks);
  if (missing !== undefined) return stop({ reason: 'revision-not-installed', ...missing });
  if (podInject !== undefined && podInject !== 'true') return stop({ reason: 'inject-value-invalid', value: podInject });
  return stop({ reason: 'no-webhook-matched' });
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

/** Which label made a webhook that injected by default match. */
function reasonForMatch(m: WebhookMatch, input: DecisionInput): ReasonCode {
  const ns = presentLabels(m.namespaceSelector.requirements, input.namespaceLabels ?? {});
  const pod = presentLabels(m.objectSelector.requirements, input.podLabels ?? {});
  if (pod.some(([k]) => k === Label.sidecarInject)) return 'pod-label';
  if ([...ns, ...pod].some(([k]) => k === Label.istioRev)) return 'revision-label';
  if (ns.length > 0) return 'namespace-label';
  if (pod.length > 0) return 'webhook-selector';
  return 'enabled-by-default';
}

// ---------------------------------------------------------------------------------------------
// Stage B: istiod's injectRequired (pkg/kube/inject/inject.go), check by check in its order.
// Each check records one fact (one trail step); the first check that decides returns.

function stageB(input: DecisionInput): StageB {
  const kubeInject = input.emulate === 'kube-inject';
  const facts: StageBFact[] = [];
  const check = (f: StageBFact): number => facts.push(f) - 1;
  let value: InjectValue | undefined;
  const result = (inject: boolean, reason: ReasonCode, deciding: number, usedDefault = false): StageB => ({
    inject,
    reason,
    facts,
    deciding,
    usedDefault,
    invalidValue: value?.invalid ? value : undefined,
  });

  const hostNetwork = input.hostNetwork === true;
  const hn = check({ rule: 'host-network', hostNetwork });
  if (hostNetwork) return result(false, 'host-network', hn);

  // Quirk: kube-inject checks the pod template's own metadata.namespace, normally empty for workloads.
  const namespace = kubeInject ? (input.podNamespace ?? '') : input.namespace;
  const ignored = IGNORED_NAMESPACES.includes(namespace);
  const ns = check({ rule: 'ignored-namespace', namespace, ignored, podTemplate: kubeInject });
  if (ignored) return result(false, 'ignored-namespace', ns);

  const labels = input.podLabels ?? {};
  value = readInjectValue(labels, input.podAnnotations ?? {}, input.injectValueSemantics === 'legacy');
  const vi = check({ rule: 'inject-value', ...value });
  const explicit = value.explicit;

  // Only while the default applies: the first matching neverInjectSelector skips (never beats
  // always), else the first matching alwaysInjectSelector injects. Quirk: kube-inject reads neither.
  const skip = kubeInject ? 'kube-inject' : explicit !== undefined ? 'explicit' : undefined;
  const never = firstMatch('never-selector', input.injector.neverInjectSelector, labels, skip);
  const nv = check(never);
  const always = firstMatch('always-selector', input.injector.alwaysInjectSelector, labels, skip ?? (never.hit ? 'decided' : undefined));
  const al = check(always);
  const usedDefault = explicit === undefined && !never.hit && !always.hit;

  // Quirk: kube-inject forces the policy to enabled; any policy but enabled/disabled injects
  // nothing, not even an explicit "true" (istiod logs an error).
  const policy = kubeInject ? 'enabled' : input.injector.policy;
  const pol = check({ rule: 'policy', policy, configured: input.injector.policy, forced: kubeInject, usedDefault });
  if (policy !== 'enabled' && policy !== 'disabled') return result(false, 'policy-invalid', pol, usedDefault);
  if (explicit !== undefined) return result(explicit, value.source === 'annotation' ? 'pod-annotation' : 'pod-label', vi);
  if (never.hit) return result(false, 'never-selector', nv);
  if (always.hit) return result(true, 'always-selector', al);
  return result(policy === 'enabled', policy === 'enabled' ? 'policy-enabled' : 'policy-disabled', pol, true);
}

/** `sidecar.istio.io/inject` as istiod reads it. */
function readInjectValue(labels: Labels, annotations: Labels, legacy: boolean): InjectValue {
  // Quirk: the label wins when present, even empty; the annotation is read only without it.
  const label = Object.hasOwn(labels, Label.sidecarInject);
  const annotation = Object.hasOwn(annotations, Annotation.sidecarInject);
  const value = (label ? labels[Label.sidecarInject] : annotation ? annotations[Annotation.sidecarInject] : '') ?? '';
  // Quirk: before 1.27 y/yes/true/on (any case) injected and any other non-empty value skipped;
  // since 1.27 only "true"/"false" count and anything else is ignored with a warning.
  const explicit =
    value === ''
      ? undefined
      : legacy
        ? ['y', 'yes', 'true', 'on'].includes(value.toLowerCase())
        : value === 'true'
          ? true
          : value === 'false'
            ? false
            : undefined;
  return {
    source: label ? 'label' : annotation ? 'annotation' : undefined,
    value,
    shadowed: label && annotation ? annotations[Annotation.sidecarInject] : undefined,
    explicit,
    invalid: !legacy && value !== '' && explicit === undefined,
    legacy,
  };
}

/** The first entry of an injector selector list matching the pod labels; istiod skips invalid and empty ones. */
function firstMatch(rule: SelectorCheck['rule'], list: readonly LabelSelector[], labels: Labels, skipped: SelectorCheck['skipped']): SelectorCheck {
  const found: SelectorCheck = { rule, count: list.length, labels, skipped, hit: undefined, passed: [] };
  if (skipped !== undefined) return found;
  for (const [index, selector] of list.entries()) {
    const compiled = compileSelector(selector);
    if (!compiled.ok) found.passed.push({ index, error: compiled.error });
    else if (compiled.selector.empty) found.passed.push({ index, error: undefined });
    else if (compiled.selector.matches(labels)) return { ...found, hit: { index, text: compiled.selector.toString() } };
  }
  return found;
}
