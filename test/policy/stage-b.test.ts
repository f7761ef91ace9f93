/**
 * Stage B (istiod's injectRequired): every row of the study's table in both emulations, and
 * cases in the spirit of Istio's TestInjectRequired (label vs annotation, empty and invalid
 * values, both selector lists, host network, invalid policy), plus the pre-1.27 value semantics.
 */
import { describe, expect, it } from 'vitest';
import { decidingStep } from '../../src/policy/index.js';
import type { InjectionWebhook, LabelSelector } from '../../src/policy/index.js';
import { expectDecision, run } from './helpers.js';
import type { Case } from './helpers.js';

const INJ = 'sidecar.istio.io/inject';
const FOO: LabelSelector = { matchLabels: { foo: 'bar' } };
/** In webhook emulation, a namespace labelled for the default revision so stage A calls istiod. */
const NS_ON = { ns: { 'istio-injection': 'enabled' } };

/** Ways to leave the value "unset or invalid" (both fall back to the default). */
const DEFAULTED: [string, Partial<Case>][] = [
  ['unset', {}],
  ['empty label', { labels: { [INJ]: '' } }],
  ['invalid annotation "yes"', { annotations: { [INJ]: 'yes' } }],
  ['invalid label "enabled"', { labels: { [INJ]: 'enabled' } }],
];

const merge = (a: Partial<Case>, b: Partial<Case>): Case => ({
  ...a,
  ...b,
  labels: { ...(a.labels ?? {}), ...(b.labels ?? {}) },
  annotations: { ...(a.annotations ?? {}), ...(b.annotations ?? {}) },
});

describe('stage B table, webhook emulation', () => {
  it('B1: hostNetwork → skip, before anything else', () => {
    const d = run({ ...NS_ON, hostNetwork: true, annotations: { [INJ]: 'true' }, policy: 'bogus' });
    expectDecision(d, { inject: false, reason: 'host-network', rule: 'host-network', stage: 'B' });
    expect(d.trail.filter((s) => s.stage === 'B')).toHaveLength(1);
  });
  it('B2: ignored namespace → skip', () => {
    expectDecision(run({ ...NS_ON, nsName: 'kube-public', annotations: { [INJ]: 'true' } }), {
      inject: false,
      reason: 'ignored-namespace',
      rule: 'ignored-namespace',
      stage: 'B',
    });
  });
  for (const policy of ['enabled', 'disabled']) {
    it(`B3: explicit true beats a matching neverInjectSelector (policy ${policy}): label`, () => {
      const d = run({ ...NS_ON, policy, labels: { [INJ]: 'true', foo: 'bar' }, never: [FOO] });
      expectDecision(d, { inject: true, reason: 'pod-label', rule: 'inject-value', stage: 'B' });
      expect(d.trail.find((s) => s.rule === 'never-selector')?.verdict).toBe('skipped');
    });
    it(`B3: explicit true beats a matching neverInjectSelector (policy ${policy}): annotation`, () => {
      expectDecision(run({ ...NS_ON, policy, labels: { foo: 'bar' }, annotations: { [INJ]: 'true' }, never: [FOO] }), {
        inject: true,
        reason: 'pod-annotation',
        rule: 'inject-value',
        stage: 'B',
      });
    });
    it(`B4: explicit false beats a matching alwaysInjectSelector (policy ${policy}): annotation decides in stage B`, () => {
      expectDecision(run({ ...NS_ON, policy, labels: { foo: 'bar' }, annotations: { [INJ]: 'false' }, always: [FOO] }), {
        inject: false,
        reason: 'pod-annotation',
        rule: 'inject-value',
        stage: 'B',
      });
    });
    it(`B4: explicit false label (policy ${policy}) already stops stage A`, () => {
      expectDecision(run({ ...NS_ON, policy, labels: { foo: 'bar', [INJ]: 'false' }, always: [FOO] }), {
        inject: false,
        reason: 'pod-label',
        rule: 'webhook',
        stage: 'A',
      });
    });
    for (const [how, value] of DEFAULTED) {
      it(`B5: ${how}, never and always both match (policy ${policy}) → skip: never beats always`, () => {
        const d = run(merge({ ...NS_ON, policy, labels: { foo: 'bar' }, never: [FOO], always: [FOO] }, value));
        expectDecision(d, { inject: false, reason: 'never-selector', rule: 'never-selector', stage: 'B' });
        expect(d.trail.find((s) => s.rule === 'always-selector')?.verdict).toBe('skipped');
      });
      it(`B6: ${how}, only always matches (policy ${policy}) → inject`, () => {
        expectDecision(run(merge({ ...NS_ON, policy, labels: { foo: 'bar' }, never: [{ matchLabels: { foo: 'baz' } }], always: [FOO] }, value)), {
          inject: true,
          reason: 'always-selector',
          rule: 'always-selector',
          stage: 'B',
        });
      });
    }
  }
  for (const [how, value] of DEFAULTED) {
    it(`B7: ${how}, no selector matches, policy enabled → inject (the namespace label is the reason)`, () => {
      const d = run(merge({ ...NS_ON, policy: 'enabled' }, value));
      expectDecision(d, { inject: true, reason: 'namespace-label', rule: 'webhook', stage: 'A' });
      expect(d.trail.find((s) => s.rule === 'policy')?.detail).toBe('default: inject');
      expect(d.severity).toBe(how.startsWith('invalid') ? 'warning' : 'info');
    });
    it(`B8: ${how}, no selector matches, policy disabled → skip`, () => {
      expectDecision(run(merge({ ...NS_ON, policy: 'disabled' }, value)), {
        inject: false,
        reason: 'policy-disabled',
        rule: 'policy',
        stage: 'B',
      });
    });
  }
  for (const value of [{ annotations: { [INJ]: 'true' } }, { labels: { [INJ]: 'true' } }, {}]) {
    it(`B9: invalid policy → skip even with ${JSON.stringify(value)}`, () => {
      expectDecision(run(merge({ ...NS_ON, policy: 'Enabled', always: [FOO] }, { ...value, labels: { foo: 'bar', ...(value.labels ?? {}) } })), {
        inject: false,
        reason: 'policy-invalid',
        rule: 'policy',
        stage: 'B',
        severity: 'warning',
      });
    });
  }
});

