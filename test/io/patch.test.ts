/**
 * Text patching (src/io/patch.ts) against the `yaml` re-printer it stands in for: the whole CLI runs
 * each input twice, with patching on and off, and the outputs must be identical where the input is
 * in the form `yaml` prints (else patching keeps the input's layout: same values, fewer changed
 * lines); plus layouts it keeps, the cases where it must give up, and a check that it really is
 * used for kpt-style input.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli } from '../../src/cli/cli.js';
import { parseStream } from '../../src/io/index.js';
import { BAIL } from '../../src/io/bail.js';
import { patchStats, patchText } from '../../src/io/patch.js';
import { textPatching } from '../../src/io/resource.js';
import { parseAllDocuments } from 'yaml';
import { resourceList, shapeInput } from '../../bench/generate.js';
import { removedLines } from '../support/line-diff.js';
import type { Json } from '../../src/kube/types.js';

const repo = resolve(new URL('.', import.meta.url).pathname, '../..');
const istio = resolve(repo, '../shared/istio-conformance');

async function run(argv: string[], stdin: string, patching: boolean): Promise<string> {
  textPatching.enabled = patching;
  let out = '';
  try {
    await cli(argv, { readStdin: async () => stdin, stdout: (t) => void (out += t), stderr: () => {} });
  } finally {
    textPatching.enabled = true;
  }
  return out;
}

const inputs: { name: string; argv: string[]; stdin: string }[] = [];
const goldens = join(repo, 'test/golden/cases');
for (const c of existsSync(goldens) ? readdirSync(goldens) : []) {
  const input = join(goldens, c, 'input.yaml');
  if (!existsSync(input)) continue;
  const args = existsSync(join(goldens, c, 'args'))
    ? readFileSync(join(goldens, c, 'args'), 'utf8')
        .split('\n')
        .filter(Boolean)
    : [];
  const config = join(goldens, c, 'config.yaml');
  inputs.push({ name: `golden ${c}`, argv: [...(existsSync(config) ? ['--config', config] : []), ...args], stdin: readFileSync(input, 'utf8') });
}
if (existsSync(join(istio, 'inputs'))) {
  const flags = [
    '--emulate',
    'kube-inject',
    '--injectConfigFile',
    join(istio, 'config/inject-config.yaml'),
    '--valuesFile',
    join(istio, 'config/values.json'),
    '--meshConfigFile',
    join(istio, 'config/mesh.yaml'),
  ];
  for (const f of readdirSync(join(istio, 'inputs')).sort()) {
    inputs.push({ name: `istio ${f}`, argv: ['-f', '-', ...flags], stdin: readFileSync(join(istio, 'inputs', f), 'utf8') });
  }
}
inputs.push({ name: 'bench ResourceList (40 workloads)', argv: [], stdin: resourceList(40) });

/** Golden inputs whose layout `yaml` prints differently: patching keeps it (and changes fewer lines). */
const OWN_LAYOUT = new Set(['golden comments-and-quantities']);

describe('text patching gives what re-printing through yaml gives, or a smaller diff', () => {
  it.each(inputs.map((i) => [i.name, i] as const))('%s', async (name, i) => {
    const patched = await run(i.argv, i.stdin, true);
    const printed = await run(i.argv, i.stdin, false);
    if (!OWN_LAYOUT.has(name) && !name.startsWith('istio ')) {
      expect(patched).toBe(printed);
      return;
    }
    // Istio's inputs are hand-written (trailing spaces, blank lines, either sequence style...)
    if (patched === printed) return;
    const values = (t: string) => parseAllDocuments(t).map((d) => d.toJS() as unknown);
    expect(values(patched)).toEqual(values(printed));
    const byPatch = removedLines(i.stdin, patched);
    const byYaml = removedLines(i.stdin, printed);
    expect(byPatch.length).toBeLessThan(byYaml.length);
    for (const line of byPatch) expect(byYaml).toContain(line);
  });
});

