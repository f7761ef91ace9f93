/**
 * The real orchestrator: kpt runs the built function (dist/, put on PATH as `inject-sidecar`) on
 * the example package, with `fn render --allow-exec` (Kptfile pipeline) and `fn eval --exec`.
 * A second render must leave `git diff` empty. Skips when kpt is missing on a laptop; fails in CI.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const dist = join(repo, 'dist/inject-sidecar.js');
const hasKpt = spawnSync('kpt', ['version']).status === 0;
if (!hasKpt && process.env.CI === 'true') throw new Error('kpt is required in CI');

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd, encoding: 'utf8' });
}

describe.skipIf(!hasKpt)('kpt', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    if (!existsSync(dist)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo });
    const bin = mkdtempSync(join(tmpdir(), 'inject-sidecar-bin-'));
    symlinkSync(dist, join(bin, 'inject-sidecar'));
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  });

  function freshPackage(): string {
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-kpt-'));
    const pkg = join(dir, 'shop');
    mkdirSync(pkg);
    cpSync(join(repo, 'examples/shop'), pkg, { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'source');
    return dir;
  }

  it('fn render --allow-exec injects the example package, and a second render changes nothing', () => {
    const dir = freshPackage();
    const first = sh('kpt', ['fn', 'render', 'shop', '--allow-exec'], dir, env);
    expect(first.stderr).toContain('Successfully executed 1 function(s)');
    expect(first.code).toBe(0);
    const changed = git(dir, 'diff', '--name-only').trim().split('\n').sort();
    // The storefront Deployments and the opted-in CronJob change; the opted-out StatefulSet, the
    // hostNetwork DaemonSet, Services, Namespaces, the Kptfile and the config do not.
    expect(changed).toEqual(['shop/cart.yaml', 'shop/catalog.yaml', 'shop/report.yaml', 'shop/web.yaml']);
    const web = readFileSync(join(dir, 'shop/web.yaml'), 'utf8');
    expect(web).toContain('# Storefront: the public web tier.');
    expect(web).toContain('cpu: 2000m # two cores at peak');
    expect(web).toContain('name: istio-proxy');
    expect(web).toContain('image: docker.io/istio/proxyv2:1.28.0');
    expect(web).not.toContain('status: {}');
    // The Service in the same file is untouched.
    expect(web).toContain('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'first render');
    const second = sh('kpt', ['fn', 'render', 'shop', '--allow-exec'], dir, env);
    expect(second.code).toBe(0);
    expect(git(dir, 'diff')).toBe('');
  });

  it('fn eval --exec with --fn-config injects the same way', () => {
    const dir = freshPackage();
    const r = sh('kpt', ['fn', 'eval', 'shop', '--exec', 'inject-sidecar', '--fn-config', 'shop/inject-sidecar.yaml'], dir, env);
    expect(r.code).toBe(0);
    expect(git(dir, 'diff', '--name-only').trim().split('\n').sort()).toEqual(['shop/cart.yaml', 'shop/catalog.yaml', 'shop/report.yaml', 'shop/web.yaml']);
    // kpt shows the results; the function's stderr adds only the totals line, not the messages again.
    expect(r.stderr).toContain('apps/v1/Deployment/shop/cart: injected');
    expect(r.stderr).not.toContain('Deployment shop/cart: injected');
    expect(r.stderr).toContain('6 workloads: 4 injected, 0 upgraded, 0 unchanged, 2 skipped, 0 removed, 0 errors');
  });

  it('fn eval --exec with key=value config (ConfigMap) and kube-inject emulation', () => {
    const dir = freshPackage();
    const r = sh('kpt', ['fn', 'eval', 'shop', '--exec', 'inject-sidecar', '--', 'emulate=kube-inject', 'nativeSidecars=false'], dir, env);
    expect(r.code).toBe(0);
    // kube-inject ignores namespace labels: the StatefulSet still opts out by label, the DaemonSet is on the host network.
    const db = git(dir, 'diff', '--', 'shop/db.yaml');
    expect(db).toBe('');
    const report = readFileSync(join(dir, 'shop/report.yaml'), 'utf8');
    expect(report).toContain('name: istio-proxy');
  });

  it('a failing function run writes nothing (kpt keeps the files)', () => {
    const dir = freshPackage();
    const r = sh('kpt', ['fn', 'eval', 'shop', '--exec', 'inject-sidecar', '--', 'policy=sometimes'], dir, env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('data.policy');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});
