/**
 * The one scalar module of the YAML layer (src/io/scalars.ts): both plain-scalar resolvers
 * against their references (`yaml`'s core schema for YAML 1.2; go-yaml v2's answers, recorded
 * from go.yaml.in/yaml/v2 v2.4.2 under sigs.k8s.io/yaml v1.6.0 built with Go 1.26, for the
 * other), every place that resolves plain scalars agreeing with them, and the double-quoted
 * escapes in both directions against `yaml`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Bail, BAIL } from '../../src/io/bail.js';
import { fastParse } from '../../src/io/fast.js';
import { decodeDoubleQuoted, decodeSingleQuoted, doubleQuoted, readsAsString, resolveCore, resolveGoYamlV2, RESOLVERS } from '../../src/io/scalars.js';
import { fastParseTemplateOutput, parseTemplateOutput, parseTemplateOutputWithYaml } from '../../src/io/template-output.js';
import { dq, plainScalar } from '../../src/inject/builtin/gosem.js';
import { hasGo, unmarshalWithGo } from '../template/go-harness.js';

/** go-yaml v2's value for `k: <text>` (into interface{}, then JSON), as Go printed it. */
const GO_YAML_V2: readonly [string, unknown][] = [
  ['0o17', 15],
  ['0O17', 15],
  ['+0o17', 15],
  ['-0o17', -15],
  ['0o', '0o'],
  ['0o8', '0o8'],
  ['0b101', 5],
  ['0B101', 5],
  ['-0b11', -3],
  ['0b_1', 1],
  ['0x1F', 31],
  ['0X1f', 31],
  ['+0x1f', 31],
  ['0x_1f', 31],
  ['017', 15],
  ['0_17', 15],
  ['1_000', 1000],
  ['.5', 0.5],
  ['1e3', 1000],
  ['1.5e3', 1500],
  ['0.', 0],
  ['yes', true],
  ['Off', false],
  ['~', null],
  ['1:30', '1:30'],
  ['2001-12-14', '2001-12-14'],
  ['istiod', 'istiod'],
];

describe('the go-yaml v2 resolver', () => {
  it('gives what go-yaml v2 gives (Go parses 0o/0b prefixes although YAML 1.1 has none)', () => {
    for (const [text, want] of GO_YAML_V2) expect({ text, got: resolveGoYamlV2(text) }).toEqual({ text, got: want });
  });

  it('is the one the built-in profile and the template-output readers use: 0o17 is 15 on every path', () => {
    for (const [text, want] of GO_YAML_V2) {
      // a null key is an error in sigs.k8s.io/yaml (checked against Go below)
      const doc = want === null ? `name: ${text}\n` : `name: ${text}\n${text}: v\n`;
      const viaTemplates = want === null ? { name: want } : { name: want, [String(want)]: 'v' };
      expect({ text, fast: fastParseTemplateOutput(doc) }).toEqual({ text, fast: viaTemplates });
      expect({ text, yaml: parseTemplateOutputWithYaml(doc) }).toEqual({ text, yaml: viaTemplates });
      expect({ text, builtin: plainScalar(text) }).toEqual({ text, builtin: want });
    }
  });

  it('reads double-quoted template text with the same escapes (an escaped \\n is a line break, not folded)', () => {
    expect(dq('a\\nb', 'f')).toBe(parseTemplateOutputWithYaml('k: "a\\nb"\n').k);
    expect(dq('a\\nb', 'f')).toBe('a\nb');
    expect(() => dq('a"b', 'f')).toThrow(/cannot be rendered/);
    expect(() => dq('a\\qb', 'f')).toThrow(/cannot be rendered/);
  });

  it('gives up on values JSON cannot hold, and each caller turns that into its own error', () => {
    expect(() => resolveGoYamlV2('.inf')).toThrow(Bail);
    expect(fastParseTemplateOutput('a: -.Inf\n')).toBe(BAIL);
    expect(() => parseTemplateOutputWithYaml('a: .nan\n')).toThrow(/not representable/);
    expect(() => plainScalar('.inf')).toThrow(/cannot be rendered/);
  });
});

