/**
 * The Helm post-renderer contract, with a recorded `helm template` stream (helm itself is not
 * installable on the project's machines): Helm writes the rendered manifests, `---` separated with
 * `# Source:` comments, to the post-renderer's stdin and applies its stdout. Checks
 * integrations/helm/post-renderer.sh and the bare `inject-sidecar` command Helm 3 can be given
 * directly, as a non-root user would run them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bundle, documentsBySource, ensureBundle, repo, requireTools, run } from './tools.js';

const missing = requireTools('Helm post-renderer tests', ['bash', 'node']);
const postRenderer = join(repo, 'integrations/helm/post-renderer.sh');
const stream = readFileSync(join(repo, 'test/integrations/fixtures/helm-template.yaml'), 'utf8');

type Obj = { kind: string; metadata: { name: string }; spec?: any };

describe.skipIf(missing.length > 0)('Helm post-renderer', () => {
  let env: NodeJS.ProcessEnv;
  let config: string;

  beforeAll(() => {
    ensureBundle();
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-helm-'));
    mkdirSync(join(dir, 'bin'));
    symlinkSync(bundle, join(dir, 'bin/inject-sidecar'));
    env = { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, HOME: dir };
    // Helm installs into the release namespace (--namespace), which the templates do not name.
    config = join(dir, 'inject-sidecar.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: inject-sidecar.dev/v1alpha1',
        'kind: SidecarInjection',
        'metadata:',
        '  name: helm-release',
        'spec:',
        '  defaultNamespace: storefront',
        '  namespaces:',
        '    storefront:',
        '      labels:',
        '        istio-injection: enabled',
        '  nativeSidecars: false',
        '',
      ].join('\n'),
    );
  });

  it('post-renderer.sh injects the stream and leaves other documents byte for byte', () => {
    const r = run(postRenderer, ['--config', config], { env, input: stream });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const objs = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as Obj)
      .filter(Boolean);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/storefront-web',
      'Service/storefront-web',
      'Deployment/storefront-web',
      'Job/storefront-migrate',
    ]);
    const web = objs[2]!.spec.template.spec;
    expect(web.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'istio-proxy']);
    expect(objs[3]!.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['migrate']);
    const before = documentsBySource(stream);
    const after = documentsBySource(r.stdout);
    for (const source of ['storefront/templates/serviceaccount.yaml', 'storefront/templates/service.yaml', 'storefront/templates/migrate-job.yaml']) {
      expect(after.get(source)).toBe(before.get(source));
    }
    expect(after.get('storefront/templates/deployment.yaml')).toContain('# Source: storefront/templates/deployment.yaml');
  });

  it('a second pass (helm upgrade of an already injected render) changes nothing', () => {
    const once = run(postRenderer, ['--config', config], { env, input: stream });
    const twice = run(postRenderer, ['--config', config], { env, input: once.stdout });
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(once.stdout);
  });

  it('on a broken stream it exits non-zero and writes nothing, so Helm stops', () => {
    const broken = stream.replace('kind: Service\n', 'kind: Service\nmetadata: [unclosed\n');
    const r = run(postRenderer, ['--config', config], { env, input: broken });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
  });

  it('on an invalid config it exits non-zero and writes nothing', () => {
    const r = run(postRenderer, ['--emulate', 'sometimes'], { env, input: stream });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('the bare command works as `--post-renderer inject-sidecar` (no arguments, a plain stream on stdin)', () => {
    const r = run('inject-sidecar', [], { env, input: stream });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('kind: ResourceList');
    const objs = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as Obj)
      .filter(Boolean);
    expect(objs.map((o) => o.kind)).toEqual(['ServiceAccount', 'Service', 'Deployment', 'Job']);
    expect(r.stdout).toContain('# Source: storefront/templates/service.yaml');
    // Helm 3.10+: --post-renderer inject-sidecar --post-renderer-args --config --post-renderer-args FILE
    const withConfig = run('inject-sidecar', ['--config', config], { env, input: stream });
    expect(withConfig.code).toBe(0);
    const web = parseAllDocuments(withConfig.stdout).map((d) => d.toJS() as Obj)[2]!;
    expect(web.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'istio-proxy']);
  });
});
