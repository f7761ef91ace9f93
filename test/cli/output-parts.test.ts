// Output that is made whole at the end (a ResourceList read as JSON, --format patch) is written in
// parts: past ~512 MiB one string could not hold it. The parts add up to the same bytes.
import { describe, expect, it } from 'vitest';
import { cli } from '../../src/cli/cli.js';
import { emitResourceList, parseResourceList } from '../../src/io/index.js';

async function run(argv: string[], stdin: string): Promise<{ code: number; writes: string[] }> {
  const writes: string[] = [];
  const code = await cli(argv, { readStdin: async () => stdin, stdout: (t) => void writes.push(t), stderr: () => {} });
  return { code, writes };
}

// Large ConfigMaps (passed through unchanged): ~3 MB of output without injecting anything.
const configMaps = Array.from({ length: 60 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `c${i}`, namespace: 'shop' },
  data: { blob: 'x'.repeat(50_000) },
}));

describe('output written in parts', () => {
  it('writes a JSON ResourceList as several writes of at most about 1 MiB, adding up to the list', async () => {
    const json = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: configMaps });
    const { code, writes } = await run([], json);
    expect(code).toBe(0);
    expect(writes.length).toBeGreaterThan(2);
    for (const w of writes) expect(w.length).toBeLessThanOrEqual((1 << 20) + 60_000);
    const out = writes.join('');
    // the same text as the whole list printed at once (with the results the run added)
    const head = emitResourceList(parseResourceList(json), []);
    expect(out.startsWith(head.slice(0, head.indexOf('\nresults:') === -1 ? head.length : head.indexOf('\nresults:')))).toBe(true);
    expect(out).toContain(`  data:\n    blob: ${'x'.repeat(50_000)}\n`);
  });

  it('writes --format patch output in parts too', async () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
    const deployment = (i: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n`;
    const stream = [ns, ...Array.from({ length: 250 }, (_, i) => deployment(i))].join('---\n');
    const { code, writes } = await run(['--format', 'patch', '-q', '-f', '-'], stream);
    expect(code).toBe(0);
    const out = writes.join('');
    expect(out.match(/^kind: Deployment$/gm)?.length).toBe(250);
    expect(out.length).toBeGreaterThan(1 << 20);
    expect(writes.length).toBeGreaterThan(1);
  });
});
