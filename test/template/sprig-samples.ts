/**
 * Sample calls of every sprig function the TypeScript library offers, for the differential test
 * against Go's `sprig.TxtFuncMap()` (v3.2.3), plus a generated set of values for Istio's `toYaml`
 * (compared against `sigs.k8s.io/yaml`'s ancestor, github.com/ghodss/yaml). Each sample argument
 * set is template source (`3 "hello"`, `.nums`, `(list 1 "a")`); the corpus renders it as
 * `{{NAME ARGS}}` and with the last argument piped. Data comes through JSON, so every number in
 * `.Values`-like data is a float64, as in Istio. Besides the hand-written sets, seeded random
 * strings, numbers and JSON collections go through the string, math and list/dict functions, and
 * random nested values through toYaml. Deterministic; test-only.
 *
 * Left out on purpose (each with its reason):
 * - `keys` and `values` over maps with several entries: Go returns them in random map order (the
 *   TypeScript port sorts); single-entry and empty maps are compared, and `keys | sortAlpha`.
 * - toYaml maps whose keys mix letters and digits so that go-yaml's key order is not transitive
 *   (`x10`, `x1a`, `x2`): Go's output then depends on its random map order. Random keys use
 *   letters and punctuation only.
 * - Unicode case mappings of characters newer than Go 1.19's Unicode 13 (Node knows later
 *   versions): none of the pieces the random strings use.
 */
import type { FuncCorpusSamples } from '../../src/template/index.js';
import { DATA } from './corpus.js';

/** The data every sprig sample runs against: the corpus' rich data and a few sprig-specific values. */
export const SPRIG_DATA = {
  ...DATA,
  u: '日本語 ✓ héllo',
  negf: -2.5,
  bigf: 1e20,
  halves: [0.5, 1.5, -2.5],
  words: 'hello wide world',
  csv: 'a,b,,c',
  path: '/a/b/../c.txt',
  relpath: 'x/./y//z.tar.gz',
  json: '{"b":[1,2.5,"x"],"a":null,"c":{"d":true}}',
  b64: 'aMOpbGxv',
  b32: 'NBSWY3DP',
  octal: '0755',
  dup: [1, 'a', 1, 'a', null, 1.5, [1], [1]],
  maps: [{ name: 'a', v: 1 }, { name: 'b' }, { v: 2 }],
  deep: { x: { y: { z: 'found' } }, l: [1] },
  over: { a: 'over', c: { d: 'D2', e: 'E' }, l: [9] },
  one: { only: 'v' },
  mixed: [3, '10', 2.5, -1],
  bools: [true, false],
  strnums: ['3', '1', '2'],
  longs: 'the quick brown fox jumps over the lazy dog',
  nulls: { a: null, b: { c: null, d: 1 }, l: null, e: {} },
  filled: { a: 'A', b: { c: 'C', x: 'X' }, l: [1, 2], e: { f: 1 } },
};

