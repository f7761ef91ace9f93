/**
 * The function image, run by the real tools: podman directly (a ResourceList through `podman run -i`,
 * as the KRM spec runs a function: non-root, no network), `kpt fn eval --image` with podman as kpt's
 * runtime, and `kubectl kustomize --enable-alpha-plugins` on examples/kustomize, whose transformer is
 * the container form, with podman behind the `docker` shim. The image is built once per run by
 * scripts/container-test-env.sh (base image from Debian packages, prebuilt target).
 * Skips when podman/kpt/kubectl are missing on a laptop; fails in CI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { containerEnv, containerTools, repo, requireTools, run } from './tools.js';

const missing = requireTools('container integration tests', ['podman', 'kpt', 'kubectl', 'git'], {
  '../shared/tools/container': existsSync(join(containerTools, 'env.sh')),
});

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: any };

/** The image named by the kustomize example: the tests build exactly that, so the example runs as committed. */
function exampleImage(): string {
  const fnConfig = parse(readFileSync(join(repo, 'examples/kustomize/inject-sidecar.yaml'), 'utf8')) as any;
  const fn = parse(fnConfig.metadata.annotations['config.kubernetes.io/function']) as { container: { image: string } };
  return fn.container.image;
}

function containerNames(o: Obj | undefined, path: 'template' | 'cronjob' = 'template'): string[] {
  const pod = path === 'cronjob' ? o?.spec?.jobTemplate?.spec?.template?.spec : o?.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c: { name: string }) => c.name);
}

function find(objs: Obj[], kind: string, name: string): Obj | undefined {
  return objs.find((o) => o.kind === kind && o.metadata?.name === name);
}

/** examples/shop as kpt would hand it over: every object as an item, the config as functionConfig. */
function shopResourceList(): string {
  const dir = join(repo, 'examples/shop');
  const items: unknown[] = [];
  let functionConfig: unknown;
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as Obj;
      if (!obj) continue;
      if (obj.kind === 'SidecarInjection') functionConfig = obj;
      else items.push(obj);
    }
  }
  return stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items, functionConfig });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=it@example.com', '-c', 'user.name=it', ...args], { cwd, encoding: 'utf8' });
}

describe.skipIf(missing.length > 0)('function image (podman, kpt, kustomize)', () => {
  let env: NodeJS.ProcessEnv;
  let image: string;

  beforeAll(() => {
    env = containerEnv();
    const started = Date.now();
    const built = run('bash', [join(repo, 'scripts/container-test-env.sh'), exampleImage()], { env, cwd: repo });
    if (built.code !== 0) throw new Error(`building the image failed:\n${built.stderr}`);
    image = built.stdout.trim();
    const size = run('podman', ['image', 'inspect', '--format', '{{.Size}}', image], { env }).stdout.trim();
    console.info(`image ${image}: ${(Number(size) / 1e6).toFixed(0)} MB, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 15 * 60_000);

  it('is non-root and runs the bundle in KRM mode', () => {
    const inspect = JSON.parse(run('podman', ['image', 'inspect', image], { env }).stdout)[0].Config;
    expect(inspect.User).toBe('65534:65534');
    expect(inspect.Entrypoint).toEqual(['node', '/app/inject-sidecar.js']);
    const help = run('podman', ['run', '--rm', '--network', 'none', image, '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('KRM function');
  });

  it('injects a ResourceList piped through podman run -i (as nobody, no network)', () => {
    const r = run('podman', ['run', '--rm', '-i', '--network', 'none', '--user', 'nobody', '--security-opt=no-new-privileges', image], {
      env,
      input: shopResourceList(),
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const out = parse(r.stdout) as { kind: string; items: Obj[]; results?: { message: string }[] };
    expect(out.kind).toBe('ResourceList');
    expect(containerNames(find(out.items, 'Deployment', 'web'))).toContain('istio-proxy');
    expect(containerNames(find(out.items, 'Deployment', 'cart'))).toContain('istio-proxy');
    expect(containerNames(find(out.items, 'StatefulSet', 'db'))).toEqual(['postgres']);
    expect(containerNames(find(out.items, 'DaemonSet', 'node-agent'))).toEqual(['agent']);
    expect(containerNames(find(out.items, 'CronJob', 'sales-report'), 'cronjob')).toContain('istio-proxy');
    expect(out.results?.length ?? 0).toBeGreaterThan(0);
  });

  it('reports an invalid function config as an error result with exit 1', () => {
    const list = parse(shopResourceList());
    list.functionConfig.spec.emulate = 'sometimes';
    const r = run('podman', ['run', '--rm', '-i', '--network', 'none', image], { env, input: stringify(list) });
    expect(r.code).toBe(1);
    const out = parse(r.stdout) as { results: { severity: string; message: string }[] };
    expect(out.results.some((x) => x.severity === 'error' && x.message.includes('emulate'))).toBe(true);
  });

  it('kpt fn eval --image injects a copy of examples/shop (podman runtime)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-kpt-image-'));
    mkdirSync(join(dir, 'shop'));
    cpSync(join(repo, 'examples/shop'), join(dir, 'shop'), { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'source');
    // kpt prefixes image names without a "/" with its catalog registry: use the full local name.
    const local = image.includes('/') ? image : `localhost/${image}`;
    const args = ['fn', 'eval', 'shop', '--image', local, '--image-pull-policy', 'never', '--fn-config', 'shop/inject-sidecar.yaml'];
    const r = run('kpt', args, { cwd: dir, env });
    expect(r.stderr).toContain('[PASS]');
    expect(r.code).toBe(0);
    const changed = git(dir, 'diff', '--name-only').trim().split('\n').sort();
    expect(changed).toEqual(['shop/cart.yaml', 'shop/catalog.yaml', 'shop/report.yaml', 'shop/web.yaml']);
    const web = readFileSync(join(dir, 'shop/web.yaml'), 'utf8');
    expect(web).toContain('# Storefront: the public web tier.');
    expect(web).toContain('name: istio-proxy');
    // Second run on the output: nothing changes.
    git(dir, 'commit', '-qam', 'injected');
    expect(run('kpt', args, { cwd: dir, env }).code).toBe(0);
    expect(git(dir, 'diff')).toBe('');
  });

  it('kubectl kustomize --enable-alpha-plugins runs the container transformer of examples/kustomize', () => {
    const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', join(repo, 'examples/kustomize')], { env });
    expect(r.stderr).not.toMatch(/command failed|Error/);
    expect(r.code).toBe(0);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(objs.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(['Deployment/legacy', 'Deployment/web', 'Namespace/storefront', 'Service/web']);
    const web = find(objs, 'Deployment', 'web');
    expect(web?.metadata?.namespace).toBe('storefront');
    expect(containerNames(web)).toContain('istio-proxy');
    expect(containerNames(find(objs, 'Deployment', 'legacy'))).toEqual(['legacy']);
  });

  it('takes the namespace labels from the Namespace object kustomize passes', () => {
    // The same example with the namespace label removed: webhook emulation must not inject.
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-kustomize-'));
    cpSync(join(repo, 'examples/kustomize'), dir, { recursive: true });
    const nsFile = join(dir, 'namespace.yaml');
    writeFileSync(nsFile, readFileSync(nsFile, 'utf8').replace(/\n  labels:\n    istio-injection: enabled\n/, '\n'));
    expect(readFileSync(nsFile, 'utf8')).not.toContain('istio-injection');
    const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env });
    expect(r.code).toBe(0);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(containerNames(find(objs, 'Deployment', 'web'))).toEqual(['web']);
  });
});
