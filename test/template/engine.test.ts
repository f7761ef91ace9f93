/**
 * Unit tests for the tricky semantics of the text/template port, written as tables of
 * (template, data, expected output or error). The expectations were checked against Go 1.19.
 */
import { describe, expect, it } from 'vitest';
import {
  GoFuncError,
  GoInt,
  GoStruct,
  Template,
  TemplateExecError,
  TemplateParseError,
  defineFunc,
  fromJSON,
  isTrue,
  sprintf,
  type FuncMap,
  type GoValue,
  type TemplateOptions,
} from '../../src/template/index.js';
import { typedFixture } from './typed-fixtures.js';

function run(text: string, data: GoValue = null, opts: TemplateOptions = {}): string {
  return new Template('t', opts).parse(text).execute(data);
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const values = fromJSON({
  a: 'x',
  n: 15020,
  big: 1000000,
  f: 0.5,
  m: { b: 1, a: 'y', Z: 'z', '10': 'ten', '9': 'nine' },
  l: ['p', null, 2],
  empty: '',
  zero: 0,
  nil: null,
});

type Row = [name: string, template: string, expected: string];

describe('output semantics', () => {
  const rows: Row[] = [
    ['trim both sides', 'a  \n {{- .a -}} \n  b', 'axb'],
    ['trim needs a space', '{{3 -}} x {{-3}}', '3x -3'],
    ['comment with trim', 'a {{- /* c */ -}} b', 'ab'],
    ['missing key prints <no value>', '{{.missing}}|{{.m.missing}}|{{.missing.deeper}}', '<no value>|<no value>|<no value>'],
    ['nil map value prints <no value>', '{{.nil}}', '<no value>'],
    ['missing value passed to print is nil', '{{print .missing}} {{printf "%v" .nil}}', '<nil> <nil>'],
    ['float64 formatting', '{{.n}} {{.big}} {{.f}} {{1.0}} {{1e21}}', '15020 1e+06 0.5 1 1e+21'],
    ['int literals', "{{1}} {{0x1F}} {{0o17}} {{0b11}} {{1_000}} {{'a'}}", '1 31 15 3 1000 97'],
    ['maps print with sorted keys', '{{.m}}', 'map[10:ten 9:nine Z:z a:y b:1]'],
    ['slices print with <nil>', '{{.l}}', '[p <nil> 2]'],
    ['range over a map in key order', '{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', '10=ten;9=nine;Z=z;a=y;b=1;'],
    ['range else', '{{range .missing}}x{{else}}none{{end}}', 'none'],
    ['break and continue', '{{range $i, $v := .l}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 2}}{{break}}{{end}}{{$v}}{{end}}', 'p'],
    ['else if chain', '{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}', '3'],
    ['with sets dot', '{{with .m}}{{.a}}{{end}}{{with .missing}}no{{else}}else{{end}}', 'yelse'],
    ['and/or return operands', '{{and 1 "" 2}}|{{or 0 "" "z"}}|{{and .a .n}}', '|z|15020'],
    ['truthiness', '{{if .empty}}a{{end}}{{if .zero}}b{{end}}{{if .m}}c{{end}}{{if .l}}d{{end}}{{if .nil}}e{{end}}', 'cd'],
    ['variables assign', '{{$x := 1}}{{range .l}}{{$x = .}}{{end}}{{$x}}', '2'],
    ['chained field on parenthesised pipeline', '{{(.m).a}}', 'y'],
    ['define and template', '{{define "T"}}[{{.}}]{{end}}{{template "T" .a}}{{template "T"}}', '[x][<no value>]'],
    ['block', '{{block "B" .m}}{{.b}}{{end}}', '1'],
    ['len counts bytes', '{{len "héllo"}}', '6'],
    ['index of a missing key in an interface map', '{{index .m "zz"}}', '<no value>'],
    ['printf verbs', '{{printf "%5.2f|%-4d|%q|%x|%t|%v" 3.14159 7 "a\\"b" "hi" true .l}}', ' 3.14|7   |"a\\"b"|6869|true|[p <nil> 2]'],
    ['printf bad verb and missing arg', '{{printf "%d %s" "x"}}', '%!d(string=x) %!s(MISSING)'],
    ['html, js, urlquery', '{{html "<a href=\'x\'>"}} {{js "a\'b<"}} {{urlquery "a b&c"}}', "&lt;a href=&#39;x&#39;&gt; a\\'b\\u003C a+b%26c"],
    ['html of missing value', '{{html .missing}}', '&lt;no value&gt;'],
    ['println', '{{println 1 "a"}}', '1 a\n'],
    ['eq with missing is false, not an error', '{{eq .missing "x"}}', 'false'],
    ['eq multi-arg', '{{eq .a "q" "x"}}', 'true'],
    ['int and float compare kinds', '{{lt 1 2}} {{lt 1.5 2.5}}', 'true true'],
  ];
  it.each(rows)('%s', (_name, template, expected) => {
    expect(run(template, values)).toBe(expected);
  });

  it('executes one parsed template many times', () => {
    const t = new Template('t').parse('{{.name}}:{{len .items}}');
    expect(t.execute(fromJSON({ name: 'a', items: [1] }))).toBe('a:1');
    expect(t.execute(fromJSON({ name: 'b', items: [1, 2] }))).toBe('b:2');
  });

  it('short-circuits and/or without evaluating later operands', () => {
    let calls = 0;
    const funcs: FuncMap = {
      boom: defineFunc([], () => {
        calls++;
        throw new GoFuncError('boom');
      }),
    };
    expect(run('{{or 1 boom}}{{and 0 boom}}', null, { funcs })).toBe('10');
    expect(calls).toBe(0);
  });
});

describe('errors read as Go prints them', () => {
  const parseRows: Array<[string, string]> = [
    ['{{.a', 'template: t:1: unclosed action'],
    ['{{if .a}}x', 'template: t:1: unexpected EOF'],
    ['{{nosuch 1}}', 'template: t:1: function "nosuch" not defined'],
    ['{{$x}}', 'template: t:1: undefined variable "$x"'],
    ['{{break}}', 'template: t:1: {{break}} outside {{range}}'],
    ['a\nb\n{{end}}', 'template: t:3: unexpected {{end}}'],
    ['{{1a}}', 'template: t:1: bad number syntax: "1a"'],
    ['{{"x}}', 'template: t:1: unterminated quoted string'],
    ['{{.a | 1}}', 'template: t:1: non executable command in pipeline stage 2'],
    ['{{define "x"}}1{{end}}{{define "x"}}2{{end}}', 'template: t:1: template: multiple definition of template "x"'],
  ];
  it.each(parseRows)('parse %j', (text, message) => {
    const e = errorOf(() => new Template('t').parse(text));
    expect(e).toBeInstanceOf(TemplateParseError);
    expect(e.message).toBe(message);
  });

  const execRows: Array<[string, string]> = [
    ['{{eq .a 1}}', 'template: t:1:2: executing "t" at <eq .a 1>: error calling eq: incompatible types for comparison: string and int'],
    ['{{index .l 5}}', 'template: t:1:2: executing "t" at <index .l 5>: error calling index: index out of range: 5'],
    ['{{len 3}}', 'template: t:1:2: executing "t" at <len 3>: error calling len: len of type int'],
    ['{{not}}', 'template: t:1:2: executing "t" at <not>: wrong number of args for not: want 1 got 0'],
    ['{{.a.b}}', 'template: t:1:4: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}'],
    ['x\n  {{.nil.x}}', 'template: t:2:8: executing "t" at <.nil.x>: nil pointer evaluating interface {}.x'],
    ['{{template "none"}}', 'template: t:1:11: executing "t" at <{{template "none"}}>: template "none" not defined'],
    ['{{range .a}}{{end}}', 'template: t:1:8: executing "t" at <.a>: range can\'t iterate over x'],
  ];
  it.each(execRows)('exec %j', (text, message) => {
    const e = errorOf(() => run(text, values));
    expect(e).toBeInstanceOf(TemplateExecError);
    expect(e.message).toBe(message);
  });

  it('reports arity, type and call errors of declared functions as Go does', () => {
    const funcs: FuncMap = {
      trunc: defineFunc(['int', 'string'], (n, s) => (s as string).slice(0, Number((n as GoInt).value))),
      fail: defineFunc(
        [],
        () => {
          throw new GoFuncError('boom');
        },
        { returnsError: true },
      ),
    };
    expect(run('{{trunc 2 "abc"}}', values, { funcs })).toBe('ab');
    expect(errorOf(() => run('{{trunc 2}}', values, { funcs })).message).toBe(
      'template: t:1:2: executing "t" at <trunc>: wrong number of args for trunc: want 2 got 1',
    );
    expect(errorOf(() => run('{{trunc .n "abc"}}', values, { funcs })).message).toBe(
      'template: t:1:8: executing "t" at <.n>: wrong type for value; expected int; got float64',
    );
    expect(errorOf(() => run('{{trunc "2" "abc"}}', values, { funcs })).message).toBe('template: t:1:8: executing "t" at <"2">: expected integer; found "2"');
    expect(errorOf(() => run('{{fail}}', values, { funcs })).message).toBe('template: t:1:2: executing "t" at <fail>: error calling fail: boom');
  });

  it('supports missingkey=zero and missingkey=error', () => {
    expect(run('{{.missing}}', values, { missingKey: 'zero' })).toBe('<no value>');
    expect(errorOf(() => run('{{.m.zz}}', values, { missingKey: 'error' })).message).toBe(
      'template: t:1:4: executing "t" at <.m.zz>: map has no entry for key "zz"',
    );
  });
});

describe('Go data objects', () => {
  it('reads fields and calls methods, including on nil pointer receivers', () => {
    const d = typedFixture('typed1ptr');
    expect(run('{{.Name}} {{.Count64}} {{.Labels.app}} {{.Ptr.GetValue}} {{.NilPtr.GetValue}} {{.Mode}} {{.Mode.String}}', d)).toBe(
      'proxy 15020 web true false TPROXY TPROXY',
    );
    expect(run('{{.GetNil.GetValue}} {{index .Labels "nope"}}|{{.Labels.nope}}', d)).toBe('false |<no value>');
    expect(errorOf(() => run('{{.NilPtr.Text}}', d)).message).toBe('template: t:1:9: executing "t" at <.NilPtr.Text>: nil pointer evaluating *main.Inner.Text');
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const data = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}') as GoValue;
    expect(run('{{.__proto__.polluted}} {{.constructor}} {{.toString}} {{.hasOwnProperty}}', data)).toBe('yes c <no value> <no value>');
    expect(run('{{index . "__proto__"}} {{len .}}', data)).toBe('map[polluted:yes] 2');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('applies Go truthiness to typed values', () => {
    expect(isTrue(new GoInt(0))).toBe(false);
    expect(isTrue(new GoStruct({ name: 'main.S' }, {}))).toBe(true);
    expect(isTrue(new GoStruct({ name: '*main.S', pointer: true }, null))).toBe(false);
  });
});

describe('limits (bounded engine) and deliberate differences from Go', () => {
  it('bounds template recursion depth', () => {
    const e = errorOf(() => run('{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}', null, { limits: { maxTemplateDepth: 50 } }));
    expect(e.message).toBe('template: t:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (50)');
    // The default (1000) is far below Go's 100000 and still works without exhausting the JS stack.
    expect(errorOf(() => run('{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}')).message).toContain('exceeded maximum template depth (1000)');
  });

  it('bounds range iterations over the whole execution', () => {
    const data = fromJSON({ l: Array.from({ length: 20 }, (_, i) => i) });
    expect(run('{{range .l}}{{range $.l}}{{end}}{{end}}', data, { limits: { maxRangeIterations: 420 } })).toBe('');
    expect(errorOf(() => run('{{range .l}}{{range $.l}}{{end}}{{end}}', data, { limits: { maxRangeIterations: 419 } })).message).toContain(
      'range iterations exceed the limit of 419',
    );
  });

  it('bounds output size', () => {
    const data = fromJSON({ l: Array.from({ length: 100 }, () => 'abcdefghij') });
    expect(run('{{range .l}}{{.}}{{end}}', data, { limits: { maxOutputBytes: 1000 } })).toHaveLength(1000);
    expect(errorOf(() => run('{{range .l}}{{.}}{{end}}', data, { limits: { maxOutputBytes: 999 } })).message).toContain(
      'output exceeds the limit of 999 bytes',
    );
  });

  it('bounds output size in UTF-8 bytes, also when the limit is reached long after the first write', () => {
    // 'é' is 2 bytes, '€' 3, '😀' 4 (two UTF-16 units): the limit counts bytes, not JS string length.
    for (const [ch, bytes] of [
      ['é', 2],
      ['€', 3],
      ['😀', 4],
      ['a', 1],
    ] as const) {
      const data = fromJSON({ l: Array.from({ length: 500 }, () => ch) });
      const max = 500 * bytes;
      expect(run('{{range .l}}{{.}}{{end}}', data, { limits: { maxOutputBytes: max } })).toBe(ch.repeat(500));
      expect(errorOf(() => run('{{range .l}}{{.}}{{end}}', data, { limits: { maxOutputBytes: max - 1 } })).message).toContain(
        `output exceeds the limit of ${max - 1} bytes`,
      );
      // text between actions counts too
      expect(errorOf(() => run('{{range .l}}{{.}}x{{end}}', data, { limits: { maxOutputBytes: max + 499 } })).message).toContain(
        `output exceeds the limit of ${max + 499} bytes`,
      );
    }
  });

  it('rejects complex constants instead of printing them', () => {
    expect(errorOf(() => run('{{1i}}')).message).toBe('template: t:1:2: executing "t" at <1i>: complex constant 1i is not supported');
  });
});

describe('fmt', () => {
  const rows: Array<[string, GoValue[], string]> = [
    ['%v', [1e6], '1e+06'],
    ['%v', [123456], '123456'],
    ['%v', [1234567], '1.234567e+06'],
    ['%v', [1e-5], '1e-05'],
    ['%.0f %.0f %.0f', [0.5, 1.5, 2.5], '0 2 2'],
    [
      '%08.3f|%+d|% d|%x|%X|%o|%b|%c|%U',
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: a sample number for %08.3f, not π
      [-3.14159, new GoInt(5), new GoInt(5), new GoInt(255), new GoInt(255), new GoInt(8), new GoInt(5), new GoInt(0x263a), new GoInt(0x263a)],
      '-003.142|+5| 5|ff|FF|10|101|☺|U+263A',
    ],
    ['%s|%10s|%-10s|%.2s', ['abc', 'abc', 'abc', 'abc'], 'abc|       abc|abc       |ab'],
    ['%q %+q %#q', ['héllo\n', 'héllo', 'raw'], '"héllo\\n" "h\\u00e9llo" `raw`'],
    ['%T %T %T %T %T', ['s', 1.5, new GoInt(1), [1], fromJSON({})], 'string float64 int []interface {} map[string]interface {}'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%d %d', [new GoInt(1)], '1 %!d(MISSING)'],
    ['%d', [new GoInt(1), 'extra'], '1%!(EXTRA string=extra)'],
    ['%[2]d %[1]d', [new GoInt(1), new GoInt(2)], '2 1'],
    ['%*d|', [new GoInt(4), new GoInt(7)], '   7|'],
    ['%!', [], '%!!(MISSING)'],
    ['%', [], '%!(NOVERB)'],
    ['%e %E %g %G', [123456.789, 0.000123, 1e-7, 1e21], '1.234568e+05 1.230000E-04 1e-07 1E+21'],
  ];
  it.each(rows)('sprintf(%j)', (format, args, expected) => {
    expect(sprintf(format, ...args)).toBe(expected);
  });
});