describe('stage B table, kube-inject emulation (policy forced enabled, selectors not consulted)', () => {
  const K = { emulate: 'kube-inject' as const };
  it('B1: hostNetwork → skip', () => {
    expectDecision(run({ ...K, hostNetwork: true, labels: { [INJ]: 'true' } }), { inject: false, reason: 'host-network', rule: 'host-network' });
  });
  it("B2: the pod template's own metadata.namespace is checked", () => {
    expectDecision(run({ ...K, podNamespace: 'kube-system' }), { inject: false, reason: 'ignored-namespace', rule: 'ignored-namespace' });
  });
  it('B2 quirk: a workload in kube-system whose pod template has no namespace is injected', () => {
    const d = run({ ...K, nsName: 'kube-system' });
    expectDecision(d, { inject: true, reason: 'policy-enabled', rule: 'policy' });
    expect(d.trail.find((s) => s.rule === 'ignored-namespace')?.input).toBe('pod template metadata.namespace ""');
  });
  it('B3: explicit true (label) with a never selector that would match → inject', () => {
    expectDecision(run({ ...K, labels: { [INJ]: 'true', foo: 'bar' }, never: [FOO] }), { inject: true, reason: 'pod-label', rule: 'inject-value' });
  });
  it('B4: explicit false label with always selector → skip in stage B', () => {
    expectDecision(run({ ...K, labels: { [INJ]: 'false', foo: 'bar' }, always: [FOO] }), { inject: false, reason: 'pod-label', rule: 'inject-value' });
  });
  it('B4: explicit false annotation → skip', () => {
    expectDecision(run({ ...K, annotations: { [INJ]: 'false' } }), { inject: false, reason: 'pod-annotation', rule: 'inject-value' });
  });
  for (const [how, value] of DEFAULTED) {
    it(`B5: ${how}, never selector matches → inject anyway (not consulted)`, () => {
      const d = run(merge({ ...K, labels: { foo: 'bar' }, never: [FOO], always: [FOO], policy: 'disabled' }, value));
      expectDecision(d, { inject: true, reason: 'policy-enabled', rule: 'policy' });
      expect(d.trail.filter((s) => s.rule === 'never-selector' || s.rule === 'always-selector').map((s) => s.verdict)).toEqual(['skipped', 'skipped']);
    });
    it(`B6/B7: ${how}, no explicit value → inject by the forced policy`, () => {
      expectDecision(run(merge({ ...K, labels: { foo: 'bar' }, always: [FOO] }, value)), { inject: true, reason: 'policy-enabled', rule: 'policy' });
    });
    it(`B8: ${how}, configured policy disabled → inject anyway`, () => {
      expectDecision(run(merge({ ...K, policy: 'disabled' }, value)), { inject: true, reason: 'policy-enabled', rule: 'policy' });
    });
  }
  it('B9: an invalid configured policy is not used', () => {
    expectDecision(run({ ...K, policy: 'nope', labels: { [INJ]: 'true' } }), { inject: true, reason: 'pod-label', rule: 'inject-value' });
    expectDecision(run({ ...K, policy: 'nope' }), { inject: true, reason: 'policy-enabled', rule: 'policy' });
  });
});

