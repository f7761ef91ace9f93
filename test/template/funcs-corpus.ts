// Sample calls of sprig's functions with Go-ish argument values, edge cases included. Each case
// renders as `{{ func ARG... }}`: strings, bools and integers become template literals (so Go's
// constant conversion applies), other values are passed as data (`.a0`, `.a1`, ...; JSON numbers
// there are float64, as in Istio's `.Values`). sprig.test.ts uses the corpus to check that every
// call ends in output or a Go-level error, never in a JavaScript crash; the comparison with real
// Go's sprig is the differential test's (sprig-samples.ts).

/** A Go-ish value: JSON, plus `{ float: n }` for a float64 literal and `{ nil: true }` for a missing value. */
export type CorpusArg =
  | null
  | boolean
  | string
  | number
  | { readonly float: number }
  | { readonly nil: true }
  | readonly CorpusArg[]
  | { readonly [k: string]: CorpusArg };

export interface FuncCase {
  readonly func: string;
  readonly args: readonly CorpusArg[];
}

const MISSING = { nil: true } as const;

const cases: Array<[string, CorpusArg[][]]> = [
  ['default', [['d', ''], ['d', 0], ['d', false], ['d', []], ['d', {}], ['d', MISSING], ['d', 'x'], [5]]],
  ['empty', [[''], [0], [{ float: 0 }], [[]], [{}], [MISSING], ['x'], [true]]],
  ['coalesce', [['', 0, 'x'], [MISSING, MISSING], [], [false, [], 'y']]],
  [
    'ternary',
    [
      ['a', 'b', true],
      ['a', 'b', false],
      ['a', 'b', 'true'],
    ],
  ],
  ['quote', [['a"b'], [MISSING], [1, 'x'], ['é\t\u0000'], [[1, 2]], []]],
  ['squote', [['a'], [MISSING, 'b'], [{ a: 1 }]]],
  ['cat', [['a', 1, MISSING], [], [[1], { a: 'b' }]]],
  [
    'trunc',
    [
      [3, 'hello'],
      [-3, 'hello'],
      [0, ''],
      [99, 'x'],
      [-99, 'x'],
      [{ float: 3 }, 'hello'],
      [2, 'héllo'],
    ],
  ],
  [
    'substr',
    [
      [0, 2, 'hello'],
      [-1, 2, 'abc'],
      [1, -1, 'abc'],
      [2, 1, 'abc'],
      [0, 10, 'abc'],
      [5, -1, 'abc'],
    ],
  ],
  [
    'trimAll',
    [
      ['-_.', '._a-'],
      ['', 'x'],
      ['ab', 'abba'],
    ],
  ],
  [
    'trimSuffix',
    [
      ['-', 'a-'],
      ['', 'a'],
      ['abc', 'abc'],
    ],
  ],
  [
    'trimPrefix',
    [
      ['a', 'ab'],
      ['x', 'ab'],
      ['', ''],
    ],
  ],
  ['trim', [['  a  '], [''], ['\t\n x \r']]],
  [
    'indent',
    [
      [2, 'a\nb'],
      [0, ''],
      [-1, 'a'],
      [4, 'a\n'],
    ],
  ],
  [
    'nindent',
    [
      [2, 'a\nb'],
      [0, ''],
      [3, '\n'],
    ],
  ],
  ['upper', [['abc'], ['ß'], ['']]],
  ['lower', [['ABC'], ['İ'], ['']]],
  ['title', [['hello world'], ["don't"], ['']]],
  [
    'replace',
    [
      ['a', 'b', 'banana'],
      ['', '-', 'ab'],
      ['x', 'y', ''],
    ],
  ],
  [
    'contains',
    [
      ['a', 'abc'],
      ['', ''],
      ['z', 'abc'],
    ],
  ],
  [
    'hasPrefix',
    [
      ['a', 'abc'],
      ['', ''],
      ['z', 'abc'],
    ],
  ],
  [
    'hasSuffix',
    [
      ['c', 'abc'],
      ['', ''],
      ['z', 'abc'],
    ],
  ],
  [
    'repeat',
    [
      [3, 'a'],
      [0, 'a'],
      [-1, 'a'],
    ],
  ],
  ['list', [[], [1, 'a', MISSING], [[1], { a: 1 }]]],
  [
    'append',
    [
      [[1], 2],
      [MISSING, 1],
      ['s', 1],
      [[], MISSING],
    ],
  ],
  [
    'join',
    [
      [',', [1, 'a', null]],
      ['-', 'abc'],
      [',', MISSING],
      [', ', []],
    ],
  ],
  [
    'splitList',
    [
      [',', 'a,b'],
      ['', 'ab'],
      [',', ''],
    ],
  ],
  ['toString', [[1], [{ float: 1.5 }], [MISSING], [[1, 2]], [{ a: 1 }]]],
  ['toStrings', [[[1, 'a', null]], ['s'], [MISSING]]],
  ['toJson', [[{ b: 1, a: '<' }], [MISSING], [[]], [{ float: 1e21 }]]],
  ['fromJson', [['{"a":1}'], ['x'], [''], ['1e400']]],
  ['b64enc', [['hello'], [''], ['é']]],
  ['b64dec', [['aGVsbG8='], ['aGVsbG8'], ['!!!!']]],
  [
    'regexMatch',
    [
      ['^a', 'abc'],
      ['(', 'x'],
      ['(?i)A', 'a'],
      ['a(?=b)', 'ab'],
    ],
  ],
  [
    'regexReplaceAll',
    [
      ['a(x*)b', '-ab-axxb-', '${1}W'],
      ['a*', 'baaac', '-'],
      ['(', 'x', 'y'],
    ],
  ],
  ['int', [['42'], [{ float: 3.9 }], [MISSING], [true], ['x']]],
  ['int64', [['0x10'], ['010'], ['12.0'], [[1]]]],
  ['float64', [['1.5'], ['x'], [2], [MISSING]]],
  ['atoi', [['42'], [' 1'], ['-0'], ['99999999999999999999']]],
  ['add', [[1, 2], [], ['3', { float: 1.5 }]]],
  [
    'sub',
    [
      [1, 2],
      ['x', 1],
      [MISSING, MISSING],
    ],
  ],
  [
    'div',
    [
      [7, 2],
      [1, 0],
      [-7, 2],
    ],
  ],
  [
    'mod',
    [
      [7, 3],
      [1, 0],
      [-7, 3],
    ],
  ],
  ['mul', [[2, 3, 4], [5], ['2', '3']]],
  ['max', [[1, 5, 3], [1], ['x', -1]]],
  ['min', [[1, 5, 3], [1], ['x', -1]]],
  ['addf', [[{ float: 0.1 }, { float: 0.2 }], [], ['1.5', 2]]],
  [
    'divf',
    [
      [1, 3],
      [1, 0],
      [{ float: 2.5 }, 2],
    ],
  ],
  ['until', [[3], [0], [-2]]],
  ['seq', [[3], [5, 3], [1, 2, 7], [], [1, -1, 5]]],
  ['dict', [['a', 1, 'b'], [], [1, 2]]],
  [
    'set',
    [
      [{}, 'a', 1],
      [{ a: 1 }, 'a', MISSING],
    ],
  ],
  [
    'unset',
    [
      [{ a: 1 }, 'a'],
      [{}, 'x'],
    ],
  ],
  [
    'hasKey',
    [
      [{ a: 1 }, 'a'],
      [{}, 'a'],
      [{ a: null }, 'a'],
    ],
  ],
  ['keys', [[{ b: 1, a: 2 }], [], [{}, { c: 1 }]]],
  [
    'merge',
    [
      [{ a: 1 }, { a: 2, b: 3 }],
      [{}, {}],
      [{ a: { x: 1 } }, { a: { y: 2 } }],
    ],
  ],
  [
    'mergeOverwrite',
    [
      [{ a: 1 }, { a: 2, b: 3 }],
      [{ l: [1] }, { l: [2] }],
      [{ a: 'x' }, { a: { b: 1 } }],
    ],
  ],
  ['first', [[[1, 2]], [[]], ['abc']]],
  ['uniq', [[[1, 1, '1']], [[]], [MISSING]]],
  [
    'has',
    [
      [1, [1, 2]],
      [1, MISSING],
      [1, 'abc'],
    ],
  ],
  ['sha256sum', [['hello'], [''], ['é']]],
  ['kindOf', [[1], [MISSING], [[]], [{}], ['s']]],
  ['typeOf', [[1], [MISSING], [[]], [{ float: 1 }]]],
];

export const FUNC_CORPUS: readonly FuncCase[] = cases.flatMap(([func, argLists]) => argLists.map((args) => ({ func, args })));

function isPlainRecord(v: unknown): v is Record<string, CorpusArg> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The template text and data for one case: `{{ func ARG... }}`. */
export function corpusTemplate(c: FuncCase): { text: string; data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  const parts = c.args.map((a, i) => {
    if (typeof a === 'string') return JSON.stringify(a);
    if (typeof a === 'boolean') return String(a);
    if (typeof a === 'number' && Number.isInteger(a)) return String(a);
    if (isPlainRecord(a) && 'nil' in a && Object.keys(a).length === 1) return '.missing';
    if (isPlainRecord(a) && 'float' in a && Object.keys(a).length === 1) {
      const f = a.float as number;
      return Number.isInteger(f) ? `${f}.0` : String(f).replace('e+', 'e');
    }
    data[`a${i}`] = a;
    return `.a${i}`;
  });
  return { text: `{{ ${[c.func, ...parts].join(' ')} }}`, data };
}
