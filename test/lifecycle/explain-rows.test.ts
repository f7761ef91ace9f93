/**
 * `--explain` through the whole CLI names the deciding rule correctly for every row of the
 * decision tables (stage A rows A1-A10, stage B rows B1-B8, both emulations): each row's case,
 * in the policy tests' `Case` shape, becomes manifests (a Namespace, a Deployment, the webhooks
 * as MutatingWebhookConfigurations made from `standardWebhooks`) and a function config in
 * `mode: explain`; the result's tags must equal both the row's expectation and `decide()`.
 * (B9, an invalid policy, cannot be written in the function config: its schema only allows
 * enabled/disabled.)
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { decidingStep, standardWebhooks, type InjectionWebhook } from '../../src/policy/index.js';
import { run as decideCase, TWO_REVISIONS, type Case } from '../policy/helpers.js';
import { runCli } from './helpers.js';

const INJ = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';
const FOO = { matchLabels: { foo: 'bar' } };
const NS_ON = { ns: { 'istio-injection': 'enabled' } };

interface Row {
  name: string;
  c: Case;
  inject: boolean;
  reason: string;
  /** Deciding step's rule, stage and (for webhook steps) entry name. */
  rule: string;
  stage: 'A' | 'B';
  webhook?: string;
}
const wh = (p: string) => `${p}sidecar-injector.istio.io`;

