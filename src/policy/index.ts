/**
 * The injection decision engine: Kubernetes label selectors, Istio's injection webhooks as
 * selector data (stage A), and `decide()` with its reasons and trail (stage A + istiod's
 * injectRequired, stage B). Pure functions on plain data; callers supply namespaces, webhooks
 * and injector config, and turn decisions into results.
 */
export {
  compileSelector,
  matchesSelector,
  evaluateSelector,
  and3,
  labelKeyError,
  labelValueError,
} from './selector.js';
export type {
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  Tri,
  Requirement,
  SelectorError,
  CompiledSelector,
  CompileResult,
} from './selector.js';
export {
  INJECTOR_WEBHOOK_SUFFIX,
  TAG_LABEL,
  DEACTIVATED_LABEL,
  NEVER_MATCH,
  WEBHOOK_PREFIXES,
  standardWebhooks,
  webhooksFromConfigurations,
  matchWebhooks,
  callingWebhooks,
  effectiveNamespaceLabels,
  normalizeRevision,
  revisionName,
} from './webhooks.js';
export type {
  InjectionWebhook,
  Webhook,
  RevisionInstall,
  StandardWebhookOptions,
  WebhookMatch,
  WebhookPrefix,
  NamespaceView,
} from './webhooks.js';
export { decide, decidingStep, REASONS } from './decide.js';
export { formatTrail } from './trail.js';
export type {
  Decision,
  DecisionInput,
  Emulation,
  InjectValueSemantics,
  InjectorPolicy,
  ReasonCode,
  Step,
  StepRule,
  Verdict,
} from './facts.js';
