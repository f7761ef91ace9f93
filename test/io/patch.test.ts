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
import { IoContext, MAX_REMEMBERED, MAX_REMEMBERED_LENGTH } from '../../src/io/context.js';
import { patchText } from '../../src/io/patch.js';
import { parseAllDocuments } from 'yaml';
import { resourceList, shapeInput } from '../../bench/generate.js';
import { removedLines } from '../support/line-diff.js';
import { corpusConfigFlags } from '../../scripts/conformance.js';
import type { Json } from '../../src/kube/types.js';

const repo = resolve(new URL('.', import.meta.url).pathname, '../..');
const istio = resolve(repo, '../shared/istio-conformance');

/** The CLI's output with text patching on or off; `ioContext` to read its counters after. */
async function run(argv: string[], stdin: string, patching: boolean, ioContext = new IoContext({ textPatching: patching })): Promise<string> {
  let out = '';
  await cli(argv, { readStdin: async () => stdin, stdout: (t) => void (out += t), stderr: () => {}, ioContext });
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
  const flags = ['--emulate', 'kube-inject', ...corpusConfigFlags(istio)];
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
  const io = new IoContext();

  it('inserts keys after their predecessor and items at the end, keeping comments', () => {
    const text = 'a: 1 # one\nb:\n  c: x\nl:\n- name: p\n  v: 1\n';
    const old = doc(text).value;
    const nu: Json = { a: 2, b: { c: 'x', d: 'new value' }, l: [{ name: 'p', v: 1 }, { name: 'q' }], z: true };
    const out = patchText(text, 0, text.length, 0, old, nu, false, io);
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
      expect(patchText(t, 0, t.length, 0, doc(t).value, nu, false, io)).toBe(want);
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
    for (const [t, nu] of cases) expect(patchText(t, 0, t.length, 0, doc(t).value, nu, false, io), t).toBe(BAIL);
  });

  it('keeps and cuts literal block scalars as yaml prints them, and leaves editing one to yaml', () => {
    const text = 'a: |\n  x\n    y\nl:\n- name: p\n  v: |-\n    {}\n- name: q\nb: 1\n';
    const old = doc(text).value;
    const kept = patchText(text, 0, text.length, 0, old, { ...(old as object), b: 2 }, false, io);
    expect(kept).toBe(text.replace('b: 1', 'b: 2'));
    const cut = patchText(text, 0, text.length, 0, old, { a: 'x\n  y\n', l: [{ name: 'q' }], b: 1 }, false, io);
    expect(cut).toBe('a: |\n  x\n    y\nl:\n- name: q\nb: 1\n');
    expect(patchText(text, 0, text.length, 0, old, { ...(old as object), a: 'z\n' }, false, io)).toBe(BAIL);
  });

  it('uninjects and re-injects its own output by patching, as re-printing would', async () => {
    const injected = await run([], resourceList(12), true);
    for (const argv of [['--uninject'], []]) {
      const ctx = new IoContext();
      const patched = await run(argv, injected, true, ctx);
      expect(ctx.patchStats.bailed).toBe(0);
      expect(patched).toBe(await run(argv, injected, false));
    }
  });

  it('patches a kubectl List with managedFields keys (`.`, `f:spec`, `k:{...}`), as re-printing would', async () => {
    const text = shapeInput('kubectl', 6, true) as string;
    expect(text).toMatch(/^ +k:\{"name":"app"\}:$/m);
    const ctx = new IoContext();
    const patched = await run(['-f', '-'], text, true, ctx);
    expect(ctx.patchStats.bailed).toBe(0);
    expect(ctx.patchStats.patched).toBeGreaterThan(0);
    expect(patched).toBe(await run(['-f', '-'], text, false));
  });

  it('patches every workload of a kpt-style ResourceList (no fallback)', async () => {
    const text = resourceList(10);
    const ctx = new IoContext();
    const out = await run([], text, true, ctx);
    expect(ctx.patchStats.patched).toBe(10);
    expect(ctx.patchStats.bailed).toBe(0);
    // untouched flow collections and comments of changed items are still there, byte for byte
    for (const line of text.split('\n').filter((l) => /[{#]/.test(l))) expect(out.includes(line)).toBe(true);
  });
});

describe("a run's I/O context", () => {
  const doc = (t: string) => parseStream(t)[0]!;

  it('owns the printed strings the patcher remembers, at most MAX_REMEMBERED values and keys', () => {
    const io = new IoContext();
    const text = 'a: 1\n';
    const old = doc(text).value;
    expect(patchText(text, 0, text.length, 0, old, { a: 1, b: 'x y', c: 'z' }, false, io)).toBe('a: 1\nb: x y\nc: z\n');
    // keys b and c, values `x y` and z
    expect(io.printed.size).toBe(4);
    expect(io.patchStats).toEqual({ patched: 1, bailed: 0 });
    expect(new IoContext().printed.size).toBe(0);
    const print = (v: string) => `<${v}>`;
    for (let i = 0; i < 3 * MAX_REMEMBERED; i++) expect(io.printed.get(`s${i}`, false, print)).toBe(`<s${i}>`);
    expect(io.printed.size).toBeLessThanOrEqual(2 * MAX_REMEMBERED);
    expect(io.printed.size).toBeGreaterThan(0);
    // a long string is printed each time, not remembered
    const before = io.printed.size;
    io.printed.get('x'.repeat(MAX_REMEMBERED_LENGTH + 1), false, print);
    expect(io.printed.size).toBe(before);
  });

  it("keeps a run's switches and counters to that run", async () => {
    const text = resourceList(3);
    const on = new IoContext();
    const off = new IoContext({ textPatching: false });
    const [a, b] = await Promise.all([run([], text, true, on), run([], text, false, off)]);
    expect(on.patchStats).toEqual({ patched: 3, bailed: 0 });
    expect(off.patchStats).toEqual({ patched: 0, bailed: 0 });
    expect(on.printed.size).toBeGreaterThan(0);
    // run side by side, each as it would alone: the patched output is the re-printed one
    expect(a).toBe(b);
  });
});