/** Splits an argument string at top-level spaces (quotes, backquotes and parentheses kept together). */
function splitArgs(src: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quote !== undefined) {
      cur += ch;
      if (ch === '\\' && quote !== '`') cur += src[++i] ?? '';
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === '`' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ' ' && depth === 0) {
      if (cur !== '') out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Argument sets per function, as template source (an empty string is a call without arguments). */
const SAMPLES: Record<string, readonly string[]> = {
  // defaults, flow control
  default: ['"d" ""', '"d" 0', '"d" .zero', '"d" .fl', '"d" .el', '"d" .em', '"d" .missing', '"d" .nil', '"d" .a', '5', '.n .s', '"d" .m'],
  empty: ['""', '0', '.zero', '.el', '.em', '.missing', '.nil', '.a', '.t', '.fl', '.m', '.negf', '', '1 2'],
  coalesce: ['"" 0 "x"', '.missing .nil', '', '.fl .el .s .n', '.em .m'],
  ternary: ['"a" "b" true', '"a" "b" false', '"a" "b" "true"', '"a" "b" .t', '.n .s .fl', '"a" "b" .missing'],
  all: ['', '1 "a" .t', '1 .s', '.missing', '.el'],
  any: ['', '0 "" .fl', '0 "a"', '.missing .nil', '.em .m'],
  fail: ['"boom"', '""', '.u', '1'],
  hello: ['', '1'],
  // strings
  quote: ['"a\\"b"', '.missing', '1 "x"', '.q', '.l', '', '.nil .a', '.u', '.n'],
  squote: ['"a"', '.missing "b"', '.m', '.q', '.f'],
  cat: ['"a" 1 .missing', '', '.l .m', '.u .neg', '.nil .nil'],
  trunc: ['3 "hello"', '-3 "hello"', '0 ""', '99 "x"', '-99 "x"', '2 .u', '4 .u', '-4 .u', '.n "x"', '1 .n'],
  substr: ['0 2 "hello"', '-1 2 "abc"', '1 -1 "abc"', '2 1 "abc"', '0 10 "abc"', '5 -1 "abc"', '1 4 .u', '0 0 ""'],
  trimAll: ['"-_." "._a-"', '"" "x"', '"ab" "abba"', '"✓ " .u'],
  trimall: ['"-_." "._a-"', '"é" "éaé"'],
  trimSuffix: ['"-" "a-"', '"" "a"', '"abc" "abc"', '"llo" .u'],
  trimPrefix: ['"a" "ab"', '"x" "ab"', '"" ""', '"日" .u'],
  trim: ['"  a  "', '""', '"\\t\\n x \\r"', '"\\u00a0x\\u2003"', '.u', '.n'],
  indent: ['2 "a\\nb"', '0 ""', '-1 "a"', '4 "a\\n"', '2 .u', '1 "\\n\\n"'],
  nindent: ['2 "a\\nb"', '0 ""', '3 "\\n"', '-2 "x"', '2 .words'],
  upper: ['"abc"', '"ß"', '""', '.u', '"ǅ"'],
  lower: ['"ABC"', '"İ"', '""', '.u', '"ΣΑΣ"'],
  title: ['"hello world"', '"don\'t stop"', '""', '.u', '"a-b_c d.e"', '"ǆa"'],
  untitle: ['"Hello World"', '""', '"ÉCOLE Élan"', '"A"'],
  swapcase: ['"Hello World"', '""', '.u', '"ÀbÇ 1x"', '"This Is A Test"'],
  replace: ['"a" "b" "banana"', '"" "-" "ab"', '"x" "y" ""', '"é" "e" .u', '"" "" ""'],
  contains: ['"a" "abc"', '"" ""', '"z" "abc"', '"✓" .u'],
  hasPrefix: ['"a" "abc"', '"" ""', '"z" "abc"', '"日本" .u'],
  hasSuffix: ['"c" "abc"', '"" ""', '"z" "abc"', '"llo" .u'],
  repeat: ['3 "a"', '0 "a"', '-1 "a"', '2 .u', '2 ""'],
  nospace: ['"a b\\tc\\n"', '""', '.u', '"\\u2003x\\u00a0"'],
  plural: ['"one" "many" 1', '"one" "many" 0', '"one" "many" -1', '"one" "many" 2'],
  initials: ['"hello wide world"', '""', '.u', '"  a  b "', '"élan vital"'],
  abbrev: ['5 .u', '8 .longs', '5 "hello world"', '3 "hello"', '4 "hello"', '10 "hi"', '0 "x"', '6 .u', '-1 "abc"'],
  abbrevboth: ['5 10 "1234 5678 9123 4567"', '0 5 "abcdefghij"', '1 7 "abcdefghijkl"', '3 4 "abc"', '10 20 .longs'],
  split: ['"," "a,b,,c"', '"" "ab"', '"," ""', '"✓" .u'],
  splitList: ['"," "a,b"', '"" "ab"', '"," ""', '"," .csv', '"é" .u'],
  splitn: ['"," 2 "a,b,c"', '"," 0 "a,b"', '"," -1 .csv', '"" 2 "abc"', '"x" 1 ""'],
  join: ['"," .l', '"-" "abc"', '"," .missing', '", " .el', '"," .strs', '"" .nums', '"/" .u', '"," 5'],
  sortAlpha: ['.strs', '.nums', '.l', '.el', '.missing', '"s"', '.mixed', '(keys .m)'],
  toString: ['1', '1.5', '.missing', '.l', '.m', '.n', '.huge', '.tiny', '.t', '.u', '.nil'],
  toStrings: ['.l', '"s"', '.missing', '.nums', '.el', '.m', '.mixed'],
  // lists
  list: ['', '1 "a" .missing', '.l .m', '.n .f'],
  tuple: ['', '1 "a" .missing', '.nil'],
  append: ['.l 2', '.missing 1', '"s" 1', '.el .missing', '.nums .u'],
  push: ['.nums 4', '.el "x"', '.m 1'],
  mustAppend: ['.l 2', '.missing 1', '"s" 1'],
  mustPush: ['.nums 4', '5 1'],
  prepend: ['.l 0', '.el .missing', '"s" 1'],
  mustPrepend: ['.nums 0', '.m 1', '.missing 1'],
  first: ['.nums', '.el', '"abc"', '.missing', '.l'],
  mustFirst: ['.nums', '.el', '"abc"', '.missing'],
  last: ['.nums', '.el', '"abc"', '.l'],
  mustLast: ['.nums', '.el', '.m'],
  rest: ['.nums', '.el', '"abc"', '.l'],
  mustRest: ['.nums', '.el', '.n'],
  initial: ['.nums', '.el', '"abc"', '.l'],
  mustInitial: ['.nums', '.el', '.t'],
  reverse: ['.nums', '.el', '"abc"', '.l'],
  mustReverse: ['.nums', '.el', '.a'],
  uniq: ['.dup', '.el', '.missing', '.nums', '"ab"'],
  mustUniq: ['.dup', '.el', '.f'],
  compact: ['(list .nulls.a .nulls.e 0.0 "0")', '.dup', '.l', '.el', '(list "" 0 .fl .nil 1 .em .el)', '"s"'],
  mustCompact: ['.l', '(list "" 0 "a")', '.n'],
  without: ['.nums 1', '.dup 1 "a"', '.el 1', '.l .nil', '"s" 1'],
  mustWithout: ['.nums 1', '.n 1'],
  has: ['1 .nums', '1.0 .nums', '"a" .l', '.nil .l', '1 .missing', '1 "abc"', '.m .l'],
  mustHas: ['3.0 .nums', '"z" .strs', '1 .a'],
  slice: ['.nums 1', '.nums 1 2', '.nums', '.nums 2 1', '.nums 0 5', '.el', '"abc" 1', '.l 1 3'],
  mustSlice: ['.nums 1', '.nums 0 9', '.strs 1 2'],
  concat: ['.nums .strs', '', '.el .missing', '.nums "x"', '.l .l'],
  chunk: ['2 .nums', '1 .el', '5 .l', '0 .nums', '-1 .nums', '2 "abc"'],
  mustChunk: ['2 .nums', '0 .nums', '2 .m'],
  until: ['3', '0', '-2', '1'],
  untilStep: ['0 10 3', '10 0 -3', '0 5 0', '5 0 1', '-3 3 2', '1 1 1'],
  seq: ['3', '5 3', '1 2 7', '', '1 -1 5', '0', '-2', '2 2', '1 0 3', '1 2 3 4'],
  // dicts
  dict: ['"a" 1 "b"', '', '1 2', '"a" .m "b" .l', '"k" .missing', '.n "v"', '.t .fl'],
  get: ['.nulls "a"', '.nulls "l"', '.m "a"', '.m "zz"', '.em "a"', '.one "only"'],
  set: ['.em "a" 1', '.m "a" .missing', '.one "x" .l'],
  unset: ['.m "a"', '.em "x"', '.one "only"'],
  hasKey: ['.nulls "a"', '.m "a"', '.em "a"', '.m "zz"', '.m "10"'],
  pluck: ['"name" (index .maps 0) (index .maps 1)', '"v" (index .maps 0) (index .maps 1) (index .maps 2)', '"x"', '"name" .em'],
  keys: ['.one', '', '.em', '.em .one', '(dict "a" 1)'],
  values: ['.one', '.em', '(dict "k" .l)'],
  pick: ['.nulls "a" "l"', '.m "a" "b"', '.m', '.m "zz"', '.em "a"'],
  omit: ['.nulls "b"', '.m "a" "b"', '.m', '.em "a"', '.one "only"'],
  dig: ['"b" "c" "d" .nulls', '"a" "x" "d" .nulls', '"x" "y" "z" "d" .deep', '"x" "q" "d" .deep', '"d" .em', '"l" "d" .deep', '"a" "b" "d" .m'],
  merge: [
    '.filled .nulls',
    '.nulls .filled',
    '(dict) .nulls',
    '.filled (dict "a" .nil)',
    '.m .over',
    '.em .em',
    '.over .m',
    '(dict "a" 1) (dict "a" 2 "b" 3)',
    '.deep .over .m',
  ],
  mustMerge: ['.m .over', '.em .one'],
  mergeOverwrite: [
    '.filled .nulls',
    '.nulls .filled',
    '(dict) .nulls',
    '.filled (dict "a" .nil)',
    '.filled .em .nulls',
    '.m .over',
    '.em .em',
    '.over .m',
    '(dict "l" .l) (dict "l" .nums)',
    '(dict "a" "x") (dict "a" (dict "b" 1))',
  ],
  mustMergeOverwrite: ['.m .over', '.one .em'],
  deepCopy: ['.m', '.l', '.missing', '.n', '.u', '.el'],
  mustDeepCopy: ['.m', '.nums', '.missing'],
  // conversion and reflection
  atoi: ['"42"', '" 1"', '"-0"', '"99999999999999999999"', '"x"', '""', '"+7"', '"0x10"'],
  int: ['"42"', '3.9', '.missing', '.t', '"x"', '.negf', '.n', '"0x1F"', '"010"', '"1e3"', '.bigf', '.num'],
  int64: ['"0x10"', '"010"', '"12.0"', '.l', '.f', '.neg', '"-9223372036854775808"', '"9223372036854775808"', '.bigf'],
  float64: ['"1.5"', '"x"', '2', '.missing', '.t', '"1e400"', '"0x1p-2"', '.n', '"-0"', '"Inf"'],
  toDecimal: ['"0755"', '.octal', '"8"', '""', '755', '"-17"'],
  typeOf: ['1', '.missing', '.el', '1.0', '.m', '"s"', '.t', '(list 1)', '(dict)', '.n'],
  kindOf: ['1', '.missing', '.el', '.em', '"s"', '.f', '.t', '(dict "a" 1)'],
  typeIs: ['"int" 1', '"float64" .n', '"string" .a', '"[]interface {}" .l', '"<nil>" .missing', '"bool" 1'],
  typeIsLike: ['"int" 1', '"float64" .n', '"*float64" .n', '"map[string]interface {}" .m', '"string" 1'],
  kindIs: ['"int" 1', '"float64" .n', '"slice" .l', '"map" .m', '"invalid" .missing', '"string" .a', '"bool" .t'],
  deepEqual: ['.nulls .nulls', '.nulls.a .missing', '.el .el', '.m .m', '.l .nums', '1 1', '1 1.0', '.missing .nil', '.n 15020.0', '.el .em', '"a" .a'],
  // encoding
  toJson: [
    '.nulls',
    '.negf',
    '.bigf',
    '.halves',
    '.m',
    '.missing',
    '.el',
    '1e21',
    '.q',
    '.l',
    '.u',
    '.huge',
    '.tiny',
    '.n',
    '.f',
    '(dict "b" 1 "a" "<")',
    '.em',
  ],
  mustToJson: ['.m', '.missing', '.nums'],
  toPrettyJson: ['.m', '.el', '.em', '.l', '.q', '.missing'],
  mustToPrettyJson: ['.nested', '.em'],
  toRawJson: ['.q', '.m', '.l', '.missing'],
  mustToRawJson: ['.q', '.u'],
  fromJson: ['.json', '"x"', '""', '"1e400"', '"[1,2]"', '"\\"s\\""', '"{\\"a\\":1}"', '"null"', '"{} x"'],
  mustFromJson: [
    '.json',
    '"x"',
    '"[1,{\\"b\\":[]}]"',
    '"1.5e3"',
    '""',
    '"  "',
    '"{"',
    '"{\\"a\\" 1}"',
    '"{\\"a\\":1,}"',
    '"{1:2}"',
    '"[1 2]"',
    '"[1,]"',
    '"tru"',
    '"trux"',
    '"nul"',
    '"-"',
    '"-x"',
    '"01"',
    '"1."',
    '"1.e3"',
    '"1e"',
    '"1e+"',
    '"1ex"',
    '"\\"a\\tb\\""',
    '"\\"\\\\q\\""',
    '"\\"\\\\u12g4\\""',
    '"\\"unterminated"',
    '"[1e400, 2]"',
    '"{\\"a\\":-1e999}"',
    '"1 2"',
    '"\\u00e9"',
    '"\'"',
    '"[\\"é\\", 1e3]"',
    '"{\\"a\\":[true,false,null]}"',
    '"\\x7f"',
    '"[.5]"',
    '"+1"',
  ],
  b64enc: ['"hello"', '""', '"é"', '.u', '.n'],
  b64dec: [
    '"aGVs\\nbG8="',
    '"aGVsbG8=\\n"',
    '"aGVsbA=="',
    '"aGVsbA="',
    '"aGVsbA=x"',
    '"aGVsbA==x"',
    '"aGVsbA==\\r\\n"',
    '"aG=="',
    '"a==="',
    '"é"',
    '"aGVsbG8=aGVs"',
    '"aGVsbG8="',
    '"aGVsbG8"',
    '"!!!!"',
    '.b64',
    '""',
    '"/w=="',
  ],
  b32enc: ['"hello"', '""', '.u'],
  b32dec: [
    '"NBSWY3DP\\n"',
    '"NBSWY3A="',
    '"NBSWY==="',
    '"NBSW===="',
    '"NB======"',
    '"N======="',
    '"NBSWY3DPEE======"',
    '"NBSWY3D="',
    '"NBSWY3DP!"',
    '"éNBSWY"',
    '"nbswy3dp"',
    '.b32',
    '"NBSWY3D"',
    '"!!"',
    '""',
  ],
  sha1sum: ['"hello"', '""', '.u'],
  sha256sum: ['"hello"', '""', '.u'],
  adler32sum: ['"hello"', '""', '.u', '.longs'],
  // paths
  base: ['.path', '""', '"/"', '"a/b/"', '.relpath', '"///"'],
  dir: ['.path', '""', '"/"', '"a/b/"', '.relpath', '"a"'],
  clean: ['.path', '""', '"/"', '"a/b/"', '.relpath', '"../../x/.."'],
  ext: ['.path', '""', '"a.b/c"', '.relpath', '"x."'],
  isAbs: ['.path', '""', '.relpath', '"/"'],
  osBase: ['.path', '""', '.relpath'],
  osDir: ['.path', '""', '.relpath'],
  osClean: ['.path', '""', '.relpath'],
  osExt: ['.path', '""', '.relpath'],
  osIsAbs: ['.path', '""', '.relpath'],
  // regular expressions
  regexMatch: ['"^a" "abc"', '"(" "x"', '"(?i)A" "a"', '"a(?=b)" "ab"', '"\\\\d+" .u', '"^$" ""', '"é." .u', '"[[:alpha:]]+" "ab1"'],
  mustRegexMatch: ['"^a" "abc"', '"(" "x"', '"\\\\p{Han}" .u'],
  regexFindAll: ['"a." "aXaYa" -1', '"a." "aXaYa" 1', '"a." "aXaYa" 0', '"" "abc" -1', '"[" "x" -1', '"\\\\w+" .words 2', '"." .u 3', '"a*" "baaab" -1'],
  mustRegexFindAll: ['"a." "aXaYa" -1', '"(" "x" 1'],
  regexFind: ['"a." "aXaYa"', '"z" "abc"', '"[" "x"', '"\\\\S+$" .u', '"(a)(b)?" "ac"'],
  mustRegexFind: ['"a." "aXa"', '"(" "x"'],
  regexReplaceAll: [
    '"a(x*)b" "-ab-axxb-" "${1}W"',
    '"a*" "baaac" "-"',
    '"(" "x" "y"',
    '"(?P<first>\\\\w+) (?P<last>\\\\w+)" "Jane Doe" "$last, $first"',
    '"" "abc" "-"',
    '"é" .u "e"',
    '"(a)" "aa" "$1$2$$"',
  ],
  mustRegexReplaceAll: ['"a(x*)b" "-ab-axxb-" "${1}W"', '"(" "x" "y"'],
  regexReplaceAllLiteral: ['"a(x*)b" "-ab-axxb-" "${1}"', '"a*" "baaac" "$"', '"(" "x" "y"'],
  mustRegexReplaceAllLiteral: ['"a" "aa" "$1"', '")" "x" "y"'],
  regexSplit: ['"," "a,b,,c" -1', '"," "a,b,,c" 2', '"," "a,b" 0', '"" "abc" -1', '"(" "x" -1', '"\\\\s+" .words -1', '"x*" "axbxxc" -1'],
  mustRegexSplit: ['"," "a,b" -1', '"[" "x" 1'],
  regexQuoteMeta: ['"a.b*c"', '""', '"[]{}()|^$\\\\+?"', '.u'],
  // math (integer)
  add: ['1 2', '', '"3" 1.5', '.n .neg', '.f .f', '.missing 1', '"x" 1', '.t 1', '9223372036854775807 1'],
  add1: ['1', '.n', '.negf', '"7"', '.missing', '1.9'],
  sub: ['1 2', '"x" 1', '.missing .missing', '.n .f', '-9223372036854775808 1'],
  mul: ['2 3 4', '5', '"2" "3"', '.n .f', '.negf 2', '1 .missing'],
  div: ['7 2', '1 0', '-7 2', '.n 3', '.f 1', '7 .zero'],
  mod: ['7 3', '1 0', '-7 3', '7 -3', '.n 7', '.negf 2'],
  max: ['1 5 3', '1', '"x" -1', '.n .neg', '.f .zero', '-1 -2'],
  biggest: ['1 5 3', '.neg', '"9" 10'],
  min: ['1 5 3', '1', '"x" -1', '.n .neg', '.f 1'],
  round: ['2.5 0', '-2.5 0', '1.2345 2', '.negf 0', '1.005 2', '"3.7" 0', '.n 0', '0.5 0 0.6', '0.5 0 0.4', '1234.5678 -2', '.missing 1'],
  ceil: ['1.2', '-1.2', '.n', '"2.1"', '.missing', '.tiny'],
  floor: ['1.8', '-1.2', '.negf', '"2.9"', '.missing'],
  // math (float)
  addf: ['0.1 0.2', '', '"1.5" 2', '.f .tiny', '.missing 1', '"x" 1'],
  add1f: ['0.5', '.negf', '"x"', '.bigf'],
  subf: ['1 0.25', '.n .f .f', '.missing 1.5', '0.3 0.1'],
  mulf: ['1.5 2 3', '.f .n', '0.1 3', '"x" 2'],
  divf: ['1 3', '1 0', '2.5 2', '.zero 0', '-1 0', '.n 7'],
  maxf: ['1.5 2 -3', '1', '"x" .negf', '.halves'],
  minf: ['1.5 2 -3', '1', '"x" .negf', '.tiny .zero'],
};

/** Functions both sprig v3.2.3 (Go) and the port have, with no samples here (and why). */
export const UNSAMPLED: Readonly<Record<string, string>> = {};

/** The corpus samples, restricted to the functions both sides have. */
export function sprigSamples(goNames: ReadonlySet<string>, tsNames: ReadonlySet<string>): FuncCorpusSamples {
  return Object.entries(SAMPLES)
    .filter(([name, sets]) => sets.length > 0 && goNames.has(name) && tsNames.has(name))
    .map(([name, sets]) => ({ name, args: sets.map(splitArgs), data: SPRIG_DATA }));
}

/** The names with samples (to check every shared function is covered). */
export const SAMPLED_NAMES: ReadonlySet<string> = new Set(
  Object.entries(SAMPLES)
    .filter(([, s]) => s.length > 0)
    .map(([n]) => n),
);

/** Values for Istio's toYaml, each compared as `{{toYaml .v}}`. */
export function toYamlValues(): unknown[] {
  const quoting = [
    'true',
    'false',
    'True',
    'TRUE',
    'yes',
    'no',
    'Yes',
    'NO',
    'y',
    'Y',
    'n',
    'N',
    'on',
    'off',
    'On',
    'OFF',
    'null',
    'Null',
    'NULL',
    '~',
    '',
    ' ',
    '  x',
    'x  ',
    '15001',
    '-1',
    '+1',
    '1.5',
    '.5',
    '1.',
    '1e3',
    '1E3',
    '1e-3',
    '0x1F',
    '0o17',
    '017',
    '0b101',
    '1_000',
    '0.1_0',
    '.inf',
    '-.inf',
    '.Inf',
    '.NaN',
    '.nan',
    '1:20',
    '190:20:30',
    '1,000',
    '*',
    '*.svc',
    '&a',
    '!tag',
    '%x',
    '@x',
    '`x',
    '|',
    '>',
    '-',
    '- x',
    '-x',
    '?',
    '? x',
    ':',
    ': x',
    'x:',
    'a: b',
    'a:b',
    'a #b',
    'a#b',
    '#x',
    '[x]',
    '{x}',
    'a,b',
    '"q"',
    "'s'",
    "it's",
    'a"b',
    '\\',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.10 -5',
    '2002-12-14',
    '2024-01-01T00:00:00Z',
    '12:30',
    '12:30:00',
    'é',
    '日本語',
    '✓ ok',
    'tab\there',
    'trailing\t',
    '\u00a0nbsp',
    'ctl\u0001x',
    'del\u007f',
    'bom\ufeff',
    '\u2028ls',
    'emoji 😀',
    'a\nb',
    'a\nb\n',
    'line\n',
    '\n',
    '\nlead',
    'x\n\n',
    'a\r\nb',
    '  indented\nline',
    'trailing space \nx',
    'a\n\tb',
    'é\nü',
    'a'.repeat(100),
    `${'word '.repeat(30)}end`,
    `${'long-token'.repeat(12)} short`,
    `${'a b '.repeat(25)}\nnext line ${'c d '.repeat(25)}`,
    `${'x'.repeat(79)} y`,
    `${'x'.repeat(80)} y`,
    `${'x '.repeat(40)}`,
    'ab'.repeat(45) + ' ' + 'cd '.repeat(10),
    '=',
    '<<',
    'a=b',
    '0',
    '00',
    '-0',
    '+0',
    '1e',
    '0x',
    'Infinity',
    'NaN',
    '1_',
    '_1',
    '0.',
    '-.5',
    '+.5e+3',
  ];
  const numbers = [0, 1, -1, 15001, 0.5, -2.5, 1e6, 1e20, 1e21, 1.5e300, 1e-7, 123456789.123, 2 ** 53, -(2 ** 63), 0.1 + 0.2];
  const values: unknown[] = [...quoting, ...numbers, true, false, null, [], {}];
  values.push(
    Object.fromEntries(quoting.slice(0, 40).map((s, i) => [`k${i}`, s])),
    { b: 1, a: 2, B: 3, A: 4, '10': 'ten', '9': 'nine', a10: 1, a9: 2, 'a-b': 1, a_b: 2, 'a.b': 3, '': 'empty key', é: 'e', Z: { y: { x: [] } } },
    { true: 1, '15001': 2, '*': 3, y: 4, on: 5, 'a: b': 6, 'multi\nline': 7, '1e3': 8, '~': 9, '-': 10 },
    // No 'x1a' with x2 and x10: go-yaml's key order is not transitive there (x10 < x1a < x2 < x10),
    // so Go's output depends on its random map order.
    { x10: 1, x2: 2, x1: 3, x01: 5, x001: 6, y: { b2: [1, 2], b10: { c: 'd' } } },
    { a1a: 1, a1b: 2, ab: 3, a01: 4, a1: 5 },
    ['a', 1, null, true, [], {}, ['nested', ['deeper']], { k: 'v', l: [1, { m: 'n' }] }, 'true', ''],
    [[['a']], [[]], [{}]],
    {
      list: [
        { name: 'a', ports: [80, 443] },
        { name: 'b', ports: [] },
      ],
      empty: {},
      nul: null,
      s: 'multi\nline\n',
      long: 'word '.repeat(25),
    },
    { annotations: { 'sidecar.istio.io/inject': 'true', 'prometheus.io/port': '15020', 'kubectl.kubernetes.io/default-container': 'app' } },
    { resources: { limits: { cpu: '2000m', memory: '1Gi' }, requests: { cpu: '100m', memory: 128 } } },
    {
      env: [
        { name: 'A', value: 'x\ny' },
        { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    },
    { a: { b: { c: { d: { e: { f: 'deep' } } } } } },
    { text: 'first\n  indented\nlast', folded: `${'alpha beta '.repeat(10)}\n${'gamma '.repeat(20)}` },
    { html: '<a href="x">&amp;</a>', uni: '\u2028\u2029', ctl: 'a\u0000b' },
    // Raw NEL (U+0085) is a line break to go-yaml's reader: folded in values, fatal in keys.
    'a\u0085b',
    'a \u0085 \u0085b',
    'a\u0085\u0085\u0085b',
    '\u0085a',
    'a\u0085',
    'x\u0085...',
    'x\u0085... y',
    'x\u0085--- y',
    'x\u0085---\u0085y',
    'a\u00a0\u0085b',
    ['a\u0085b'],
    { 'a\u0085b': 1 },
    { k: 'v\u0085w' },
    // Characters go-yaml's reader refuses (Marshal fails, toYaml gives ""), in values and keys.
    'a\u0080b',
    'a\u009fb',
    'a\ufffeb',
    'a\uffffb',
    { 'del\u007f': 1 },
    { ok: ['x', 'bad\u0090'] },
    // Line and paragraph separators: breaks to the emitter (quoted or inside literal blocks).
    'a\u2028b',
    'a\u2029\u2028b',
    'x\u2028',
    'a\u2028\nb',
    'a\nb\u2028c',
    { k: '\u2028' },
    ['p\u2029q'],
    // A simple key must end within 1024 characters of JSON text.
    { ['k'.repeat(1022)]: 1 },
    { ['k'.repeat(1023)]: 1 },
    { ['k'.repeat(1018) + '<']: 1 },
    { ['é'.repeat(1022)]: 1 },
    { ['k'.repeat(129)]: 'long key' },
    { ['k'.repeat(128)]: 'key at 128' },
    { nested: { ['q'.repeat(1100)]: 1 } },
  );
  return values;
}

/** Deterministic PRNG (mulberry32), as in corpus.ts. */
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

/** Pieces of random strings: ASCII, case-mapping oddities, combining marks, wide and 4-byte runes, spaces and breaks. */
const STRING_PIECES = [
  'a',
  'Z',
  'q',
  '0',
  '9',
  ' ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  'é',
  'ß',
  'İ',
  'ı',
  'ǅ',
  'ǆ',
  'Σ',
  'ς',
  'ﬃ',
  'ŉ',
  'ᾳ',
  '\u212a',
  'µ',
  'ÿ',
  '日',
  '✓',
  '😀',
  '\u00a0',
  '\u2003',
  '\u0085',
  '\u2028',
  '\u0301',
  '"',
  "'",
  '\\',
  '-',
  '_',
  '.',
  '$',
  '{',
  '}',
  '<',
  '&',
  ',',
  '/',
  'word',
  'Hello',
  'WORLD',
  'x1',
  '12',
  '-3.5',
];

function randomString(r: () => number): string {
  const n = Math.floor(r() * 7);
  let s = '';
  for (let i = 0; i < n; i++) s += STRING_PIECES[Math.floor(r() * STRING_PIECES.length)] as string;
  return s;
}

/** String functions called on random strings (passed as data, so no template escaping is involved). */
const STRING_CALLS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['upper', ['.r']],
  ['lower', ['.r']],
  ['title', ['.r']],
  ['untitle', ['.r']],
  ['swapcase', ['.r']],
  ['trim', ['.r']],
  ['nospace', ['.r']],
  ['initials', ['.r']],
  ['abbrev', ['5', '.r']],
  ['abbrevboth', ['2', '6', '.r']],
  ['trunc', ['3', '.r']],
  ['trunc', ['-2', '.r']],
  ['substr', ['1', '4', '.r']],
  ['quote', ['.r']],
  ['squote', ['.r']],
  ['b64enc', ['.r']],
  ['b32enc', ['.r']],
  ['sha1sum', ['.r']],
  ['adler32sum', ['.r']],
  ['toJson', ['.r']],
  ['toRawJson', ['.r']],
  ['regexQuoteMeta', ['.r']],
  ['indent', ['2', '.r']],
  ['nindent', ['1', '.r']],
  ['replace', ['" "', '"-"', '.r']],
  ['splitList', ['" "', '.r']],
  ['trimAll', ['" a"', '.r']],
  ['regexFindAll', ['"[[:upper:]]+|\\\\s"', '.r', '-1']],
  ['regexReplaceAll', ['"(?i)[a-zé]+"', '.r', '"<$0>"']],
  ['regexSplit', ['"\\\\s+"', '.r', '-1']],
  ['regexMatch', ['"^\\\\p{L}"', '.r']],
  ['cat', ['.r', '.r']],
  ['contains', ['" "', '.r']],
  ['hasPrefix', ['"a"', '.r']],
  ['trimPrefix', ['"a"', '.r']],
  ['repeat', ['2', '.r']],
  ['atoi', ['.r']],
  ['int', ['.r']],
  ['float64', ['.r']],
  ['toString', ['.r']],
  ['empty', ['.r']],
  ['default', ['"d"', '.r']],
  ['kindOf', ['.r']],
  ['fromJson', ['.r']],
  ['b64dec', ['.r']],
  ['b32dec', ['.r']],
  ['base', ['.r']],
  ['clean', ['.r']],
  ['ext', ['.r']],
  ['sortAlpha', ['(splitList " " .r)']],
];

/** Every string call on `count` random strings (seeded, so the same cases every run). */
export function randomStringSamples(count: number, goNames: ReadonlySet<string>, tsNames: ReadonlySet<string>): FuncCorpusSamples {
  const r = rng(7);
  const strings = Array.from({ length: count }, () => randomString(r));
  const out: Array<FuncCorpusSamples[number]> = [];
  strings.forEach((str) => {
    for (const [name, args] of STRING_CALLS) {
      if (goNames.has(name) && tsNames.has(name)) out.push({ name, args: [args], data: { r: str } });
    }
  });
  return out;
}

/** Random nested values for toYaml: keys of letters and punctuation only (see the x1a note above). */
export function randomYamlValues(count: number): unknown[] {
  const r = rng(11);
  const keyChars = ['a', 'b', 'Z', 'é', '-', '_', '.', '/', ' ', ':', '#', 'k', 'ns', 'Name'];
  const scalar = (): unknown => {
    const x = r();
    if (x < 0.55) return randomString(r);
    if (x < 0.75) return [0, 1, -1, 0.5, 1e21, 15001, 1e-9, 3.25][Math.floor(r() * 8)];
    if (x < 0.85) return r() < 0.5;
    if (x < 0.9) return null;
    return ['true', '1.0', '0x10', '', '~', 'null', '- a', 'a: b', '12:30', '2024-01-01'][Math.floor(r() * 10)];
  };
  const value = (depth: number): unknown => {
    const x = r();
    if (depth > 2 || x < 0.5) return scalar();
    if (x < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
    const obj: Record<string, unknown> = {};
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++) {
      let k = '';
      const len = 1 + Math.floor(r() * 3);
      for (let j = 0; j < len; j++) k += keyChars[Math.floor(r() * keyChars.length)] as string;
      obj[k] = value(depth + 1);
    }
    return obj;
  };
  return Array.from({ length: count }, () => value(0));
}

/** Numbers as JSON delivers them (all float64): integers, fractions, negatives, huge and tiny magnitudes. */
function randomNumber(r: () => number): number {
  const x = r();
  if (x < 0.3) return Math.floor(r() * 200) - 100;
  if (x < 0.55) return Math.round((r() * 20 - 10) * 1000) / 1000;
  if (x < 0.65) return [0.5, -0.5, 1.5, -2.5, 2.675, 1e-7, -0][Math.floor(r() * 7)] as number;
  if (x < 0.8) return [2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 63, -(2 ** 63), 1e19, 1.8e19, 1e21, -1e300][Math.floor(r() * 9)] as number;
  return Math.floor(r() * 1e6) * (r() < 0.5 ? -1 : 1);
}

/** Numeric calls on random float64 data (`.x`, `.y`) and as int constants where sprig wants an int. */
const NUMBER_CALLS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['add', ['.x', '.y']],
  ['sub', ['.x', '.y']],
  ['mul', ['.x', '.y']],
  ['div', ['.x', '.y']],
  ['mod', ['.x', '.y']],
  ['add1', ['.x']],
  ['max', ['.x', '.y', '0']],
  ['min', ['.x', '.y', '0']],
  ['biggest', ['.x', '.y']],
  ['addf', ['.x', '.y']],
  ['subf', ['.x', '.y']],
  ['mulf', ['.x', '.y']],
  ['divf', ['.x', '.y']],
  ['maxf', ['.x', '.y']],
  ['minf', ['.x', '.y']],
  ['add1f', ['.x']],
  ['round', ['.x', '1']],
  ['round', ['.x', '0', '0.4']],
  ['ceil', ['.x']],
  ['floor', ['.x']],
  ['int', ['.x']],
  ['int64', ['.x']],
  ['float64', ['.x']],
  ['toString', ['.x']],
  ['toJson', ['.x']],
  ['toDecimal', ['.x']],
  ['atoi', ['(toString .x)']],
  ['int64', ['(toString .x)']],
  ['float64', ['(toString .x)']],
  ['until', ['(int (mod .x 7))']],
  ['seq', ['(int (mod .x 5))', '(int (mod .y 5))']],
  ['untilStep', ['(int (mod .x 5))', '(int (mod .y 9))', '2']],
  ['quote', ['.x']],
  ['empty', ['.x']],
  ['default', ['7', '.x']],
  ['kindOf', ['(int .x)']],
  ['typeOf', ['(int64 .x)']],
  ['deepEqual', ['.x', '.y']],
  ['plural', ['"one"', '"many"', '(int .x)']],
  ['trunc', ['(int (mod .x 9))', '"abcdefgh"']],
  ['repeat', ['(int (mod .y 4))', '"ab"']],
];

export function randomNumberSamples(count: number, goNames: ReadonlySet<string>, tsNames: ReadonlySet<string>): FuncCorpusSamples {
  const r = rng(13);
  const out: Array<FuncCorpusSamples[number]> = [];
  for (let i = 0; i < count; i++) {
    const data = { x: randomNumber(r), y: randomNumber(r) };
    for (const [name, args] of NUMBER_CALLS) {
      if (goNames.has(name) && tsNames.has(name)) out.push({ name, args: [args], data });
    }
  }
  return out;
}

/** Random JSON values: lists and maps of mixed scalars, nested, with nulls and empties. */
function randomJson(r: () => number, depth = 0): unknown {
  const x = r();
  if (depth > 2 || x < 0.45) {
    const y = r();
    if (y < 0.35) return randomString(r).slice(0, 6);
    if (y < 0.65) return randomNumber(r);
    if (y < 0.8) return r() < 0.5;
    return null;
  }
  if (x < 0.75) return Array.from({ length: Math.floor(r() * 5) }, () => randomJson(r, depth + 1));
  const obj: Record<string, unknown> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) obj[['a', 'b', 'c', 'é', 'A', '1', ''][Math.floor(r() * 7)] as string] = randomJson(r, depth + 1);
  return obj;
}

