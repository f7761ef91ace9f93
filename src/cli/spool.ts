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
import { closeSync, constants, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextRef, TextStore } from '../io/index.js';
import { detachString } from '../kube/types.js';
import { FileError, fitsUtf8, utf8Bytes, writeReason } from './files.js';
import { displayPath } from './fsguard.js';

/** Characters of text held in memory before the spool goes to a file. */
export const SPOOL_AFTER = 4 * 1024 * 1024;
/**
 * Bytes gathered before one write to the file, in one buffer kept for the whole run: a buffer per
 * text would hold its bytes outside the V8 heap until a full garbage collection, which in a long
 * run comes late (the output's size in external memory, ~45 MB at 10,000 workloads).
 */
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
  /** Bytes in the file, and those of them written (the rest wait in `buffer`). */
  private size = 0;
  private written = 0;
  private buffer: Buffer | undefined;
  private readBuffer: Buffer | undefined;
  /** Texts put in the file (for tests and measurements). */
  spilled = 0;

  constructor(options: SpoolOptions = {}) {
    this.after = options.after ?? SPOOL_AFTER;
    this.dir = options.dir ?? tmpdir();
  }

  put(text: string): TextRef {
    if (this.fd === undefined && (this.noFile || this.held + text.length <= this.after || !this.open())) {
      this.held += text.length;
      return { text: detachString(text) } satisfies InMemory;
    }
    const ref: InFile = { at: this.size, bytes: this.append(text) };
    this.size += ref.bytes;
    this.spilled++;
    return ref;
  }

  /** Adds `text` to the bytes waiting for the file (writing them when the buffer is full); its length in bytes. */
  private append(text: string): number {
    const buf = (this.buffer ??= Buffer.allocUnsafe(FLUSH_BYTES));
    let used = this.size - this.written;
    if (!fitsUtf8(text, buf.length - used)) {
      this.flush();
      used = 0;
      if (!fitsUtf8(text, buf.length)) {
        // Longer than the buffer: written on its own (a rare, very large document).
        const bytes = utf8Bytes(text);
        this.writeAt(bytes, this.written);
        this.written += bytes.length;
        return bytes.length;
      }
    }
    return buf.write(text, used, 'utf8');
  }

  get(ref: TextRef): string {
    if ('text' in ref) return (ref as InMemory).text;
    const { at, bytes } = ref as InFile;
    if (at + bytes > this.written) this.flush();
    // Read into one buffer kept for the run (see `append`), grown to the longest text read.
    if (!this.readBuffer || this.readBuffer.length < bytes) this.readBuffer = Buffer.allocUnsafe(Math.max(bytes, FLUSH_BYTES));
    const buf = this.readBuffer;
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
    return buf.toString('utf8', 0, bytes);
  }

  /** Closes the file (it was unlinked when opened, so this frees its space). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.buffer = this.readBuffer = undefined;
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

  /** Writes the bytes waiting in the buffer. */
  private flush(): void {
    const waiting = this.size - this.written;
    if (waiting === 0) return;
    this.writeAt(this.buffer!.subarray(0, waiting), this.written);
    this.written = this.size;
  }

  /** Writes all of `bytes` at `at` in the file (a write may be short). */
  private writeAt(bytes: Buffer, at: number): void {
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd!, bytes, off, bytes.length - off, at + off);
    } catch (e) {
      throw this.error('write', e);
    }
  }

  private error(op: 'read' | 'write', e: unknown): FileError {
    return new FileError(`temporary file for the output held until the end (in ${displayPath(this.dir)}): cannot ${op}: ${writeReason(e)}`);
  }
}
