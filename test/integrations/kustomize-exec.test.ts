/**
 * Standalone kustomize (built from its Go module by scripts/peers.sh) running inject-sidecar as an
 * exec KRM function: `kustomize build --enable-alpha-plugins --enable-exec` on a copy of
 * examples/kustomize whose transformer names the built CLI with `exec: {path: ./inject-sidecar}`
 * (relative to the kustomization, as kustomize resolves it). `kubectl kustomize` has no
 * --enable-exec, so this is the only test of the exec form; the container form is in
 * container.test.ts. The same run with `cat` as the function must fail the checks: they test the
 * injection, not the plumbing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bundle, ensureBundle, repo, run } from './tools.js';
import { requirePeer } from '../support/peers.js';

const kustomize = requirePeer('kustomize exec-function tests', 'kustomize');

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

/** A copy of examples/kustomize whose transformer runs `fn` (a path) as an exec function. */
function overlay(fn: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-kustomize-exec-'));
  cpSync(join(repo, 'examples/kustomize'), dir, { recursive: true });
  symlinkSync(fn, join(dir, 'inject-sidecar'));
  const config = readFileSync(join(dir, 'inject-sidecar.yaml'), 'utf8');
  const exec = config.replace(/container:\n(\s+)image: \S+/, 'exec:\n$1path: ./inject-sidecar');
  expect(exec).not.toBe(config);
  writeFileSync(join(dir, 'inject-sidecar.yaml'), exec);
  return dir;
}

function build(dir: string): { code: number; objs: Obj[]; stderr: string } {
  const r = run(kustomize!.bin!, ['build', '--enable-alpha-plugins', '--enable-exec', dir], { cwd: tmpdir() });
  const objs = r.code === 0 ? parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj) : [];
  return { code: r.code, objs, stderr: r.stderr };
}

/** What the example promises: web injected (native sidecar, kubeVersion 1.33), legacy untouched. */
function expectInjected(objs: Obj[]): void {
  expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/legacy', 'Deployment/web', 'Namespace/storefront', 'Service/web']);
  const web = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')!;
  const pod = web.spec.template.spec;
  expect(pod.initContainers.map((c: { name: string }) => c.name)).toEqual(['istio-init', 'istio-proxy']);
  expect(pod.initContainers[1].restartPolicy).toBe('Always');
  expect(pod.initContainers[1].image).toBe('docker.io/istio/proxyv2:1.28.0');
  expect(web.spec.template.metadata.annotations['sidecar.istio.io/status']).toContain('"revision":"default"');
  // kustomize's namespace transformer ran before the function: the function saw storefront.
  expect(web.metadata.namespace).toBe('storefront');
  const legacy = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'legacy')!;
  expect(legacy.spec.template.spec.initContainers).toBeUndefined();
  expect(legacy.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['legacy']);
}

describe.skipIf(!kustomize)(`kustomize ${kustomize?.version} exec function`, () => {
  const dirs: string[] = [];
  beforeAll(() => ensureBundle());

  it('injects the overlay through --enable-exec', () => {
    const dir = overlay(bundle);
    dirs.push(dir);
    const r = build(dir);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expectInjected(r.objs);
  });

  it('the checks fail when the function is cat', () => {
    const dir = overlay('/bin/cat');
    dirs.push(dir);
    const r = build(dir);
    expect(r.code).toBe(0);
    expect(() => expectInjected(r.objs)).toThrow();
  });

  it('a function error stops the build with the function message and no output', () => {
    const dir = overlay(bundle);
    dirs.push(dir);
    const config = readFileSync(join(dir, 'inject-sidecar.yaml'), 'utf8');
    writeFileSync(join(dir, 'inject-sidecar.yaml'), config.replace('emulate: webhook', 'emulate: sometimes'));
    const r = run(kustomize!.bin!, ['build', '--enable-alpha-plugins', '--enable-exec', dir], { cwd: tmpdir() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('spec.emulate');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
});
