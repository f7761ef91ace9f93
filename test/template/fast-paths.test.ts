/**
 * The engine's shortcuts must print exactly what the general code prints: `sprint` of one basic
 * operand (what a template action prints) against `%v` through the full printer, `sprintf` of
 * plain formats (`%s`/`%v`/`%t`/`%%`) against the printer, and `toYaml`'s
 * output cache against fresh marshalling (equal trees share an output, different ones never do).
 */
import { describe, expect, it } from 'vitest';
import { quoteGo, sprint, sprintf } from '../../src/template/fmt.js';
import { jsonQuote } from '../../src/template/funcs/sprig-json.js';
import { marshalYaml, type YamlMemo } from '../../src/template/funcs/istio-yaml.js';
import { PatternMemo } from '../../src/template/funcs/sprig-regex.js';
import { fromJSON, GoInt, GoMap, GoSlice, mapGet, mapSet, newGoMap, type GoPlainMap, type GoValue } from '../../src/template/value.js';

describe('sprintf of plain formats', () => {
  // A `-` flag without a width changes nothing in Go but takes the general printer.
  const viaPrinter = (format: string, args: GoValue[]): string => sprintf(format.replace(/%([stv])/g, '%-$1'), ...args);
  const cases: Array<[string, GoValue[]]> = [
    ['--log_output_level=%s', ['default:info']],
    ['%t', [true]],
    ['%t', [false]],
    ['%v|%v', ['a', false]],
    ['istio.%s', ['']],
    ['100%% %s', ['ünïcödé 😀']],
    ['%s%s', ['a%sb', '%v']],
    ['no verbs', []],
    ['%s', ['a', 'b']],
    ['%s %s', ['a']],
    ['%t', ['true']],
    ['%s', [true]],
    ['%s', [new GoInt(3)]],
    ['%v', [1.5]],
    ['%s', [null]],
    ['%', ['a']],
    ['%', []],
    ['a%', []],
  ];
  for (const [format, args] of cases) {
    it(`prints ${JSON.stringify(format)} of ${args.map((a) => String(a)).join(', ')} as the printer does`, () => {
      expect(sprintf(format, ...args)).toBe(viaPrinter(format, args));
    });
  }

  it("keeps Go's texts for the cases the shortcut declines", () => {
    expect(sprintf('%s', 'a', 'b')).toBe('a%!(EXTRA string=b)');
    expect(sprintf('%s %s', 'a')).toBe('a %!s(MISSING)');
    expect(sprintf('%t', 'true')).toBe('%!t(string=true)');
    expect(sprintf('100%%')).toBe('100%');
  });
});

describe('sprint of one operand', () => {
  const values: GoValue[] = [
    '',
    'plain',
    '%v %d',
    'ünïcödé 😀',
    true,
    false,
    0,
    -0,
    1,
    -1,
    15001,
    999_999,
    -999_999,
    1_000_000,
    -1_000_000,
    123_456_789,
    0.5,
    -2.25,
    1e-5,
    1e21,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    new GoInt(0),
    new GoInt(-42, 'int64'),
    new GoInt(2n ** 64n - 1n, 'uint64'),
    new GoInt(-(2n ** 63n), 'int64'),
    new GoInt(255, 'uint8'),
  ];
  for (const v of values) {
    it(`prints ${String(v)} (${typeof v}) as %v does`, () => {
      // sprintf('%-v') goes through the printer (a flag: no shortcut; without a width it changes
      // nothing); sprint of two operands does too. Sprint puts a space between operands when
      // neither is a string.
      const slow = sprintf('%-v', v);
      expect(sprint(v)).toBe(slow);
      expect(sprint(v, v)).toBe(typeof v === 'string' ? slow + slow : `${slow} ${slow}`);
    });
  }

  it('keeps the known texts of floats around the exponent switch', () => {
    expect(sprint(999_999)).toBe('999999');
    expect(sprint(1_000_000)).toBe('1e+06');
    expect(sprint(-0)).toBe('-0');
    expect(sprint(new GoInt(-7, 'int32'))).toBe('-7');
  });
});

