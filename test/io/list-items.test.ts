import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { InputError, MAX_WHOLE_DOCUMENT, parseStream, readStreamDocuments } from '../../src/io/index.js';
import type { Json, JsonObject } from '../../src/kube/types.js';

/** What the reader gives, with each List's items put back: comparable with the whole-document values. */
function readAll(text: string, file = 'snap.yaml'): { index: number; value: JsonObject; split: boolean }[] {
  return [...readStreamDocuments(text, file)].map((d) => ({
    index: d.index,
    value: d.items ? { ...d.value, items: [...d.items] } : d.value,
    split: d.items !== undefined,
  }));
}

/** The whole-document path (stream.ts): every document read whole. */
function readWhole(text: string, file = 'snap.yaml'): { index: number; value: JsonObject }[] {
  return parseStream(text, file).map((r) => ({ index: r.file!.index, value: r.value }));
}

/** The outcome of reading: values, or the error message. */
function outcome(read: () => { index: number; value: JsonObject }[]): { values?: unknown; error?: string } {
  try {
    return { values: read().map(({ index, value }) => ({ index, value })) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { error: e.message };
  }
}

// ---- kubectl-shaped objects
const name = fc.constantFrom('web', 'api-7d9f8c6b5-x2k4q', 'a', 'kube-root-ca.crt', 'istio-sidecar-injector', 'x'.repeat(40));
const text = fc.constantFrom('plain', 'with: colon', '# hash', '- dash', 'multi\nline\n', 'trailing  ', '', '"q"', "it's", '1.0', 'true', 'null', '~', '0x1F');
const labels = fc.dictionary(fc.constantFrom('app', 'version', 'istio.io/rev', 'sidecar.istio.io/inject', 'a.b/c-d'), text, { maxKeys: 3 });
const container = fc.record({
  name,
  image: fc.constantFrom('registry.example/web:1.0', 'docker.io/istio/proxyv2:1.22.0'),
  args: fc.array(text, { maxLength: 3 }),
  ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constant('TCP') }), { maxLength: 2 }),
  resources: fc.constantFrom<Json>({}, { limits: { cpu: '2' } }),
});
const object: fc.Arbitrary<JsonObject> = fc
  .record({
    kind: fc.constantFrom('Pod', 'Deployment', 'ReplicaSet', 'Namespace', 'ConfigMap'),
    name,
    labels,
    annotations: labels,
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    data: fc.dictionary(fc.constantFrom('config', 'values', 'mesh'), text, { maxKeys: 2 }),
    status: fc.option(fc.record({ phase: fc.constantFrom('Running', 'Succeeded'), restartCount: fc.nat(5), ready: fc.boolean() }), { nil: undefined }),
  })
  .map((o) => {
    const metadata: JsonObject = { labels: o.labels, name: o.name, namespace: 'shop', uid: `u-${o.name}` };
    if (Object.keys(o.annotations).length) metadata.annotations = o.annotations;
    const v: JsonObject = { apiVersion: o.kind === 'Pod' || o.kind === 'Namespace' || o.kind === 'ConfigMap' ? 'v1' : 'apps/v1', kind: o.kind, metadata };
    if (o.kind === 'ConfigMap') v.data = o.data;
    else if (o.kind === 'Pod') v.spec = { containers: o.containers };
    else if (o.kind !== 'Namespace') v.spec = { template: { metadata: { labels: o.labels }, spec: { containers: o.containers } } };
    if (o.status) v.status = o.status;
    return v;
  });

/** A List as kubectl (indentSeq false) or `yaml` (indented) prints it; kind after the items, as kubectl sorts keys. */
const listText = (items: JsonObject[], indentSeq: boolean): string =>
  stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, { indentSeq, lineWidth: 0 });

/** Comment lines inserted after some lines, at some indentation. */
function withComments(t: string, at: number[], indents: number[]): string {
  const lines = t.split('\n');
  for (let k = at.length - 1; k >= 0; k--) {
    const i = at[k]! % lines.length;
    lines.splice(i + 1, 0, `${' '.repeat(indents[k % indents.length]!)}# comment ${k}`);
  }
  return lines.join('\n');
}

