/** Builders and assertions shared by the policy tests. */
import { expect } from 'vitest';
import { decide, decidingStep, standardWebhooks } from '../../src/policy/index.js';
import type {
  Decision,
  DecisionInput,
  InjectionWebhook,
  InjectorPolicy,
  LabelSelector,
  ReasonCode,
  RevisionInstall,
  StepRule,
} from '../../src/policy/index.js';

export const ENABLED: InjectorPolicy = { policy: 'enabled', neverInjectSelector: [], alwaysInjectSelector: [] };

/** The default revision plus a `canary` revision, as most multi-revision clusters run. */
export const TWO_REVISIONS: RevisionInstall[] = [
  { revision: '', tags: [] },
  { revision: 'canary', tags: [] },
];

export interface Case {
  emulate?: DecisionInput['emulate'];
  nsName?: string;
  /** Namespace labels; `null` = the namespace is unknown. */
  ns?: Record<string, string> | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  podNamespace?: string;
  installs?: RevisionInstall[];
  enableNamespacesByDefault?: boolean;
  webhooks?: readonly InjectionWebhook[];
  injector?: Partial<InjectorPolicy>;
  never?: LabelSelector[];
  always?: LabelSelector[];
  policy?: string;
  revision?: string;
  tags?: string[];
  injectValue?: DecisionInput['injectValueSemantics'];
}

export function run(c: Case): Decision {
  const webhooks = c.webhooks ?? standardWebhooks(c.installs ?? TWO_REVISIONS, { enableNamespacesByDefault: c.enableNamespacesByDefault ?? false });
  return decide({
    emulate: c.emulate ?? 'webhook',
    podLabels: c.labels ?? {},
    podAnnotations: c.annotations ?? {},
    ...(c.hostNetwork !== undefined ? { hostNetwork: c.hostNetwork } : {}),
    ...(c.podNamespace !== undefined ? { podNamespace: c.podNamespace } : {}),
    namespace: c.nsName ?? 'shop',
    namespaceLabels: c.ns === null ? undefined : (c.ns ?? {}),
    webhooks,
    injector: {
      policy: c.policy ?? 'enabled',
      neverInjectSelector: c.never ?? [],
      alwaysInjectSelector: c.always ?? [],
    },
    revision: c.revision ?? '',
    ...(c.tags !== undefined ? { tags: c.tags } : {}),
    ...(c.injectValue !== undefined ? { injectValueSemantics: c.injectValue } : {}),
  });
}

export interface Expected {
  inject: boolean;
  reason: ReasonCode;
  /** The deciding step's rule. */
  rule: StepRule;
  stage?: 'A' | 'B';
  /** For webhook steps: the webhook entry name (full) and its configuration. */
  webhook?: string;
  configuration?: string;
  severity?: 'info' | 'warning';
  revision?: string;
}

export function expectDecision(d: Decision, e: Expected): void {
  expect({ inject: d.inject, reason: d.reason }).toEqual({ inject: e.inject, reason: e.reason });
  expect(d.trail.filter((s) => s.deciding)).toHaveLength(1);
  const step = decidingStep(d);
  expect(step?.rule).toBe(e.rule);
  if (e.stage !== undefined) expect(step?.stage).toBe(e.stage);
  if (e.webhook !== undefined) expect(step?.webhook).toBe(e.webhook);
  if (e.configuration !== undefined) expect(step?.configuration).toBe(e.configuration);
  if (e.severity !== undefined) expect(d.severity).toBe(e.severity);
  if (e.revision !== undefined) expect(d.revision).toBe(e.revision);
}

export const wh = (prefix: string): string => `${prefix}sidecar-injector.istio.io`;
