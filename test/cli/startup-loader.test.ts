/**
 * The built CLI's loader (scripts/loader.cjs as dist/inject-sidecar.js): it compiles the scripts
 * in dist/chunks/ with the V8 code caches the build wrote, uses them when V8 accepts them, runs
 * the same without them or with caches V8 rejects, never writes, works through a symlink, and
 * loads the Go template engine only for runs that render Istio's templates. Runs a copy of dist/
 * so the caches can be removed or spoiled without touching the build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/run-cli.js';

const repo = resolve(import.meta.dirname, '../..');
const loaderName = 'inject-sidecar.js';

const list = (items: string[], fnConfig = '') =>
  `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.map((i) => i.trim().replace(/^/gm, '  ').replace(/^ {2}/, '- ')).join('\n')}\n${fnConfig}`;
const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;
const fnConfig = `functionConfig:
  apiVersion: inject-sidecar.dev/v1alpha1
  kind: SidecarInjection
  metadata:
    name: inject
  spec:
    revision: ""
`;
const injector = `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio-sidecar-injector
  namespace: istio-system
data:
  values: "{}"
  config: |
    policy: enabled
    templates:
      sidecar: |
        spec:
          containers:
          - name: istio-proxy
            image: {{ printf "%s-%d" "proxy" 7 | quote }}
`;

const jobs = {
  krm: { argv: [] as string[], input: list([namespace, deployment], fnConfig) },
  stream: { argv: ['-f', '-'], input: `${namespace}---\n${deployment}` },
  templates: { argv: [] as string[], input: list([namespace, injector, deployment]) },
};

let dist: string;
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A fresh copy of the built dist/. */
function copyDist(): string {
  const dir = tempDir('inject-sidecar-loader-');
  cpSync(dist, dir, { recursive: true });
  return dir;
}

