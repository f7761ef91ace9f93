// Writing a ResourceList while the run goes (resourceListWriter) and letting resources go once
// they are done (release/dispose): the bytes must be those of the all-at-once writer, nothing may
// be lost, and bad input must still stop the run before anything is written.
import { describe, expect, it } from 'vitest';
import { emitResourceList, emitStream, parseResourceList, parseStream, resourceListWriter, type ResourceHandle } from '../../src/io/index.js';
import type { Result } from '../../src/results/result.js';
import { resourceList } from '../../bench/generate.js';
import { runCli } from '../support/run-cli.js';
import { Document } from 'yaml';
import fc from 'fast-check';
import { IoContext, printResults, resultToJson } from '../../src/io/index.js';
import { makeNode } from '../../src/io/edit.js';
import { newItemText } from '../../src/io/patch.js';
import { PRINT_OPTIONS } from '../../src/io/resource.js';

const item = (name: string, extra = '') => `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: ${name} # the ${name} deployment
  spec:
    replicas: 1${extra}
`;
const list = (items: string[], tail = '') => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.join('')}${tail}`;

const results: Result[] = [
  { message: 'first', severity: 'info', resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a' } },
  { message: 'a message\nover two lines: with a colon', severity: 'warning', field: { path: 'spec.replicas' }, tags: { action: 'skipped' } },
];

/** Runs the streaming writer over `text`, changing the items named in `change`. */
function streamed(text: string, change: string[], res: readonly Result[]): { out: string; whole: string } {
  const edit = (items: ResourceHandle[]) => {
    for (const h of items) {
      const name = (h.value.metadata as { name: string }).name;
      if (change.includes(name)) h.update(['spec', 'replicas'], 3);
    }
  };
  const a = parseResourceList(text);
  edit(a.items);
  const whole = emitResourceList(a, res);
  let out = '';
  const b = parseResourceList(text, { keep: () => false });
  const writer = resourceListWriter(b, (t) => (out += t));
  expect(writer).toBeDefined();
  for (const h of b.items) {
    edit([h]);
    writer!.done(h);
  }
  writer!.finish(res);
  return { out, whole };
}

describe('resourceListWriter', () => {
  it('writes the same bytes as emitResourceList, item by item', () => {
    const text = list([item('a'), item('b'), item('c'), item('d')], 'functionConfig:\n  kind: ConfigMap # fc\n');
    for (const change of [[], ['a'], ['b', 'c'], ['d'], ['a', 'b', 'c', 'd']]) {
      for (const res of [[], results]) {
        const { out, whole } = streamed(text, change, res);
        expect(out).toBe(whole);
        expect(out.includes('replicas: 3')).toBe(change.length > 0);
      }
    }
  });

  it('replaces an existing results entry after the items, and adds a line break where the input has none', () => {
    const withResults = list([item('a'), item('b')], 'results:\n- message: old\n  severity: info\nfunctionConfig: {}\n');
    const { out, whole } = streamed(withResults, ['b'], results);
    expect(out).toBe(whole);
    expect(out.includes('old')).toBe(false);
    const noNl = list([item('a')]).replace(/\n$/, '');
    const r2 = streamed(noNl, ['a'], results);
    expect(r2.out).toBe(r2.whole);
    expect(r2.out).toMatch(/replicas: 3\nresults:\n- message: first/);
  });

  it('writes the bench ResourceList (comments, flow maps, quoting) as the whole writer does', () => {
    const text = resourceList(25);
    const { out, whole } = streamed(text, ['web-0', 'web-7', 'web-24'], results);
    expect(out).toBe(whole);
  });

  it('writes a JSON ResourceList as block YAML item by item, the bytes of the whole writer, each item let go once written', () => {
    const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas: 1, template: { spec: { containers: [] } }, ...extra },
    });
    const fc = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'x\ny' } };
    const texts = [
      JSON.stringify(
        { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [deployment('a'), deployment('b'), deployment('c')], functionConfig: fc },
        null,
        2,
      ),
      // keys around `items`, old results, an item the text printer leaves to yaml (-0), CRLF
      JSON.stringify(
        {
          kind: 'ResourceList',
          functionConfig: fc,
          items: [deployment('a', { odd: { '---k': 1 } }), deployment('b', { z: 424242 })],
          results: [{ message: 'old' }],
          apiVersion: 'config.kubernetes.io/v1',
        },
        null,
        4,
      )
        .replace('424242', '-0')
        .replace(/\n/g, '\r\n') + '\r\n',
      JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [] }),
    ];
    for (const text of texts) {
      for (const change of [[], ['a'], ['a', 'b', 'c']]) {
        for (const res of [[], results]) {
          const { out, whole } = streamed(text, change, res);
          expect(out).toBe(whole);
          expect(out.includes('replicas: 3')).toBe(change.length > 0 && (JSON.parse(text) as { items: unknown[] }).items.length > 0);
          expect(out.includes('old')).toBe(false);
        }
      }
    }
    const p = parseResourceList(texts[0]!);
    const written: string[] = [];
    const w = resourceListWriter(p, (t) => written.push(t))!;
    w.done(p.items[0]!);
    expect(() => p.items[0]!.value).toThrow(/written out for good/);
    // each item goes out once done, after the pairs before `items` (joining the parts into
    // larger writes is the CLI's sink's: test/cli/output-sink.test.ts)
    expect(written.join('')).toMatch(/^apiVersion: config.kubernetes.io\/v1\nkind: ResourceList\nitems:\n- apiVersion: apps\/v1\n(?:.*\n)*    name: a\n/);
    expect(written.join('')).not.toContain('name: b');
    w.done(p.items[1]!);
    w.done(p.items[2]!);
    expect(written.join('')).toContain('name: c\n');
    expect(written.join('')).not.toContain('functionConfig');
    w.finish(results);
    expect(written.join('')).toContain('functionConfig');
  });

  it('declines layouts it cannot write in order: results before items, flow style, CRLF', () => {
    const before = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nresults:\n- message: old\nitems:\n${item('a')}`;
    expect(resourceListWriter(parseResourceList(before), () => {})).toBeUndefined();
    const flow = '{apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [{apiVersion: v1, kind: Service}]}\n';
    expect(resourceListWriter(parseResourceList(flow), () => {})).toBeUndefined();
    const crlf = list([item('a')]).replace(/\n/g, '\r\n');
    expect(resourceListWriter(parseResourceList(crlf), () => {})).toBeUndefined();
  });

  it('insists on input order and on every item', () => {
    const p = parseResourceList(list([item('a'), item('b')]));
    const w = resourceListWriter(p, () => {})!;
    expect(() => w.done(p.items[1]!)).toThrow(/input order/);
    w.done(p.items[0]!);
    expect(() => w.finish([])).toThrow(/not every item/);
  });
});

