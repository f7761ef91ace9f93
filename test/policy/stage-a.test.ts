/**
 * Stage A (admission webhook selectors): every row of the study's table, in webhook emulation,
 * and the same inputs in kube-inject emulation, where stage A is never consulted.
 */
import { describe, expect, it } from 'vitest';
import { decidingStep } from '../../src/policy/index.js';
import { expectDecision, run, wh } from './helpers.js';

const INJ = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';

describe('stage A table, webhook emulation (default + canary revisions installed)', () => {
  it('A1: namespace istio-injection=enabled, no pod label → default revision via namespace.', () => {
    const d = run({ ns: { 'istio-injection': 'enabled' } });
    expectDecision(d, {
      inject: true,
      reason: 'namespace-label',
      rule: 'webhook',
      webhook: wh('namespace.'),
      configuration: 'istio-sidecar-injector',
      revision: '',
    });
    expect(d.rule).toBe('namespace label istio-injection=enabled (webhook namespace.sidecar-injector.istio.io)');
  });
  it('A1: pod label inject=true is accepted by namespace. and then decides explicitly in stage B', () => {
    const d = run({ ns: { 'istio-injection': 'enabled' }, labels: { [INJ]: 'true' } });
    expectDecision(d, { inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B' });
    expect(d.trail.find((s) => s.webhook === wh('namespace.'))?.verdict).toBe('matched');
  });
  it('A1: any pod label value but false passes stage A (yes → invalid for istiod, default used, warning)', () => {
    const d = run({ ns: { 'istio-injection': 'enabled' }, labels: { [INJ]: 'yes' } });
    expectDecision(d, { inject: true, reason: 'namespace-label', rule: 'webhook', webhook: wh('namespace.'), severity: 'warning' });
  });
  it('A1: the legacy label wins over namespace and pod istio.io/rev labels (run for canary → other-revision)', () => {
    const c = { ns: { 'istio-injection': 'enabled', [REV]: 'canary' }, labels: { [REV]: 'canary' } };
    expectDecision(run({ ...c, revision: 'canary' }), {
      inject: false,
      reason: 'other-revision',
      rule: 'webhook',
      webhook: wh('namespace.'),
      configuration: 'istio-sidecar-injector',
      revision: '',
    });
    expectDecision(run(c), { inject: true, reason: 'namespace-label', rule: 'webhook', webhook: wh('namespace.') });
  });
  it('A2: namespace enabled, pod label inject=false → none (objectSelector excludes it)', () => {
    const d = run({ ns: { 'istio-injection': 'enabled' }, labels: { [INJ]: 'false' } });
    expectDecision(d, { inject: false, reason: 'pod-label', rule: 'webhook', stage: 'A', webhook: wh('namespace.') });
    expect(d.trail.some((s) => s.stage === 'B')).toBe(false);
  });
  it('A3: namespace istio-injection=disabled → none, even with pod label inject=true', () => {
    const d = run({ ns: { 'istio-injection': 'disabled' }, labels: { [INJ]: 'true' } });
    expectDecision(d, { inject: false, reason: 'namespace-disabled', rule: 'revision', stage: 'A' });
    expect(d.trail.filter((s) => s.rule === 'webhook').every((s) => s.verdict === 'not matched')).toBe(true);
  });
  it('A3: any value other than enabled disables, also against a pod istio.io/rev label', () => {
    expectDecision(run({ ns: { 'istio-injection': 'Enabled' }, labels: { [REV]: 'canary' }, revision: 'canary' }), {
      inject: false,
      reason: 'namespace-disabled',
      rule: 'revision',
    });
  });
  it('A4: namespace istio.io/rev=canary → canary via rev.namespace.; the pod rev label is ignored', () => {
    const c = { ns: { [REV]: 'canary' }, labels: { [REV]: 'default' } };
    const d = run({ ...c, revision: 'canary' });
    expectDecision(d, {
      inject: true,
      reason: 'revision-label',
      rule: 'webhook',
      webhook: wh('rev.namespace.'),
      configuration: 'istio-sidecar-injector-canary',
      revision: 'canary',
    });
    expect(d.rule).toContain('namespace label istio.io/rev=canary');
    expectDecision(run(c), { inject: false, reason: 'other-revision', rule: 'webhook', webhook: wh('rev.namespace.'), revision: 'canary' });
  });
  it('A4: istio.io/rev=default selects the default revision', () => {
    expectDecision(run({ ns: { [REV]: 'default' } }), {
      inject: true,
      reason: 'revision-label',
      rule: 'webhook',
      webhook: wh('rev.namespace.'),
      configuration: 'istio-sidecar-injector',
    });
  });
  it('A5: namespace istio.io/rev=canary, pod label inject=false → none', () => {
    expectDecision(run({ ns: { [REV]: 'canary' }, labels: { [INJ]: 'false' }, revision: 'canary' }), {
      inject: false,
      reason: 'pod-label',
      rule: 'webhook',
      webhook: wh('rev.namespace.'),
      configuration: 'istio-sidecar-injector-canary',
    });
  });
  it('A6: no namespace labels, pod istio.io/rev=canary → canary via rev.object.', () => {
    const d = run({ labels: { [REV]: 'canary' }, revision: 'canary' });
    expectDecision(d, { inject: true, reason: 'revision-label', rule: 'webhook', webhook: wh('rev.object.'), configuration: 'istio-sidecar-injector-canary' });
    expect(d.rule).toContain('pod label istio.io/rev=canary');
    expectDecision(run({ labels: { [REV]: 'canary' } }), { inject: false, reason: 'other-revision', rule: 'webhook', webhook: wh('rev.object.') });
  });
  it('A6: with pod label inject=true as well, canary is called and the label decides in stage B', () => {
    const d = run({ labels: { [REV]: 'canary', [INJ]: 'true' }, revision: 'canary' });
    expectDecision(d, { inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B' });
    expect(d.revisions).toEqual(['canary']);
  });
  it('A7: no namespace labels, pod label inject=true → default via object.', () => {
    const d = run({ labels: { [INJ]: 'true' } });
    expectDecision(d, { inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B', revision: '' });
    expect(d.trail.find((s) => s.webhook === wh('object.'))?.verdict).toBe('matched');
    expect(d.rule).toContain('object.sidecar-injector.istio.io');
  });
  it('A8: no labels anywhere → none', () => {
    expectDecision(run({}), { inject: false, reason: 'no-webhook-matched', rule: 'revision', stage: 'A' });
  });
  it('A8: with enableNamespacesByDefault → default via auto.', () => {
    const d = run({ enableNamespacesByDefault: true });
    expectDecision(d, { inject: true, reason: 'enabled-by-default', rule: 'webhook', webhook: wh('auto.') });
  });
  for (const system of ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) {
    it(`A8: enableNamespacesByDefault never selects the system namespace ${system}`, () => {
      const d = run({ enableNamespacesByDefault: true, nsName: system });
      expectDecision(d, { inject: false, reason: 'no-webhook-matched', rule: 'revision' });
      expect(d.trail.find((s) => s.webhook === wh('auto.'))?.verdict).toBe('not matched');
    });
  }
  it('A8: a system namespace labelled istio-injection=enabled passes stage A and is stopped by stage B', () => {
    expectDecision(run({ nsName: 'kube-system', ns: { 'istio-injection': 'enabled' } }), {
      inject: false,
      reason: 'ignored-namespace',
      rule: 'ignored-namespace',
      stage: 'B',
    });
  });
  it('A9: pod label inject=yes with no namespace labels → none (object. needs "true", auto. needs no label)', () => {
    expectDecision(run({ labels: { [INJ]: 'yes' } }), { inject: false, reason: 'inject-value-invalid', rule: 'revision', severity: 'warning' });
    expectDecision(run({ labels: { [INJ]: 'yes' }, enableNamespacesByDefault: true }), {
      inject: false,
      reason: 'inject-value-invalid',
      rule: 'revision',
    });
  });
  it('A10: pod label inject=false with no namespace labels → none, whatever the pod rev label', () => {
    expectDecision(run({ labels: { [INJ]: 'false' } }), { inject: false, reason: 'pod-label', rule: 'webhook', stage: 'A' });
    expectDecision(run({ labels: { [INJ]: 'false', [REV]: 'canary' }, revision: 'canary' }), {
      inject: false,
      reason: 'pod-label',
      rule: 'webhook',
      stage: 'A',
    });
    expectDecision(run({ labels: { [INJ]: 'false' }, enableNamespacesByDefault: true }), { inject: false, reason: 'pod-label', rule: 'webhook' });
  });
  it('annotations are invisible to stage A: annotation inject=true alone calls no webhook', () => {
    expectDecision(run({ annotations: { [INJ]: 'true' } }), { inject: false, reason: 'no-webhook-matched', rule: 'revision' });
  });
});

describe('stage A rows under kube-inject emulation: stage A is not consulted, policy forced enabled', () => {
  const rows: [string, Parameters<typeof run>[0], boolean, string, string][] = [
    ['A1', { ns: { 'istio-injection': 'enabled' } }, true, 'policy-enabled', 'policy'],
    ['A2', { ns: { 'istio-injection': 'enabled' }, labels: { [INJ]: 'false' } }, false, 'pod-label', 'inject-value'],
    ['A3', { ns: { 'istio-injection': 'disabled' }, labels: { [INJ]: 'true' } }, true, 'pod-label', 'inject-value'],
    ['A3 (no pod label)', { ns: { 'istio-injection': 'disabled' } }, true, 'policy-enabled', 'policy'],
    ['A4', { ns: { [REV]: 'canary' } }, true, 'policy-enabled', 'policy'],
    ['A5', { ns: { [REV]: 'canary' }, labels: { [INJ]: 'false' } }, false, 'pod-label', 'inject-value'],
    ['A6', { labels: { [REV]: 'canary' } }, true, 'policy-enabled', 'policy'],
    ['A7', { labels: { [INJ]: 'true' } }, true, 'pod-label', 'inject-value'],
    ['A8', {}, true, 'policy-enabled', 'policy'],
    ['A8 (unknown namespace)', { ns: null }, true, 'policy-enabled', 'policy'],
    ['A9', { labels: { [INJ]: 'yes' } }, true, 'policy-enabled', 'policy'],
    ['A10', { labels: { [INJ]: 'false' } }, false, 'pod-label', 'inject-value'],
  ];
  for (const [name, c, inject, reason, rule] of rows) {
    it(`${name} → ${inject ? 'inject' : 'skip'} (${reason})`, () => {
      const d = run({ ...c, emulate: 'kube-inject' });
      expectDecision(d, { inject, reason: reason as never, rule: rule as never, stage: 'B' });
      expect(d.trail.some((s) => s.stage === 'A')).toBe(false);
    });
  }
  it('renders the run revision whatever the namespace says', () => {
    const d = run({ emulate: 'kube-inject', ns: { [REV]: 'canary' }, revision: 'default' });
    expect(d.revision).toBe('');
    expect(decidingStep(d)?.input).toContain('forced by kube-inject');
  });
  it('A9 under kube-inject falls back to the default with a warning', () => {
    expect(run({ emulate: 'kube-inject', labels: { [INJ]: 'yes' } }).severity).toBe('warning');
  });
});