function run(dir: string, job: { argv: string[]; input: string }, entry = join(dir, loaderName)) {
  const r = spawnSync(process.execPath, [entry, ...job.argv], { input: job.input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Loads the entry through the loader in a fresh node, runs `job` in-process, and reports which
 * scripts were loaded and whether V8 rejected their caches.
 */
function inspect(dir: string, job?: { argv: string[]; input: string }): Record<string, boolean> {
  const code = `
    const { load, loaded, ENTRY } = require(${JSON.stringify(join(dir, loaderName))});
    const job = ${JSON.stringify(job ?? null)};
    const done = job ? load(ENTRY).cli(job.argv, { readStdin: async () => job.input, stdout() {}, stderr() {}, stdinIsTTY: false }) : Promise.resolve(load(ENTRY) && 0);
    done.then(() => process.stdout.write(JSON.stringify(Object.fromEntries([...loaded].map(([f, m]) => [require('path').basename(f), m.script.cachedDataRejected])))));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })) as Record<string, boolean>;
}

/** The build's scripts: the entry the loader names and what it requires (chunks/ may also hold an earlier build's). */
function scripts(dir: string): string[] {
  const entry = /const ENTRY = '\.\/([^']+)'/.exec(readFileSync(join(dir, loaderName), 'utf8'))![1]!;
  const found = new Set([entry]);
  for (const name of found) {
    for (const m of readFileSync(join(dir, 'chunks', name), 'utf8').matchAll(/require\("\.\/([^"]+)"\)/g)) found.add(m[1]!);
  }
  return [...found];
}

beforeAll(() => {
  dist = join(repo, 'dist');
  const loader = join(dist, loaderName);
  if (!existsSync(loader) || !readFileSync(loader, 'utf8').includes('cachedData')) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  }
}, 120_000);

describe('the start-up loader', () => {
  it('is a small CommonJS file; the program is in chunks/, each script with a code cache', () => {
    expect(statSync(join(dist, loaderName)).size).toBeLessThan(8 * 1024);
    expect(JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const names = scripts(dist);
    expect(names[0]).toMatch(/^main-/);
    const engine = names.find((f) => f.startsWith('templates-'));
    expect(engine).toBeDefined();
    for (const f of [names[0]!, engine!]) expect(existsSync(join(dist, 'chunks', `${f}.cache`)), f).toBe(true);
  });

  it('uses the caches the build wrote, for every script a small run loads', () => {
    const dir = copyDist();
    const seen = inspect(dir, jobs.krm);
    expect(Object.keys(seen).length).toBeGreaterThanOrEqual(2);
    expect(Object.values(seen).every((rejected) => rejected === false)).toBe(true);
  });

  // Node's crypto module loads its stream modules with it (~11 ms of a ~120 ms run): the usual
  // run writes no file, so it needs no random name; no stream either (the standard streams are
  // read and written through their file descriptors).
  it('loads no Node module a small run does not use (crypto, streams, net)', () => {
    const code = `
      const before = new Set(process.moduleLoadList);
      const { load, ENTRY } = require(${JSON.stringify(join(dist, loaderName))});
      const job = ${JSON.stringify(jobs.krm)};
      load(ENTRY).cli(job.argv, { readStdin: async () => job.input, stdout() {}, stderr() {}, stdinIsTTY: false })
        .then((c) => require('fs').writeSync(1, JSON.stringify({ c, added: process.moduleLoadList.filter((m) => !before.has(m)) })));
    `;
    const { c, added } = JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })) as { c: number; added: string[] };
    expect(c).toBe(0);
    expect(added).toContain('NativeModule vm');
    expect(added.filter((m) => /^NativeModule (crypto|stream|net|internal\/crypto\/|internal\/streams\/)/.test(m))).toEqual([]);
  });

  it('loads the template engine only for a run that renders Istio templates', () => {
    const dir = copyDist();
    const main = scripts(dir).find((f) => f.startsWith('main-'))!;
    const engine = scripts(dir).find((f) => f.startsWith('templates-'))!;
    expect(readFileSync(join(dir, 'chunks', main), 'utf8')).not.toMatch(/\bTemplateRenderer\s*=\s*class\b/);
    expect(readFileSync(join(dir, 'chunks', engine), 'utf8')).toMatch(/\bTemplateRenderer\s*=\s*class\b/);
    expect(Object.keys(inspect(dir, jobs.krm))).not.toContain(engine);
    expect(inspect(dir, jobs.templates)).toMatchObject({ [engine]: false });
  });

  it('gives the same results with valid, missing and rejected caches, as the sources do', async () => {
    const valid = copyDist();
    const missing = copyDist();
    for (const f of readdirSync(join(missing, 'chunks'))) if (f.endsWith('.cache')) rmSync(join(missing, 'chunks', f));
    const spoiled = copyDist();
    for (const f of readdirSync(join(spoiled, 'chunks'))) {
      if (f.endsWith('.cache')) writeFileSync(join(spoiled, 'chunks', f), Buffer.alloc(statSync(join(spoiled, 'chunks', f)).size, 7));
    }
    expect(Object.values(inspect(spoiled, jobs.krm)).every((rejected) => rejected === true)).toBe(true);
    for (const [name, job] of Object.entries(jobs)) {
      const expected = await runCli(job.argv, job.input);
      expect(expected.code, name).toBe(0);
      expect(expected.stdout, name).toMatch(/istio-proxy/);
      for (const dir of [valid, missing, spoiled]) {
        expect({ name, ...run(dir, job) }).toEqual({ name, ...expected });
      }
    }
  });

  it('never writes: the copy of dist/ is unchanged after runs', () => {
    const dir = copyDist();
    const state = () =>
      ['', 'chunks']
        .flatMap((sub) =>
          readdirSync(join(dir, sub)).map((f) => {
            const s = statSync(join(dir, sub, f));
            return `${sub}/${f} ${s.size} ${s.mtimeMs}`;
          }),
        )
        .sort();
    const before = state();
    for (const job of Object.values(jobs)) expect(run(dir, job).code).toBe(0);
    expect(state()).toEqual(before);
  });

  // Node cannot hand a child a non-blocking pipe; python can. The CLI reads and writes its standard
  // streams synchronously and must fall back to Node's streams where that would block (EAGAIN).
  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('reads and writes non-blocking pipes in full (stdin arrives late, stdout is read late)', () => {
    const items = Array.from({ length: 60 }, (_, i) => deployment.replace(/web/g, `web${i}`));
    const input = list([namespace, ...items], fnConfig);
    const expected = run(dist, { argv: [], input });
    expect(Buffer.byteLength(expected.stdout)).toBeGreaterThan(256 * 1024);
    const script = `
import os, subprocess, sys, time
data = sys.stdin.buffer.read()
r, w = os.pipe(); os.set_blocking(w, False)
ri, wi = os.pipe(); os.set_blocking(ri, False)
p = subprocess.Popen([sys.argv[1], sys.argv[2]], stdin=ri, stdout=w)
os.close(w); os.close(ri)
time.sleep(0.3)
with os.fdopen(wi, 'wb') as f:
    for i in range(0, len(data), 65536):
        f.write(data[i:i + 65536]); f.flush(); time.sleep(0.01)
time.sleep(1.0)
out = b''
while True:
    chunk = os.read(r, 65536)
    if not chunk: break
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(p.wait())
`;
    const r = spawnSync('python3', ['-c', script, process.execPath, join(dist, loaderName)], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(expected.stdout.length);
    expect(r.stdout === expected.stdout).toBe(true);
  });

  it("runs through a symlink to the loader (bin links, the image's PATH entry)", () => {
    const dir = copyDist();
    const bin = tempDir('inject-sidecar-bin-');
    symlinkSync(join(dir, loaderName), join(bin, 'inject-sidecar'));
    const r = run(dir, jobs.krm, join(bin, 'inject-sidecar'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/istio-proxy/);
  });
});