describe('letting resources go', () => {
  it('an unchanged resource reads its value again after release; a changed one keeps its text', () => {
    const p = parseResourceList(list([item('a'), item('b')]));
    const [a, b] = p.items as [ResourceHandle, ResourceHandle];
    const va = a.value;
    a.release();
    expect(a.value).not.toBe(va);
    expect(a.value).toEqual(va);
    expect(a.header).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
    b.update(['spec', 'replicas'], 5);
    const text = b.text();
    b.release();
    expect(b.text()).toBe(text);
    expect(b.changed).toBe(true);
    expect(() => b.value).toThrow(/written out/);
    expect(emitResourceList(p, [])).toContain('replicas: 5');
  });

  it('keep: decides which values stay; the others are still read and checked up front', () => {
    const kept: string[] = [];
    const p = parseResourceList(list([item('a'), item('b')]), {
      keep: (v) => {
        kept.push(String((v.metadata as { name: string }).name));
        return false;
      },
    });
    expect(kept).toEqual(['a', 'b']);
    expect(p.items.map((h) => (h.value.metadata as { name: string }).name)).toEqual(['a', 'b']);
    const bad = list([item('a'), item('b', '\n    replicas: 2')]);
    expect(() => parseResourceList(bad, { keep: () => false })).toThrow(/duplicate key/);
  });

  it('keep: a JSON list lets go of the values it does not keep and reads them again from their text', () => {
    const objects = ['a', 'b', 'c'].map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } }));
    const text = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: objects }, null, 2);
    const seen: unknown[] = [];
    const p = parseResourceList(text, {
      keep: (v) => {
        seen.push(v);
        return (v.metadata as { name: string }).name === 'b';
      },
    });
    const values = p.items.map((h) => h.value);
    expect(values).toEqual(objects);
    // b was kept: the value read first; a and c were read again
    expect(values[1]).toBe(seen[1]);
    expect(values[0]).not.toBe(seen[0]);
    expect(values[2]).not.toBe(seen[2]);
    expect(emitResourceList(p, [])).toBe(emitResourceList(parseResourceList(text), []));
    const bad = text.replace('"k": "c"', '"k": "c", "k": "d"');
    expect(() => parseResourceList(bad, { keep: () => false })).toThrow(/duplicate key/);
  });
});

