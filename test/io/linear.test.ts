/**
 * The readers and writers of src/io take time linear in their input, whatever its shape: comment-
 * free text (yaml.stringify, `kubectl get -o yaml`, `kustomize build`) with sequences at the key's
 * column or indented, and many small files. A search that is not bounded to its line or node
 * (`indexOf(' #')` scanning to the end of the input when no comment follows) or a string grown and
 * re-read per file makes them quadratic.
 *
 * How it is measured (no wall-clock assertion): the CPU time (`process.cpuUsage`) of one run on
 * an input 8 times larger, divided by that of 8 runs on the small input. Linear work gives about 1
 * whatever the machine's speed; quadratic work gives about 8. The test asserts < 3, after a warm-up
 * run, and retries once to ride out a noisy neighbour.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { emitResourceList, emitStream, IoContext, parseResourceList, parseStream, parseStreamFile } from '../../src/io/index.js';
import { parseTemplateOutput } from '../../src/io/template-output.js';
import type { JsonObject } from '../../src/kube/types.js';

const K = 8;
const LIMIT = 3;

function cpu(f: () => void): number {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return d.user + d.system;
}

/** CPU(f(K·n)) / (K · CPU(f(n))), the inputs made before measuring. */
function ratio(make: (n: number) => () => void, n: number): number {
  const small = make(n);
  const large = make(n * K);
  small();
  const a = cpu(() => {
    for (let i = 0; i < K; i++) small();
  });
  const b = cpu(large);
  return b / a;
}

function expectLinear(make: (n: number) => () => void, n: number): void {
  let r = ratio(make, n);
  if (r >= LIMIT) r = ratio(make, n);
  expect(r).toBeLessThan(LIMIT);
}

function objects(n: number): JsonObject[] {
  const out: JsonObject[] = [];
  for (let i = 0; i < n; i++) {
    // a new object at each use: a shared one would be written as an anchor and aliases
    const labels = () => ({ app: `app${i}`, tier: 'web' });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app${i}`, namespace: 'shop', labels: labels() },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels() },
        template: {
          metadata: { labels: labels() },
          spec: { containers: [{ name: 'app', image: 'example/app:1.0', args: ['--port', '8080', '--verbose'], ports: [{ containerPort: 8080 }] }] },
        },
      },
    });
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app${i}` }, spec: { selector: labels(), ports: [{ port: 80, targetPort: 8080 }] } });
  }
  return out;
}

const resourceList = (n: number, indentSeq: boolean) =>
  stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: objects(n) }, { indentSeq });
const streamText = (n: number, indentSeq: boolean) =>
  objects(n)
    .map((o) => stringify(o, { indentSeq }))
    .join('---\n');

