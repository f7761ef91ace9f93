/**
 * A deterministic generator of template/data cases for the differential test against Go's
 * `text/template`: every construct (text, trim markers, comments, if/else if/else, with/else,
 * range over slices and maps with 0-2 variables, break/continue, define/template/block,
 * variables, pipelines, parenthesised and chained field access, literals of every syntax), every
 * builtin function, printf verbs and flags, the missingkey options, typed Go data (structs,
 * methods, nil pointers, enums, typed maps/slices), and error cases (parse errors, arity, type
 * errors, index out of range, undefined variables). Function libraries under
 * `src/template/funcs/` join through `corpusSamples` exports (see `funcs/types.ts`). Test-only.
 *
 * Deliberate differences from Go, left out of this corpus and covered by unit tests instead:
 * - the template call depth limit is 1000 by default (Go: 100000), so the message differs;
 * - complex constants (`1i`, `1+2i`) are rejected at execution (Go prints `(0+1i)`);
 * - `slice` beyond a slice's length: Go allows it up to the hidden capacity, which depends on how
 *   the slice was built (JSON decoding over-allocates); here capacity is the length.
 */
import type { FuncCorpusSamples } from '../../src/template/index.js';

export interface CorpusCase {
  name: string;
  template: string;
  /** JSON data (decoded as Go decodes it: numbers are float64). */
  data?: unknown;
  /** A typed fixture name instead of JSON data (see typed-fixtures.ts and render.go). */
  typed?: string;
  options?: { missingkey?: 'default' | 'zero' | 'error' | 'invalid'; funcs?: 'builtins' | 'sprig' | 'yaml' };
}

/** Rich JSON data shaped like Istio's `.Values`. */
export const DATA = {
  a: 'x',
  n: 15020,
  big: 1e6,
  huge: 1.5e21,
  f: 0.25,
  tiny: 1e-7,
  neg: -3,
  zero: 0,
  t: true,
  fl: false,
  s: '',
  nil: null,
  str: 'héllo wörld',
  q: 'a"b\\c\n\t<&>\'=',
  num: '42',
  m: { b: 1, a: 'y', c: { d: 'e', n: null }, '10': 'ten', '9': 'nine', Z: 'upper' },
  l: [1, 'a', null, { k: 'v' }, [2, 3], true],
  el: [],
  em: {},
  nums: [3, 1, 2],
  strs: ['b', 'a', 'c'],
  nested: {
    list: [
      { name: 'n1', ports: [80, 443] },
      { name: 'n2', ports: [] },
    ],
    env: { ENABLE: 'true', X: '' },
  },
  global: { proxy: { image: 'proxyv2', resources: { limits: { cpu: '2000m', memory: '1Gi' } } }, hub: 'docker.io/istio', tag: '1.20.0' },
  pilot: { env: { ENABLE_CLUSTER_TRUST_BUNDLE_API: false } },
  __proto__x: 'not a prototype',
  constructor: 'plain key',
} as const;

const DATASETS: Array<[string, unknown]> = [
  ['rich', DATA],
  ['empty', {}],
  ['null', null],
  ['str', 'just a string'],
  ['num', 7.5],
  ['list', [1, 2, 3]],
];

/** Operand expressions usable in any context with the rich data. */
const EXPRS = [
  '.a',
  '.n',
  '.big',
  '.huge',
  '.f',
  '.tiny',
  '.neg',
  '.zero',
  '.t',
  '.fl',
  '.s',
  '.nil',
  '.missing',
  '.str',
  '.q',
  '.num',
  '.m',
  '.m.a',
  '.m.b',
  '.m.c',
  '.m.c.d',
  '.m.c.n',
  '.m.missing',
  '.m.missing.deeper',
  '.l',
  '.el',
  '.em',
  '.nums',
  '.strs',
  '.nested.list',
  '.global.proxy.resources.limits',
  '.constructor',
  '.__proto__x',
  '$',
  '.',
  '$.a',
  '1',
  '-2',
  '0',
  '0x1F',
  '0o17',
  '017',
  '0b101',
  '1_000',
  '1.5',
  '-0.5',
  '1e3',
  '1e-3',
  '0x1p-2',
  "'a'",
  "'\\n'",
  "'é'",
  '"s"',
  '""',
  '"a\\tb"',
  '"\\u00e9"',
  '`raw\\n`',
  'true',
  'false',
  '(len .l)',
  '(.m)',
  '(.m).a',
  '(index .l 3).k',
  '(print 1 2)',
];

