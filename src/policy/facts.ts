/**
 * The vocabulary of the injection decision: what `decide()` reads (`DecisionInput`), the facts its
 * rules establish (`StageA`, `StageB`, `Grounds`), and what it returns (`Decision`, its `Step`s).
 * Types only. The rules that produce facts live in `decide.ts`; the text made from them, in
 * `trail.ts`; both depend on this module and on nothing of each other's but `decide.ts` calling
 * `trail.ts` once.
 */
import type { LabelSelector, Labels, SelectorError } from './selector.js';
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

export type Verdict = 'matched' | 'not matched' | 'skipped' | 'unknown';

/** The rule a trail step is about. */
export type StepRule = 'webhook' | 'revision' | 'host-network' | 'ignored-namespace' | 'inject-value' | 'never-selector' | 'always-selector' | 'policy';

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

// ---------------------------------------------------------------------------------------------
// Facts: what the rules found, before any text is made of it.

/** Stage A: every webhook's match (one trail step each), then what they call. */
export interface StageA {
  /** One per webhook, in `input.webhooks` order. */
  matches: readonly WebhookMatch[];
  /** Webhooks that definitely / possibly (unknown namespace labels) call istiod. */
  called: readonly WebhookMatch[];
  possible: readonly WebhookMatch[];
  /** Of those, the ones calling this run's revision (or one of its tags). */
  runCalled: readonly WebhookMatch[];
  runPossible: readonly WebhookMatch[];
  /** Revisions definitely called, in call order. */
  revisions: string[];
  /** This run's revision (`''` = default) and its tags. */
  run: string;
  tags: readonly string[];
  outcome: { kind: 'called' } | { kind: 'undetermined'; keys: readonly string[] } | { kind: 'stop'; stop: StageAStop };
}

/** Why stage A calls no webhook of this run, and the data the message needs. */
export type StageAStop =
  | { reason: 'other-revision'; first: WebhookMatch }
  | { reason: 'no-webhooks' }
  | { reason: 'pod-label'; blocked: WebhookMatch | undefined }
  | { reason: 'namespace-disabled'; value: string }
  | { reason: 'revision-not-installed'; where: 'namespace' | 'pod'; value: string }
  | { reason: 'inject-value-invalid'; value: string }
  | { reason: 'no-webhook-matched' };

/** The pod's `sidecar.istio.io/inject` value as stage B reads it. */
export interface InjectValue {
  /** Where it was read: the label wins when both are present (even empty). */
  source: 'label' | 'annotation' | undefined;
  value: string;
  /** The annotation's value when the label shadows it. */
  shadowed: string | undefined;
  /** `true`/`false` when the value decides; `undefined` when the default is used. */
  explicit: boolean | undefined;
  /** Present but not understood (exact semantics): ignored, default used, warned. */
  invalid: boolean;
  legacy: boolean;
}

/** A never/always-inject selector list as stage B consulted it. */
export interface SelectorCheck {
  rule: 'never-selector' | 'always-selector';
  count: number;
  labels: Labels;
  /** Why the list was not consulted. */
  skipped: 'kube-inject' | 'explicit' | 'decided' | undefined;
  /** The first matching entry. */
  hit: { index: number; text: string } | undefined;
  /** Entries passed over before it: invalid (with the error) or empty. */
  passed: { index: number; error: SelectorError | undefined }[];
}

/** Stage B, one fact per check in istiod's order (the trail shows one step per fact). */
export type StageBFact =
  | { rule: 'host-network'; hostNetwork: boolean }
  | { rule: 'ignored-namespace'; namespace: string; ignored: boolean; podTemplate: boolean }
  | ({ rule: 'inject-value' } & InjectValue)
  | SelectorCheck
  | { rule: 'policy'; policy: string; configured: string; forced: boolean; usedDefault: boolean };

export interface StageB {
  inject: boolean;
  reason: ReasonCode;
  facts: StageBFact[];
  /** Index into `facts` of the check that decided. */
  deciding: number;
  /** Nothing explicit and no selector: the policy decided. */
  usedDefault: boolean;
  /** The inject value when it was present but not understood. */
  invalidValue: InjectValue | undefined;
}

/** What the decision's one-line rule is made from. */
export type Grounds =
  | { by: 'stage-a'; stop: StageAStop }
  | { by: 'stage-b'; calledBy: InjectionWebhook | undefined }
  | { by: 'namespace-unknown' }
  | { by: 'multiple-webhooks' }
  | { by: 'webhook'; via: WebhookMatch };

/** The decision as facts: `trail.ts` turns it into a `Decision`. */
export interface Outcome {
  inject: boolean;
  revision?: string;
  revisions?: string[];
  reason: ReasonCode;
  grounds: Grounds;
  /** The deciding step: a webhook, stage A's summary (`match` undefined), or stage B's deciding check. */
  deciding: { stage: 'A'; match: WebhookMatch | undefined } | { stage: 'B' };
  severity: 'info' | 'warning';
}
