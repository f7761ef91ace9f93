/**
 * Stream mode gives a `kind: List` to the run item by item (list-document.ts): each item is a
 * handle of its own, read when the run reaches it and let go after. Everything the CLI prints
 * (stdout, stderr, exit code, files written) must be what the whole-document path gives
 * (IoContext `listItems: false`), in every mode, for the shapes that are split and for those
 * that fall back to the whole document.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { IoContext } from '../../src/io/context.js';
import { emitStream, isListItem, parseStream } from '../../src/io/index.js';
import type { ResourceHandle } from '../../src/io/index.js';
import { isEnvironmentObject } from '../../src/core/run.js';
import { shapeInput } from '../../bench/generate.js';
import type { JsonObject } from '../../src/kube/types.js';
import { runCli, type CliRun } from '../support/run-cli.js';

const MODES: string[][] = [[], ['--check'], ['--uninject'], ['--format', 'patch'], ['--explain'], ['--summary', 'text'], ['--summary', 'json']];

/** kubectl's List (sequence at column 0, keys sorted). */
const kubectlList = (n: number): string => shapeInput('kubectl', n, true) as string;

/** The CLI on stdin, item by item and whole; both must print the same. */
async function both(input: string, argv: string[] = []): Promise<{ split: CliRun; whole: CliRun }> {
  const split = await runCli([...argv, '-f', '-'], input, new IoContext());
  const whole = await runCli([...argv, '-f', '-'], input, new IoContext({ listItems: false }));
  return { split, whole };
}

/** Every mode gives the same output item by item as whole; returns the inject run. */
async function sameInEveryMode(input: string): Promise<CliRun> {
  let inject: CliRun | undefined;
  for (const mode of MODES) {
    const { split, whole } = await both(input, mode);
    expect({ mode, ...split }).toEqual({ mode, ...whole });
    if (mode.length === 0) inject = split;
  }
  return inject!;
}

/** Items of the List are handles of their own (the split is taken, not the fallback). */
function splits(input: string): boolean {
  const docs = parseStream(input, 'in.yaml', { listItems: true, keep: isEnvironmentObject });
  return docs.some(isListItem);
}

const list = (items: JsonObject[], indentSeq = false): string =>
  stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, { indentSeq, lineWidth: 0 });

const kubectlItems = (n: number): JsonObject[] => (parse(kubectlList(n)) as JsonObject).items as JsonObject[];

describe('a kind: List given to the run item by item', () => {
  it('prints what the whole document gives, in every mode (kubectl List)', async () => {
    const input = kubectlList(8);
    expect(splits(input)).toBe(true);
    const r = await sameInEveryMode(input);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe(input);
  });

  it('prints the same for an indented sequence with comments between items and an unchanged item', async () => {
    const items = kubectlItems(6);
    const opted = items.find((i) => i.kind === 'Deployment')!;
    const tpl = (opted.spec as JsonObject).template as JsonObject;
    (tpl.metadata as JsonObject).annotations = { 'sidecar.istio.io/inject': 'false' };
    let input = list(items, true);
    input = input.replace(/\n  - apiVersion/g, (m, at: number) => (at % 2 ? `\n  # item comment\n${m.slice(1)}` : m));
    expect(input).toContain('# item comment');
    expect(splits(input)).toBe(true);
    await sameInEveryMode(input);
  });

  it('prints the same for a List inside a stream, a nested List, an unchanged List and an empty one', async () => {
    const items = kubectlItems(4);
    const services = items.filter((i) => i.kind === 'Namespace');
    const nested = list([items[0]!, { apiVersion: 'v1', kind: 'List', items: items.slice(1, 5) }, ...items.slice(5)]);
    const input = [
      '# a stream\n',
      list(services),
      '---\n',
      nested,
      '---\n',
      'apiVersion: v1\nitems: []\nkind: List\nmetadata: {}\n',
      '---\n',
      list(items.slice(0, 3)),
    ].join('');
    expect(splits(input)).toBe(true);
    const r = await sameInEveryMode(input);
    expect(r.code).toBe(0);
  });

  it('prints the same for CRLF line ends, flow style and anchors (read whole)', async () => {
    const crlf = kubectlList(3).replace(/\n/g, '\r\n');
    const flow = `apiVersion: v1\nkind: List\nitems: ${JSON.stringify(kubectlItems(2))}\n`;
    const anchors = kubectlList(3)
      .replace('  kind: Deployment\n', '  kind: &k Deployment\n')
      .replace(/(- apiVersion: apps\/v1\n(?:.*\n)*?)  kind: Deployment\n(?![\s\S]*&k)/, '$1  kind: *k\n');
    expect(anchors).toContain('kind: *k');
    for (const input of [crlf, flow, anchors]) {
      expect(splits(input)).toBe(false);
      await sameInEveryMode(input);
    }
  });

  it('prints the whole document as before when an item patch gives up', async () => {
    // a tag in the last workload: its item's patch gives up (patch.ts), the document is printed
    // whole (the items patched before it read back from their new text)
    const text = kubectlList(3);
    const at = text.lastIndexOf('tier: frontend');
    const input = `${text.slice(0, at)}tier: !!str frontend${text.slice(at + 'tier: frontend'.length)}`;
    expect(input).toContain('!!str');
    expect(splits(input)).toBe(true);
    const r = await sameInEveryMode(input);
    expect(r.stdout).toContain('istio-proxy');
  });

  it('keeps the re-injection summary of a List whose earlier item changed', async () => {
    const input = kubectlList(4);
    const injected = (await both(input)).split.stdout;
    // the first workload as it came in, the others injected: a later one is "upgraded", as before
    const a = (parse(input) as JsonObject).items as JsonObject[];
    const b = (parse(injected) as JsonObject).items as JsonObject[];
    const first = b.findIndex((x) => x.kind !== 'Namespace');
    b[first] = a[first]!;
    const mixed = list(b);
    expect(splits(mixed)).toBe(true);
    const { split, whole } = await both(mixed, ['--summary', 'json']);
    expect(split).toEqual(whole);
    expect(split.stderr).toContain('upgraded');
  });

  it('prints the same for JSON Lists in any layout, also written back in place', async () => {
    // kubectl's JSON keys `k:{"name":"app"}` hold escapes json-read.ts leaves to `yaml`: the json shape has none
    const value = JSON.parse(shapeInput('json', 4, true) as string) as JsonObject;
    const inputs = [2, 4, '\t', undefined].map((indent) => JSON.stringify(value, null, indent) + '\n');
    // CRLF line ends; a comment before the document that makes the file's indentation 3 (json-file.ts)
    inputs.push(inputs[0]!.replace(/\n/g, '\r\n'), `# a List\n   # from kubectl\n${inputs[0]!}`);
    for (const input of inputs) {
      // tabs are left to `yaml` (json-read.ts): read whole
      expect(splits(input)).toBe(!input.includes('\t'));
      await sameInEveryMode(input);
      const dir = mkdtempSync(join(tmpdir(), 'list-doc-'));
      const outs: string[] = [];
      for (const ctx of [new IoContext(), new IoContext({ listItems: false })]) {
        const file = join(dir, 'in.json');
        writeFileSync(file, input);
        const r = await runCli(['-q', '-f', file, '--in-place'], '', ctx);
        expect(r.code).toBe(0);
        outs.push(readFileSync(file, 'utf8'));
      }
      expect(outs[0]).toBe(outs[1]);
      expect(outs[0]).not.toBe(input);
    }
  });
});

