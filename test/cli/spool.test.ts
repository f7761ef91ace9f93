// The spool keeps stream mode's held output (printed texts of changed documents) out of the heap:
// in memory up to a threshold, then in a temporary file that is unlinked as soon as it is open.
import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError } from '../../src/cli/files.js';
import { SpoolStore } from '../../src/cli/spool.js';
import { IoContext, type TextRef } from '../../src/io/index.js';
import { runCli } from '../support/run-cli.js';

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'inject-sidecar-spool-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const texts = [
  'apiVersion: v1\nkind: A\n',
  '',
  'ünïcödé ✓ 𝄞 — multi-byte\n',
  'x'.repeat(1500 * 1024), // more than one flush of the file
  // multi-byte texts that may or may not fit what is left of the write buffer (1 MiB)
  'é'.repeat(400 * 1024),
  'ü'.repeat(300 * 1024),
  '𝄞'.repeat(300 * 1024), // 1.2 MiB: longer than the buffer
  ...Array.from({ length: 300 }, (_, i) => `doc ${i}: ${'y'.repeat(i * 7)}\n`),
];

describe('SpoolStore', () => {
  it('gives back what was put, from memory below its threshold and from its file above it', () => {
    const dir = freshDir();
    for (const after of [Number.MAX_SAFE_INTEGER, 0, 2000]) {
      const spool = new SpoolStore({ after, dir });
      const refs: TextRef[] = texts.map((t) => spool.put(t));
      // read back in order, out of order, and twice
      expect(refs.map((r) => spool.get(r))).toEqual(texts);
      expect(spool.get(refs[3]!)).toBe(texts[3]);
      expect(spool.get(refs[2]!)).toBe(texts[2]);
      if (after === Number.MAX_SAFE_INTEGER) expect(spool.spilled).toBe(0);
      else expect(spool.spilled).toBeGreaterThan(texts.length - 5);
      spool.close();
    }
  });

  it('reads back a text put after others were read (writes still waiting are written first)', () => {
    const spool = new SpoolStore({ after: 0, dir: freshDir() });
    const a = spool.put('first\n');
    expect(spool.get(a)).toBe('first\n');
    const b = spool.put('second\n');
    expect(spool.get(b)).toBe('second\n');
    expect(spool.get(a)).toBe('first\n');
    spool.close();
  });

  it('leaves nothing in its directory: the file is unlinked as soon as it is open', () => {
    const dir = freshDir();
    const spool = new SpoolStore({ after: 0, dir });
    const ref = spool.put('held text\n');
    expect(spool.spilled).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    expect(spool.get(ref)).toBe('held text\n');
    spool.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps texts in memory when no temporary file can be made', () => {
    const spool = new SpoolStore({ after: 0, dir: join(freshDir(), 'missing', 'dir') });
    const refs = texts.slice(0, 5).map((t) => spool.put(t));
    expect(refs.map((r) => spool.get(r))).toEqual(texts.slice(0, 5));
    expect(spool.spilled).toBe(0);
    spool.close();
  });

  it('a failed write of its file is a FileError naming the spool', () => {
    const spool = new SpoolStore({ after: 0, dir: freshDir() });
    spool.put('a\n');
    // the descriptor taken away under it: the next write fails (EBADF)
    closeSync((spool as unknown as { fd: number }).fd);
    let caught: unknown;
    try {
      spool.put('b'.repeat(2 * 1024 * 1024));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as Error).message).toMatch(/^temporary file for the output held until the end \(in .*\): cannot write: EBADF/);
    (spool as unknown as { fd: number | undefined }).fd = undefined;
  });
});

const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const deployment = (i: number, annotations = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i} # workload ${i}\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n${annotations}    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        env: [{name: N, value: "${i}"}]\n`;
const BAD = '      annotations:\n        sidecar.istio.io/proxyCPU: "bogus"\n';

/** The CLI in-process with the I/O context given (its store). */
const run = (argv: string[], ctx: IoContext, stdin = '') => runCli(argv, stdin, ctx);

describe('stream mode with the spool', () => {
  const stream = [namespace, ...Array.from({ length: 200 }, (_, i) => deployment(i))].join('---\n');

  it('writes the same bytes with texts held in a file as with texts held in memory', async () => {
    const dir = freshDir();
    const spool = new SpoolStore({ after: 0, dir });
    const inMemory = await run(['-q', '-f', '-'], new IoContext(), stream);
    const spooled = await run(['-q', '-f', '-'], new IoContext({ store: spool }), stream);
    spool.close();
    expect(inMemory.code).toBe(0);
    expect(inMemory.stdout.match(/name: istio-proxy/g)?.length).toBe(200);
    expect(spool.spilled).toBe(200);
    expect(spooled.stdout).toBe(inMemory.stdout);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the same files in place with texts held in a file', async () => {
    const dir = freshDir();
    const files = ['a.yaml', 'b.yaml'];
    const write = (sub: string) => {
      for (const [i, f] of files.entries()) writeFileSync(join(dir, `${sub}-${f}`), i === 0 ? stream : [namespace, deployment(7)].join('---\n'));
    };
    write('mem');
    write('spool');
    const spool = new SpoolStore({ after: 0, dir: freshDir() });
    const args = (sub: string) => ['-q', '--in-place', ...files.flatMap((f) => ['-f', join(dir, `${sub}-${f}`)])];
    expect((await run(args('mem'), new IoContext())).code).toBe(0);
    expect((await run(args('spool'), new IoContext({ store: spool }))).code).toBe(0);
    spool.close();
    expect(spool.spilled).toBe(201);
    for (const f of files) {
      const out = readFileSync(join(dir, `spool-${f}`), 'utf8');
      expect(out).toContain('name: istio-proxy');
      expect(out).toBe(readFileSync(join(dir, `mem-${f}`), 'utf8'));
    }
  });

  it('writes nothing, and leaves no temporary file, when a later document fails', async () => {
    const dir = freshDir();
    const spoolDir = freshDir();
    const spool = new SpoolStore({ after: 0, dir: spoolDir });
    const bad = `${stream}---\n${deployment(999, BAD)}`;
    const target = join(dir, 'out.yaml');
    const r = await run(['-q', '-f', '-', '-o', target], new IoContext({ store: spool }), bad);
    spool.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid value 'bogus'");
    // the documents before it were injected and their texts went to the spool's file
    expect(spool.spilled).toBe(200);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(spoolDir)).toEqual([]);
    const again = new SpoolStore({ after: 0, dir: spoolDir });
    const toStdout = await run(['-q', '-f', '-'], new IoContext({ store: again }), bad);
    again.close();
    expect(toStdout.code).toBe(1);
    expect(again.spilled).toBe(200);
    expect(toStdout.stdout).toBe('');
  });
});
