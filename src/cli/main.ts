/**
 * Process entry point: the only place that touches `process`. `main()` runs the command on the
 * process's argv and standard streams; the built loader (scripts/build.mjs writes it as
 * dist/inject-sidecar.js) calls it, and running this file directly (`node --import tsx
 * src/cli/main.ts`) does too. It is not responsible for anything the command does (cli.ts).
 *
 * Standard streams go through file descriptors, not `process.stdin`/`process.stdout`: creating
 * those stream objects loads Node's stream, net and tty modules, several milliseconds of a start-up
 * that is ~100 ms in total. Reads and writes are synchronous on a blocking descriptor (the usual
 * case: a pipe or a file); on a non-blocking one (EAGAIN) the rest goes through the stream
 * objects. Output is written in full before the exit code is set, and never with
 * `process.exit()`, which would cut a piped stdout at 64 KiB.
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cli, type CliIO } from './cli.js';
import { removePendingFiles, utf8Bytes } from './files.js';
import { FileError, MAX_INPUT_BYTES } from './fsguard.js';
import { decodeUtf8 } from '../io/index.js';

export { cli };

const isAgain = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EAGAIN';

const stdinTooLarge = () => new FileError(`<stdin>: larger than the limit of ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);

/**
 * Reads stdin to its end (at most MAX_INPUT_BYTES: an endless stream is an error, not 4 GB):
 * synchronously from fd 0, or through `process.stdin` if it would block.
 */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(65536);
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (!isAgain(e)) throw e;
      for await (const chunk of process.stdin) {
        total += (chunk as Buffer).length;
        if (total > MAX_INPUT_BYTES) {
          process.stdin.destroy();
          throw stdinTooLarge();
        }
        chunks.push(chunk as Buffer);
      }
      break;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) throw stdinTooLarge();
    chunks.push(buf.subarray(0, n));
  }
  return decodeUtf8(Buffer.concat(chunks), '<stdin>');
}

/** Above this many characters of input, the heap is kept small (see smallHeap). */
export const LARGE_INPUT = 4_000_000;
/** Bytes of young generation (its two semi-spaces) past which it grows no more in a large run. */
export const YOUNG_CAP = 8 * 1024 * 1024;
/** Documents between two looks at the young generation's size. */
export const LOOK_EVERY = 32;

/** What smallHeap uses of node:v8. */
export type HeapControls = Pick<typeof import('node:v8'), 'setFlagsFromString' | 'getHeapSpaceStatistics'>;

/**
 * A large input streams through (each document or item written, or held outside the heap, and let
 * go when done), so what stays alive is small, ~50 MB at 10,000 workloads with the input's text.
 * V8's defaults still let the young generation grow to 32 MB and the old one far past what is
 * alive before a full collection. For a large input: full collections sooner (heap growth 10%);
 * the young generation kept at its first size while the input is read and checked, then let grow
 * during the run up to YOUNG_CAP. At 10,000 workloads (a 17 MB stream): peak RSS ~150 MB instead of
 * ~185 MB for ~4% more CPU (at its first size throughout, as before: ~145 MB for ~15-20% more CPU).
 * A walk of a directory tree (`walking`, before the files' size is known) holds the young
 * generation too: the list of 20,000 files alone grew it to 16 MB, more than the run's cap.
 * Heap sizes can only be set when V8 starts; these flags are read as the heap grows, so they can
 * be changed on the way (they leave the code caches valid). Small inputs keep the defaults and do
 * not load node:v8 (~1 ms of a ~80 ms start).
 */