describe('a YAML stream lets its documents go', () => {
  it('reads every document up front, keeps what `keep` asks for, and writes the same stream after release', () => {
    const text =
      '# head\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n' +
      list([item('a')])
        .split('items:\n')[1]!
        .replace(/^- /, '')
        .replace(/^  /gm, '');
    const seen: string[] = [];
    const docs = parseStream(text, 'in.yaml', {
      keep: (v) => {
        seen.push(String(v.kind));
        return v.kind === 'Namespace';
      },
    });
    expect(seen).toEqual(['Namespace', 'Deployment']);
    const [ns, dep] = docs as [ResourceHandle, ResourceHandle];
    expect(ns.header.kind).toBe('Namespace');
    dep.update(['spec', 'replicas'], 4);
    dep.release();
    ns.release();
    const out = emitStream(docs);
    expect(out).toContain('replicas: 4');
    expect(out.startsWith('# head\napiVersion: v1\nkind: Namespace')).toBe(true);
    expect(out).toContain('name: a # the a deployment');
    expect(() => parseStream(text + '---\nkind: [\n', 'in.yaml', { keep: () => false })).toThrow(/in\.yaml/);
  });
});

describe('KRM mode streams the ResourceList', () => {
  it('writes nothing when an item far down the list is not valid YAML', async () => {
    const good = resourceList(30);
    // a duplicate key in the last Service of the list
    const at = good.indexOf('\n    name: ', good.lastIndexOf('kind: Service'));
    const text = `${good.slice(0, at)}\n    name: again${good.slice(at)}`;
    const r = await runCli([], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/duplicate key "name"/);
  });

  it('gives the same ResourceList as the whole writer for a list with every kind of item', async () => {
    const text = resourceList(40);
    const streamedRun = await runCli([], text);
    expect(streamedRun.code).toBe(0);
    // The same run without streaming: the writer declines CRLF, so compare through a CRLF input.
    const crlf = await runCli([], text.replace(/\n/g, '\r\n'));
    expect(crlf.code).toBe(0);
    expect(streamedRun.stdout).toBe(crlf.stdout.replace(/\r\n/g, '\n'));
    expect((streamedRun.stdout.match(/name: istio-proxy/g) ?? []).length).toBe(40);
  });
});

describe('results', () => {
  const io = new IoContext();
  /** The reference: one yaml Document of the whole `results` list. */
  const viaYaml = (rs: readonly Result[]): string => {
    if (rs.length === 0) return '';
    const doc = new Document(null, { schema: 'core' });
    doc.contents = makeNode({ results: rs.map(resultToJson) }) as typeof doc.contents;
    return doc.toString({ ...PRINT_OPTIONS, indentSeq: false });
  };

  it('are printed as one yaml Document of them all would print them', () => {
    const odd: Result[] = [
      ...results,
      { message: 'injected: namespace label istio-injection=enabled (webhook a.b)', severity: 'info', file: { path: 'apps/web.yaml', index: 2 } },
      { message: 'Explanation\n  step 1: yes\n  step 2: "no"\n', severity: 'info', tags: { rule: 'B3', 'with space': 'x: y' } },
      { message: '- starts like an item', severity: 'error', field: { path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]' } },
      { message: 'true', severity: 'warning', resourceRef: { apiVersion: 'v1', kind: 'Pod', name: '123', namespace: 'null' } },
      { message: '  leading and trailing  ', severity: 'info' },
      { message: 'tab\there # and hash', severity: 'info' },
    ];
    expect(printResults(odd, io)).toBe(viaYaml(odd));
    expect(printResults([], io)).toBe('');
    // the usual results take the direct printer, not a yaml Document
    for (const r of odd.slice(0, 4)) expect(newItemText(resultToJson(r), 0, false, io)).toBeDefined();
  });

  it('print arbitrary messages and tags the way yaml does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', '-', '"', "'", '\n', '|', '{', '1', '.', 'é', '\t', '!', '&', '*') });
    fc.assert(
      fc.property(fc.array(fc.record({ message: text, tag: text }), { minLength: 1, maxLength: 4 }), (xs) => {
        const rs: Result[] = xs.map((x) => ({ message: x.message, severity: 'info', tags: { t: x.tag } }));
        expect(printResults(rs, io)).toBe(viaYaml(rs));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
