/**
 * `--check` over every golden input and example: exit 0 on freshly injected output, exit 1 after
 * each kind of drift (sidecar removed, injected where policy now says no, stale image, stale
 * settings, stale revision). And upgrades: changing hub, tag, revision or settings re-injects with
 * no leftovers (the re-injected output equals a fresh injection of the pristine source).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argvFor, runCli, sources } from './helpers.js';
import { loadConfig } from '../../src/config/load.js';

describe('--check exits 0 on freshly injected output', () => {
  for (const src of sources()) {
    it(src.name, async () => {
      const fresh = await runCli(argvFor(src, ['-q']), src.text);
      if (fresh.code !== 0) return; // error cases: nothing to check
      const check = await runCli(argvFor(src, ['--check']), fresh.stdout);
      // A workload whose namespace labels decide and are unknown cannot be checked: the gate fails.
      const undecided = /drift \(undecided\)/.test(check.stderr);
      expect(check.code, check.stderr).toBe(undecided ? 1 : 0);
      expect(check.stdout).toBe('');
      expect(check.stderr.replace(/drift \(undecided\)/g, '')).not.toMatch(/drift/);
    });
  }
});

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-check-'));
function config(name: string, spec: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: t\nspec:\n${spec}`);
  return path;
}
const SOURCE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: example/web:1
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
`;
const V1 = config('v1', '  proxy:\n    hub: docker.io/istio\n    tag: 1.28.0\n');
const V2 = config('v2', '  proxy:\n    hub: registry.example/istio\n    tag: 1.28.1\n    holdApplicationUntilProxyStarts: true\n    logLevel: debug\n');
const CANARY = config('canary', '  proxy:\n    tag: 1.28.0\n  revisions:\n  - revision: canary\n    proxy:\n      tag: 1.29.0\n');
const inject = async (cfg: string, text: string, extra: string[] = []) => {
  const r = await runCli(['--config', cfg, '-q', ...extra, '-f', '-'], text);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const check = (cfg: string, text: string) => runCli(['--config', cfg, '--check', '-f', '-'], text);

describe('--check exits 1 after each kind of drift', () => {
  it('missing: the sidecar was removed', async () => {
    const injected = await inject(V1, SOURCE);
    const removed = await inject(V1, injected, ['--uninject']);
    const r = await check(V1, removed);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drift (missing)');
    expect(r.stderr).toContain('check failed: 1 workload not as the configuration implies (missing: 1)');
  });
  it('unwanted: the pod now opts out by annotation', async () => {
    const injected = await inject(V1, SOURCE);
    expect(injected).toContain('      annotations:\n');
    const r = await check(V1, injected.replace('      annotations:\n', '      annotations:\n        sidecar.istio.io/inject: "false"\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drift (unwanted): has a sidecar, but pod annotation sidecar.istio.io/inject=false');
  });
  it('unwanted: the namespace no longer selects the webhook', async () => {
    const injected = await inject(V1, SOURCE);
    const r = await check(V1, injected.replace('istio-injection: enabled', 'istio-injection: disabled'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drift (unwanted)');
  });
  it('stale: image, hub and settings changed', async () => {
    const injected = await inject(V1, SOURCE);
    const r = await check(V2, injected);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drift (stale): proxy image docker.io/istio/proxyv2:1.28.0, now registry.example/istio/proxyv2:1.28.1');
  });
  it('stale: a hand edit of the sidecar', async () => {
    const injected = await inject(V1, SOURCE);
    const r = await check(V1, injected.replace('- --proxyLogLevel=warning', '- --proxyLogLevel=trace'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('differs from a fresh injection at spec.containers[istio-proxy].args');
  });
  it('stale: the namespace moved to the canary revision', async () => {
    const injected = await inject(CANARY, SOURCE);
    const moved = injected.replace('istio-injection: enabled', 'istio.io/rev: canary');
    const r = await check(CANARY, moved);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('injected for revision default, the configuration renders revision canary');
  });
});

describe('upgrades re-inject without leftovers', () => {
  it('hub, tag and settings: re-injecting old output equals injecting the source', async () => {
    const old = await inject(V1, SOURCE);
    expect(await inject(V2, old)).toBe(await inject(V2, SOURCE));
    // and back again
    expect(await inject(V1, await inject(V2, old))).toBe(old);
  });
  it('revision: moving the namespace to the canary revision renders with canary settings only', async () => {
    const old = await inject(CANARY, SOURCE);
    const movedSource = SOURCE.replace('istio-injection: enabled', 'istio.io/rev: canary');
    const moved = old.replace('istio-injection: enabled', 'istio.io/rev: canary');
    const upgraded = await inject(CANARY, moved);
    expect(upgraded).toBe(await inject(CANARY, movedSource));
    expect(upgraded).toContain('proxyv2:1.29.0');
    expect(upgraded).not.toContain('proxyv2:1.28.0');
    expect(upgraded).toContain('istiod-canary.istio-system.svc:15012');
  });
  it('native sidecars switched on: the old classic sidecar leaves nothing behind', async () => {
    const classic = await inject(V1, SOURCE);
    const native = await inject(V1, classic, ['--native-sidecars', 'true']);
    expect(native).toBe(await inject(V1, SOURCE, ['--native-sidecars', 'true']));
  });
});

describe('revisions config', () => {
  const spec = (revisions: unknown[]) => ({
    apiVersion: 'inject-sidecar.dev/v1alpha1',
    kind: 'SidecarInjection',
    spec: { proxy: { hub: 'h', tag: 't' }, values: { a: { b: 1 } }, revisions },
  });
  it('a revision inherits the top level and overrides field by field', () => {
    const c = loadConfig(spec([{ revision: 'canary', revisionTags: ['next'], proxy: { tag: 'u' }, values: { a: { c: 2 } } }]));
    expect(c.revisions).toHaveLength(1);
    const r = c.revisions[0]!;
    expect(r.revision).toBe('canary');
    expect(r.revisionTags).toEqual(['next']);
    expect(r.proxy).toEqual({ hub: 'h', tag: 'u' });
    expect(r.values).toEqual({ a: { b: 1, c: 2 } });
    expect(r.revisions).toEqual([]);
    expect(c.revisionTags).toEqual([]);
  });
  it('a revision named twice, or a tag used twice, is an error with its path', () => {
    expect(() => loadConfig(spec([{ revision: 'default' }]))).toThrow(/spec\.revisions\[0\]\.revision: revision default is already the top-level revision/);
    expect(() =>
      loadConfig(
        spec([
          { revision: 'a', revisionTags: ['x'] },
          { revision: 'b', revisionTags: ['x'] },
        ]),
      ),
    ).toThrow(/spec\.revisions\[1\]\.revisionTags\[0\]/);
  });
  it('unknown fields of a revision entry are errors', () => {
    expect(() => loadConfig(spec([{ revision: 'a', emulate: 'webhook' }]))).toThrow(/spec\.revisions\[0\]\.emulate: unknown field/);
  });
});