/** A smaller set for pairwise combinations. */
const PAIR_EXPRS = [
  '.a',
  '.n',
  '.f',
  '.neg',
  '.zero',
  '.t',
  '.s',
  '.nil',
  '.missing',
  '.m',
  '.l',
  '.str',
  '1',
  '2',
  '1.5',
  '"x"',
  '"a"',
  'true',
  "'a'",
  '(len .l)',
  '.num',
  'nil',
];

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCorpus(libraries: FuncCorpusSamples = [], sprigAvailable = false): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (name: string, template: string, data: unknown = DATA, options?: CorpusCase['options']): void => {
    cases.push({ name: `${cases.length}-${name}`, template, data, ...(options ? { options } : {}) });
  };
  const addTyped = (name: string, template: string, typed: string): void => {
    cases.push({ name: `${cases.length}-${name}`, template, typed });
  };

  // 1. Printing every expression against every data set (nil is not a command).
  for (const [dn, d] of DATASETS) {
    for (const e of EXPRS) add(`print-${dn}`, `{{${e}}}`, d);
  }

  // 2. Unary builtins over every expression.
  const UNARY = [
    'len',
    'not',
    'html',
    'js',
    'urlquery',
    'print',
    'println',
    'printf "%v"',
    'index',
    'slice',
    'and',
    'or',
    'call',
    'printf "%T"',
    'printf "%q"',
    'printf "%d"',
    'printf "%s"',
  ];
  for (const f of UNARY) for (const e of [...EXPRS, 'nil']) add(`unary-${f}`, `{{${f} ${e}}}`);

  // 3. Binary builtins over pairs.
  const BINARY = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'index', 'print', 'printf "%v|%v"'];
  for (const f of BINARY) {
    for (const x of PAIR_EXPRS)
      for (const y of PAIR_EXPRS) {
        if (f !== 'eq' && f !== 'and' && f !== 'or' && f !== 'index' && PAIR_EXPRS.indexOf(y) % 3 !== PAIR_EXPRS.indexOf(x) % 3) continue;
        add(`binary-${f}`, `{{${f} ${x} ${y}}}`);
      }
  }
  // eq with several arguments; index and slice with several indexes.
  for (const t of [
    '{{eq .a "y" "x"}}',
    '{{eq .n 1.0 15020.0}}',
    '{{eq 1 2 3 1}}',
    '{{eq .missing nil}}',
    '{{eq .nil .missing}}',
    '{{eq}}',
    '{{eq 1}}',
    '{{eq .m .m}}',
    '{{eq .l .l}}',
    '{{eq .m nil}}',
    '{{eq .l .m}}',
    '{{ne 1}}',
    '{{lt 1}}',
    '{{lt .m .m}}',
    '{{lt true false}}',
    '{{index .m "c" "d"}}',
    '{{index .l 3 "k"}}',
    '{{index .l 4 1}}',
    '{{index .l 6}}',
    '{{index .l 7}}',
    '{{index .l -1}}',
    '{{index .str 1}}',
    '{{index .str 11}}',
    '{{index .str 100}}',
    '{{index .m 1}}',
    '{{index .m nil}}',
    '{{index .l "a"}}',
    '{{index .l 1.0}}',
    '{{index .n 0}}',
    '{{index .l 2 0}}',
    '{{index .m "missing" "x"}}',
    '{{index .m}}',
    '{{index .l}}',
    '{{slice .l 1 3}}',
    '{{slice .l 2}}',
    '{{slice .l 1 2 3}}',
    '{{slice .l 3 1}}',
    '{{slice .l 0 6}}',
    '{{slice .l 0 9}}',
    '{{slice .l 1 2 3 4}}',
    '{{slice .str 1 4}}',
    '{{slice .str 0 1 2}}',
    '{{slice .m 1}}',
    '{{slice .nil 1}}',
    '{{slice .missing}}',
    '{{slice .l .n}}',
    '{{slice .a}}',
    '{{slice .el}}',
    '{{len .m}} {{len .el}} {{len .em}} {{len .str}} {{len "日本"}}',
    '{{len .n}}',
    '{{len .missing}}',
    '{{len .nil}}',
    '{{len 3}}',
    '{{len}}',
    '{{len 1 2}}',
    '{{not}}',
    '{{not 1 2}}',
    '{{and}}',
    '{{or}}',
    '{{call}}',
    '{{call .a}}',
    '{{call .missing}}',
    '{{print}}',
    '{{println}}',
    '{{printf}}',
    '{{html}}',
    '{{printf .a}}',
    '{{printf 1}}',
    '{{printf .n}}',
    '{{printf "%d %s" 1}}',
    '{{printf "%d" 1 2}}',
    '{{printf "%!" 1}}',
    '{{printf "%" }}',
  ])
    add('builtin-special', t);

  // 4. Pipelines.
  for (const e of EXPRS) {
    for (const f of ['len', 'print', 'printf "%v-%v" 1', 'not', 'html', 'urlquery', 'index .m', 'eq .a', 'and 1', 'or 0']) add('pipe', `{{${e} | ${f}}}`);
  }
  for (const t of [
    '{{.a | printf "%s" | printf "%q"}}',
    '{{1 | print 2 | print 3}}',
    '{{"x" | len | print}}',
    '{{. | len}}',
    '{{.l | index 1}}',
    '{{.a | .m}}',
    '{{.a | $}}',
    '{{.a | 1}}',
    '{{.a | "s"}}',
    '{{.a | nil}}',
    '{{.a | true}}',
    '{{.a | .}}',
    '{{.a | (len .l)}}',
    '{{$x := .a | printf "%s!"}}{{$x}}',
    '{{(.a | printf "%s?")}}',
    '{{(1 | print) | print}}',
    '{{print (1 | print) 2}}',
  ])
    add('pipe-special', t);

  // 5. Control structures.
  const conds = [
    '.t',
    '.fl',
    '.a',
    '.s',
    '.n',
    '.zero',
    '.nil',
    '.missing',
    '.m',
    '.em',
    '.l',
    '.el',
    '.m.c',
    '(eq .a "x")',
    '(and .t .fl)',
    '(or .s .a)',
    '(not .t)',
    '$',
    '1',
    '0',
    '""',
    'nil',
  ];
  for (const c of conds) {
    add('if', `{{if ${c}}}T{{end}}`);
    add('if-else', `{{if ${c}}}T{{else}}F{{end}}`);
    add('if-elseif', `{{if .fl}}A{{else if ${c}}}B{{else}}C{{end}}`);
    add('with', `{{with ${c}}}[{{.}}]{{end}}`);
    add('with-else', `{{with ${c}}}[{{.}}]{{else}}none{{end}}`);
    add('range', `{{range ${c}}}<{{.}}>{{end}}`);
    add('range-else', `{{range ${c}}}<{{.}}>{{else}}empty{{end}}`);
    add('range-kv', `{{range $k, $v := ${c}}}{{$k}}={{$v}};{{end}}`);
    add('range-v', `{{range $v := ${c}}}{{$v}},{{end}}`);
  }
  for (const t of [
    '{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}',
    '{{if .t}}{{if .fl}}a{{else}}b{{end}}{{end}}',
    '{{range $i, $e := .l}}{{$i}}:{{$e}} {{end}}',
    '{{range .nested.list}}{{.name}}={{range .ports}}{{.}},{{else}}none{{end}};{{end}}',
    '{{range $i, $x := .nums}}{{if eq $i 1}}{{continue}}{{end}}{{$x}}{{end}}',
    '{{range $i, $x := .nums}}{{if eq $i 1}}{{break}}{{end}}{{$x}}{{end}}',
    '{{range .l}}{{range .}}inner{{break}}{{end}}outer{{end}}',
    '{{range .nums}}{{if gt . 1.5}}{{.}}{{continue}}{{end}}-{{end}}',
    '{{break}}',
    '{{continue}}',
    '{{if .t}}{{break}}{{end}}',
    '{{range .l}}{{break 1}}{{end}}',
    '{{range .l}}{{continue}}x{{end}}',
    '{{range .m}}{{.}}|{{end}}',
    '{{range $k, $v := .m}}{{$k}}{{end}}',
    '{{range $k := .m}}{{$k}}{{end}}',
    '{{range .l}}{{.k}}{{end}}',
    '{{range .strs}}{{.}}{{end}}',
    '{{range $i := .nums}}{{$i}}{{end}}',
    '{{range .n}}x{{end}}',
    '{{range .a}}x{{end}}',
    '{{range .t}}x{{end}}',
    '{{range 3}}x{{end}}',
    '{{range $a, $b, $c := .l}}{{end}}',
    '{{range $a, 3 := .l}}{{end}}',
    '{{with $x := .a}}{{$x}}{{.}}{{end}}',
    '{{with .m}}{{.a}}{{with .c}}{{.d}}{{$.a}}{{end}}{{end}}',
    '{{with .missing}}x{{else}}{{.a}}{{end}}',
    '{{if}}x{{end}}',
    '{{if .t}}x',
    '{{if .t}}x{{else}}y{{else}}z{{end}}',
    '{{else}}',
    '{{end}}',
    '{{range .l}}{{end}}{{end}}',
    '{{with .l}}{{range .}}{{.}}{{end}}{{end}}',
    '{{if and .t .a}}{{.a}}{{end}}',
    '{{if or .missing.x .a}}ok{{end}}',
    '{{if (index .m "c").d}}deep{{end}}',
    '{{range $i, $v := .em}}x{{else}}empty map{{end}}',
  ])
    add('control', t);

  // 6. Variables.
  for (const t of [
    '{{$x := 1}}{{$x}}',
    '{{$x := .a}}{{$x = .n}}{{$x}}',
    '{{$x := .m}}{{$x.a}} {{$x.c.d}}',
    '{{$}}',
    '{{$.m.a}}',
    '{{$x}}',
    '{{$x = 1}}',
    '{{$x := 1}}{{if .t}}{{$x = 2}}{{end}}{{$x}}',
    '{{$x := 1}}{{if .t}}{{$x := 2}}{{$x}}{{end}}{{$x}}',
    '{{$x := 1}}{{range .nums}}{{$x = .}}{{end}}{{$x}}',
    '{{range $i, $v := .nums}}{{end}}{{$i}}',
    '{{$x, $y := 1}}',
    '{{$x := .missing}}{{$x}}{{$x.y}}',
    '{{$x := .nil}}{{$x}}',
    '{{$x := .l}}{{index $x 1}}{{len $x}}',
    '{{$x := 1}}{{$x 2}}',
    '{{$x := 1}}{{$x | print}}',
    '{{$x := print "a" | printf "%s%s" "b"}}{{$x}}',
    '{{$x := .m}}{{$x.missing}}',
    '{{$x := .m}}{{$x.a.b}}',
    '{{ $x := "s" }}{{ $x.y }}',
    '{{$a := 1}}{{$b := 2}}{{$a}}{{$b}}',
    '{{$x := (len .l)}}{{$x}}',
    '{{$ := 1}}',
    '{{$x := 1}}{{$x := 2}}{{$x}}',
    '{{$x.y := 1}}',
  ])
    add('vars', t);

  // 7. define / template / block.
  for (const t of [
    '{{define "T"}}[{{.}}]{{end}}{{template "T" .a}}{{template "T" .n}}{{template "T"}}',
    '{{define "T"}}{{.a}}{{end}}{{template "T" .}}',
    '{{template "nosuch"}}',
    '{{template "T" .}}{{define "T"}}late{{end}}',
    '{{block "B" .m}}{{.a}}{{end}}',
    '{{block "B" .}}{{.a}}{{end}}{{template "B" .m}}',
    '{{define "a"}}A{{template "b" .}}{{end}}{{define "b"}}B{{.}}{{end}}{{template "a" 1}}',
    '{{define "rec"}}{{if .}}{{len .}}{{template "rec" (slice . 1)}}{{end}}{{end}}{{template "rec" .nums}}',
    '{{define "x"}}1{{end}}{{define "x"}}2{{end}}',
    '{{define "x"}}{{end}}{{define "x"}}2{{end}}{{template "x"}}',
    '{{define "x"}}{{$}}{{end}}{{template "x" .a}}',
    '{{define "x"}}{{$y}}{{end}}',
    '{{define x}}{{end}}',
    '{{define "x"}}',
    '{{template x}}',
    '{{template "x" 1 2}}',
    '{{define "T"}}{{.Missing}}{{end}}{{template "T" .m}}',
    '{{define "T"}}{{index . 9}}{{end}}{{template "T" .l}}',
    'a{{define "T"}}b{{end}}c{{template "T"}}d',
    '{{define "T"}}{{.}}{{end}}{{template "T" (print .a .n)}}',
    '{{define "r"}}{{.}}{{range .}}{{end}}{{end}}{{template "r" .strs}}',
  ])
    add('define', t);

  // 8. Trim markers, comments, text and whitespace.
  for (const t of [
    'a  {{- .a -}}  b',
    'a\n\t {{- .a}}\n b',
    'a {{.a -}}\n\n b',
    '{{- .a -}}',
    'x{{-3}}',
    'x{{- 3}}',
    'x{{3 -}}y',
    'x{{3-}}y',
    'x{{ -3 }}y',
    '{{/* c */}}x',
    'a {{- /* c */ -}} b',
    'a {{-/* c */}} b',
    '{{/* unclosed }}',
    '{{/* a */ 1}}',
    '{{ /* not a comment */ }}',
    '{{- /* multi\nline */ -}}\nz',
    'a\n{{- if .t }}\n  yes\n{{- end }}\nb',
    '  {{- range .strs }}\n  - {{ . }}\n  {{- end }}\n',
    'line1\nline2 {{.missing.x}}',
    'no actions at all',
    '',
    ' ',
    '{{"{{"}}',
    '{{`}}`}}',
    'tail {{',
    '{{.a}',
    '{{ .a }}}}',
    '}}{{',
    'multi\n\nline\n{{.a}}\n{{.n}}\n',
    '{{.a}}\r\n{{.n}}',
    'ünïcödé {{.str}} ✓',
    '\t{{- "tab" -}}\t',
  ])
    add('trim', t);

  // 9. Literals and lexing edge cases.
  for (const t of [
    '{{1}} {{-1}} {{+1}} {{1.0}} {{1.}} {{.5}} {{-.5}} {{1e6}} {{1E-2}} {{0x10}} {{0X1f}} {{0o7}} {{0b11}} {{07}} {{1_000_000}} {{0x_1}}',
    '{{0x1.8p1}} {{1e100}} {{9223372036854775807}} {{-9223372036854775808}}',
    '{{9223372036854775808}}',
    '{{18446744073709551615}}',
    '{{18446744073709551616}}',
    '{{1e400}}',
    '{{08}}',
    '{{1__0}}',
    '{{1_}}',
    '{{0x}}',
    '{{1.2.3}}',
    '{{1e}}',
    '{{1a}}',
    '{{0b2}}',
    '{{--1}}',
    "{{'a'}} {{'\\t'}} {{'\\x41'}} {{'\\u263a'}} {{'\\U0001F600'}} {{'\\''}} {{'\\\\'}} {{'\\101'}}",
    "{{''}}",
    "{{'ab'}}",
    "{{'a}}",
    "{{'\\z'}}",
    '{{"\\x41\\101\\u0041\\U00000041"}}',
    '{{"\\a\\b\\f\\v"}}',
    '{{"\\q"}}',
    '{{"unterminated}}',
    '{{"a\nb"}}',
    '{{`a\nb`}}',
    '{{`unterminated}}',
    '{{"\\""}}',
    "{{'\"'}}",
    '{{"\\\'"}}',
    '{{nil}}',
    '{{true}} {{false}}',
    '{{true.x}}',
    '{{"s".x}}',
    '{{1.x}}',
    '{{nil.x}}',
    '{{..}}',
    '{{.a..b}}',
    '{{.a.}}',
    '{{$.}}',
    '{{.1}}',
    '{{.a.1}}',
    '{{$1}}',
    '{{@}}',
    '{{.a#}}',
    '{{ # }}',
    '{{ , }}',
    '{{ .a, .b }}',
    '{{ : }}',
    '{{ := }}',
    '{{ = }}',
    '{{(}}',
    '{{)}}',
    '{{(1}}',
    '{{1)}}',
    '{{()}}',
    '{{(1) (2)}}',
    '{{print (1) (2)}}',
    '{{ |print}}',
    '{{print |}}',
    '{{1|}}',
    '{{ | }}',
    '{{}}',
    '{{ }}',
    '{{-}}',
    '{{- }}',
    '{{ -}}',
    '{{1+}}',
    '{{1-2}}',
    '{{.a 1}}',
    '{{.m.a 1}}',
    '{{.m 1}}',
    '{{"x" 1}}',
    '{{1 2}}',
    '{{. 1}}',
    '{{else if .t}}',
    '{{range}}{{end}}',
    '{{with}}{{end}}',
    '{{if .t}}{{else if}}{{end}}',
    '{{template}}',
    '{{block "b"}}{{end}}',
    '{{π}}',
    '{{.π}}',
    '{{$π := 1}}{{$π}}',
    '{{.a\u00a0}}',
    '{{print "a"\t"b"}}',
    '{{print\n"a"}}',
    '{{print "a"\r\n}}',
  ])
    add('lex', t);

  // 10. Function call edge cases: unknown functions, field/method misuse.
  for (const t of [
    '{{nosuch}}',
    '{{nosuch 1}}',
    '{{.a | nosuch}}',
    '{{if nosuch}}{{end}}',
    '{{print .a.b}}',
    '{{.a.b}}',
    '{{.n.x}}',
    '{{.l.x}}',
    '{{.t.x}}',
    '{{.m.c.d.e}}',
    '{{.m.c.n.x}}',
    '{{.nested.list.name}}',
    '{{(.m).c.d}}',
    '{{(.m.c).n}}',
    '{{(.missing).x}}',
    '{{(.nil).x}}',
    '{{(nil).x}}',
    '{{(1).x}}',
    '{{("s").x}}',
    '{{(print 1).x}}',
    '{{(.m).a.b}}',
    '{{(index .l 3).k.z}}',
    '{{(.l).x}}',
    '{{$.m.c.d}}',
    '{{$.missing.x.y}}',
    '{{(.pilot.env).ENABLE_CLUSTER_TRUST_BUNDLE_API}}',
    '{{.global.proxy.resources.limits.cpu}}',
    '{{.global.proxy.missing.cpu}}',
  ])
    add('fields', t);

  // 11. printf verbs, flags, width and precision over typed literal values.
  const verbValues = [
    '1',
    '-42',
    '255',
    '0',
    '1.5',
    '-0.25',
    '1e6',
    '1e21',
    '123456789.0',
    '0.000012345',
    '"str"',
    '"héllo"',
    '""',
    'true',
    '.nil',
    '.missing',
    '.m',
    '.l',
    '.strs',
    "'x'",
    '.n',
    '.tiny',
    '.huge',
  ];
  const verbs = [
    '%v',
    '%+v',
    '%#v',
    '%T',
    '%s',
    '%q',
    '%x',
    '%X',
    '%d',
    '%b',
    '%o',
    '%O',
    '%c',
    '%U',
    '%#U',
    '%t',
    '%e',
    '%E',
    '%f',
    '%F',
    '%g',
    '%G',
    '%8.3f',
    '%-8d|',
    '%08d',
    '%+d',
    '% d',
    '%#x',
    '%#o',
    '%5s|',
    '%-5s|',
    '%.2s',
    '%5.1q',
    '%x',
    '% x',
    '%#q',
    '%+q',
    '%.0f',
    '%.1e',
    '%.3g',
    '%10.4g|',
    '%z',
    '%!',
    '%',
    '%[2]v %[1]v',
    '%[3]v',
    '%*d',
    '%.*f',
    '%-010d|',
    '%+.2e',
    '%#g',
    '%#.3g',
    '%v%%',
  ];
  for (const v of verbs) for (const val of verbValues) add('printf', `{{printf ${JSON.stringify(v)} ${val}}}`);
  for (const t of [
    '{{printf "%d %d" 1}}',
    '{{printf "%d" 1 2 "x"}}',
    '{{printf "%[2]d" 1}}',
    '{{printf "%*d" "x" 1}}',
    '{{printf "%.*d" 2 7}}',
    '{{printf "%[1]d %d" 5 6}}',
    '{{printf "%[0]d" 1}}',
    '{{printf "%[x]d" 1}}',
    '{{printf "%-+ #0v" 3}}',
    '{{printf "%5t" true}}',
    '{{printf "%.3x" "abcdef"}}',
    '{{printf "%6.2v" 3.14159}}',
    '{{printf "%v" 0.1}}',
    '{{printf "%v %v %v" 100000.0 1000000.0 0.0001}}',
    '{{printf "%v" 2.5e-5}}',
    '{{printf "%.0f %.0f %.0f %.0f" 0.5 1.5 2.5 3.5}}',
    '{{printf "%.2f" 1.005}}',
    '{{printf "%g" 100000.0}}',
    '{{printf "%g" 1e-5}}',
    '{{printf "%e" 0.0}}',
    '{{printf "%g" 0.0}}',
    '{{printf "%v" -0.0}}',
    '{{printf "%x" -255}}',
    '{{printf "%c" 65}}',
    '{{printf "%q" 65}}',
    '{{printf "%U" 128512}}',
    '{{printf "%#U" 128512}}',
    '{{printf "%c" -1}}',
    '{{printf "%08.3f" -3.14159}}',
    '{{printf "%+08d" 42}}',
    '{{printf "%x" .strs}}',
    '{{printf "%q" .l}}',
    '{{printf "%d" .nums}}',
    '{{printf "%s" .m}}',
    '{{printf "%5v|" .nums}}',
  ])
    add('printf-special', t);

  // 12. print / println spacing rules.
  for (const t of [
    '{{print 1 2}}',
    '{{print "a" "b"}}',
    '{{print 1 "a" 2}}',
    '{{print .nil .nil}}',
    '{{print .missing}}',
    '{{println 1 "a"}}',
    '{{print .m .l}}',
    '{{print 1.5 2}}',
    '{{print true false}}',
    '{{print "a" 1 1 "b"}}',
    '{{println}}',
    '{{print ""}}',
    '{{print .s .s}}',
  ])
    add('print', t);

  // 13. missingkey options.
  for (const mk of ['zero', 'error', 'invalid', 'default'] as const) {
    for (const t of [
      '{{.missing}}',
      '{{.m.missing}}',
      '{{.missing.x}}',
      '{{index .m "missing"}}',
      '{{.nil}}',
      '{{.nil.x}}',
      '{{with .missing}}w{{end}}',
      '{{if .m.missing}}y{{else}}n{{end}}',
      '{{printf "%v" .missing}}',
      '{{eq .missing nil}}',
      '{{len .missing}}',
      '{{.a}}',
      '{{range .missing}}r{{end}}',
      '{{$x := .missing}}{{$x.y}}',
      '{{.m.c.missing}}',
    ])
      add(`missingkey-${mk}`, t, DATA, { missingkey: mk });
  }

  // 14. Typed data: struct fields, methods, nil pointers, enums, typed maps and slices.
  for (const fx of ['typed1', 'typed1ptr']) {
    for (const t of [
      '{{.Name}} {{.Count}} {{.Count64}} {{.Port}} {{.Ratio}} {{.Flag}}',
      '{{.Labels}} {{.Tags}}',
      '{{.Labels.app}} {{.Labels.missing}}|{{index .Labels "missing"}}|',
      '{{.Ptr.Value}} {{.Ptr.Text}} {{.Ptr.GetValue}}',
      '{{.NilPtr.GetValue}} {{.NilPtr.GetText}}|',
      '{{.NilPtr.Value}}',
      '{{.NilPtr}}',
      '{{.Ptr}}',
      '{{.Mode}} {{.Mode.String}} {{printf "%d %v %s" .Mode .Mode .Mode}}',
      '{{eq .Mode 1}}',
      '{{if .Mode}}set{{end}}',
      '{{.Values.a}} {{.Values.list}} {{.Values.nested.k}}',
      '{{.Upper "abc"}}',
      '{{.Upper}}',
      '{{.Upper 1}}',
      '{{.Upper "a" "b"}}',
      '{{"abc" | .Upper}}',
      '{{.Add 1 2}}',
      '{{.Add 1 .Count}}',
      '{{.Add 1 .Ratio}}',
      '{{.Add 1 .Count64}}',
      '{{.Add 1 .Values.a}}',
      '{{.Add 1 nil}}',
      '{{.Add 1 "2"}}',
      '{{.Add 1 2.0}}',
      '{{.Add 1 2.5}}',
      '{{.Join "-" "a" "b" "c"}}',
      '{{.Join ","}}',
      '{{.Join "," .Name .Labels.app}}',
      '{{.Fail}}',
      '{{.GetInner.Text}}',
      '{{.GetNil.GetValue}}',
      '{{.GetNil.Text}}',
      '{{.Nope}}',
      '{{.Name.x}}',
      '{{.Name 1}}',
      '{{len .Labels}} {{len .Tags}} {{index .Tags 1}} {{slice .Tags 1}}',
      '{{range .Tags}}{{.}}{{end}} {{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}',
      '{{eq .Count 3}} {{eq .Count64 15020}} {{eq .Port 15001}} {{eq .Ratio 0.25}} {{eq .Count .Count64}}',
      '{{lt .Count 10}} {{lt .Port .Count64}}',
      '{{eq .Count 3.0}}',
      '{{eq .Labels .Labels}}',
      '{{eq .Ptr .Ptr}}',
      '{{eq .NilPtr nil}}',
      '{{eq .Tags nil}}',
      '{{printf "%T %T %T %T" .Count .Count64 .Port .Labels}}',
      '{{printf "%T" .Tags}} {{printf "%T" .Mode}} {{printf "%T" .Values}}',
      '{{with .NilPtr}}x{{else}}nil ptr{{end}}',
      '{{with .Ptr}}{{.Text}}{{end}}',
      '{{.Any}}',
      '{{index .Values "list" 1}}',
      '{{.Labels | len}}',
      '{{printf "%v" .Labels}}',
      '{{printf "%q" .Tags}}',
      '{{printf "%x" .Count64}}',
    ])
      addTyped(`typed-${fx}`, t, fx);
  }
  for (const [fx, ts] of [
    [
      'strmap',
      [
        '{{.}}',
        '{{.a}} {{.missing}}|{{index . "missing"}}|{{index . "a"}}',
        '{{range $k, $v := .}}{{$k}}{{$v}}{{end}}',
        '{{len .}}',
        '{{.a.b}}',
        '{{eq .a "1"}}',
      ],
    ],
    ['strslice', ['{{.}}', '{{index . 0}}', '{{range .}}{{.}}{{end}}', '{{slice . 1 2}}', '{{len .}}', '{{.x}}', '{{printf "%q" .}}', '{{eq . nil}}']],
    ['intslice', ['{{.}}', '{{index . 0}}', '{{range $i, $v := .}}{{$i}}{{$v}}{{end}}', '{{eq (index . 0) 3}}', '{{lt (index . 1) 2}}', '{{printf "%x" .}}']],
  ] as const) {
    for (const t of ts) addTyped(`typed-${fx}`, t, fx);
  }

  // 15. Random compositions (deterministic): nested control with expressions and functions.
  const r = rng(4);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const fns = ['print', 'len', 'not', 'html', 'js', 'printf "%v"', 'index .m', 'eq .a', 'lt 1', 'and .t', 'or .s'];
  for (let i = 0; i < 300; i++) {
    const e1 = pick(EXPRS);
    const e2 = pick(EXPRS);
    const f = pick(fns);
    const shape = i % 6;
    let t: string;
    if (shape === 0) t = `{{if ${pick(conds)}}}{{${f} ${e1}}}{{else}}{{${e2}}}{{end}}`;
    else if (shape === 1) t = `{{range $i, $v := ${pick(['.l', '.m', '.nums', '.strs', '.nested.list', '.em', '.missing'])}}}{{$i}}:{{${f} $v}} {{end}}`;
    else if (shape === 2) t = `{{with ${e1}}}{{${f} .}}{{else}}{{${e2}}}{{end}}`;
    else if (shape === 3) t = `{{$x := ${e1}}}{{${f} $x}}|{{${e2} | ${f}}}`;
    else if (shape === 4) t = `{{- ${e1} -}} ${pick(['', ' ', '\n'])} {{- /* c */ -}} {{${f} (${e2})}}`;
    else t = `{{define "T"}}{{${f} .}}{{end}}{{template "T" ${e1}}}{{block "U" ${e2}}}[{{.}}]{{end}}`;
    add('random', t);
  }

  // 16. Function libraries (sprig, Istio): their sample calls.
  for (const s of libraries) {
    if (s.goHas === false || !sprigAvailable) continue;
    for (const args of s.args) {
      const data = s.data ?? DATA;
      add(`lib-${s.name}`, `{{${s.name}${args.length ? ' ' + args.join(' ') : ''}}}`, data, { funcs: 'sprig' });
      if (args.length > 0) {
        const last = args[args.length - 1] as string;
        add(`lib-pipe-${s.name}`, `{{${last} | ${s.name}${args.length > 1 ? ' ' + args.slice(0, -1).join(' ') : ''}}}`, data, { funcs: 'sprig' });
      }
    }
  }
  return cases;
}
