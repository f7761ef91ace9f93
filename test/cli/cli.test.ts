import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP } from '../../src/cli/args.js';
import { runCli } from '../support/run-cli.js';

const deployment = (name: string, ns = 'shop', extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}${extra}
    spec:
      containers:
        - name: ${name}
          image: example/${name}:1
`;

const shopNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
`;

describe('cli', () => {
  it('prints help documenting every flag', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--filename',
      '--output',
      '--in-place',
      '--config',
      '--quiet',
      '--revision',
      '--emulate',
      '--native-sidecars',
      '--compliance-policy',
      '--injectConfigFile',
      '--meshConfigFile',
      '--valuesFile',
      '--recursive',
      '--config-root',
    ]) {
      expect(HELP).toContain(flag);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['--bogus'])).code).toBe(2);
    expect((await runCli(['-f', 'x.yaml', '--emulate', 'maybe'])).code).toBe(2);
    expect((await runCli(['--in-place'])).code).toBe(2);
    const r = await runCli(['stray']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unexpected argument "stray"');
  });

  it('stream mode injects a labelled namespace and leaves other documents byte-identical', async () => {
    const service = `# a comment that must survive
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
    - {port: 80,   targetPort: 8080}
`;
    const input = `${shopNamespace}---\n${service}---\n${deployment('web')}`;
    const r = await runCli(['-f', '-'], input);
    expect(r.stderr).toContain('Deployment shop/web: injected');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`${shopNamespace}---\n${service}---\n`)).toBe(true);
    expect(r.stdout).toContain('name: istio-proxy');
  });

  it('stream mode writes nothing to stdout when a workload has an error', async () => {
    const bad = deployment('web', 'shop', '\n      annotations:\n        sidecar.istio.io/interceptionMode: SIDEWAYS');
    const input = `${shopNamespace}---\n${deployment('ok')}---\n${bad}`;
    const r = await runCli(['-f', '-'], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('sidecar.istio.io/interceptionMode');
  });

  it('--quiet silences the summary but not errors', async () => {
    const r = await runCli(['-q', '-f', '-'], `${shopNamespace}---\n${deployment('web')}`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('reads directories in sorted order, *.yaml and *.yml only, and rewrites files in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-cli-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'b.yml'), deployment('web'));
    writeFileSync(join(dir, 'm', 'a.yaml'), shopNamespace);
    writeFileSync(join(dir, 'm', 'notes.txt'), 'not yaml');
    const out = await runCli(['-f', join(dir, 'm')]);
    expect(out.code).toBe(0);
    expect(out.stdout.indexOf('kind: Namespace')).toBeLessThan(out.stdout.indexOf('kind: Deployment'));
    const r = await runCli(['-q', '-f', join(dir, 'm'), '--in-place']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'm', 'a.yaml'), 'utf8')).toBe(shopNamespace);
    expect(readFileSync(join(dir, 'm', 'b.yml'), 'utf8')).toContain('name: istio-proxy');
    expect(readdirSync(join(dir, 'm')).sort()).toEqual(['a.yaml', 'b.yml', 'notes.txt']);
    // In place twice: no change the second time.
    const before = readFileSync(join(dir, 'm', 'b.yml'), 'utf8');
    await runCli(['-q', '-f', join(dir, 'm'), '--in-place']);
    expect(readFileSync(join(dir, 'm', 'b.yml'), 'utf8')).toBe(before);
  });

  it('-o writes the stream to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-cli-'));
    const r = await runCli(['-q', '-f', '-', '-o', join(dir, 'out.yaml')], `${shopNamespace}---\n${deployment('web')}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toContain('name: istio-proxy');
  });

  it('a missing input file is an error naming it', async () => {
    const r = await runCli(['-f', '/nonexistent/app.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/app.yaml');
    expect(r.stdout).toBe('');
  });

  it('KRM mode writes the ResourceList with results even when the config is invalid', async () => {
    const rl = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- ${deployment('web').split('\n').join('\n  ').trimEnd()}
functionConfig:
  apiVersion: inject-sidecar.dev/v1alpha1
  kind: SidecarInjection
  spec:
    polcy: enabled
`;
    const r = await runCli([], rl);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kind: ResourceList');
    expect(r.stdout).toContain('spec.polcy');
    expect(r.stdout).toContain('name: web');
    expect(r.stdout).not.toContain('istio-proxy');
  });

  it('KRM mode reports a workload whose namespace is unknown instead of guessing', async () => {
    const rl = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- ${deployment('web', 'elsewhere').split('\n').join('\n  ').trimEnd()}
`;
    const r = await runCli([], rl);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('severity: warning');
    expect(r.stdout).toMatch(/namespace elsewhere/);
    expect(r.stdout).not.toContain('istio-proxy');
  });
});