describe('time is linear in the input (CPU ratio at n and 8n)', () => {
  for (const indentSeq of [true, false]) {
    const shape = indentSeq ? 'indented sequences' : "sequences at the key's column";
    it(`reads a comment-free ResourceList (${shape})`, () => {
      expectLinear((n) => {
        const text = resourceList(n, indentSeq);
        return () => {
          for (const h of parseResourceList(text).items) void h.value;
        };
      }, 60);
    });

    it(`edits and writes a comment-free ResourceList (${shape})`, () => {
      expectLinear((n) => {
        const text = resourceList(n, indentSeq);
        return () => {
          const list = parseResourceList(text);
          for (const h of list.items) if (h.header.kind === 'Deployment') h.update(['metadata', 'annotations'], { injected: 'yes' });
          emitResourceList(list, []);
        };
      }, 60);
    });

    it(`reads and writes a comment-free stream (${shape})`, () => {
      expectLinear((n) => {
        const text = streamText(n, indentSeq);
        return () => {
          const docs = parseStream(text);
          for (const h of docs) if (h.header.kind === 'Deployment') h.update(['metadata', 'annotations'], { injected: 'yes' });
          emitStream(docs);
        };
      }, 60);
    });
  }

  // resource.ts: each workload of a `kind: List` is one update of the List's value; an update
  // copied (and, while nothing had changed, compared) every item of the List.
  const LIST_N = 1000;
  for (const json of [false, true]) {
    it(`updates every item of one ${json ? 'JSON' : 'YAML'} List, changed and unchanged`, () => {
      expectLinear((n) => {
        const list = { apiVersion: 'v1', kind: 'List', items: objects(n) };
        const text = json ? JSON.stringify(list, null, 2) : stringify(list);
        // read before measuring, one per call: the warm-up and K calls at n, one call at K·n
        const docs = Array.from({ length: n === LIST_N ? K + 1 : 1 }, () => parseStream(text)[0]!);
        return () => {
          const doc = docs.pop()!;
          const items = doc.value.items as JsonObject[];
          // a re-injection: every update gives what is there
          for (let i = 0; i < items.length; i++) doc.update(['items', i, 'metadata'], items[i]!.metadata!);
          if (doc.changed) throw new Error('changed');
          for (let i = 0; i < items.length; i++) {
            doc.update(['items', i, 'metadata', 'annotations'], { injected: 'yes' });
            doc.update(['items', i, 'spec'], null);
          }
        };
      }, LIST_N);
    });
  }

  it('writes many one-object files as one stream', () => {
    expectLinear((n) => {
      const files = Array.from({ length: n }, (_, i) => parseStreamFile(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`, `f${i}.yaml`));
      return () => void emitStream(files);
    }, 2500);
  });

  // The text patcher's searches (patch.ts on scan.ts): a line break inside a one-line flow or
  // quoted value, the end of an emptied value's line, a flow collection or quoted scalar followed
  // over its lines, a key's `:` before a comment that holds one.
  it('patches flow collections, quoted and emptied values of many documents', () => {
    expectLinear((n) => {
      const text = Array.from(
        { length: n },
        (_, i) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i} # note: not a key\n  labels: {app: a${i}, tier: "web"}\n  annotations: {}\n` +
          `data:\n  q: "quoted, value"\n  s: 'it''s'\n  f: [a, "b]",\n    {c: d}]\n  m: "multi\n    line"\n`,
      ).join('---\n');
      return () => {
        const io = new IoContext();
        const docs = parseStream(text, undefined, { io });
        for (const h of docs) {
          if (h.sourceQuotes(['data'])?.q !== '"') throw new Error('quotes not read');
          h.update(['metadata', 'labels'], { app: 'b', tier: 'web' });
          h.update(['metadata', 'annotations'], { injected: 'true-ish' });
          h.update(['data', 'q'], 'changed, value');
        }
        const out = emitStream(docs);
        if (io.patchStats.bailed !== 0 || !out.includes('  labels: {app: b, tier: web}\n  annotations:\n    injected: true-ish\n'))
          throw new Error('not patched');
      };
    }, 40);
  });

  // resource-list.ts: the first content line of an item that starts on the line after its `-`.
  it('reads ResourceList items that start after their dash line, past comments and blank lines', () => {
    expectLinear((n) => {
      const items = objects(n).map((o) => `-\n  # item\n\n${stringify(o).replace(/^(?=.)/gm, '  ')}`);
      const text = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.join('')}`;
      return () => {
        for (const h of parseResourceList(text).items) void h.value;
      };
    }, 60);
  });

  // stream.ts: document markers with spaces, tabs and comments, and `...` ends.
  it('splits a stream with commented markers and document ends', () => {
    expectLinear((n) => {
      const text = objects(n)
        .map((o, i) => `--- \t# doc ${i}\n${stringify(o)}...\n`)
        .join('');
      return () => void parseStream(text);
    }, 60);
  });

  it('reads comment-free template output', () => {
    expectLinear((n) => {
      const text = stringify({
        spec: { containers: objects(n).map((o, i) => ({ name: `c${i}`, env: [{ name: 'A', value: JSON.stringify(o) }], args: ['--a', '--b'] })) },
      });
      return () => void parseTemplateOutput(text);
    }, 40);
  });
});
