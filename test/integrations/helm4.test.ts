/**
 * Helm 4 (built from helm.sh/helm/v4 by scripts/peers.sh) with inject-sidecar as its post-renderer.
 * Helm 4 runs post-renderers only as plugins (`--post-renderer NAME`, a `postrenderer/v1` plugin):
 * integrations/helm is one, installed with `helm plugin install` into a throwaway HOME, and
 * `helm template` renders a small chart of ours (test/integrations/fixtures/storefront) through it.
 * Helm passes neither --namespace nor HELM_NAMESPACE to a post-renderer, so the namespace reaches
 * the tool as `--post-renderer-args=--namespace=shop`; a bare executable path is refused. Every
 * check also runs with `cat` in the tool's place and must fail there. Helm 4 re-prints whatever a
 * post-renderer returns, so documents the tool leaves alone come back as the same data, not as the
 * same bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bundle, documentsBySource, ensureBundle, repo, run } from './tools.js';
import { requirePeer } from '../support/peers.js';

const helm = requirePeer('Helm 4 post-renderer tests', 'helm');
const chart = join(repo, 'test/integrations/fixtures/storefront');

type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any };

describe.skipIf(!helm)(`Helm ${helm?.version} post-renderer plugin`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let config: string;

  beforeAll(() => {
    ensureBundle();
    home = mkdtempSync(join(tmpdir(), 'inject-sidecar-helm4-'));
    mkdirSync(join(home, 'bin'));
    symlinkSync(bundle, join(home, 'bin/inject-sidecar'));
    // The tool replaced by cat: whatever arguments it gets, stdin goes to stdout.
    writeFileSync(join(home, 'bin/cat-all'), '#!/bin/sh\nexec cat\n', { mode: 0o755 });
    env = { PATH: `${join(home, 'bin')}:${process.env.PATH}`, HOME: home };
    const install = run(helm!.bin!, ['plugin', 'install', join(repo, 'integrations/helm')], { env });
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    expect(run(helm!.bin!, ['plugin', 'list'], { env }).stdout).toMatch(/inject-sidecar\s+0\.1\.0\s+postrenderer\/v1/);
    // The namespace is labelled for injection; which namespace the release goes to is Helm's to say.
    config = join(home, 'inject-sidecar.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: inject-sidecar.dev/v1alpha1',
        'kind: SidecarInjection',
        'metadata:',
        '  name: helm-release',
        'spec:',
        '  namespaces:',
        '    shop:',
        '      labels:',
        '        istio-injection: enabled',
        '',
      ].join('\n'),
    );
  });

  function template(extra: string[], tool?: string): { code: number; stdout: string; stderr: string } {
    const e = tool ? { ...env, INJECT_SIDECAR: tool } : env;
    return run(helm!.bin!, ['template', 'sf', chart, '--namespace', 'shop', '--post-renderer', 'inject-sidecar', ...extra], { env: e });
  }

  const plain = () => run(helm!.bin!, ['template', 'sf', chart, '--namespace', 'shop'], { env });

  /** The release as the config implies: web and the migrate Job injected, the rest the same data. */
  function expectInjected(stdout: string): void {
    const objs = parseAllDocuments(stdout)
      .map((d) => d.toJS() as Obj)
      .filter(Boolean);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/sf-web', 'Service/sf-web', 'Deployment/sf-web', 'Job/sf-migrate']);
    const web = objs[2]!.spec.template;
    expect(web.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'istio-proxy']);
    expect(web.metadata.annotations['sidecar.istio.io/status']).toContain('"revision":"default"');
    // The app's named readiness port went through Istio's probe rewrite.
    expect(web.spec.containers[0].readinessProbe.httpGet.path).toBe('/app-health/web/readyz');
    // A Job gets a native sidecar (jobs: native), so it can complete.
    const job = objs[3]!.spec.template.spec;
    expect(job.initContainers.map((c: { name: string; restartPolicy?: string }) => `${c.name}:${c.restartPolicy ?? ''}`)).toEqual([
      'istio-init:',
      'istio-proxy:Always',
    ]);
    // Like kubectl apply -n, the namespace is not written into the manifests.
    expect(objs.every((o) => o.metadata.namespace === undefined)).toBe(true);
    // Helm 4 re-prints what a post-renderer returns (with cat too), so untouched documents come back
    // as the same data, not byte for byte.
    const before = documentsBySource(plain().stdout);
    const after = documentsBySource(stdout);
    for (const source of ['storefront/templates/serviceaccount.yaml', 'storefront/templates/service.yaml']) {
      expect(parseAllDocuments(after.get(source) ?? '')[0]?.toJS()).toEqual(parseAllDocuments(before.get(source) ?? '')[0]?.toJS());
    }
  }

  const args = () => ['--post-renderer-args=--namespace=shop', '--post-renderer-args=--config', `--post-renderer-args=${config}`];

  it('injects the release through the plugin, with the namespace as a post-renderer argument', () => {
    const r = template(args());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectInjected(r.stdout);
  });

  it('the checks fail when the post-renderer is cat', () => {
    const r = template(args(), 'cat-all');
    expect(r.code).toBe(0);
    expect(() => expectInjected(r.stdout)).toThrow();
  });

  it("Helm's --namespace alone does not reach the post-renderer", () => {
    const r = template(['--post-renderer-args=--config', `--post-renderer-args=${config}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('istio-proxy');
  });

  it("an error stops Helm, and the tool's message is kept where INJECT_SIDECAR_STDERR says", () => {
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, readFileSync(config, 'utf8').replace('spec:', 'spec:\n  emulate: sometimes'));
    const log = join(home, 'stderr.log');
    const r = run(
      helm!.bin!,
      ['template', 'sf', chart, '--namespace', 'shop', '--post-renderer', 'inject-sidecar', '--post-renderer-args=--config', `--post-renderer-args=${bad}`],
      {
        env: { ...env, INJECT_SIDECAR_STDERR: log },
      },
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('plugin "inject-sidecar" exited with error');
    expect(readFileSync(log, 'utf8')).toContain('spec.emulate');
  });

  it('a bare executable is no post-renderer for Helm 4', () => {
    const r = run(helm!.bin!, ['template', 'sf', chart, '--post-renderer', join(repo, 'integrations/helm/post-renderer.sh')], { env });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('the pipe form works as well', () => {
    const r = run(
      'bash',
      ['-c', `"$1" template sf "$2" --namespace shop | inject-sidecar -f - --namespace shop --config "$3"`, 'sh', helm!.bin!, chart, config],
      { env },
    );
    expect(r.code).toBe(0);
    expectInjected(r.stdout);
  });
});
