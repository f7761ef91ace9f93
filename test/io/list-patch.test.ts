/**
 * A changed `kind: List` (kubectl's one document for many objects) is patched item by item
 * (list-patch.ts `patchListItems`): the output must be the bytes the patcher gives for the whole
 * document, with one patch per changed item instead of one over the whole List; a List whose
 * other keys changed, or that is not in the block layout, is patched whole as before. A List read
 * as one handle and one read item by item are stitched by the same code: the same edits give the
 * same bytes.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli } from '../../src/cli/cli.js';
import { IoContext } from '../../src/io/context.js';
import { emitStream, isListItem, parseStream } from '../../src/io/index.js';
import { patchText } from '../../src/io/patch.js';
import { BAIL } from '../../src/io/bail.js';
import { shapeInput } from '../../bench/generate.js';
import type { Json, JsonObject } from '../../src/kube/types.js';

async function inject(text: string, argv: string[] = []): Promise<{ out: string; io: IoContext; code: number }> {
  const io = new IoContext();
  let out = '';
  const code = await cli([...argv, '-q', '-f', '-'], { readStdin: async () => text, stdout: (t) => void (out += t), stderr: () => {}, ioContext: io });
  return { out, io, code };
}

/** What patching the whole document from the input's value to the output's gives. */
function wholePatch(input: string, output: string, seqIndented: boolean): string {
  const out = patchText(input, 0, input.length, 0, parse(input) as Json, parse(output) as Json, seqIndented, new IoContext());
  if (out === BAIL) throw new Error('the whole-document patch gave up');
  return out;
}

const changedItems = (input: string, output: string): number => {
  const a = (parse(input) as JsonObject).items as Json[];
  const b = (parse(output) as JsonObject).items as Json[];
  return a.filter((x, i) => JSON.stringify(x) !== JSON.stringify(b[i])).length;
};

/** kubectl's List (sequence at column 0, keys sorted: `items` before `kind` and `metadata`). */
const kubectlList = (n: number): string => shapeInput('kubectl', n, true) as string;

describe('a kind: List patched item by item', () => {
  it('gives the whole-document patch, one patch per changed item (compact sequence, kubectl order)', async () => {
    const input = kubectlList(12);
    const { out, io, code } = await inject(input);
    expect(code).toBe(0);
    expect(out).toBe(wholePatch(input, out, false));
    const changed = changedItems(input, out);
    expect(changed).toBeGreaterThan(1);
    expect(io.patchStats.patched).toBe(changed);
  });

  it('gives the whole-document patch with an indented sequence, comments between items and an unchanged item', async () => {
    const list = parse(kubectlList(6)) as JsonObject;
    const items = list.items as JsonObject[];
    // a Service and a workload opted out stay as they are
    const opted = items.find((i) => i.kind === 'Deployment')!;
    const tpl = (opted.spec as JsonObject).template as JsonObject;
    ((tpl.metadata as JsonObject).annotations ??= {}) as JsonObject;
    ((tpl.metadata as JsonObject).annotations as JsonObject)['sidecar.istio.io/inject'] = 'false';
    let input = stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, { indentSeq: true, lineWidth: 0 });
    input = input.replace(/\n  - apiVersion/g, (m, at: number) => (at % 2 ? `\n  # item comment\n${m.slice(1)}` : m));
    const { out, io, code } = await inject(input);
    expect(code).toBe(0);
    expect(out).toBe(wholePatch(input, out, true));
    expect(out).toContain('# item comment');
    const changed = changedItems(input, out);
    expect(changed).toBeGreaterThan(1);
    expect(changed).toBeLessThan(items.length);
    expect(io.patchStats.patched).toBe(changed);
  });

  it('patches the whole document when the List has one item', async () => {
    const list = parse(kubectlList(1)) as JsonObject;
    const one = (list.items as JsonObject[]).find((i) => i.kind === 'Deployment')!;
    const input = stringify({ apiVersion: 'v1', items: [one], kind: 'List', metadata: {} }, { lineWidth: 0 });
    // its Namespace as a second document of the stream
    const ns = `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${(one.metadata as JsonObject).namespace}\n  labels:\n    istio-injection: enabled\n`;
    const { out, io } = await inject(input + ns);
    expect(out).toContain('istio-proxy');
    expect(out.endsWith(ns)).toBe(true);
    expect(out.slice(0, -ns.length)).toBe(wholePatch(input, out.slice(0, -ns.length), true));
    expect(io.patchStats.patched).toBe(1);
  });
});

