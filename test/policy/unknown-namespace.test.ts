/**
 * A workload whose namespace is not in the input: stage A is evaluated three-valued. The
 * decision is made anyway when the outcome cannot depend on the namespace's labels, and is
 * `namespace-unknown` (no injection, warning) when it can.
 */
import { describe, expect, it } from 'vitest';
import { decidingStep, standardWebhooks, webhooksFromConfigurations } from '../../src/policy/index.js';
import { expectDecision, run, wh } from './helpers.js';

const INJ = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';
const U = { ns: null } as const;

describe('unknown namespace', () => {
  it('a plain pod depends on the namespace → namespace-unknown with the deciding labels and how to provide them', () => {
    const d = run({ ...U });
    expectDecision(d, { inject: false, reason: 'namespace-unknown', rule: 'revision', stage: 'A', severity: 'warning' });
    expect(decidingStep(d)?.verdict).toBe('unknown');
    expect(d.rule).toContain('namespace shop is not in the input');
    expect(d.rule).toContain('istio-injection');
    expect(d.rule).toContain('istio.io/rev');
    expect(d.rule).toContain('Namespace object');
    expect(d.rule).toContain('namespaces:');
    expect(d.trail.filter((s) => s.verdict === 'unknown' && s.rule === 'webhook').map((s) => s.webhook)).toEqual([
      wh('rev.namespace.'),
      wh('namespace.'),
      wh('rev.namespace.'),
    ]);
  });
  it('pod label inject=false: no webhook can match, decided without the namespace', () => {
    const d = run({ ...U, labels: { [INJ]: 'false' } });
    expectDecision(d, { inject: false, reason: 'pod-label', rule: 'webhook', stage: 'A', severity: 'info' });
    expect(d.trail.some((s) => s.verdict === 'unknown')).toBe(false);
  });
  it('hostNetwork: istiod would refuse whatever the namespace says', () => {
    const d = run({ ...U, hostNetwork: true });
    expectDecision(d, { inject: false, reason: 'host-network', rule: 'host-network', stage: 'B', severity: 'info' });
    expect(d.trail.some((s) => s.stage === 'A' && s.verdict === 'unknown')).toBe(true);
  });
  it('annotation inject=false: stage B skips whatever stage A does', () => {
    expectDecision(run({ ...U, annotations: { [INJ]: 'false' } }), { inject: false, reason: 'pod-annotation', rule: 'inject-value', stage: 'B' });
  });
  it('policy disabled and nothing explicit: skipped whatever the namespace says', () => {
    expectDecision(run({ ...U, policy: 'disabled' }), { inject: false, reason: 'policy-disabled', rule: 'policy' });
  });
  it('a never selector that matches: skipped', () => {
    expectDecision(run({ ...U, labels: { app: 'x' }, never: [{ matchLabels: { app: 'x' } }] }), {
      inject: false,
      reason: 'never-selector',
      rule: 'never-selector',
    });
  });
  it('an ignored namespace: skipped by name, which is always known', () => {
    expectDecision(run({ ...U, nsName: 'kube-system' }), { inject: false, reason: 'ignored-namespace', rule: 'ignored-namespace' });
  });
  it('pod label inject=true still depends on the namespace (istio-injection=disabled would stop it)', () => {
    const d = run({ ...U, labels: { [INJ]: 'true' } });
    expectDecision(d, { inject: false, reason: 'namespace-unknown', rule: 'revision' });
    expect(d.rule).toContain('object.sidecar-injector.istio.io');
  });
  it('pod istio.io/rev=canary for a canary run depends on the namespace too', () => {
    expectDecision(run({ ...U, labels: { [REV]: 'canary' }, revision: 'canary' }), { inject: false, reason: 'namespace-unknown', rule: 'revision' });
  });
  it('auto. cannot match an unknown system namespace: kubernetes.io/metadata.name is known from the name', () => {
    const webhooks = standardWebhooks([{ revision: '', tags: [] }], { enableNamespacesByDefault: true });
    const d = run({ ...U, webhooks, nsName: 'local-path-storage' });
    expect(d.trail.find((s) => s.webhook === wh('auto.'))?.verdict).toBe('not matched');
    expect(d.trail.find((s) => s.webhook === wh('namespace.'))?.verdict).toBe('unknown');
    expectDecision(d, { inject: false, reason: 'ignored-namespace', rule: 'ignored-namespace' });
  });
  it('a webhook whose namespaceSelector is {} is certain even for an unknown namespace', () => {
    const { webhooks } = webhooksFromConfigurations([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'opt-in', labels: { [REV]: 'default' } },
        webhooks: [{ name: wh('pods.'), namespaceSelector: {}, objectSelector: { matchLabels: { mesh: 'on' } } }],
      },
    ]);
    expectDecision(run({ ...U, webhooks, labels: { mesh: 'on' } }), { inject: true, reason: 'webhook-selector', rule: 'webhook', webhook: wh('pods.') });
    expectDecision(run({ ...U, webhooks, labels: {} }), { inject: false, reason: 'no-webhook-matched', rule: 'revision' });
  });
  it('only other revisions could be called → no injection by this run (other-revision)', () => {
    const webhooks = standardWebhooks([{ revision: 'canary', tags: [] }]);
    expectDecision(run({ ...U, webhooks, revision: 'stable' }), { inject: false, reason: 'other-revision', rule: 'revision', revision: 'canary' });
  });
  it('kube-inject never needs the namespace', () => {
    expectDecision(run({ ...U, emulate: 'kube-inject' }), { inject: true, reason: 'policy-enabled', rule: 'policy' });
  });
  it('a known namespace with no labels is not unknown', () => {
    expectDecision(run({ ns: {} }), { inject: false, reason: 'no-webhook-matched', rule: 'revision', severity: 'info' });
  });
});
