/**
 * The built CLI as a process (run `npm run build` first): a reader that goes away (`… | head -1`)
 * ends the run quietly, as for any Unix filter.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { app } from './bookinfo.js';

const bin = resolve(import.meta.dirname, '../../dist/inject-sidecar.js');

describe('a broken pipe', () => {
  it('ends quietly: no "internal error: EPIPE"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epipe-'));
    const file = join(dir, 'big.yaml');
    // Large enough that the output does not fit in a pipe buffer.
    writeFileSync(file, Array.from({ length: 120 }, (_, i) => app(`svc${i}`)).join('---\n'));
    // A shell pipe (64 KiB) into head, which exits after the first line.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" -q -f "${file}" | head -1`], { encoding: 'utf8' });
    const stderr = r.stderr;
    const code = r.status;
    expect(r.stdout).toBe('apiVersion: v1\n');
    expect(stderr).not.toContain('internal error');
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