/**
 * injectRequired in isolation: a catch-all webhook makes stage A neutral, so these read like
 * Istio's unit table (policy, pod labels, annotations, host network → inject?).
 */
describe('injectRequired cases (TestInjectRequired style)', () => {
  const CATCH_ALL: InjectionWebhook[] = [
    { name: 'all.sidecar-injector.istio.io', configuration: 'test', revision: '', namespaceSelector: {}, objectSelector: {}, deactivated: false },
  ];
  type Row = { name: string; c: Case; want: boolean; reason: string; rule: string };
  const rows: Row[] = [
    { name: 'policy enabled, no annotations', c: {}, want: true, reason: 'enabled-by-default', rule: 'webhook' },
    { name: 'policy enabled, annotation true', c: { annotations: { [INJ]: 'true' } }, want: true, reason: 'pod-annotation', rule: 'inject-value' },
    { name: 'policy enabled, annotation false', c: { annotations: { [INJ]: 'false' } }, want: false, reason: 'pod-annotation', rule: 'inject-value' },
    { name: 'policy disabled, no annotations', c: { policy: 'disabled' }, want: false, reason: 'policy-disabled', rule: 'policy' },
    {
      name: 'policy disabled, annotation true',
      c: { policy: 'disabled', annotations: { [INJ]: 'true' } },
      want: true,
      reason: 'pod-annotation',
      rule: 'inject-value',
    },
    {
      name: 'policy disabled, annotation false',
      c: { policy: 'disabled', annotations: { [INJ]: 'false' } },
      want: false,
      reason: 'pod-annotation',
      rule: 'inject-value',
    },
    { name: 'policy disabled, label true', c: { policy: 'disabled', labels: { [INJ]: 'true' } }, want: true, reason: 'pod-label', rule: 'inject-value' },
    { name: 'policy enabled, label false', c: { labels: { [INJ]: 'false' } }, want: false, reason: 'pod-label', rule: 'inject-value' },
    {
      name: 'label true wins over annotation false',
      c: { labels: { [INJ]: 'true' }, annotations: { [INJ]: 'false' } },
      want: true,
      reason: 'pod-label',
      rule: 'inject-value',
    },
    {
      name: 'label false wins over annotation true',
      c: { policy: 'disabled', labels: { [INJ]: 'false' }, annotations: { [INJ]: 'true' } },
      want: false,
      reason: 'pod-label',
      rule: 'inject-value',
    },
    {
      name: 'empty label still wins over annotation true (policy disabled → default skip)',
      c: { policy: 'disabled', labels: { [INJ]: '' }, annotations: { [INJ]: 'true' } },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    {
      name: 'empty label still wins over annotation false (policy enabled → default inject)',
      c: { labels: { [INJ]: '' }, annotations: { [INJ]: 'false' } },
      want: true,
      reason: 'enabled-by-default',
      rule: 'webhook',
    },
    {
      name: 'empty annotation → default (disabled)',
      c: { policy: 'disabled', annotations: { [INJ]: '' } },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    {
      name: 'invalid annotation "yes" → default (disabled)',
      c: { policy: 'disabled', annotations: { [INJ]: 'yes' } },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    { name: 'invalid annotation "no" → default (enabled)', c: { annotations: { [INJ]: 'no' } }, want: true, reason: 'enabled-by-default', rule: 'webhook' },
    {
      name: 'values are case-sensitive: "True" → default (disabled)',
      c: { policy: 'disabled', labels: { [INJ]: 'True' } },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    {
      name: 'values are case-sensitive: "FALSE" → default (enabled)',
      c: { labels: { [INJ]: 'FALSE' } },
      want: true,
      reason: 'enabled-by-default',
      rule: 'webhook',
    },
    {
      name: 'host network with annotation true',
      c: { hostNetwork: true, annotations: { [INJ]: 'true' } },
      want: false,
      reason: 'host-network',
      rule: 'host-network',
    },
    { name: 'host network with policy enabled', c: { hostNetwork: true }, want: false, reason: 'host-network', rule: 'host-network' },
    {
      name: 'wrong policy with annotation true',
      c: { policy: 'wrong_policy', annotations: { [INJ]: 'true' } },
      want: false,
      reason: 'policy-invalid',
      rule: 'policy',
    },
    { name: 'empty policy', c: { policy: '' }, want: false, reason: 'policy-invalid', rule: 'policy' },
    { name: 'policy enabled, always selector, pod without labels', c: { always: [FOO] }, want: true, reason: 'enabled-by-default', rule: 'webhook' },
    {
      name: 'policy disabled, always selector, pod without labels',
      c: { policy: 'disabled', always: [FOO] },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    {
      name: 'policy disabled, always selector matches labels',
      c: { policy: 'disabled', always: [FOO], labels: { foo: 'bar' } },
      want: true,
      reason: 'always-selector',
      rule: 'always-selector',
    },
    {
      name: 'policy enabled, never selector matches labels',
      c: { never: [FOO], labels: { foo: 'bar' } },
      want: false,
      reason: 'never-selector',
      rule: 'never-selector',
    },
    { name: 'policy enabled, never selector, pod without labels', c: { never: [FOO] }, want: true, reason: 'enabled-by-default', rule: 'webhook' },
    {
      name: 'policy disabled, never selector, pod without labels',
      c: { policy: 'disabled', never: [FOO] },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
    {
      name: 'never selector matches but annotation true',
      c: { never: [FOO], labels: { foo: 'bar' }, annotations: { [INJ]: 'true' } },
      want: true,
      reason: 'pod-annotation',
      rule: 'inject-value',
    },
    {
      name: 'always selector matches but annotation false',
      c: { policy: 'disabled', always: [FOO], labels: { foo: 'bar' }, annotations: { [INJ]: 'false' } },
      want: false,
      reason: 'pod-annotation',
      rule: 'inject-value',
    },
    {
      name: 'never and always both match: never wins',
      c: { policy: 'disabled', never: [FOO], always: [FOO], labels: { foo: 'bar' } },
      want: false,
      reason: 'never-selector',
      rule: 'never-selector',
    },
    {
      name: 'second never selector matches (list is ORed)',
      c: { never: [{ matchLabels: { a: 'b' } }, FOO], labels: { foo: 'bar' } },
      want: false,
      reason: 'never-selector',
      rule: 'never-selector',
    },
    {
      name: 'never selector with Exists expression',
      c: { never: [{ matchExpressions: [{ key: 'openshift.io/build.name', operator: 'Exists' }] }], labels: { 'openshift.io/build.name': 'b1' } },
      want: false,
      reason: 'never-selector',
      rule: 'never-selector',
    },
    {
      name: 'always selector with NotIn expression against an absent key',
      c: { policy: 'disabled', always: [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }], labels: { app: 'x' } },
      want: true,
      reason: 'always-selector',
      rule: 'always-selector',
    },
    {
      name: 'an empty never selector is skipped, not match-all',
      c: { never: [{}], labels: { foo: 'bar' } },
      want: true,
      reason: 'enabled-by-default',
      rule: 'webhook',
    },
    { name: 'an empty always selector is skipped', c: { policy: 'disabled', always: [{}] }, want: false, reason: 'policy-disabled', rule: 'policy' },
    {
      name: 'an invalid never selector is skipped, the next one still applies',
      c: { never: [{ matchExpressions: [{ key: 'foo', operator: 'Bogus' }] }, FOO], labels: { foo: 'bar' } },
      want: false,
      reason: 'never-selector',
      rule: 'never-selector',
    },
    {
      name: 'an invalid always selector alone is skipped',
      c: { policy: 'disabled', always: [{ matchExpressions: [{ key: 'foo', operator: 'In', values: [] }] }], labels: { foo: 'bar' } },
      want: false,
      reason: 'policy-disabled',
      rule: 'policy',
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const d = run({ ...r.c, webhooks: CATCH_ALL, nsName: 'test-namespace' });
      expectDecision(d, { inject: r.want, reason: r.reason as never, rule: r.rule as never });
    });
  }
  it('the trail notes skipped empty and invalid injector selectors', () => {
    const d = run({ webhooks: CATCH_ALL, never: [{}, { matchExpressions: [{ key: 'foo', operator: 'Bogus' }] }] });
    const never = d.trail.find((s) => s.rule === 'never-selector');
    expect(never?.verdict).toBe('not matched');
    expect(never?.detail).toContain('[0] empty, skipped');
    expect(never?.detail).toContain('[1] invalid');
  });
  it('label shadowing an annotation is visible in the trail', () => {
    const d = run({ webhooks: CATCH_ALL, labels: { [INJ]: 'true' }, annotations: { [INJ]: 'false' } });
    expect(decidingStep(d)?.input).toContain('the label wins');
  });
});

describe('pre-1.27 inject value semantics (legacy)', () => {
  const CATCH_ALL: InjectionWebhook[] = [
    { name: 'all.sidecar-injector.istio.io', configuration: 'test', revision: '', namespaceSelector: {}, objectSelector: {}, deactivated: false },
  ];
  const rows: [string, string, boolean, string, string][] = [
    ['y', 'disabled', true, 'pod-annotation', 'inject-value'],
    ['Yes', 'disabled', true, 'pod-annotation', 'inject-value'],
    ['TRUE', 'disabled', true, 'pod-annotation', 'inject-value'],
    ['on', 'disabled', true, 'pod-annotation', 'inject-value'],
    ['no', 'enabled', false, 'pod-annotation', 'inject-value'],
    ['random', 'enabled', false, 'pod-annotation', 'inject-value'],
    ['enabled', 'enabled', false, 'pod-annotation', 'inject-value'],
    ['', 'enabled', true, 'enabled-by-default', 'webhook'],
  ];
  for (const [value, policy, want, reason, rule] of rows) {
    it(`annotation ${JSON.stringify(value)} with policy ${policy} → ${want ? 'inject' : 'skip'}`, () => {
      const d = run({ webhooks: CATCH_ALL, policy, annotations: { [INJ]: value }, injectValue: 'legacy' });
      expectDecision(d, { inject: want, reason: reason as never, rule: rule as never, severity: 'info' });
    });
  }
  it('the same "yes" is only a warning under the current semantics', () => {
    const d = run({ webhooks: CATCH_ALL, policy: 'disabled', annotations: { [INJ]: 'yes' } });
    expectDecision(d, { inject: false, reason: 'policy-disabled', rule: 'policy', severity: 'warning' });
  });
  it('legacy semantics also apply under kube-inject', () => {
    expectDecision(run({ emulate: 'kube-inject', labels: { [INJ]: 'No' }, injectValue: 'legacy' }), {
      inject: false,
      reason: 'pod-label',
      rule: 'inject-value',
    });
  });
});
