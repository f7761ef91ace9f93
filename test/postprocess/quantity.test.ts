import { describe, expect, it } from 'vitest';
import { canonicalQuantity, parseQuantity, quantityEqual } from '../../src/kube/quantity.js';

describe('Kubernetes quantity canonical form (Go Quantity.String)', () => {
  const table: [string | number, string][] = [
    ['2000m', '2'],
    ['3000m', '3'],
    ['1024Mi', '1Gi'],
    ['2048Ki', '2Mi'],
    ['0.5', '500m'],
    ['0.1', '100m'],
    ['1.5', '1500m'],
    ['100m', '100m'],
    ['123m', '123m'],
    ['1G', '1G'],
    ['1000', '1k'],
    ['1000k', '1M'],
    ['1024', '1024'],
    ['128Mi', '128Mi'],
    ['1Ki', '1Ki'],
    ['1.5Gi', '1536Mi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['0', '0'],
    ['0m', '0'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['-1500m', '-1500m'],
    // An exponent written by the user keeps the exponent format...
    ['1e3', '1e3'],
    ['12e6', '12e6'],
    ['1e4', '10e3'],
    // ...but an unquoted YAML 1e3 is the number 1000.
    [1e3, '1k'],
    [2, '2'],
    [0.25, '250m'],
  ];
  for (const [input, want] of table) {
    it(`${JSON.stringify(input)} -> ${want}`, () => expect(canonicalQuantity(input)).toBe(want));
  }
  it('rejects what is not a quantity', () => {
    for (const bad of ['', 'abc', '1 Gi', '1Gb', '.', '1e', 'Mi']) expect(parseQuantity(bad)).toBeUndefined();
  });
  it('compares by value', () => {
    expect(quantityEqual('2000m', '2')).toBe(true);
    expect(quantityEqual('1024Mi', '1Gi')).toBe(true);
    expect(quantityEqual('1G', '1Gi')).toBe(false);
    expect(quantityEqual(0.5, '500m')).toBe(true);
  });
});
