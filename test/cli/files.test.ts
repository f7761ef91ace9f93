/**
 * writeAllAtomic's rollback: a rename that fails half-way through an `--in-place` run puts back
 * the originals already replaced, and leaves no temporary or backup file. A failing rename cannot
 * be provoked from outside without a race, so `renameSync` fails on request here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failing = vi.hoisted(() => ({ target: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (to === failing.target && from.endsWith('.tmp')) throw Object.assign(new Error('EIO: i/o error (simulated)'), { code: 'EIO' });
      return fs.renameSync(from, to);
    },
  };
});

const { writeAllAtomic, FileError } = await import('../../src/cli/files.js');

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-rollback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAllAtomic', () => {
  it('writes a text given in parts as the parts one after another', () => {
    const path = join(dir, 'parts.yaml');
    writeAllAtomic([{ path, text: ['kind: A\n', '---\n', 'kind: ü\n'] }]);
    expect(readFileSync(path, 'utf8')).toBe('kind: A\n---\nkind: ü\n');
    rmSync(path);
  });

  it('a failed rename restores the files already replaced and leaves nothing behind', () => {
    const names = ['a.yaml', 'b.yaml', 'c.yaml'];
    for (const n of names) writeFileSync(join(dir, n), `old ${n}\n`);
    const inodes = names.map((n) => statSync(join(dir, n)).ino);
    failing.target = join(dir, 'c.yaml');
    let error: unknown;
    try {
      writeAllAtomic(names.map((n) => ({ path: join(dir, n), text: `new ${n}\n`, root: dir })));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toBe(`${join(dir, 'c.yaml')}: cannot write: EIO (the 2 file(s) already replaced were restored)`);
    expect(names.map((n) => readFileSync(join(dir, n), 'utf8'))).toEqual(names.map((n) => `old ${n}\n`));
    // the originals themselves (same inodes) are back, not copies
    expect(names.map((n) => statSync(join(dir, n)).ino)).toEqual(inodes);
    expect(readdirSync(dir).sort()).toEqual(names);
  });

  it('without a failure every file is replaced and no backup is left', () => {
    failing.target = undefined;
    const names = ['x.yaml', 'y.yaml'];
    for (const n of names) writeFileSync(join(dir, n), `old ${n}\n`);
    writeAllAtomic(names.map((n) => ({ path: join(dir, n), text: `new ${n}\n`, root: dir })));
    expect(names.map((n) => readFileSync(join(dir, n), 'utf8'))).toEqual(names.map((n) => `new ${n}\n`));
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