const ROWS: Row[] = [
  { name: 'A1 namespace enabled', c: { ...NS_ON }, inject: true, reason: 'namespace-label', rule: 'webhook', stage: 'A', webhook: wh('namespace.') },
  { name: 'A1 pod label true', c: { ...NS_ON, labels: { [INJ]: 'true' } }, inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B' },
  {
    name: 'A1 legacy label wins over rev (run canary)',
    c: { ns: { 'istio-injection': 'enabled', [REV]: 'canary' }, revision: 'canary' },
    inject: false,
    reason: 'other-revision',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('namespace.'),
  },
  {
    name: 'A2 pod label false',
    c: { ...NS_ON, labels: { [INJ]: 'false' } },
    inject: false,
    reason: 'pod-label',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('namespace.'),
  },
  {
    name: 'A3 namespace disabled',
    c: { ns: { 'istio-injection': 'disabled' }, labels: { [INJ]: 'true' } },
    inject: false,
    reason: 'namespace-disabled',
    rule: 'revision',
    stage: 'A',
  },
  {
    name: 'A4 namespace rev canary (run canary)',
    c: { ns: { [REV]: 'canary' }, revision: 'canary' },
    inject: true,
    reason: 'revision-label',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('rev.namespace.'),
  },
  {
    name: 'A4 namespace rev canary (run default)',
    c: { ns: { [REV]: 'canary' } },
    inject: false,
    reason: 'other-revision',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('rev.namespace.'),
  },
  {
    name: 'A5 namespace rev, pod label false',
    c: { ns: { [REV]: 'canary' }, labels: { [INJ]: 'false' }, revision: 'canary' },
    inject: false,
    reason: 'pod-label',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('rev.namespace.'),
  },
  {
    name: 'A6 pod rev canary',
    c: { labels: { [REV]: 'canary' }, revision: 'canary' },
    inject: true,
    reason: 'revision-label',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('rev.object.'),
  },
  { name: 'A7 pod label true', c: { labels: { [INJ]: 'true' } }, inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B' },
  { name: 'A8 nothing', c: {}, inject: false, reason: 'no-webhook-matched', rule: 'revision', stage: 'A' },
  {
    name: 'A8 enableNamespacesByDefault',
    c: { enableNamespacesByDefault: true },
    inject: true,
    reason: 'enabled-by-default',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('auto.'),
  },
  {
    name: 'A8 system namespace labelled',
    c: { nsName: 'kube-system', ...NS_ON },
    inject: false,
    reason: 'ignored-namespace',
    rule: 'ignored-namespace',
    stage: 'B',
  },
  { name: 'A9 pod label yes', c: { labels: { [INJ]: 'yes' } }, inject: false, reason: 'inject-value-invalid', rule: 'revision', stage: 'A' },
  { name: 'A10 pod label false, no namespace labels', c: { labels: { [INJ]: 'false' } }, inject: false, reason: 'pod-label', rule: 'webhook', stage: 'A' },
  { name: 'annotation only', c: { annotations: { [INJ]: 'true' } }, inject: false, reason: 'no-webhook-matched', rule: 'revision', stage: 'A' },
  { name: 'unknown namespace', c: { ns: null }, inject: false, reason: 'namespace-unknown', rule: 'revision', stage: 'A' },
  {
    name: 'B1 hostNetwork',
    c: { ...NS_ON, hostNetwork: true, annotations: { [INJ]: 'true' } },
    inject: false,
    reason: 'host-network',
    rule: 'host-network',
    stage: 'B',
  },
  {
    name: 'B2 ignored namespace',
    c: { ...NS_ON, nsName: 'kube-public', annotations: { [INJ]: 'true' } },
    inject: false,
    reason: 'ignored-namespace',
    rule: 'ignored-namespace',
    stage: 'B',
  },
  {
    name: 'B3 explicit true beats never',
    c: { ...NS_ON, labels: { [INJ]: 'true', foo: 'bar' }, never: [FOO] },
    inject: true,
    reason: 'pod-label',
    rule: 'inject-value',
    stage: 'B',
  },
  {
    name: 'B3 explicit annotation true beats never (policy disabled)',
    c: { ...NS_ON, policy: 'disabled', labels: { foo: 'bar' }, annotations: { [INJ]: 'true' }, never: [FOO] },
    inject: true,
    reason: 'pod-annotation',
    rule: 'inject-value',
    stage: 'B',
  },
  {
    name: 'B4 explicit annotation false beats always',
    c: { ...NS_ON, labels: { foo: 'bar' }, annotations: { [INJ]: 'false' }, always: [FOO] },
    inject: false,
    reason: 'pod-annotation',
    rule: 'inject-value',
    stage: 'B',
  },
  {
    name: 'B5 never beats always',
    c: { ...NS_ON, labels: { foo: 'bar' }, never: [FOO], always: [FOO] },
    inject: false,
    reason: 'never-selector',
    rule: 'never-selector',
    stage: 'B',
  },
  {
    name: 'B6 always (policy disabled)',
    c: { ...NS_ON, policy: 'disabled', labels: { foo: 'bar' }, always: [FOO] },
    inject: true,
    reason: 'always-selector',
    rule: 'always-selector',
    stage: 'B',
  },
  {
    name: 'B7 policy enabled',
    c: { ...NS_ON, labels: { [INJ]: '' } },
    inject: true,
    reason: 'namespace-label',
    rule: 'webhook',
    stage: 'A',
    webhook: wh('namespace.'),
  },
  { name: 'B8 policy disabled', c: { ...NS_ON, policy: 'disabled' }, inject: false, reason: 'policy-disabled', rule: 'policy', stage: 'B' },
  {
    name: 'B8 policy disabled, invalid annotation',
    c: { ...NS_ON, policy: 'disabled', annotations: { [INJ]: 'yes' } },
    inject: false,
    reason: 'policy-disabled',
    rule: 'policy',
    stage: 'B',
  },
  { name: 'kube-inject A1', c: { emulate: 'kube-inject', ...NS_ON }, inject: true, reason: 'policy-enabled', rule: 'policy', stage: 'B' },
  {
    name: 'kube-inject A3',
    c: { emulate: 'kube-inject', ns: { 'istio-injection': 'disabled' }, labels: { [INJ]: 'true' } },
    inject: true,
    reason: 'pod-label',
    rule: 'inject-value',
    stage: 'B',
  },
  { name: 'kube-inject A10', c: { emulate: 'kube-inject', labels: { [INJ]: 'false' } }, inject: false, reason: 'pod-label', rule: 'inject-value', stage: 'B' },
  {
    name: 'kube-inject B2 pod template namespace',
    c: { emulate: 'kube-inject', podNamespace: 'kube-system' },
    inject: false,
    reason: 'ignored-namespace',
    rule: 'ignored-namespace',
    stage: 'B',
  },
  {
    name: 'kube-inject never not consulted',
    c: { emulate: 'kube-inject', labels: { foo: 'bar' }, never: [FOO], policy: 'disabled' },
    inject: true,
    reason: 'policy-enabled',
    rule: 'policy',
    stage: 'B',
  },
  {
    name: 'legacy value "No" skips',
    c: { ...NS_ON, labels: { [INJ]: 'No' }, injectValue: 'legacy' },
    inject: false,
    reason: 'pod-label',
    rule: 'inject-value',
    stage: 'B',
  },
];

/** The webhooks as the MutatingWebhookConfiguration objects Istio's chart would install. */
function configurations(webhooks: readonly InjectionWebhook[]): object[] {
  const byName = new Map<string, InjectionWebhook[]>();
  for (const w of webhooks) byName.set(w.configuration, [...(byName.get(w.configuration) ?? []), w]);
  return [...byName].map(([name, list]) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: { [REV]: list[0]!.revision || 'default', ...(list[0]!.tag ? { 'istio.io/tag': list[0]!.tag } : {}) } },
    webhooks: list.map((w) => ({ name: w.name, namespaceSelector: w.namespaceSelector, objectSelector: w.objectSelector })),
  }));
}

