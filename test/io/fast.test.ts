import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { BAIL } from '../../src/io/bail.js';
import { fastParse, fastParseDocument, type ReadOptions } from '../../src/io/fast.js';
import type { ScalarSchema } from '../../src/io/scalars.js';
import { parseTemplateOutputWithYaml } from '../../src/io/template-output.js';

/** yaml's verdict: the value, or 'error'. */
function reference(text: string): unknown {
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true });
  if (doc.errors.length > 0) return 'error';
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return 'error';
  }
}

function firstContent(text: string): number {
  const m = /^[ ]*[^ \n#]/m.exec(text);
  return m ? m.index + m[0].length - 1 : -1;
}

/** The fast reader must agree with yaml whenever it does not give up, with every schema and key rule. */
function agrees(text: string): void {
  const start = firstContent(text);
  if (start === -1) return;
  const col = start - (text.lastIndexOf('\n', start - 1) + 1);
  if (/[\t\r\u0085\u2028\u2029\uFEFF]/.test(text)) return; // the caller never sends these to the fast reader
  const fast = fastParse(text, start, text.length, col);
  if (fast !== BAIL) {
    const ref = reference(text);
    expect(ref, `yaml rejects what the fast reader accepted:\n${text}`).not.toBe('error');
    expect(fast, text).toEqual(ref);
  }
  agreesWithTemplateReader(text, start, col);
}

const SCHEMAS: ScalarSchema[] = ['yaml-1.2', 'go-yaml-v2'];
const OPTIONS: ReadOptions[] = SCHEMAS.flatMap((schema) => [
  { schema, keys: 'unique' as const },
  { schema, keys: 'last-wins' as const },
]);

/**
 * With each schema and key rule, the reader (a node, and the first document) must give what the
 * general template-output reader gives with that schema (its reference needs a map at the top;
 * it lets the last duplicate win, which `unique` never answers for).
 */
function agreesWithTemplateReader(text: string, start: number, col: number): void {
  for (const options of OPTIONS) {
    const asNode = fastParse(text, start, text.length, col, options);
    const asDocument = fastParseDocument(text, options);
    for (const fast of [asNode, asDocument]) {
      if (fast === BAIL || fast === null || typeof fast !== 'object' || Array.isArray(fast)) continue;
      if (options.schema === 'go-yaml-v2') goHandled++;
      let ref: string;
      try {
        ref = JSON.stringify(parseTemplateOutputWithYaml(text, options.schema));
      } catch (e) {
        ref = `error: ${(e as Error).message}`;
      }
      expect({ text, options, fast: JSON.stringify(fast) }).toEqual({ text, options, fast: ref });
    }
  }
}
let goHandled = 0;

const scalars = [
  'a',
  'web',
  '2000m',
  '1Gi',
  '80',
  '-1',
  '0',
  '012',
  '0o17',
  '0x1F',
  '1e3',
  '1.5',
  '.5',
  '5.',
  '+12',
  'true',
  'False',
  'NULL',
  '~',
  'null',
  'yes',
  'on',
  '2021-01-01',
  'a b',
  'a:b',
  'http://x:80/p',
  'a#b',
  "'q'",
  "'it''s'",
  '"dq"',
  '"a\\nb"',
  '"\\u00e9"',
  '"\\x41"',
  '""',
  "''",
  '[]',
  '{}',
  '[a, b]',
  '{a: 1, b: [x, y]}',
  '{a: b, a: c}',
  '{"k":1}',
  '[a: b]',
  '&x a',
  '*x',
  '!t a',
  '@a',
  '`a',
  '%a',
  '- a',
  'a: b',
  'a #c',
  '? a',
  ': a',
  '-x',
  '-',
  '|',
  '|-',
  '>',
  'a,b',
  '[a,',
  '{a: 1',
  'x]',
  '.inf',
  '.nan',
  '1_000',
  '<<',
  '__proto__',
];
const keys = ['a', 'b', 'name', 'app.kubernetes.io/name', '"q"', "'s'", '1', 'true', 'a b', 'a:b', 'x#', '<<', '-k', '? k', '__proto__'];

const scalar = fc.constantFrom(...scalars);
const key = fc.constantFrom(...keys);
const comment = fc.constantFrom('', ' # c', '  #c', '#c');

type Tree = string[];
/** Documents with the given comments; a sequence under a key is indented by 0 (`- ` at the key's column), 1, 2 or 3. */
const nodeWith = (comment: fc.Arbitrary<string>): fc.Memo<Tree> => {
  const node: fc.Memo<Tree> = fc.memo((depth) => {
    const leaf = scalar.map((s) => [s]);
    if (depth <= 1) return leaf;
    const map = fc.array(fc.tuple(key, node(depth - 1), comment, fc.constantFrom(2, 2, 2, 1, 3, 0)), { minLength: 1, maxLength: 3 }).map((entries) => {
      const lines: string[] = [];
      for (const [k, v, c, ind] of entries) {
        if (v.length === 1 && !v[0]!.startsWith('- ') && !v[0]!.includes(':\n')) lines.push(`${k}: ${v[0]}${c}`);
        else if (v[0] === '{' || v[0] === '[' || v[0]!.startsWith('"') || v[0]!.startsWith("'")) {
          // a flow collection or quoted scalar over several lines, opened on the key's line
          lines.push(`${k}: ${v[0]}${v[0]!.length === 1 ? c : ''}`);
          for (const l of v.slice(1)) lines.push(' '.repeat(ind) + l);
        } else {
          lines.push(`${k}:${c}`);
          const by = ind === 0 && !v[0]!.startsWith('- ') ? 2 : ind;
          for (const l of v) lines.push(' '.repeat(by) + l);
        }
      }
      return lines;
    });
    const seq = fc.array(fc.tuple(node(depth - 1), comment), { minLength: 1, maxLength: 3 }).map((entries) => {
      const lines: string[] = [];
      for (const [v, c] of entries) {
        lines.push(`- ${v[0]}${v.length === 1 ? c : ''}`);
        for (const l of v.slice(1)) lines.push('  ' + l);
      }
      return lines;
    });
    const literal = fc
      .tuple(
        fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|2', '>1-', '|+ # c'),
        fc.array(fc.constantFrom('x', '  y', '', '# not comment', '---', 'a b', '   '), { minLength: 1, maxLength: 4 }),
      )
      .map(([h, ls]) => [h, ...ls.map((l) => (l === '' ? '' : '  ' + l))]);
    // flow collections over several lines: trailing commas, comments, closing bracket at varied columns
    const flowLines = fc
      .tuple(
        fc.constantFrom('{', '['),
        fc.array(fc.tuple(key, scalar, comment), { maxLength: 3 }),
        fc.constantFrom('', ' ', '  ', '   '),
        fc.boolean(),
        fc.constantFrom('  ', '    ', ' '),
      )
      .map(([open, entries, closeAt, trailing, at]) => {
        const items = entries.map(([k, v, c], i) => `${at}${open === '{' ? `${k}: ${v}` : v}${i < entries.length - 1 || trailing ? ',' : ''}${c}`);
        return [open, ...items, `${closeAt}${open === '{' ? '}' : ']'}`];
      });
    // quoted scalars folded over several lines
    const quotedLines = fc
      .tuple(
        fc.constantFrom('"', "'"),
        fc.array(fc.constantFrom('a', 'b c', '', '\\t', 'x: y', '# z', "it''s"), { minLength: 2, maxLength: 4 }),
        fc.constantFrom('  ', '    ', ' ', ''),
      )
      .map(([q, ls, at]) => ls.map((l, i) => `${i === 0 ? q : at}${q === "'" ? l.replace('\\t', 't') : l.replace("''", "'")}${i === ls.length - 1 ? q : ''}`));
    return fc.oneof(leaf, map, seq, literal, flowLines, quotedLines);
  });
  return node;
};
const node = nodeWith(comment);
/** Comment-free documents (yaml.stringify, kubectl get -o yaml, kustomize build). */
const commentFree = nodeWith(fc.constant(''))(4).map((lines) => lines.join('\n') + '\n');

const documents = fc
  .tuple(
    node(4),
    fc.array(fc.tuple(fc.nat(40), fc.constantFrom(' ', '  ', '\n', '#', ':', '-', '"', "'", '|', '{', '}', ',', '\n\n', '\n ')), { maxLength: 3 }),
  )
  .map(([lines, muts]) => {
    let t = lines.join('\n') + '\n';
    for (const [at, s] of muts) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + s + t.slice(i);
    }
    return t;
  });

