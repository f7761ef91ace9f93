/** formatTrail: the --explain text covers both stages, every consulted rule, and marks the deciding one. */
import { describe, expect, it } from 'vitest';
import { formatTrail, REASONS } from '../../src/policy/index.js';
import type { ReasonCode } from '../../src/policy/index.js';
import { run, wh } from './helpers.js';

describe('formatTrail', () => {
  it('lists every step of both stages and marks exactly the deciding one', () => {
    const d = run({ ns: { 'istio-injection': 'enabled' } });
    const text = formatTrail(d);
    expect(text.split('\n')[0]).toBe('inject (revision default): namespace-label [info]');
    expect(text).toContain('Stage A: admission webhooks');
    expect(text).toContain('Stage B: istiod injectRequired');
    for (const s of d.trail) expect(text).toContain(s.subject);
    const marked = text.split('\n').filter((l) => l.startsWith('=>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain(`webhook ${wh('namespace.')} (istio-sidecar-injector, revision default)`);
    expect(marked[0]).toContain('matched');
  });
  it('shows the selectors and what they saw', () => {
    const text = formatTrail(run({ ns: { 'istio-injection': 'enabled' }, labels: { app: 'web' } }));
    expect(text).toContain('namespaceSelector istio-injection in (enabled) → true');
    expect(text).toContain('pod labels {app=web}');
    expect(text).toContain('kubernetes.io/metadata.name=shop');
  });
  it('kube-inject trails have no stage A and say the policy was forced', () => {
    const text = formatTrail(run({ emulate: 'kube-inject', policy: 'disabled' }));
    expect(text).not.toContain('Stage A');
    expect(text).toMatch(/=> ✔ matched\s+injection policy/);
    expect(text).toContain('forced by kube-inject');
  });
  it('a skip by stage A shows no stage B', () => {
    const text = formatTrail(run({ ns: { 'istio-injection': 'disabled' } }));
    expect(text.split('\n')[0]).toBe('no injection: namespace-disabled [info]');
    expect(text).not.toContain('Stage B');
  });
  it('unknown namespace marks the undecided webhooks with ?', () => {
    const text = formatTrail(run({ ns: null }));
    expect(text).toMatch(/\? unknown\s+webhook namespace\.sidecar-injector\.istio\.io/);
    expect(text.split('\n')[0]).toBe('no injection: namespace-unknown [warning]');
  });
  it('every reason code is documented', () => {
    const codes: ReasonCode[] = [
      'namespace-label',
      'revision-label',
      'enabled-by-default',
      'webhook-selector',
      'namespace-disabled',
      'pod-label',
      'pod-annotation',
      'inject-value-invalid',
      'host-network',
      'ignored-namespace',
      'never-selector',
      'always-selector',
      'policy-enabled',
      'policy-disabled',
      'policy-invalid',
      'no-webhooks',
      'no-webhook-matched',
      'revision-not-installed',
      'namespace-unknown',
      'other-revision',
      'multiple-webhooks',
    ];
    expect(Object.keys(REASONS).sort()).toEqual([...codes].sort());
    for (const c of codes) expect(REASONS[c].length).toBeGreaterThan(20);
  });
});