describe('patchText', () => {
  const doc = (t: string) => parseStream(t)[0]!;

  it('inserts keys after their predecessor and items at the end, keeping comments', () => {
    const text = 'a: 1 # one\nb:\n  c: x\nl:\n- name: p\n  v: 1\n';
    const old = doc(text).value;
    const nu: Json = { a: 2, b: { c: 'x', d: 'new value' }, l: [{ name: 'p', v: 1 }, { name: 'q' }], z: true };
    const out = patchText(text, 0, text.length, 0, old, nu, false);
    expect(out).toBe('a: 2 # one\nb:\n  c: x\n  d: new value\nl:\n- name: p\n  v: 1\n- name: q\nz: true\n');
  });

  it('keeps the layout yaml would print differently: only the changed lines differ', () => {
    const cases: [string, Json, string][] = [
      ['a: 1   # two spaces\n', { a: 2 }, 'a: 2   # two spaces\n'],
      ['a: 1\n\nb: 2\n', { a: 1, b: 2, c: 3 }, 'a: 1\n\nb: 2\nc: 3\n'],
      ['a:\n    b: 1\nz: 0\n', { a: { b: 1, c: 2 }, z: 1 }, 'a:\n    b: 1\n    c: 2\nz: 1\n'],
      ['a: { b: 1 }\nx: 1\n', { a: { b: 1 }, x: 2 }, 'a: { b: 1 }\nx: 2\n'],
      ['a: "\\u0041"\nx: 1\n', { a: 'A', x: 2 }, 'a: "\\u0041"\nx: 2\n'],
      ['a: |\n  x\n\n  # in the block\nb: 1\n', { a: 'x\n\n# in the block\n', b: 2 }, 'a: |\n  x\n\n  # in the block\nb: 2\n'],
      ['l:\n  - x  \n  \n  - y\nm:\n- z\n', { l: ['x', 'y', 'w'], m: ['z', 'v'] }, 'l:\n  - x  \n  \n  - y\n  - w\nm:\n- z\n- v\n'],
      [
        'r:\n  {}\nargs: ["a","b"]\np: "/metrics"\nq: \'x\'\n',
        { r: {}, args: ['a', 'b'], p: '/stats', q: "it's" },
        'r:\n  {}\nargs: ["a","b"]\np: "/stats"\nq: \'it\'\'s\'\n',
      ],
      ['a: {}\nb:\n  c: 1\n', { a: { x: 1 }, b: {} }, 'a:\n  x: 1\nb: {}\n'],
      ['t: a\n  b\nu: 1\n', { t: 'a b', u: 2 }, 't: a\n  b\nu: 2\n'],
      [
        'q: "a \\"#\n  b"\nf: [x, \'y\'\'s\',\n  "z]"]\nu: 1\n',
        { q: 'a "# b', f: ['x', "y's", 'z]'], u: 2 },
        'q: "a \\"#\n  b"\nf: [x, \'y\'\'s\',\n  "z]"]\nu: 2\n',
      ],
    ];
    for (const [t, nu, want] of cases) {
      expect(doc(t).value).not.toEqual(nu);
      expect(patchText(t, 0, t.length, 0, doc(t).value, nu, false)).toBe(want);
      expect(doc(want).value).toEqual(nu);
    }
  });

  it('gives up on anchors, tags, quoted keys, edits inside kept-whole values and reordered lists', () => {
    const cases: [string, Json][] = [
      ['a: &x 1\nb: *x\n', { a: 1, b: 2 }],
      ['a: !!str 1\n', { a: '2' }],
      ['"a": 1\n', { a: 2 }],
      ['a: [1,\n  2]\n', { a: [1, 3] }],
      ['a: |\n  x\n', { a: 'y\n' }],
      ['a: |+\n  x\n\nb: 1\n', { a: 'x\n\n', b: 2 }],
      ['l:\n- name: a\n- name: b\n', { l: [{ name: 'b' }, { name: 'a' }] }],
    ];
    for (const [t, nu] of cases) expect(patchText(t, 0, t.length, 0, doc(t).value, nu, false), t).toBe(BAIL);
  });

  it('keeps and cuts literal block scalars as yaml prints them, and leaves editing one to yaml', () => {
    const text = 'a: |\n  x\n    y\nl:\n- name: p\n  v: |-\n    {}\n- name: q\nb: 1\n';
    const old = doc(text).value;
    const kept = patchText(text, 0, text.length, 0, old, { ...(old as object), b: 2 }, false);
    expect(kept).toBe(text.replace('b: 1', 'b: 2'));
    const cut = patchText(text, 0, text.length, 0, old, { a: 'x\n  y\n', l: [{ name: 'q' }], b: 1 }, false);
    expect(cut).toBe('a: |\n  x\n    y\nl:\n- name: q\nb: 1\n');
    expect(patchText(text, 0, text.length, 0, old, { ...(old as object), a: 'z\n' }, false)).toBe(BAIL);
  });

  it('uninjects and re-injects its own output by patching, as re-printing would', async () => {
    const injected = await run([], resourceList(12), true);
    for (const argv of [['--uninject'], []]) {
      const before = { ...patchStats };
      const patched = await run(argv, injected, true);
      expect(patchStats.bailed - before.bailed).toBe(0);
      expect(patched).toBe(await run(argv, injected, false));
    }
  });

  it('patches a kubectl List with managedFields keys (`.`, `f:spec`, `k:{...}`), as re-printing would', async () => {
    const text = shapeInput('kubectl', 6, true) as string;
    expect(text).toMatch(/^ +k:\{"name":"app"\}:$/m);
    const before = { ...patchStats };
    const patched = await run(['-f', '-'], text, true);
    expect(patchStats.bailed - before.bailed).toBe(0);
    expect(patchStats.patched - before.patched).toBeGreaterThan(0);
    expect(patched).toBe(await run(['-f', '-'], text, false));
  });

  it('patches every workload of a kpt-style ResourceList (no fallback)', async () => {
    const text = resourceList(10);
    const before = { ...patchStats };
    const out = await run([], text, true);
    expect(patchStats.patched - before.patched).toBe(10);
    expect(patchStats.bailed - before.bailed).toBe(0);
    // untouched flow collections and comments of changed items are still there, byte for byte
    for (const line of text.split('\n').filter((l) => /[{#]/.test(l))) expect(out.includes(line)).toBe(true);
  });
});
