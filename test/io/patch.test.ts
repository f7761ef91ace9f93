/**
 * Text patching (src/io/patch.ts) against the `yaml` re-printer it stands in for: the whole CLI runs
 * each input twice, with patching on and off, and the outputs must be identical; plus the cases
 * where patching must give up, and a check that it really is used for kpt-style input.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli } from '../../src/cli/cli.js';
import { parseStream } from '../../src/io/index.js';
import { PATCH_BAIL, patchStats, patchText } from '../../src/io/patch.js';
import { textPatching } from '../../src/io/resource.js';
import { resourceList } from '../../bench/generate.js';
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
  const args = existsSync(join(goldens, c, 'args')) ? readFileSync(join(goldens, c, 'args'), 'utf8').split('\n').filter(Boolean) : [];
  const config = join(goldens, c, 'config.yaml');
  inputs.push({ name: `golden ${c}`, argv: [...(existsSync(config) ? ['--config', config] : []), ...args], stdin: readFileSync(input, 'utf8') });
}
if (existsSync(join(istio, 'inputs'))) {
  const flags = ['--injectConfigFile', join(istio, 'config/inject-config.yaml'), '--valuesFile', join(istio, 'config/values.json'), '--meshConfigFile', join(istio, 'config/mesh.yaml')];
  for (const f of readdirSync(join(istio, 'inputs')).sort()) {
    inputs.push({ name: `istio ${f}`, argv: ['-f', '-', ...flags], stdin: readFileSync(join(istio, 'inputs', f), 'utf8') });
  }
}
inputs.push({ name: 'bench ResourceList (40 workloads)', argv: [], stdin: resourceList(40) });

describe('text patching gives what re-printing through yaml gives', () => {
  it.each(inputs.map((i) => [i.name, i] as const))('%s', async (_, i) => {
    const patched = await run(i.argv, i.stdin, true);
    const printed = await run(i.argv, i.stdin, false);
    expect(patched).toBe(printed);
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

  it('gives up on text yaml would print differently, and on reordered lists', () => {
    const nu = (t: string) => ({ ...doc(t).value, extra: 1 });
    for (const t of ['a: 1   # two spaces\n', 'a: 1\n\nb: 2\n', 'a:\n    b: 1\n', 'a: { b: 1 }\n', 'a: "\\u0041"\n', 'a: >\n  x\n', 'a: |\n    x\n', 'a: |\n  # x\n  y\n']) {
      expect(patchText(t, 0, t.length, 0, doc(t).value, nu(t), false)).toBe(PATCH_BAIL);
    }
    const t = 'l:\n- name: a\n- name: b\n';
    expect(patchText(t, 0, t.length, 0, doc(t).value, { l: [{ name: 'b' }, { name: 'a' }] }, false)).toBe(PATCH_BAIL);
  });

  it('keeps and cuts literal block scalars as yaml prints them, and leaves editing one to yaml', () => {
    const text = 'a: |\n  x\n    y\nl:\n- name: p\n  v: |-\n    {}\n- name: q\nb: 1\n';
    const old = doc(text).value;
    const kept = patchText(text, 0, text.length, 0, old, { ...(old as object), b: 2 }, false);
    expect(kept).toBe(text.replace('b: 1', 'b: 2'));
    const cut = patchText(text, 0, text.length, 0, old, { a: 'x\n  y\n', l: [{ name: 'q' }], b: 1 }, false);
    expect(cut).toBe('a: |\n  x\n    y\nl:\n- name: q\nb: 1\n');
    expect(patchText(text, 0, text.length, 0, old, { ...(old as object), a: 'z\n' }, false)).toBe(PATCH_BAIL);
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