describe('updating the items of a kind: List', () => {
  const list = ['apiVersion: v1', 'items:', ...[0, 1, 2].flatMap((i) => [`- kind: ConfigMap`, `  metadata:`, `    name: c${i}`]), 'kind: List', ''].join('\n');

  it('keeps every update, copies the items once, and prints only the items that changed', () => {
    const [r] = parseStream(list);
    const before = r!.value.items as JsonObject[];
    r!.update(['items', 0, 'metadata', 'labels'], { a: '1' });
    const copied = r!.value.items;
    expect(copied).not.toBe(before);
    r!.update(['items', 2, 'metadata', 'labels'], { c: '3' });
    r!.update(['items', 0, 'metadata', 'name'], 'z0');
    // later updates go into the first copy; the items as read are untouched
    expect(r!.value.items).toBe(copied);
    expect(before.map((i) => (i.metadata as JsonObject).name)).toEqual(['c0', 'c1', 'c2']);
    expect((r!.value.items as JsonObject[])[1]).toBe(before[1]);
    expect(r!.changed).toBe(true);
    expect(r!.text()).toBe(
      [
        'apiVersion: v1',
        'items:',
        '- kind: ConfigMap',
        '  metadata:',
        '    name: z0',
        '    labels:',
        '      a: "1"',
        '- kind: ConfigMap',
        '  metadata:',
        '    name: c1',
        '- kind: ConfigMap',
        '  metadata:',
        '    name: c2',
        '    labels:',
        '      c: "3"',
        'kind: List',
        '',
      ].join('\n'),
    );
  });

  it('is not changed by updates that write what is there', () => {
    const [r] = parseStream(list);
    r!.update(['items', 1, 'metadata'], { name: 'c1' });
    r!.update(['items', 1, 'metadata', 'name'], 'c1');
    expect(r!.changed).toBe(false);
    expect(r!.text()).toBe(list);
    r!.update(['items', 1, 'metadata', 'name'], 'x');
    expect(r!.changed).toBe(true);
  });
});

describe('a kind: List read as one handle and item by item', () => {
  // the first item ends with a block scalar whose last line starts with `#` (its content, not a
  // comment), then a comment: an item's text runs to the next item's `-` line on both paths
  const input = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    name: a',
    '  data:',
    '    script: |',
    '      echo hi',
    '      # part of the script',
    '  # a comment after the item',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    name: b',
    '',
  ].join('\n');

  /** The stream after adding `data.extra` to the first item, read item by item or whole. */
  function edited(listItems: boolean): { out: string; split: boolean; patched: number } {
    const io = new IoContext({ listItems });
    const docs = parseStream(input, 'in.yaml', { listItems: true, io });
    const split = docs.length === 2 && docs.every(isListItem);
    if (split) docs[0]!.update(['data', 'extra'], 'x');
    else docs[0]!.update(['items', 0, 'data', 'extra'], 'x');
    return { out: emitStream(docs), split, patched: io.patchStats.patched };
  }

  it('gives the same text, the block scalar kept whole before the new key', () => {
    const items = edited(true);
    const whole = edited(false);
    expect(items.split).toBe(true);
    expect(whole.split).toBe(false);
    const want = input.replace('      # part of the script\n', '      # part of the script\n    extra: x\n');
    expect(items.out).toBe(want);
    expect(whole.out).toBe(want);
    expect(((parse(whole.out) as JsonObject).items as JsonObject[])[0]!.data).toEqual({ script: 'echo hi\n# part of the script\n', extra: 'x' });
    // one item patched on each path, not the whole document
    expect(items.patched).toBe(1);
    expect(whole.patched).toBe(1);
  });
});