describe('fast reader vs yaml (differential)', () => {
  it('agrees with yaml on generated and mutated documents', () => {
    fc.assert(
      fc.property(documents, (t) => agrees(t)),
      { seed: 20240501, numRuns: 10000 },
    );
  });

  it('agrees with yaml on comment-free documents with both sequence indentations', () => {
    fc.assert(
      fc.property(commentFree, (t) => agrees(t)),
      { seed: 20261207, numRuns: 3000 },
    );
  });

  it('checks the go-yaml v2 resolver too, on a good share of the documents', () => {
    goHandled = 0;
    fc.assert(
      fc.property(documents, (t) => agrees(t)),
      { seed: 20261208, numRuns: 1000 },
    );
    fc.assert(
      fc.property(commentFree, (t) => agrees(t)),
      { seed: 20261209, numRuns: 1000 },
    );
    expect(goHandled).toBeGreaterThan(20);
  });

  it('reads a node the same when text follows its end (every search stays inside the node)', () => {
    const after = fc.constantFrom('', 'x: 1 # c\n', ' \'q\' "d" # : \n', '# only a comment\n', 'k: v\n  - a # b\n');
    fc.assert(
      fc.property(fc.oneof(documents, commentFree), after, (t, rest) => {
        const start = firstContent(t);
        if (start === -1 || /[\t\r\u0085\u2028\u2029\uFEFF]/.test(t)) return;
        const col = start - (t.lastIndexOf('\n', start - 1) + 1);
        expect(fastParse(t + rest, start, t.length, col)).toEqual(fastParse(t, start, t.length, col));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('reads multi-line flow collections, folded and multi-line quoted scalars itself (not vacuous)', () => {
    const seen = { handled: 0, flow: 0, folded: 0, quoted: 0 };
    fc.assert(
      fc.property(fc.oneof(documents, commentFree), (t) => {
        const start = firstContent(t);
        if (start === -1) return;
        const col = start - (t.lastIndexOf('\n', start - 1) + 1);
        if (fastParse(t, start, t.length, col) === BAIL) return;
        seen.handled++;
        if (/[[{]( #.*)?\n/.test(t)) seen.flow++;
        if (/>[-+1]*\n/.test(t)) seen.folded++;
        if (/"[^"\n]*\n[^"]*"/.test(t)) seen.quoted++;
      }),
      { numRuns: 3000, seed: 1 },
    );
    expect(seen.flow).toBeGreaterThan(50);
    expect(seen.folded).toBeGreaterThan(10);
    expect(seen.quoted).toBeGreaterThan(10);
  });

  it('reads CRLF line breaks as yaml does', () => {
    let handled = 0;
    fc.assert(
      fc.property(fc.oneof(documents, commentFree), (lf) => {
        const t = lf.replace(/\n/g, '\r\n');
        const start = firstContent(lf.replace(/\n/g, '\r\n'));
        if (start === -1 || /[\t\u0085\u2028\u2029\uFEFF]/.test(t)) return;
        const col = start - (t.lastIndexOf('\n', start - 1) + 1);
        const fast = fastParse(t, start, t.length, col);
        if (fast === BAIL) return;
        handled++;
        expect({ t, fast }).toEqual({ t, fast: reference(t) });
      }),
      { numRuns: 2000, seed: 20261210 },
    );
    expect(handled).toBeGreaterThan(100);
  });

  const corpus = [
    'a: 1\nb:\n  c: [1, 2]\n  d: {x: y}\n',
    'a:\n- 1\n- b: 2\n  c: 3\n- - x\n  - y\n',
    'a: |\n  x\n\n  y\n\nb: 1\n',
    'a: |-\n  x\n',
    'a: |+\n  x\n\n\nb: 1\n',
    'a: |\n\n  x\n',
    'a: |\n    x\n  y: 1\n',
    'a: x\n  y\n',
    'a: "x" # c\n',
    'a: "x" y\n',
    "a: 'it''s'\n",
    'a: b: c\n',
    'a:\n  - x\n  -\n  - y\n',
    '- a\n-\n  b: 1\n',
    'a: [a, b, ]\n',
    'a: {a: , b: 1}\n',
    'a: {"a":1,"b":[true,null]}\n',
    'a: -1\nb: - 1\n',
    'a:\nb: ~\n',
    '"a b": 1\n\'c\': 2\n',
    'a: 1\n  # deeper comment\nb: 2\n',
    'a:\n  b: 1\n c: 2\n',
    'k: v\nk: w\n',
    '__proto__: 1\n',
    'a: 1 #c\n#d\n',
    'a: x:y\n',
    'a: [x]y\n',
    'a: {x: 1}}\n',
    '- - - a\n',
    'a: "\\"q\\""\n',
    'a:\n- x\n- y: 1\n  z: 2\nb: c\n',
    'a:\n  - x\n  - y: 1\n    z: 2\nb: c\n',
    'a:\n- - x\n  - y\nb:\n  - c\n',
    "a: 'x'\nb: it's\nc: \"d\"\n",
    // flow collections on the line after their key or dash (how yaml prints an empty block map)
    'a:\n  b:\n    {}\n  c: 1\n',
    'a:\n  {}\nb: 1\n',
    'a:\n- {}\n- [x, y]\n',
    '- {a: 1}\n- [b]\n',
    'a:\n  {a: 1}: b\n',
    'a:\n  [x]\n  b: 1\n',
    'a:\n  {} # c\n',
    'a:\n  {}\n   \nb: 2\n',
    '- {a: 1}: b\n',
    'a:\n  [x,\n  y]\n',
    // a comment at column 0 in a flow map, which yaml refuses after a value
    'a: {a: a\n#\n}\n',
    'a: [{a: b\n#\n}]\n',
    'a: [x\n#\n]\n',
    // lines that make yaml's lexer lower the indentation a plain scalar on its own line keeps
    'm:\n  a:\n  \n# c\n   x\n  b: 1\n',
    'm:\n  a:\n#c\n   x\n  b: 1\n',
    'm:\n  - \n  \n# c\n   x\n  - "k"\n',
    'm:\n  a:\n   #c\n   x\n  b: 1\n',
    'a:\n\n# c\n x\nb: 1\n',
  ];
  for (const t of corpus) it(`corpus ${JSON.stringify(t)}`, () => agrees(t));

  it('reads a flow collection on the line after its key itself, as the Document path prints an empty map', () => {
    const t = 'volumes:\n- name: data\n  emptyDir:\n    {}\n- name: b\n  x: [a]\n';
    expect(fastParse(t, 0, t.length, 0)).toEqual({
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'b', x: ['a'] },
      ],
    });
  });

  it('reads the common Kubernetes shapes itself (no fallback)', () => {
    const t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {app: web}\n  annotations:\n    a: '0'\ndata:\n  f: |\n    x\n  list:\n  - a\n";
    expect(fastParse(t, 0, t.length, 0)).not.toBe(BAIL);
  });
});