describe('readStreamDocuments: List items one at a time, the same values as the whole document', () => {
  it('kubectl-shaped Lists in both sequence styles: items split, values and indexes equal to the whole-document read', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 6 }), fc.boolean(), (items, indentSeq) => {
        const t = listText(items, indentSeq);
        const got = readAll(t);
        expect(got.map((d) => d.split)).toEqual([true]);
        expect(got.map(({ index, value }) => ({ index, value }))).toEqual(readWhole(t));
      }),
      { numRuns: 60 },
    );
  });

  it('with comment lines anywhere (between items, inside them, at column 0): the same outcome as the whole document', () => {
    fc.assert(
      fc.property(
        fc.array(object, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat(400), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(0, 2, 4, 6), { minLength: 1, maxLength: 5 }),
        (items, indentSeq, at, indents) => {
          const t = withComments(listText(items, indentSeq), at, indents);
          expect(outcome(() => readAll(t))).toEqual(outcome(() => readWhole(t)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('several documents, Lists and single objects, with the same indexes as stream.ts gives', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(object, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 4 }), (docs) => {
        const t = docs.map(([items, indentSeq, single]) => (single ? stringify(items[0]) : listText(items, indentSeq))).join('---\n# between\n');
        const got = readAll(t);
        expect(got.map((d) => d.split)).toEqual(docs.map(([, , single]) => !single));
        expect(got.map(({ index, value }) => ({ index, value }))).toEqual(readWhole(t));
      }),
      { numRuns: 40 },
    );
  });

  it('shapes it does not split are read whole, to the same values: CRLF, a lone CR, flow style, JSON, quoted keys, a tab in the indentation', () => {
    const items: JsonObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { a: 'b' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    ];
    const block = listText(items, false);
    const shapes = [
      block.replace(/\n/g, '\r\n'),
      stringify({ apiVersion: 'v1', items, kind: 'List' }, { collectionStyle: 'flow' }),
      JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 2),
      block.replace('kind: List', '"kind": List'),
      'apiVersion: v1\nitems: []\nkind: List\n',
    ];
    for (const t of shapes) {
      const got = readAll(t);
      expect(got.map((d) => d.split)).toEqual([false]);
      expect(got.map(({ index, value }) => ({ index, value }))).toEqual(readWhole(t));
    }
    expect(readAll(block)[0]!.split).toBe(true);
    // A lone CR before an item's dash: the line walk does not split it; the outcome is the whole document's.
    const cr = block.replace('\n- apiVersion: v1\n  kind: Pod', '\r- apiVersion: v1\n  kind: Pod');
    expect(cr).not.toBe(block);
    expect(outcome(() => readAll(cr))).toEqual(outcome(() => readWhole(cr)));
  });

  it('an alias to an anchor in another item reads as the whole document reads it', () => {
    const t = 'apiVersion: v1\nitems:\n- &ns\n  kind: Namespace\n  metadata:\n    name: a\n- *ns\n- kind: Pod\n  metadata:\n    name: p\nkind: List\n';
    expect(readAll(t).map(({ index, value }) => ({ index, value }))).toEqual(readWhole(t));
    expect((readAll(t)[0]!.value.items as Json[])[1]).toEqual({ kind: 'Namespace', metadata: { name: 'a' } });
  });

  it('reads an item only when the iteration reaches it: the items before a broken one come first', () => {
    const t = 'apiVersion: v1\nitems:\n- kind: Namespace\n  metadata:\n    name: a\n- kind: Pod\n  metadata: {name: [\nkind: List\n';
    const [doc] = readStreamDocuments(t, 'snap.yaml');
    const it = doc!.items![Symbol.iterator]();
    expect(it.next().value).toEqual({ kind: 'Namespace', metadata: { name: 'a' } });
    // Small documents give the whole-document error, with the file and line.
    const whole = outcome(() => readWhole(t)).error!;
    expect(whole).toMatch(/^snap\.yaml:\d+:\d+: /);
    expect(() => it.next()).toThrow(whole);
  });

  it('past MAX_WHOLE_DOCUMENT, an item error names the file, line and items[i]; a document only yaml reads whole is refused', () => {
    const item = (i: number) => `- kind: ConfigMap\n  metadata:\n    name: cm-${i}\n  data:\n    k: ${'v'.repeat(200)}\n`;
    const n = Math.ceil(MAX_WHOLE_DOCUMENT / item(0).length) + 10;
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(i === 3 ? '- kind: Pod\n  metadata: {name: [\n' : item(i));
    const t = `apiVersion: v1\nitems:\n${body.join('')}kind: List\n`;
    const [doc] = readStreamDocuments(t, 'big.yaml');
    const it = doc!.items![Symbol.iterator]();
    for (let i = 0; i < 3; i++) expect((it.next().value as JsonObject).kind).toBe('ConfigMap');
    expect(() => it.next()).toThrow(/^big\.yaml:(19|20):\d+: items\[3\]: invalid YAML/);
    // Not split (an anchor on items): past the bound only the fast readers read it whole, and they give up here.
    expect(() => [...readStreamDocuments(t.replace('items:\n', 'items: &all\n'), 'big.yaml')]).toThrow(
      /^big\.yaml:1:1: a document of more than 16 MiB that only the general YAML reader reads/,
    );
    // CRLF, which the fast reader reads whole: the same items.
    const crlf = [...readStreamDocuments(t.replace('- kind: Pod\n  metadata: {name: [\n', item(3)).replace(/\n/g, '\r\n'), 'big.yaml')];
    expect(crlf.map((d) => [d.items === undefined, (d.value.items as Json[]).length])).toEqual([[true, n]]);
  });

  it('checks what stream.ts checks: a document that is not a mapping, a control character', () => {
    expect(() => [...readStreamDocuments('a: 1\n---\n- x\n', 'f.yaml')]).toThrow('f.yaml:3:1: document 2 is a sequence, not a Kubernetes object');
    expect(() => [...readStreamDocuments('a: "\u0007"\n', 'f.yaml')]).toThrow(/control character/);
    expect(readAll('# only a comment\n---\nnull\n---\nkind: List\nitems:\n- a: 1\n')).toEqual([
      { index: 1, value: { kind: 'List', items: [{ a: 1 }] }, split: true },
    ]);
  });
});