describe('toYaml output cache', () => {
  // a memo as Istio's function map keeps one (one per map)
  const memo: YamlMemo = new Map();
  const y = (v: GoValue) => marshalYaml(v, memo);

  it('gives equal trees the same output and different trees their own', () => {
    const a = fromJSON({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m' } });
    const first = y(a);
    expect(first).toBe('limits:\n  cpu: "2"\n  memory: 1Gi\nrequests:\n  cpu: 100m\n');
    expect(memo.size).toBe(1);
    // an equal copy (a cache hit) prints the same, and keeps no second entry
    expect(y(fromJSON({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m' } }))).toBe(first);
    expect(memo.size).toBe(1);
    // without a memo, the same output
    expect(marshalYaml(a)).toBe(first);
    // a number and a string with the same text are different trees
    expect(y(fromJSON({ a: 1 }))).toBe('a: 1\n');
    expect(y(fromJSON({ a: '1' }))).toBe('a: "1"\n');
    expect(y(fromJSON({ a: 1 }))).toBe('a: 1\n');
    // typed values keep their own JSON (a nil typed map is null, an empty one {})
    expect(y(new GoMap('string', new Map(), true))).toBe('null\n');
    expect(y(new GoMap('string', new Map()))).toBe('{}\n');
    expect(y(new GoSlice('string', ['x']))).toBe('- x\n');
  });

  it('sees a mutated map as a new tree', () => {
    const m = fromJSON({ k: 'v' }) as Record<string, GoValue>;
    expect(y(m)).toBe('k: v\n');
    m.k = 'w';
    expect(y(m)).toBe('k: w\n');
  });

  it('still fails for values Marshal rejects, every time', () => {
    for (let i = 0; i < 2; i++) expect(() => y(fromJSON({ x: Number.NaN }))).toThrow(/unsupported value/);
  });

  it('stays correct past its size bound', () => {
    for (let i = 0; i < 600; i++) expect(y(fromJSON({ count: i }))).toBe(`count: ${i}\n`);
    expect(memo.size).toBeLessThanOrEqual(256);
    const big = 'x'.repeat(20_000);
    expect(y(fromJSON({ big }))).toBe(y(fromJSON({ big })));
  });
});

describe('quoting printable ASCII', () => {
  // A trailing 'é' (printed as it is by both quoters) sends a string down the general per-character
  // path, so every ASCII character is checked both ways.
  const ascii = Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c));
  it('strconv.Quote', () => {
    for (const ch of ascii) {
      const s = `a${ch}b`;
      expect(quoteGo(s + 'é')).toBe(quoteGo(s).slice(0, -1) + 'é"');
    }
    expect(quoteGo('istio-proxy')).toBe('"istio-proxy"');
    expect(quoteGo('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteGo('\x7f')).toBe('"\\x7f"');
  });
  it('encoding/json, with and without HTML escaping', () => {
    for (const html of [true, false]) {
      for (const ch of ascii) {
        const s = `a${ch}b`;
        expect(jsonQuote(s + 'é', html)).toBe(jsonQuote(s, html).slice(0, -1) + 'é"');
      }
    }
    expect(jsonQuote('<a&b>')).toBe('"\\u003ca\\u0026b\\u003e"');
    expect(jsonQuote('<a&b>', false)).toBe('"<a&b>"');
    expect(jsonQuote('x"y\\')).toBe('"x\\"y\\\\"');
  });
});

describe('mapSet', () => {
  it('makes every key an own data property, __proto__ included, with or without a prototype', () => {
    for (const m of [newGoMap(), {} as GoPlainMap]) {
      const proto = Object.getPrototypeOf(m) as unknown;
      for (const key of ['__proto__', 'constructor', 'a', 'toString']) mapSet(m, key, `v-${key}`);
      expect(Object.getPrototypeOf(m)).toBe(proto);
      expect(Object.keys(m)).toEqual(['__proto__', 'constructor', 'a', 'toString']);
      for (const key of ['__proto__', 'constructor', 'a', 'toString']) expect(mapGet(m, key)).toBe(`v-${key}`);
      mapSet(m, '__proto__', 'again');
      expect(mapGet(m, '__proto__')).toBe('again');
      expect(Object.getPrototypeOf(m)).toBe(proto);
    }
  });
});

describe('compiled regular expressions of a function map', () => {
  it('compiles a pattern once per map, keeps a bounded number, and fails every time on a bad one', () => {
    const patterns = new PatternMemo();
    const re = patterns.compile('^a+$');
    expect(patterns.compile('^a+$')).toBe(re);
    expect(new PatternMemo().compile('^a+$')).not.toBe(re);
    for (let i = 0; i < 100; i++) patterns.compile(`x${i}`);
    expect(patterns.size).toBe(64);
    patterns.compile('y'.repeat(300));
    expect(patterns.size).toBe(64);
    for (let i = 0; i < 2; i++) expect(() => patterns.compile('(')).toThrow(/error parsing regexp/);
    expect(() => patterns.mustCompile('(')).toThrow(/regexp: Compile/);
  });
});
