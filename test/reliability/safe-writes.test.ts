/**
 * Safe writes and complete output: `--in-place` and `-o` write through a temporary file and a
 * rename, so a failing run leaves every file byte-identical and a failed write leaves the original
 * and no temporary file behind; the built CLI flushes all of a large stdout into a pipe before it
 * exits (it never calls process.exit()).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
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
const snapshot = (p: string) =>
  Object.fromEntries(
    readdirSync(p)
      .sort()
      .map((f) => [f, readFileSync(join(p, f), 'utf8')]),
  );

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

describe('safe writes: hostile file system', () => {
  it('--in-place never writes through a symlink planted under the temporary name of the old scheme', async () => {
    const p = project('planted', { 'web.yaml': `${NS}---\n${dep('web')}` });
    const victim = join(dir, 'planted-victim.txt');
    writeFileSync(victim, 'victim\n');
    // The old name was .<file>.<pid>.tmp: fixed in a container where node runs as PID 1.
    symlinkSync(victim, join(p, `.web.yaml.${process.pid}.tmp`));
    const r = await runCli(['-q', '--in-place', '-f', p]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(victim, 'utf8')).toBe('victim\n');
    expect(lstatSync(join(p, 'web.yaml')).isFile()).toBe(true);
    expect(readFileSync(join(p, 'web.yaml'), 'utf8')).toContain('name: istio-proxy');
    expect(readdirSync(p).sort()).toEqual([`.web.yaml.${process.pid}.tmp`, 'web.yaml']);
  });

  it('-o to a FIFO writes into it (as a shell redirection), never replaces it', async () => {
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const sink = join(dir, 'fifo-sink.yaml');
    const reader = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', fifo, sink]);
    const exited = new Promise<number | null>((res) => reader.on('exit', res));
    const r = await runCli(['-q', '-o', fifo, '-f', '-'], `${NS}---\n${dep('web')}`);
    const timer = setTimeout(() => reader.kill(), 5000);
    await exited;
    clearTimeout(timer);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readFileSync(sink, 'utf8')).toContain('name: istio-proxy');
  });

  it('--in-place on a symlinked manifest writes through to its target inside the tree; the link stays', async () => {
    const p = project('linked', {});
    mkdirSync(join(p, 'manifests'));
    writeFileSync(join(p, 'manifests', 'web.yaml'), `${NS}---\n${dep('web')}`);
    symlinkSync(join('manifests', 'web.yaml'), join(p, 'web.yaml'));
    const r = await runCli(['-q', '--in-place', '-f', p]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(lstatSync(join(p, 'web.yaml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(p, 'web.yaml'))).toBe(join('manifests', 'web.yaml'));
    expect(readFileSync(join(p, 'manifests', 'web.yaml'), 'utf8')).toContain('name: istio-proxy');
  });

  it('--in-place refuses a symlinked manifest whose target is outside its tree, and writes nothing', async () => {
    const p = project('linked-out', { 'a.yaml': `${NS}---\n${dep('a')}` });
    const outside = join(dir, 'linked-out-target.yaml');
    writeFileSync(outside, dep('b'));
    symlinkSync(outside, join(p, 'b.yaml'));
    const before = readFileSync(join(p, 'a.yaml'), 'utf8');
    const r = await runCli(['-q', '--in-place', '-f', join(p, 'a.yaml'), '-f', join(p, 'b.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`inject-sidecar: ${join(p, 'b.yaml')}: cannot write in place: symlink to ${outside}, outside the input tree ${p}\n`);
    expect(readFileSync(join(p, 'a.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(outside, 'utf8')).toBe(dep('b'));
    expect(lstatSync(join(p, 'b.yaml')).isSymbolicLink()).toBe(true);
  });

  it("--in-place keeps each file's mode", async () => {
    const p = project('mode', { 'web.yaml': `${NS}---\n${dep('web')}` });
    chmodSync(join(p, 'web.yaml'), 0o640);
    const r = await runCli(['-q', '--in-place', '-f', p]);
    expect(r.code).toBe(0);
    expect(statSync(join(p, 'web.yaml')).mode & 0o7777).toBe(0o640);
    expect(readFileSync(join(p, 'web.yaml'), 'utf8')).toContain('name: istio-proxy');
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

describe('--in-place over many files is all or nothing', () => {
  beforeAll(() => {
    if (!existsSync(DIST)) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  });
  const asNobody = (args: string[]) =>
    process.getuid?.() === 0
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, DIST, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, [DIST, ...args], { encoding: 'utf8' });

  it.runIf(process.getuid?.() !== 0 || hasSetpriv)('a file that cannot be written leaves the ones before it untouched', () => {
    chmodSync(dir, 0o755);
    const p = join(dir, 'all-or-nothing');
    mkdirSync(join(p, 'a'), { recursive: true });
    mkdirSync(join(p, 'b'));
    writeFileSync(join(p, 'a', 'web.yaml'), `${NS}---\n${dep('web')}`);
    writeFileSync(join(p, 'b', 'api.yaml'), dep('api'));
    chmodSync(p, 0o777);
    chmodSync(join(p, 'a'), 0o777);
    chmodSync(join(p, 'a', 'web.yaml'), 0o666);
    chmodSync(join(p, 'b', 'api.yaml'), 0o666);
    chmodSync(join(p, 'b'), 0o555); // the file is writable, its directory (for the temporary file) is not
    const before = [readFileSync(join(p, 'a', 'web.yaml'), 'utf8'), readFileSync(join(p, 'b', 'api.yaml'), 'utf8')];
    const r = asNobody(['-q', '--in-place', '-f', join(p, 'a', 'web.yaml'), '-f', join(p, 'b', 'api.yaml')]);
    chmodSync(join(p, 'b'), 0o755);
    expect(r.stderr).toMatch(/api\.yaml: cannot write: /);
    expect(r.status).toBe(1);
    expect([readFileSync(join(p, 'a', 'web.yaml'), 'utf8'), readFileSync(join(p, 'b', 'api.yaml'), 'utf8')]).toEqual(before);
    expect(readdirSync(join(p, 'a'))).toEqual(['web.yaml']);
  });

  it('SIGTERM while writing leaves no temporary or backup file, and every file old or new', async () => {
    const p = join(dir, 'signal');
    mkdirSync(p);
    const blob = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: shop}\ndata:\n  blob: "${'z'.repeat(2_000_000)}"\n`;
    const files = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}.yaml`);
    for (const f of files) writeFileSync(join(p, f), `${NS}---\n${dep(f.slice(0, 3))}---\n${blob}`);
    const before = Object.fromEntries(files.map((f) => [f, readFileSync(join(p, f), 'utf8')]));
    const child = spawn(process.execPath, [DIST, '-q', '--in-place', '-f', p], { stdio: 'ignore' });
    let signalled = false;
    const watcher = watch(p, (_e, name) => {
      if (!signalled && name && /\.tmp$/.test(name)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
    watcher.close();
    expect(signalled).toBe(true);
    expect(code === null ? signal : code).toBe('SIGTERM');
    expect(readdirSync(p).sort()).toEqual(files);
    const states = files.map((f) => (readFileSync(join(p, f), 'utf8') === before[f] ? 'old' : 'new'));
    expect(new Set(states).size).toBe(1);
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
    const list =
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n' +
      input
        .split('---\n')
        .map((d) => '- ' + d.replace(/\n(?=.)/g, '\n  '))
        .join('');
    writeFileSync(`${file}.rl`, list);
    const krm = spawnSync('sh', ['-c', `node "${DIST}" -q < "${file}.rl" | (sleep 1; wc -c)`], { encoding: 'utf8' });
    const expectedKrm = await runCli(['-q'], readFileSync(`${file}.rl`, 'utf8'));
    expect(krm.stderr).toBe('');
    expect(Number(krm.stdout.trim())).toBe(Buffer.byteLength(expectedKrm.stdout));
  });

  it('the CLI never calls process.exit()', () => {
    const sources = execFileSync('grep', ['-rln', 'process\\.exit(', join(ROOT, 'src')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    // only the comment in main.ts that explains why not
    expect(sources.map((s) => s.slice(ROOT.length + 1))).toEqual(['src/cli/main.ts']);
    expect(readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8')).not.toMatch(/^[^*/]*process\.exit\(/m);
  });
});