describe.skipIf(!hasGo())('the go-yaml v2 resolver against Go (sigs.k8s.io/yaml.Unmarshal)', () => {
  // number-like texts: every prefix, sign, underscore and exponent form, plus the table above
  const generated = fc.sample(fc.string({ unit: fc.constantFrom(...'0123456789oObBxXaAfF_+-.eE:yYnN~'), minLength: 1, maxLength: 6 }), {
    numRuns: 600,
    seed: 20261207,
  });
  const samples = [
    ...new Set([
      ...GO_YAML_V2.map(([t]) => t),
      '1e6',
      '6e7',
      '1.1',
      '3.14159265',
      '-1e-5',
      '1e39',
      '18446744073709551615',
      '9223372036854775807',
      ...generated,
    ]),
  ].filter((t) => !/^[-?:,[\]{}#&*!|>'"%@`]|^[-?:]$|: |:$| #/.test(t) && t.trim() === t);

  it('gives what Go gives for each text as a value and as a key, on the built-in and template paths', () => {
    const texts = samples.flatMap((t) => [`k: ${t}\n`, `${t}: v\n`, `m: {${t}: v}\n`]);
    const go = unmarshalWithGo(texts);
    let checked = 0;
    texts.forEach((text, i) => {
      const want = go[i]!;
      let got: { output?: string; error?: string };
      try {
        got = { output: JSON.stringify(parseTemplateOutput(text)) };
      } catch (e) {
        got = { error: (e as Error).message };
      }
      if (want.error !== undefined) {
        expect({ text, failed: got.error !== undefined }).toEqual({ text, failed: true });
        return;
      }
      checked++;
      expect({ text, got: got.output }).toEqual({ text, got: want.output });
      if (text.startsWith('k: ')) {
        expect({ text, builtin: plainScalar(text.slice(3, -1)) }).toEqual({ text, builtin: (JSON.parse(want.output!) as { k: unknown }).k });
      }
    });
    expect(checked).toBeGreaterThan(texts.length / 2);
  }, 120_000);
});

describe('the YAML 1.2 core resolver', () => {
  const samples = [
    '0o17',
    '0O17',
    '017',
    '0x1F',
    '0X1F',
    '0b1',
    '1_000',
    '.5',
    '1e3',
    '+1',
    '-0',
    '1.',
    'yes',
    'True',
    'NULL',
    'null',
    'Null',
    'nUll',
    '~',
    '',
    '1:30',
    '2001-12-14',
    '.inf',
    '-.Inf',
    '.NaN',
    'x',
    '-',
    '.',
    '+.5e-3',
    '0x',
    '0o',
  ];

  it('gives what yaml gives with the core schema', () => {
    for (const text of samples) {
      let want: unknown;
      try {
        want = parse(`k: ${text}\n`, { schema: 'core' }).k;
      } catch {
        continue;
      }
      if (typeof want === 'number' && !Number.isFinite(want)) {
        expect(() => resolveCore(text)).toThrow(Bail);
        expect(readsAsString(text, 'yaml-1.2')).toBe(false);
        continue;
      }
      expect({ text, got: resolveCore(text) }).toEqual({ text, got: want });
      expect({ text, str: readsAsString(text, 'yaml-1.2') }).toEqual({ text, str: typeof want === 'string' });
    }
  });

  it('is the resolver of the manifest reader', () => {
    for (const text of ['0o17', '017', 'yes', '0b1', '1_000']) {
      const doc = `k: ${text}\n`;
      expect({ text, fast: fastParse(doc, 0, doc.length, 0) }).toEqual({ text, fast: parse(doc, { schema: 'core' }) });
    }
  });

  it('differs from go-yaml v2 where the schemas do, chosen by a parameter', () => {
    expect(RESOLVERS['yaml-1.2']('yes')).toBe('yes');
    expect(RESOLVERS['go-yaml-v2']('yes')).toBe(true);
    expect(RESOLVERS['yaml-1.2']('017')).toBe(17);
    expect(RESOLVERS['go-yaml-v2']('017')).toBe(15);
    expect(RESOLVERS['yaml-1.2']('0o17')).toBe(15);
    expect(RESOLVERS['go-yaml-v2']('0o17')).toBe(15);
  });
});

describe('double-quoted escapes', () => {
  it('read as yaml reads them', () => {
    const bodies = ['a\\tb', '\\x41\\u00e9\\U0001F600', '\\N\\_\\L\\P', '\\/\\"\\\\', 'a \\\n  b', 'a\n\n  b  ', 'x  \n y', '\\e\\a\\0'];
    for (const body of bodies) {
      expect({ body, got: decodeDoubleQuoted(body, 0, body.length) }).toEqual({ body, got: parse(`"${body}"`) });
    }
    expect(() => decodeDoubleQuoted('\\q', 0, 2)).toThrow(Bail);
    expect(() => decodeDoubleQuoted('\\x4', 0, 3)).toThrow(Bail);
  });

  it('read back what the printer writes, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        const text = doubleQuoted(v);
        expect(decodeDoubleQuoted(text, 1, text.length - 1)).toBe(v);
        expect(parse(text)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  it('single quotes fold lines and double their quote', () => {
    for (const raw of ["it''s", 'a\n  b', 'a\n\n  b ', "x ''\n\n\n y"]) expect({ raw, got: decodeSingleQuoted(raw) }).toEqual({ raw, got: parse(`'${raw}'`) });
  });
});
