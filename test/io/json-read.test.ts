/**
 * JSON read with JSON.parse (src/io/json-read.ts) instead of `yaml`: it must agree with `yaml` on
 * every text it does not give up on, and a run over JSON input must write what the `yaml` path
 * writes: the same bytes in KRM mode (block YAML) and for a .json file (JSON); elsewhere in stream
 * mode the same values (JSON, where the `yaml` path prints YAML flow style).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { BAIL } from '../../src/io/bail.js';
import { IoContext } from '../../src/io/context.js';
import { readJson } from '../../src/io/json-read.js';
import { runCli } from '../support/run-cli.js';

function reference(text: string): unknown {
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true });
  if (doc.errors.length > 0) return 'error';
  return doc.toJS({ maxAliasCount: 100 });
}

const key = fc.constantFrom('a', 'name', 'app.kubernetes.io/name', 'a b', 'a:b', '1', '01', 'true', '', '__proto__', 'x"y', 'é', 'a\\b', 'a\nb', 'items');
const leaf = fc.oneof(
  fc.constantFrom('x', '', 'true', '1', '0o17', '- a', 'a: b', '#c', 'a\nb', 'a\\b', '"', '/p', ' lead', 'é', '\u2028', '\t', '\u0001'),
  fc.integer(),
  // biome-ignore lint/correctness/noPrecisionLoss: a number JavaScript cannot hold exactly is the point
  fc.constantFrom(0, -0, 1.5, 1e21, 12345678901234567, true, false, null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
  arr: fc.array(tie('node'), { maxLength: 3 }),
  obj: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }),
})).node;

/** JSON text of a generated value: objects as entry lists (duplicate keys possible), some layout. */
function text(v: unknown, indent: string, depth = 0): string {
  const nl = indent ? '\n' + indent.repeat(depth + 1) : '';
  const end = indent ? '\n' + indent.repeat(depth) : '';
  if (Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')) {
    // an object's entries (the generator's `obj`); an empty list prints as {} or [] alike
    return `{${v.map(([k, x]) => `${nl}${JSON.stringify(k)}: ${text(x, indent, depth + 1)}`).join(',')}${v.length ? end : ''}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => nl + text(x, indent, depth + 1)).join(',')}${v.length ? end : ''}]`;
  return JSON.stringify(v) ?? 'null';
}

describe('JSON reader vs yaml (differential)', () => {
  it('agrees with yaml whenever it does not give up', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 4 }), fc.constantFrom('', '  ', '    ', ' '), (entries, indent) => {
        const t = text(entries, indent) + '\n';
        const r = readJson(t, 0, t.length);
        if (r === BAIL) return;
        accepted++;
        const ref = reference(t);
        expect(ref, `yaml rejects what the JSON reader accepted:\n${t}`).not.toBe('error');
        expect(r.value, t).toEqual(ref);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('reads what Kubernetes tools write itself, and finds the items of a ResourceList', () => {
    const t = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [{ a: [1, { b: 'x' }] }, { c: {} }] }, null, 2);
    const r = readJson(t, 0, t.length);
    expect(r).not.toBe(BAIL);
    const { items } = r as Exclude<typeof r, typeof BAIL>;
    expect(items.map(([s, e]) => JSON.parse(t.slice(s, e)))).toEqual([{ a: [1, { b: 'x' }] }, { c: {} }]);
  });

  it('withoutItems: the top-level value with `items` empty in its place, the items found by range', () => {
    const list = { kind: 'ResourceList', items: [{ a: [1, { items: ['x'] }] }, 'y'], functionConfig: { items: [2] } };
    for (const t of [JSON.stringify(list), JSON.stringify(list, null, 2)]) {
      const r = readJson(t, 0, t.length, true);
      expect(r).not.toBe(BAIL);
      const { value, items } = r as Exclude<typeof r, typeof BAIL>;
      expect(value).toEqual({ ...list, items: [] });
      expect(Object.keys(value as object)).toEqual(['kind', 'items', 'functionConfig']);
      expect(items.map(([s, e]) => JSON.parse(t.slice(s, e)) as unknown)).toEqual(list.items);
    }
  });

  it.each([
    ['a duplicate key', '{"a": 1, "a": 2}'],
    ['a float', '{"a": 1.0}'],
    ['an escape in a key', '{"\\u0061": 1}'],
    ['a \\u escape', '{"a": "\\u0001"}'],
    ['an integer key', '{"1": 1, "b": 2}'],
    ['a tab', '{"a":\t1}'],
    ['a line break before the colon', '{"a"\n: 1}'],
    ['too deep', '['.repeat(201) + ']'.repeat(201)],
    ['not JSON', '{a: 1}'],
  ])('gives up on %s', (_, t) => {
    expect(readJson(t, 0, t.length)).toBe(BAIL);
  });
});

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('a run over JSON input writes what the yaml path writes', () => {
  const ns = (i: number) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}`, labels: { 'istio-injection': 'enabled' } } });
  const deployment = (i: number) => ({
    apiVersion: 'apps/v1',
    kind: i % 3 ? 'Deployment' : 'StatefulSet',
    metadata: { name: `web-${i}`, namespace: `ns-${i % 2}`, labels: { app: `web-${i}` } },
    spec: {
      selector: { matchLabels: { app: `web-${i}` } },
      template: {
        metadata: { labels: { app: `web-${i}` }, annotations: i % 2 ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' } : {} },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              ports: [{ containerPort: 80 + i, name: 'http' }],
              env: [{ name: 'A', value: '1' }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
            },
          ],
          volumes: [{ name: 'cache', emptyDir: {} }],
        },
      },
    },
  });
  const objects = [
    ns(0),
    ns(1),
    ...Array.from({ length: 6 }, (_, i) => deployment(i)),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns-0' }, spec: { ports: [{ port: 80 }] } },
  ];

  const both = async (argv: string[], input: string) => {
    const fast = await runCli(argv, input);
    const slow = await runCli(argv, input, new IoContext({ jsonReading: false }));
    return { fast, slow };
  };

  it.each([2, 4])('KRM mode, indentation %i: inject', async (indent) => {
    const list =
      JSON.stringify(
        {
          apiVersion: 'config.kubernetes.io/v1',
          kind: 'ResourceList',
          items: objects,
          functionConfig: { apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', metadata: { name: 'x' }, spec: { revision: '' } },
        },
        null,
        indent,
      ) + '\n';
    const { fast, slow } = await both([], list);
    expect(slow.code).toBe(0);
    expect(slow.stdout).toMatch(/istio-proxy/);
    expect(fast).toEqual(slow);
  });

  it('stream mode, JSON in a .yaml file or on stdin: JSON out, the values yaml reads (inject, uninject)', async () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n';
    const dir = mkdtempSync(join(tmpdir(), 'json-read-'));
    temps.push(dir);
    const file = join(dir, 'list.yaml');
    writeFileSync(file, json);
    const injected = await runCli(['-q', '-f', file], '');
    expect(injected.code).toBe(0);
    // JSON in the input's layout, whatever the file's name
    const value = JSON.parse(injected.stdout) as { items: unknown[] };
    expect(injected.stdout).toBe(JSON.stringify(value, null, 2) + '\n');
    writeFileSync(file, injected.stdout);
    for (const [argv, stdin] of [
      [['-f', '-'], json],
      [['--uninject', '-f', file], ''],
    ] as const) {
      // the yaml path (JSON reader off) prints YAML flow style: the same values
      const { fast, slow } = await both(['-q', ...argv], stdin);
      expect(slow.code).toBe(0);
      expect(fast.code).toBe(0);
      expect(fast.stderr).toBe(slow.stderr);
      expect(JSON.parse(fast.stdout)).toEqual(reference(slow.stdout));
    }
    // and the uninjected JSON is the input, byte for byte
    expect((await runCli(['-q', '--uninject', '-f', file], '')).stdout).toBe(json);
  });

  it.each([[[]], [['--uninject']], [['--check']]])('stream mode, a .json file (%j): JSON out', async (extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'json-read-'));
    temps.push(dir);
    const file = join(dir, 'list.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n');
    const injected = await runCli(['-q', '-f', file], '');
    expect(injected.code).toBe(0);
    writeFileSync(file, injected.stdout);
    const input = extra.length ? file : join(dir, 'fresh.json');
    if (!extra.length) writeFileSync(input, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n');
    const { fast, slow } = await both([...extra, '-f', input], '');
    expect(fast).toEqual(slow);
    if (!extra.length) expect(() => JSON.parse(fast.stdout)).not.toThrow();
  });
});
