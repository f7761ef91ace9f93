/**
 * Safe writes and complete output: `--in-place` and `-o` write through a temporary file and a
 * rename, so a failing run leaves every file byte-identical and a failed write leaves the original
 * and no temporary file behind; the built CLI flushes all of a large stdout into a pipe before it
 * exits (it never calls process.exit()).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRun, runCli } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist/inject-sidecar.js');
const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-writes-'));
afterAll(() => {
  chmodSync(dir, 0o755);
  for (const d of readdirSync(dir)) chmodSync(join(dir, d), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const dep = (name: string, podMeta = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: ${name}}\n${podMeta}    spec:\n      containers:\n      - name: ${name}\n        image: example/${name}:1\n`;
const BAD = '      annotations:\n        sidecar.istio.io/proxyCPU: "lots"\n';

function project(name: string, files: Record<string, string>): string {
  const p = join(dir, name);
  mkdirSync(p);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(p, f), text);
  return p;
}
const snapshot = (p: string) => Object.fromEntries(readdirSync(p).sort().map((f) => [f, readFileSync(join(p, f), 'utf8')]));

describe('safe writes', () => {
  it('--in-place: a run with an error leaves every file byte-identical', async () => {
    const p = project('inplace-error', { '0-ns.yaml': NS, '1-good.yaml': dep('good'), '2-bad.yaml': dep('bad', BAD) });
    const before = snapshot(p);
    const r = await runCli(['--in-place', '-f', p]);
    expect(checkRun(r, 'stream', false)).toBeUndefined();
    expect(r.code).toBe(1);
    expect(snapshot(p)).toEqual(before);
  });

  it('--in-place: a good run rewrites only changed files and leaves no temporary file', async () => {
    const svc = '# kept\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\n';
    const p = project('inplace-ok', { '0-ns.yaml': NS, '1-web.yaml': dep('web'), '2-svc.yaml': svc });
    const r = await runCli(['-q', '--in-place', '-f', p]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    const after = snapshot(p);
    expect(Object.keys(after)).toEqual(['0-ns.yaml', '1-web.yaml', '2-svc.yaml']);
    expect(after['0-ns.yaml']).toBe(NS);
    expect(after['2-svc.yaml']).toBe(svc);
    expect(after['1-web.yaml']).toContain('name: istio-proxy');
  });

  it('-o: a failing run leaves an existing output file byte-identical', async () => {
    const out = join(dir, 'out-existing.yaml');
    writeFileSync(out, 'previous: output\n');
    const r = await runCli(['-o', out, '-f', '-'], `${NS}---\n${dep('bad', BAD)}`);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('previous: output\n');
  });

  it('-o: a write that fails is a clear error; the original is intact and no temporary file is left', async () => {
    // the rename fails: the target is a directory
    const target = join(dir, 'is-a-dir');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    const r = await runCli(['-q', '-o', target, '-f', '-'], `${NS}---\n${dep('web')}`);
    expect(checkRun(r, 'stream', false)).toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^inject-sidecar: ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write: `));
    expect(readdirSync(target)).toEqual(['keep.txt']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('-o into a read-only directory fails cleanly with the original intact', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    const out = join(ro, 'out.yaml');
    writeFileSync(out, 'original\n');
    chmodSync(ro, 0o555);
    const r = await runCli(['-q', '-o', out, '-f', '-'], `${NS}---\n${dep('web')}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^inject-sidecar: .*out\.yaml: cannot write: EACCES/);
    expect(readFileSync(out, 'utf8')).toBe('original\n');
    expect(readdirSync(ro)).toEqual(['out.yaml']);
  });
});

// As root the permission check above cannot fail; run the built CLI as nobody instead.
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
describe.runIf(process.getuid?.() === 0)('as root: the built CLI run as nobody', () => {
  beforeAll(() => {
    if (!existsSync(DIST)) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
    if (!hasSetpriv && process.env.CI === 'true') throw new Error('setpriv (util-linux) is required in CI');
  });

  it.runIf(hasSetpriv)('-o into a read-only directory fails cleanly with the original intact', () => {
    chmodSync(dir, 0o755);
    const ro = join(dir, 'read-only-nobody');
    mkdirSync(ro);
    const out = join(ro, 'out.yaml');
    writeFileSync(out, 'original\n');
    chmodSync(out, 0o644);
    chmodSync(ro, 0o555);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, DIST, '-q', '-o', out, '-f', '-'], {
      input: `${NS}---\n${dep('web')}`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^inject-sidecar: .*out\.yaml: cannot write: EACCES/);
    expect(readFileSync(out, 'utf8')).toBe('original\n');
    expect(readdirSync(ro)).toEqual(['out.yaml']);
  });
});

describe('complete stdout through a pipe', () => {
  beforeAll(() => {
    if (!existsSync(DIST)) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  });

  it('more than 64 KiB reaches a slow consumer in full, in stream and KRM mode', async () => {
    const cm = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  blob: "${'y'.repeat(1000)}"\n`;
    const input = [NS, dep('web'), ...Array.from({ length: 300 }, (_, i) => cm(i))].join('---\n');
    const file = join(dir, 'big.yaml');
    writeFileSync(file, input);
    const expected = await runCli(['-q', '-f', file]);
    expect(expected.code).toBe(0);
    const bytes = Buffer.byteLength(expected.stdout);
    expect(bytes).toBeGreaterThan(256 * 1024);
    // the consumer waits before reading, so the pipe fills and the CLI must wait for it
    const stream = spawnSync('sh', ['-c', `node "${DIST}" -q -f "${file}" | (sleep 1; wc -c)`], { encoding: 'utf8' });
    expect(stream.stderr).toBe('');
    expect(Number(stream.stdout.trim())).toBe(bytes);
    const list = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n' + input.split('---\n').map((d) => '- ' + d.replace(/\n(?=.)/g, '\n  ')).join('');
    writeFileSync(`${file}.rl`, list);
    const krm = spawnSync('sh', ['-c', `node "${DIST}" -q < "${file}.rl" | (sleep 1; wc -c)`], { encoding: 'utf8' });
    const expectedKrm = await runCli(['-q'], readFileSync(`${file}.rl`, 'utf8'));
    expect(krm.stderr).toBe('');
    expect(Number(krm.stdout.trim())).toBe(Buffer.byteLength(expectedKrm.stdout));
  });

  it('the CLI never calls process.exit()', () => {
    const sources = execFileSync('grep', ['-rln', 'process\\.exit(', join(ROOT, 'src')], { encoding: 'utf8' }).trim().split('\n');
    // only the comment in main.ts that explains why not
    expect(sources.map((s) => s.slice(ROOT.length + 1))).toEqual(['src/cli/main.ts']);
    expect(readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8')).not.toMatch(/^[^*/]*process\.exit\(/m);
  });
});
