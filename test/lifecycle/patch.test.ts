/**
 * Patch output: applying the emitted patches to the sources with `kubectl kustomize` (plain
 * `patches:`) gives the same objects as full injection, over every golden input and example.
 * Skipped when kubectl is missing, failed when CI=true. Also the list-order rule the patches
 * rely on (kustomize puts patched items first), on small lists.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { workloadPatch } from '../../src/core/modes/patch.js';
import type { JsonObject } from '../../src/kube/types.js';
import { argvFor, runCli, sources } from './helpers.js';

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const kubectl = hasKubectl();
if (!kubectl && process.env.CI === 'true') throw new Error('kubectl is required in CI for the patch acceptance test');

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string } };
const key = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
function objects(text: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const d of parseAllDocuments(text)) {
    const v = d.toJS() as Obj | null;
    if (!v) continue;
    if (v.kind === 'List') for (const item of (v as { items: Obj[] }).items) out.set(key(item), item);
    else out.set(key(v), v);
  }
  return out;
}

function kustomize(resources: string, patches: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-patch-'));
  try {
    writeFileSync(join(dir, 'resources.yaml'), resources);
    const kustomization = ['resources:', '- resources.yaml'];
    if (patches.trim()) {
      writeFileSync(join(dir, 'sidecar-patches.yaml'), patches);
      kustomization.push('patches:', '- path: sidecar-patches.yaml');
    }
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization.join('\n') + '\n');
    return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!kubectl)('patches applied by kubectl kustomize equal full injection', () => {
  const all = sources();
  let compared = 0;
  for (const src of all) {
    it(src.name, async () => {
      const full = await runCli(argvFor(src, ['-q']), src.text);
      const patch = await runCli(argvFor(src, ['-q', '--format', 'patch']), src.text);
      expect(patch.code).toBe(full.code);
      if (full.code !== 0) return;
      // kustomize reads resources, not our own config or kpt's files: leave those out on both sides.
      const built = objects(kustomize(src.text, patch.stdout));
      const expected = objects(full.stdout);
      for (const k of [...expected.keys()]) if (!built.has(k) && /^(Kptfile|SidecarInjection)\//.test(k)) expected.delete(k);
      expect([...built.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [k, v] of expected) expect(built.get(k), k).toEqual(v);
      if (patch.stdout.trim()) compared++;
    });
  }
  it('compared real patches', () => {
    expect(compared).toBeGreaterThan(10);
  });
});

describe('patch documents', () => {
  const deployment = (containers: JsonObject[], extra: JsonObject = {}): JsonObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
  });
  const c = (name: string, image = `${name}:1`): JsonObject => ({ name, image });
  const path = ['spec', 'template'];

  it('is undefined when nothing changed', () => {
    expect(workloadPatch(deployment([c('a')]), deployment([c('a')]), path)).toBeUndefined();
  });
  it('an item appended at the end names the untouched items before it by key only', () => {
    const p = workloadPatch(deployment([c('a'), c('b')]), deployment([c('a'), c('b'), c('istio-proxy')]), path);
    expect(p).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, c('istio-proxy')] } } },
    });
  });
  it('an item put first needs nothing else (kustomize keeps the rest after it)', () => {
    const p = workloadPatch(deployment([c('a'), c('b')]), deployment([c('istio-proxy'), c('a'), c('b')]), path);
    expect((p as { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers).toEqual([c('istio-proxy')]);
  });
  it('changed fields of an item, a removed field as null, a removed item as $patch: delete', () => {
    const before = deployment([{ name: 'a', image: 'a:1', livenessProbe: { tcpSocket: { port: 80 } } }, c('old')]);
    const after = deployment([{ name: 'a', image: 'a:1', livenessProbe: { httpGet: { path: '/h', port: 15020 } } }]);
    const p = workloadPatch(before, after, path) as { spec: { template: { spec: { containers: unknown } } } };
    expect(p.spec.template.spec.containers).toEqual([
      { name: 'a', livenessProbe: { httpGet: { path: '/h', port: 15020 }, tcpSocket: null } },
      { name: 'old', $patch: 'delete' },
    ]);
  });
  it('labels and annotations are merged key by key; lists without a merge key are written whole', () => {
    const before = deployment([{ name: 'a', image: 'a:1', args: ['x'] }]);
    const after = deployment([{ name: 'a', image: 'a:1', args: ['x', 'y'] }]);
    ((after.spec as JsonObject).template as JsonObject).metadata = { labels: { app: 'web', extra: 'yes' } };
    const p = workloadPatch(before, after, path) as { spec: { template: JsonObject } };
    expect(p.spec.template).toEqual({ metadata: { labels: { extra: 'yes' } }, spec: { containers: [{ name: 'a', args: ['x', 'y'] }] } });
  });
  it('kinds kustomize has no schema for get merged lists whole', () => {
    const rollout = (containers: JsonObject[]): JsonObject => ({ ...deployment(containers), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' });
    const p = workloadPatch(rollout([c('a')]), rollout([c('a'), c('istio-proxy')]), path) as { spec: { template: { spec: { containers: unknown } } } };
    expect(p.spec.template.spec.containers).toEqual([c('a'), c('istio-proxy')]);
  });
  it('a bare Pod keeps its name and namespace next to the metadata changes', () => {
    const pod = (labels: Record<string, string>): JsonObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n', labels },
      spec: { containers: [c('a')] },
    });
    expect(workloadPatch(pod({ app: 'p' }), pod({ app: 'p', 'security.istio.io/tlsMode': 'istio' }), [])).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n', labels: { 'security.istio.io/tlsMode': 'istio' } },
    });
  });
});