/** Calls on random lists (`.l`), maps (`.m`, `.m2`) and values (`.v`). */
const COLLECTION_CALLS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['uniq', ['.l']],
  ['compact', ['.l']],
  ['sortAlpha', ['.l']],
  ['first', ['.l']],
  ['last', ['.l']],
  ['rest', ['.l']],
  ['initial', ['.l']],
  ['reverse', ['.l']],
  ['has', ['.v', '.l']],
  ['without', ['.l', '.v']],
  ['join', ['","', '.l']],
  ['toStrings', ['.l']],
  ['toJson', ['.l']],
  ['toPrettyJson', ['.l']],
  ['concat', ['.l', '.l']],
  ['chunk', ['2', '.l']],
  ['slice', ['.l', '1']],
  ['append', ['.l', '.v']],
  ['prepend', ['.l', '.v']],
  ['mustUniq', ['.l']],
  ['pick', ['.m', '"a"', '"é"']],
  ['omit', ['.m', '"a"']],
  ['merge', ['.m', '.m2']],
  ['mergeOverwrite', ['.m', '.m2']],
  ['toJson', ['.m']],
  ['toPrettyJson', ['.m']],
  ['toRawJson', ['.m']],
  ['hasKey', ['.m', '"b"']],
  ['get', ['.m', '"c"']],
  ['dig', ['"a"', '"b"', '"none"', '.m']],
  ['deepCopy', ['.m']],
  ['deepEqual', ['.m', '.m2']],
  ['empty', ['.v']],
  ['default', ['"d"', '.v']],
  ['coalesce', ['.v', '.l']],
  ['toString', ['.v']],
  ['toJson', ['.v']],
  ['kindOf', ['.v']],
  ['typeOf', ['.v']],
  ['quote', ['.v']],
  ['cat', ['.v', '.l']],
  ['pluck', ['"a"', '.m', '.m2']],
  ['set', ['.m', '"z"', '.v']],
  ['unset', ['.m', '"a"']],
  ['keys', ['(pick .m "a")']],
  ['values', ['(pick .m2 "b")']],
  ['all', ['.v', '.l']],
  ['any', ['.v', '.l']],
];

export function randomCollectionSamples(count: number, goNames: ReadonlySet<string>, tsNames: ReadonlySet<string>): FuncCorpusSamples {
  const r = rng(17);
  const asList = (v: unknown): unknown => (Array.isArray(v) ? v : [v, null, v]);
  const asMap = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { a: v, b: [v] });
  const out: Array<FuncCorpusSamples[number]> = [];
  for (let i = 0; i < count; i++) {
    const data = { l: asList(randomJson(r)), m: asMap(randomJson(r)), m2: asMap(randomJson(r)), v: randomJson(r, 2) };
    for (const [name, args] of COLLECTION_CALLS) {
      if (goNames.has(name) && tsNames.has(name)) out.push({ name, args: [args], data });
    }
  }
  return out;
}
