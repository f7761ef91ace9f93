/**
 * The spool: where stream mode keeps the printed text of changed documents until the output is
 * written (nothing is written before every document went well, and an injected document is ~5x
 * its input), so that it does not stay in the V8 heap. The first few MiB stay in memory; past
 * that, texts go to a temporary file, read back when the output is written.
 *
 * The file is created private (mode 0600, in a fresh directory of os.tmpdir() made by mkdtemp),
 * and unlinked (with its directory) as soon as it is open: nothing lingers after the run, even
 * when the process is killed. Where an open file cannot be unlinked, it is removed again and the
 * texts stay in memory, as they do when no temporary file can be made at all (a read-only file
 * system). A failed write or read of the spool is a FileError.
 *
 * Bound: each changed document's printed text is put once, so the spool holds at most the
 * output, which the input limits bound (MAX_INPUT_BYTES per input, MAX_INPUT_FILES files, and
 * each document's growth by an injection).
 */
import { closeSync, constants, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextRef, TextStore } from '../io/index.js';
import { FileError, writeReason } from './files.js';
import { displayPath } from './fsguard.js';

/** Characters of text held in memory before the spool goes to a file. */
export const SPOOL_AFTER = 4 * 1024 * 1024;
/** Bytes gathered before one write to the file. */
const FLUSH_BYTES = 1024 * 1024;

interface InMemory {
  text: string;
}
interface InFile {
  at: number;
  bytes: number;
}

export interface SpoolOptions {
  /** Characters held in memory before texts go to a file (SPOOL_AFTER). */
  after?: number;
  /** Where the temporary file is made (os.tmpdir()). */
  dir?: string;
}

export class SpoolStore implements TextStore {
  private readonly after: number;
  private readonly dir: string;
  private held = 0;
  /** The open, unlinked temporary file; undefined before it is needed or when memory is used instead. */
  private fd: number | undefined;
  /** No file: it could not be made or unlinked (everything stays in memory). */
  private noFile = false;
  /** Bytes in the file, and those of them written (the rest wait in `pending`). */
  private size = 0;
  private written = 0;
  private pending: Buffer[] = [];
  /** Texts put in the file (for tests and measurements). */
  spilled = 0;

  constructor(options: SpoolOptions = {}) {
    this.after = options.after ?? SPOOL_AFTER;
    this.dir = options.dir ?? tmpdir();
  }

  put(text: string): TextRef {
    if (this.fd === undefined && (this.noFile || this.held + text.length <= this.after || !this.open())) {
      this.held += text.length;
      return { text } satisfies InMemory;
    }
    const bytes = Buffer.from(text, 'utf8');
    const ref: InFile = { at: this.size, bytes: bytes.length };
    this.pending.push(bytes);
    this.size += bytes.length;
    this.spilled++;
    if (this.size - this.written >= FLUSH_BYTES) this.flush();
    return ref;
  }

  get(ref: TextRef): string {
    if ('text' in ref) return (ref as InMemory).text;
    const { at, bytes } = ref as InFile;
    if (at + bytes > this.written) this.flush();
    const buf = Buffer.allocUnsafe(bytes);
    let off = 0;
    try {
      while (off < bytes) {
        const n = readSync(this.fd!, buf, off, bytes - off, at + off);
        if (n === 0) throw Object.assign(new Error('the file is shorter than what was written'), { code: 'EIO' });
        off += n;
      }
    } catch (e) {
      throw this.error('read', e);
    }
    return buf.toString('utf8');
  }

  /** Closes the file (it was unlinked when opened, so this frees its space). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
  }

  /** Makes the temporary file; false (and memory from then on) when it cannot be made or unlinked. */
  private open(): boolean {
    let dir: string;
    try {
      dir = mkdtempSync(join(this.dir, 'inject-sidecar-'));
    } catch {
      this.noFile = true;
      return false;
    }
    const path = join(dir, 'spool');
    try {
      this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      unlinkSync(path);
    } catch {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      this.noFile = true;
      try {
        unlinkSync(path);
      } catch {
        // not made, or already gone
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      // left empty in the temporary directory (its file is gone)
    }
    return this.fd !== undefined;
  }

  private flush(): void {
    let at = this.written;
    try {
      while (this.pending.length > 0) {
        const n = writevSync(this.fd!, this.pending, at);
        at += n;
        this.dropWritten(n);
      }
    } catch (e) {
      throw this.error('write', e);
    }
    this.written = at;
  }

  /** Drops the first `n` bytes of `pending` (a write may be short). */
  private dropWritten(n: number): void {
    while (n > 0) {
      const first = this.pending[0]!;
      if (first.length <= n) {
        n -= first.length;
        this.pending.shift();
      } else {
        this.pending[0] = first.subarray(n);
        n = 0;
      }
    }
  }

  private error(op: 'read' | 'write', e: unknown): FileError {
    return new FileError(`temporary file for the output held until the end (in ${displayPath(this.dir)}): cannot ${op}: ${writeReason(e)}`);
  }
}
