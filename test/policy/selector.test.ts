import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and3, compileSelector, evaluateSelector, matchesSelector } from '../../src/policy/index.js';
import type { LabelSelector } from '../../src/policy/index.js';

describe('label selector matching (two-valued)', () => {
  it('an empty selector matches everything, an absent one nothing', () => {
    expect(matchesSelector({}, {})).toBe(true);
    expect(matchesSelector({ matchLabels: {}, matchExpressions: [] }, { a: 'b' })).toBe(true);
    expect(matchesSelector(undefined, { a: 'b' })).toBe(false);
    expect(matchesSelector(null, {})).toBe(false);
    const c = compileSelector({});
    expect(c.ok && c.selector.empty).toBe(true);
  });

  it('matchLabels requires every pair', () => {
    const s: LabelSelector = { matchLabels: { app: 'web', tier: 'front' } };
    expect(matchesSelector(s, { app: 'web', tier: 'front', x: 'y' })).toBe(true);
    expect(matchesSelector(s, { app: 'web' })).toBe(false);
    expect(matchesSelector(s, { app: 'web', tier: 'back' })).toBe(false);
  });

  it('In needs the key with a listed value', () => {
    const s: LabelSelector = { matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] };
    expect(matchesSelector(s, { env: 'b' })).toBe(true);
    expect(matchesSelector(s, { env: 'c' })).toBe(false);
    expect(matchesSelector(s, {})).toBe(false);
  });

  it('NotIn matches a missing key', () => {
    const s: LabelSelector = { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] };
    expect(matchesSelector(s, {})).toBe(true);
    expect(matchesSelector(s, { 'sidecar.istio.io/inject': 'true' })).toBe(true);
    expect(matchesSelector(s, { 'sidecar.istio.io/inject': 'false' })).toBe(false);
  });

  it('Exists and DoesNotExist look at the key only, including empty values', () => {
    const ex: LabelSelector = { matchExpressions: [{ key: 'k', operator: 'Exists' }] };
    const dne: LabelSelector = { matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] };
    expect(matchesSelector(ex, { k: '' })).toBe(true);
    expect(matchesSelector(ex, {})).toBe(false);
    expect(matchesSelector(dne, { k: '' })).toBe(false);
    expect(matchesSelector(dne, {})).toBe(true);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const s: LabelSelector = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }],
    };
    expect(matchesSelector(s, { app: 'web' })).toBe(true);
    expect(matchesSelector(s, { app: 'web', canary: 'x' })).toBe(false);
  });

  it('prints like Kubernetes: requirements sorted by key, values sorted', () => {
    const c = compileSelector({
      matchLabels: { z: '1' },
      matchExpressions: [
        { key: 'b', operator: 'NotIn', values: ['y', 'x'] },
        { key: 'a', operator: 'DoesNotExist' },
        { key: 'c', operator: 'Exists' },
        { key: 'd', operator: 'In', values: ['q'] },
      ],
    });
    expect(c.ok && c.selector.toString()).toBe('!a,b notin (x,y),c,d in (q),z=1');
  });
});

describe('invalid selectors are rejected as Kubernetes rejects them', () => {
  const cases: [string, LabelSelector, string][] = [
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, 'matchExpressions[0].operator'],
    ['operators are case-sensitive', { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, 'matchExpressions[0].operator'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, 'matchExpressions[0].values'],
    ['NotIn without values', { matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, 'matchExpressions[0].values'],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'matchExpressions[0].values'],
    ['DoesNotExist with values', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }, 'matchExpressions[0].values'],
    ['empty key', { matchExpressions: [{ key: '', operator: 'Exists' }] }, 'matchExpressions[0].key'],
    ['key with two slashes', { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }, 'matchExpressions[0].key'],
    ['uppercase prefix', { matchExpressions: [{ key: 'Istio.io/rev', operator: 'Exists' }] }, 'matchExpressions[0].key'],
    ['name part too long', { matchLabels: { ['x'.repeat(64)]: 'v' } }, `matchLabels.${'x'.repeat(64)}`],
    ['bad value in matchLabels', { matchLabels: { a: 'has space' } }, 'matchLabels.a'],
    ['bad value in In', { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-bad'] }] }, 'matchExpressions[0].values[1]'],
  ];
  for (const [name, selector, field] of cases) {
    it(name, () => {
      const c = compileSelector(selector);
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.error.field).toBe(field);
      expect(matchesSelector(selector, { a: 'x' })).toBe(false);
    });
  }

  it('accepts valid prefixed keys, empty values and 63-character names', () => {
    const c = compileSelector({
      matchLabels: { 'kubernetes.io/metadata.name': 'shop', e: '' },
      matchExpressions: [{ key: 'x'.repeat(63), operator: 'Exists' }],
    });
    expect(c.ok).toBe(true);
  });

  it('reports the Kubernetes operator message', () => {
    const c = compileSelector({ matchExpressions: [{ key: 'a', operator: 'Equals' }] });
    expect(!c.ok && c.error.message).toBe('"Equals" is not a valid label selector operator');
  });
});

describe('three-valued evaluation', () => {
  const sel: LabelSelector = {
    matchExpressions: [
      { key: 'istio-injection', operator: 'DoesNotExist' },
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
    ],
  };
  it('is the two-valued answer when the labels are known', () => {
    expect(evaluateSelector(sel, { 'kubernetes.io/metadata.name': 'shop' })).toBe(true);
    expect(evaluateSelector(sel, { 'istio-injection': 'enabled' })).toBe(false);
  });
  it('is unknown when an unknown label decides', () => {
    expect(evaluateSelector(sel, undefined, { 'kubernetes.io/metadata.name': 'shop' })).toBe('unknown');
  });
  it('is false when a known label already fails', () => {
    expect(evaluateSelector(sel, undefined, { 'kubernetes.io/metadata.name': 'kube-system' })).toBe(false);
  });
  it('is true for an empty selector and false for an absent one', () => {
    expect(evaluateSelector({}, undefined)).toBe(true);
    expect(evaluateSelector(null, undefined)).toBe(false);
  });
  it('Kleene AND', () => {
    expect(and3(true, 'unknown')).toBe('unknown');
    expect(and3('unknown', false)).toBe(false);
    expect(and3(true, true)).toBe(true);
    expect(and3()).toBe(true);
  });

  it('never contradicts any completion of the known labels (property)', () => {
    const keys = ['a', 'b', 'c'];
    const vals = ['x', 'y'];
    const req = fc.oneof(
      fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(vals, { minLength: 1 }) }),
      fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
    );
    const labelsArb = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...vals, ''));
    fc.assert(
      fc.property(fc.array(req, { maxLength: 4 }), labelsArb, labelsArb, (exprs, known, rest) => {
        const selector: LabelSelector = { matchExpressions: exprs };
        const tri = evaluateSelector(selector, undefined, known);
        const full = { ...rest, ...known };
        const actual = matchesSelector(selector, full);
        if (tri !== 'unknown') expect(actual).toBe(tri);
        // and knowing everything is never unknown
        expect(evaluateSelector(selector, full)).toBe(actual);
      }),
      { numRuns: 500 },
    );
  });
});