function resourceList(c: Case): string {
  const ns = c.nsName ?? 'shop';
  const items: object[] = configurations(standardWebhooks(c.installs ?? TWO_REVISIONS, { enableNamespacesByDefault: c.enableNamespacesByDefault ?? false }));
  if (c.ns !== null) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, ...(c.ns && Object.keys(c.ns).length ? { labels: c.ns } : {}) } });
  const meta: Record<string, unknown> = {};
  if (c.labels) meta.labels = c.labels;
  if (c.annotations) meta.annotations = c.annotations;
  if (c.podNamespace) meta.namespace = c.podNamespace;
  items.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'w', namespace: ns },
    spec: { template: { metadata: meta, spec: { ...(c.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'w', image: 'example/w:1' }] } } },
  });
  const spec: Record<string, unknown> = { mode: 'explain', emulate: c.emulate ?? 'webhook', revision: c.revision ?? '' };
  if (c.policy) spec.policy = c.policy;
  if (c.never) spec.neverInjectSelector = c.never;
  if (c.always) spec.alwaysInjectSelector = c.always;
  if (c.injectValue) spec.injectValueSemantics = c.injectValue;
  return stringify({
    apiVersion: 'config.kubernetes.io/v1',
    kind: 'ResourceList',
    items,
    functionConfig: { apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', metadata: { name: 'explain' }, spec },
  });
}

describe('--explain names the deciding rule for every row of the decision tables', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const out = await runCli(['-q'], resourceList(row.c));
      expect(out.code, out.stderr).toBe(0);
      const list = parse(out.stdout) as { results: { resourceRef?: { kind: string }; message: string; tags?: Record<string, string> }[] };
      const results = list.results.filter((r) => r.resourceRef?.kind === 'Deployment');
      expect(results).toHaveLength(1);
      const tags = results[0]!.tags ?? {};
      const want = {
        action: row.inject ? 'injected' : 'skipped',
        reason: row.reason,
        decidingRule: row.rule,
        decidingStage: row.stage,
        ...(row.webhook ? { decidingWebhook: row.webhook } : {}),
      };
      expect({
        action: tags.action,
        reason: tags.reason,
        decidingRule: tags.decidingRule,
        decidingStage: tags.decidingStage,
        ...(row.webhook ? { decidingWebhook: tags.decidingWebhook } : {}),
      }).toEqual(want);
      // The same as the policy engine's own decision for the row.
      const d = decideCase(row.c);
      expect({ inject: d.inject, reason: d.reason, rule: decidingStep(d)?.rule }).toEqual({ inject: row.inject, reason: row.reason, rule: row.rule });
      // The readable text marks the deciding step and names the rule.
      expect(results[0]!.message).toContain('=> ');
      expect(results[0]!.message).toContain(d.rule);
      // KRM mode: the results carry the explanation (kpt shows them); stderr does not repeat it.
      expect(out.stderr).not.toContain('Stage ');
    });
  }
});