export function smallHeap(load: () => Promise<HeapControls> = () => import('node:v8')): NonNullable<CliIO['heap']> {
  let total = 0;
  let v8: HeapControls | undefined;
  let state: 'default' | 'walking' | 'reading' | 'growing' | 'capped' = 'default';
  let done = 0;
  return {
    async walking() {
      if (state !== 'default') return;
      v8 ??= await load();
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      state = 'walking';
    },
    async input(size) {
      total += size;
      if (total <= LARGE_INPUT) {
        if (state === 'walking') {
          // the walk found a small input: V8's default back
          v8!.setFlagsFromString('--semi-space-growth-factor=2');
          state = 'default';
        }
        return;
      }
      if (state !== 'default' && state !== 'walking') return;
      v8 ??= await load();
      v8.setFlagsFromString('--heap-growing-percent=10');
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      state = 'reading';
    },
    done() {
      if (v8 === undefined || state === 'default' || state === 'walking' || state === 'capped') return;
      if (state === 'reading') {
        v8.setFlagsFromString('--semi-space-growth-factor=2');
        state = 'growing';
      }
      if (++done % LOOK_EVERY !== 0) return;
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (young !== undefined && young.space_size >= YOUNG_CAP) {
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        state = 'capped';
      }
    },
  };
}

/** Descriptors that refused a write (non-blocking): from then on, everything goes to their stream. */
const viaStream = new Set<1 | 2>();

/**
 * Descriptors whose reader has gone (`… | head -1`): like any Unix filter, the rest of the output
 * is dropped quietly; the run goes on to its exit code.
 */
const closed = new Set<1 | 2>();

const isBrokenPipe = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EPIPE';

/** The stream object of fd 1 or 2, with a broken pipe handled as by `writeAll`. */
function streamOf(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (e) => {
      if (!isBrokenPipe(e)) throw e;
      closed.add(fd);
    });
  }
  return stream;
}

/** Writes all of `text` to fd 1 or 2, in order with what was written before. */
function writeAll(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  if (viaStream.has(fd)) return void streamOf(fd).write(text);
  const bytes = utf8Bytes(text);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if (isBrokenPipe(e)) return void closed.add(fd);
      if (!isAgain(e)) throw e;
      viaStream.add(fd);
      // The stream writes later: a copy, not the shared buffer.
      return void streamOf(fd).write(Buffer.from(bytes.subarray(off)));
    }
  }
}

/** Only a character device can be a terminal; the tty module decides then (loaded only for one). */
async function isTTY(fd: 0 | 2): Promise<boolean> {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (await import('node:tty')).isatty(fd);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Writes output files with handlers for SIGINT, SIGTERM and SIGHUP in place: a signal that comes
 * while writing removes the temporary files (the write itself is synchronous, so it completes or
 * rolls back first), then is raised again once the handlers are gone, so the process ends as the
 * signal asks (exit code 128 + its number where it is not killed by it).
 */
async function whileWriting(write: () => void): Promise<void> {
  let caught: (typeof SIGNALS)[number] | undefined;
  const onSignal = (sig: (typeof SIGNALS)[number]) => {
    caught ??= sig;
    removePendingFiles();
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  try {
    write();
  } finally {
    removePendingFiles();
    // A signal that arrived during the synchronous write is delivered on the next turns of the loop.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    for (const sig of SIGNALS) process.off(sig, onSignal);
    if (caught) {
      process.exitCode = 128 + constants.signals[caught];
      process.kill(process.pid, caught);
    }
  }
}

export async function main(): Promise<void> {
  try {
    process.exitCode = await cli(process.argv.slice(2), {
      readStdin,
      stdout: (text) => writeAll(1, text),
      stderr: (text) => writeAll(2, text),
      stdinIsTTY: await isTTY(0),
      stderrIsTTY: await isTTY(2),
      now: () => performance.now(),
      logToStderr: process.env.LOG_TO_STDERR === 'true',
      whileWriting,
      heap: smallHeap(),
    });
  } catch (e) {
    // A bug, not a user problem: say so plainly, without a stack trace unless asked for.
    const detail = process.env.INJECT_SIDECAR_DEBUG ? `\n${(e as Error).stack}` : '';
    process.stderr.write(`inject-sidecar: internal error: ${(e as Error).message}${detail}\n`);
    process.exitCode = 1;
  }
}

// Run directly from source (the bundle is started by its loader, where import.meta.url is unset).
if (import.meta.url && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
