import { describe, expect, it } from 'vitest';
import { parseTemplateOutput, resolvePlainScalar, TemplateOutputError } from '../../src/io/template-output.js';

describe('parseTemplateOutput (sigs.k8s.io/yaml rules)', () => {
  it('resolves plain scalars as go-yaml v2 does', () => {
    expect(resolvePlainScalar('yes')).toBe(true);
    expect(resolvePlainScalar('On')).toBe(true);
    expect(resolvePlainScalar('n')).toBe(false);
    expect(resolvePlainScalar('OFF')).toBe(false);
    expect(resolvePlainScalar('~')).toBe(null);
    expect(resolvePlainScalar('0777')).toBe(511);
    expect(resolvePlainScalar('0x1F')).toBe(31);
    expect(resolvePlainScalar('1_000')).toBe(1000);
    expect(resolvePlainScalar('08')).toBe(8);
    expect(resolvePlainScalar('1.5e3')).toBe(1500);
    expect(resolvePlainScalar('.5')).toBe(0.5);
    // no sexagesimal numbers in go-yaml v2, and timestamps stay strings in interface{}
    expect(resolvePlainScalar('1:30')).toBe('1:30');
    expect(resolvePlainScalar('2001-12-14')).toBe('2001-12-14');
    expect(resolvePlainScalar('15001')).toBe(15001);
    expect(resolvePlainScalar('-')).toBe('-');
    expect(resolvePlainScalar('Yes please')).toBe('Yes please');
  });

  it('keeps quoted and block scalars as strings', () => {
    const out = parseTemplateOutput('a: "yes"\nb: \'15001\'\nc: |\n  text\nd: !!str 12\ne: yes\n');
    expect(out).toEqual({ a: 'yes', b: '15001', c: 'text\n', d: '12', e: true });
  });

  it('handles flow maps with trailing commas, merge keys, aliases and duplicate keys (last wins)', () => {
    const out = parseTemplateOutput('annotations: {\n  a: "1",\n  b: x,\n}\nbase: &b {p: 1}\nm:\n  <<: *b\n  q: 2\nd: 1\nd: 2\n');
    expect(out).toEqual({ annotations: { a: '1', b: 'x' }, base: { p: 1 }, m: { q: 2, p: 1 }, d: 2 });
  });

  it('turns non-string keys into strings and empty output into {}', () => {
    expect(parseTemplateOutput('true: 1\n3: x\n')).toEqual({ true: 1, '3': 'x' });
    expect(parseTemplateOutput('')).toEqual({});
    expect(parseTemplateOutput('# only a comment\n')).toEqual({});
  });

  it('fails on invalid YAML and on output that is not a map', () => {
    expect(() => parseTemplateOutput('a: [')).toThrow(TemplateOutputError);
    expect(() => parseTemplateOutput('- a\n- b\n')).toThrow(/not a map/);
    expect(() => parseTemplateOutput('a: .inf\n')).toThrow(/not representable/);
  });

  it('treats __proto__ as an ordinary key', () => {
    const out = parseTemplateOutput('__proto__: {polluted: true}\n');
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
