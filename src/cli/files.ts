/**
 * File-system edge of the CLI: expanding `-f` arguments into files, reading them, and writing
 * output atomically (temporary file in the same directory, then rename) so that an error or a
 * crash never leaves a truncated or half-written file behind.
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync, unlinkSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { decodeUtf8 } from '../io/index.js';
import { basename, dirname, join } from 'node:path';

export class FileError extends Error {
  override name = 'FileError';
}

/** Expands files and directories (their *.yaml / *.yml files, sorted) into a list of paths. */
export function expandInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new FileError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const entries = readdirSync(p)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(p, f))
        .filter((f) => statSync(f).isFile());
      if (!entries.length) throw new FileError(`${p}: directory has no *.yaml or *.yml files`);
      out.push(...entries);
    } else {
      out.push(p);
    }
  }
  return out;
}

export function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FileError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return decodeUtf8(bytes, path);
}

/** Writes `text` to `path` through a temporary file and a rename: readers see the old or the new file, never a part. */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: existingMode(path) });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw new FileError(`${path}: cannot write: ${(e as Error).message}`);
  }
}

function existingMode(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o644;
  }
}