describe('Lists in a tree of files', () => {
  it('writes the same stream, -o file and files in place as the whole-document path', async () => {
    const files: Record<string, string> = {
      'a.yaml': kubectlList(3),
      'sub/b.yaml': `${JSON.stringify(JSON.parse(shapeInput('json', 3, true) as string), null, 2)}\n`,
      'sub/c.json': `${JSON.stringify(JSON.parse(shapeInput('json', 2, true) as string), null, 4)}\n`,
      'sub/d.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n',
    };
    const runs: { stdout: string; stderr: string; code: number; o: string; files: string[] }[] = [];
    for (const listItems of [true, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'list-tree-'));
      mkdirSync(join(dir, 'sub'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const args = ['-R', '-f', dir, '-f', join(dir, 'sub', 'c.json')];
      const r = await runCli(args, '', new IoContext({ listItems }));
      await runCli(['-q', ...args, '-o', join(dir, 'out.yaml')], '', new IoContext({ listItems }));
      await runCli(['-q', ...args, '--in-place'], '', new IoContext({ listItems }));
      const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
      runs.push({ ...r, stderr: r.stderr.replaceAll(dir, 'DIR'), o: read('out.yaml'), files: Object.keys(files).map(read) });
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.code).toBe(0);
    expect(runs[0]!.files[2]).not.toBe(files['sub/c.json']);
    expect(runs[0]!.o.length).toBeGreaterThan(Object.values(files).join('').length);
  });
});

describe('a List item handle', () => {
  const read = (): ResourceHandle[] => parseStream(kubectlList(4), 'in.yaml', { listItems: true, keep: isEnvironmentObject, io: new IoContext() });

  it('is read again after release (its value was let go); an environment item is kept', () => {
    const docs = read();
    const ns = docs.find((d) => d.header.kind === 'Namespace')!;
    const w = docs.find((d) => d.header.kind === 'Deployment')!;
    expect(ns.value).toBe(ns.value);
    const before = w.value;
    w.release();
    const after = w.value;
    expect(after).not.toBe(before);
    expect(after).toEqual(before);
  });

  it('keeps only its new text once changed and let go; the document reports the change', () => {
    const docs = read();
    const [w1, w2] = docs.filter((d) => d.header.kind === 'Deployment');
    expect(w2!.changed).toBe(false);
    w1!.update(['metadata', 'labels', 'touched'], 'yes');
    expect(w2!.changed).toBe(true);
    w1!.release();
    expect(() => w1!.value).toThrow(/written out/);
    const out = emitStream(docs);
    expect(out).toContain('touched: "yes"');
    const items = (parse(out) as JsonObject).items as JsonObject[];
    expect(items.length).toBe(docs.length);
  });
});
