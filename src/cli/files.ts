/**
 * File-system edge of the CLI: expanding `-f` arguments into files (directories, `-R`, symlinks),
 * reading them (bounded, see fsguard.ts), and writing output safely: a temporary file created
 * exclusively under an unguessable name in the target's directory, synced, then renamed over the
 * target, so that an error, a crash or a planted symlink never leaves a truncated, half-written or
 * redirected file behind. `--in-place` over many files is all or nothing.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { detachString } from '../kube/types.js';
import { displayPath, errnoReason, FileError, isDanglingLink, isInside, MAX_INPUT_BYTES, readBounded } from './fsguard.js';

export { FileError };

/** `-R` walks at most this many directory levels below a `-f` directory ... */
export const MAX_WALK_DEPTH = 32;
/**
 * ... and yields at most this many files in total: a repository of one object per file can hold
 * 100,000 workloads and Services, and the walk stays bounded (`maxFiles` sets another bound).
 */
export const MAX_INPUT_FILES = 200_000;

export interface InputFile {
  /** The path to read and (with --in-place) write, as given or joined from a directory. */
  path: string;
  /** Real path of the tree it came from: the `-f` directory, or the `-f` file's directory. */
  root: string;
}

export interface Expanded {
  files: InputFile[];
  /** Problems that do not stop the run (a link out of a directory, subdirectories without -R, a file given twice). */
  warnings: string[];
}

const YAML_NAME = /\.ya?ml$/;

/** The reason a path given on the command line cannot be used: missing, dangling or looping. */
function statError(path: string, e: unknown): FileError {
  const reason = errnoReason(e);
  if (reason === 'no such file') {
    return new FileError(`${displayPath(path)}: ${isDanglingLink(path) ? 'dangling symlink' : 'no such file or directory'}`);
  }
  return new FileError(`${displayPath(path)}: ${reason}`);
}

/**
 * Expands files and directories into a list of files: a directory gives its *.yaml / *.yml files
 * in sorted order, with `recursive` those of its subdirectories too (depth-first, sorted, bounded
 * by MAX_WALK_DEPTH and MAX_INPUT_FILES). A file reached twice is read once, with a warning.
 */
export function expandInputs(paths: readonly string[], opts: { recursive?: boolean; maxFiles?: number } = {}): Expanded {
  const maxFiles = opts.maxFiles ?? MAX_INPUT_FILES;
  const files: InputFile[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  const add = (path: string, real: string, root: string) => {
    const first = seen.get(real);
    if (first !== undefined) {
      warnings.push(`${displayPath(path)}: the same file as ${displayPath(first)}, given twice: read once`);
      return;
    }
    if (files.length >= maxFiles) throw new FileError(`${displayPath(path)}: more than ${maxFiles} input files`);
    // Kept to the end of the run (the real path to the end of the walk): flat copies, as a path
    // made by `join` is a chain of ~17 pieces until something reads it whole (detachString).
    const kept = detachString(path);
    seen.set(detachString(real), kept);
    files.push({ path: kept, root });
  };
  let stdin = false;
  for (const p of paths) {
    if (p === '-') {
      if (stdin) warnings.push('-: stdin given twice: read once');
      else files.push({ path: p, root: '' });
      stdin = true;
      continue;
    }
    let st: Stats;
    let real: string;
    try {
      st = statSync(p);
      real = realpathSync(p);
    } catch (e) {
      throw statError(p, e);
    }
    if (st.isDirectory()) {
      const before = { files: files.length, warnings: warnings.length };
      const subdirs = walk(p, real, real, 0, opts.recursive === true, add, warnings);
      if (subdirs.length) {
        warnings.push(
          `${displayPath(p)}: subdirector${subdirs.length === 1 ? 'y' : 'ies'} with YAML files not read (give -R to read them): ${subdirs.map(displayPath).join(', ')}`,
        );
      }
      if (files.length === before.files && warnings.length === before.warnings) {
        throw new FileError(`${displayPath(p)}: directory has no *.yaml or *.yml files`);
      }
    } else {
      // A file named directly: its tree is the directory it was named in (a link out of it is read,
      // as the operator asked, but --in-place does not write through it).
      add(p, real, realDirOf(p));
    }
  }
  return { files, warnings };
}

/** Does `path` name a directory (an error is for expandInputs to report)? */
export function isDirectory(path: string): boolean {
  try {
    return path !== '-' && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The size in bytes of the files (stdin left out), from the file system; a file it cannot tell counts 0 (reading it will say why). */
export function filesSize(files: readonly InputFile[]): number {
  let total = 0;
  for (const { path } of files) {
    if (path === '-') continue;
    try {
      total += statSync(path).size;
    } catch {
      // reported when it is read
    }
  }
  return total;
}

function realDirOf(path: string): string {
  try {
    return realpathSync(dirname(path));
  } catch (e) {
    throw statError(dirname(path), e);
  }
}

/**
 * Adds the YAML files of `dir` (real path `realDir`, below the tree `root`), and with `recursive`
 * those of its subdirectories. Returns, when not recursive, the subdirectories holding YAML files.
 */
function walk(
  dir: string,
  realDir: string,
  root: string,
  depth: number,
  recursive: boolean,
  add: (path: string, real: string, root: string) => void,
  warnings: string[],
): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new FileError(`${displayPath(dir)}: ${errnoReason(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const withYaml: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const isYaml = YAML_NAME.test(entry.name);
    if (entry.isDirectory()) {
      if (!recursive) {
        if (containsYaml(path, depth + 1)) withYaml.push(path);
      } else if (depth + 1 > MAX_WALK_DEPTH) {
        throw new FileError(`${displayPath(path)}: more than ${MAX_WALK_DEPTH} directory levels below the -f directory`);
      } else {
        walk(path, join(realDir, entry.name), root, depth + 1, recursive, add, warnings);
      }
    } else if (entry.isSymbolicLink()) {
      let real: string;
      let st: Stats;
      try {
        real = realpathSync(path);
        st = statSync(real);
      } catch (e) {
        // A broken link that is not a manifest is none of our business (it cannot be a directory).
        if (!isYaml) continue;
        const reason = errnoReason(e);
        throw new FileError(`${displayPath(path)}: ${reason === 'no such file' ? 'dangling symlink' : reason}`);
      }
      if (st.isDirectory()) {
        // Directory links are not followed: they can lead out of the tree, or back into it.
        if (recursive) warnings.push(`${displayPath(path)}: symlink to a directory, not followed`);
      } else if (!isYaml) {
        // not a manifest: nothing to do
      } else if (!isInside(root, real)) {
        warnings.push(`${displayPath(path)}: skipped: symlink to a file outside ${displayPath(root)}`);
      } else if (!st.isFile()) {
        warnings.push(`${displayPath(path)}: skipped: not a regular file`);
      } else {
        add(path, real, root);
      }
    } else if (isYaml) {
      if (entry.isFile()) add(path, join(realDir, entry.name), root);
      else warnings.push(`${displayPath(path)}: skipped: not a regular file`);
    }
  }
  return withYaml;
}

/** Does `dir` hold a *.yaml / *.yml file at any depth (bounded; links are not followed)? */
function containsYaml(dir: string, depth: number): boolean {
  if (depth > MAX_WALK_DEPTH) return false;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => !e.isDirectory() && YAML_NAME.test(e.name))) return true;
  return entries.some((e) => e.isDirectory() && containsYaml(join(dir, e.name), depth + 1));
}

/** Reads a manifest file given with -f (or found in a -f directory): a regular file of at most MAX_INPUT_BYTES. */
export function readText(path: string): string {
  return readBounded(path, MAX_INPUT_BYTES);
}

// ---- writing --------------------------------------------------------------------------------

/** Temporary and backup files that exist right now (removed by removePendingFiles on a signal). */
const pending = new Set<string>();

/** Removes every temporary or backup file this process has not yet renamed or deleted. */
export function removePendingFiles(): void {
  for (const p of pending) tryUnlink(p);
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
  pending.delete(path);
}

/** Why a write failed: the error code and its meaning, never Node's message (it quotes raw paths). */
export function writeReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === undefined) return (e as Error).message;
  const reason = errnoReason(e);
  return reason === code ? code : `${code}: ${reason}`;
}

/**
 * A name in `dir` next to `base` that no one can guess (and so plant a link under beforehand).
 * Web Crypto's global, not `node:crypto`: Node loads it (and its stream modules, ~11 ms) only when
 * a run writes a file, not on every start.
 */
function sideName(dir: string, base: string, suffix: string): string {
  const random = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(9))).toString('base64url');
  return join(dir, `.${base}.${random}.${suffix}`);
}

type Target =
  /** A regular file (or a new one): temporary file, then rename. */
  | { kind: 'file'; path: string; shown: string; mode: number | undefined }
  /** A device or FIFO: opened and written like a shell redirection, never replaced. */
  | { kind: 'special'; path: string; shown: string };

/**
 * Where a write to `path` goes. `-o` (root undefined) follows a symlink as a shell redirection
 * does; `--in-place` (root set) writes through a symlink only to a target inside `root`.
 */
function resolveTarget(path: string, root: string | undefined): Target {
  const shown = displayPath(path);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'file', path, shown, mode: undefined };
    throw new FileError(`${shown}: cannot write: ${errnoReason(e)}`);
  }
  let real = path;
  if (st.isSymbolicLink()) {
    try {
      real = realpathSync(path);
      st = statSync(real);
    } catch (e) {
      const reason = errnoReason(e);
      throw new FileError(`${shown}: cannot write: ${reason === 'no such file' ? 'dangling symlink' : reason}`);
    }
    if (root !== undefined && !isInside(root, real)) {
      throw new FileError(`${shown}: cannot write in place: symlink to ${displayPath(real)}, outside the input tree ${displayPath(root)}`);
    }
  }
  if (st.isDirectory()) throw new FileError(`${shown}: cannot write: is a directory`);
  if (!st.isFile()) return { kind: 'special', path: real, shown };
  return { kind: 'file', path: real, shown, mode: st.mode & 0o7777 };
}

/**
 * What is written to a file: one string, or parts written one after another (a large output),
 * which may be made as they are asked for (and fail then: see writeTemp).
 */
export type OutputText = string | Iterable<string>;

/**
 * Parts are joined, or cut, to about this many characters for one write (a pipe's buffer). Not
 * more: V8 puts a string past ~128 KB among the large objects of the old generation, where a
 * chunk written and dropped stays until a full collection (at 1 MiB chunks, writing 80 MB of
 * output added ~13 MB to the peak RSS of a 10,000-workload run).
 */
export const WRITE_CHUNK = 1 << 16;

/** Where output goes: parts of any length, written in order; `flush` at the end. */
export interface OutputSink {
  write(part: string): void;
  /** Writes what is held (the sink takes more writes after). */
  flush(): void;
}

/**
 * The CLI's one buffered output: parts written to it go to `out` as chunks of at most about
 * WRITE_CHUNK characters: small parts joined (one write per document or item would be a system
 * call per document), a long one (a large untouched file) cut, never between the two halves of a
 * surrogate pair, so each chunk encodes on its own and no buffer of a whole file is made. Only a
 * chunk is held; what is held goes out on `flush`.
 */
export function outputSink(out: (chunk: string) => void): OutputSink {
  let chunk: string[] = [];
  let length = 0;
  return {
    write(part) {
      if (length + part.length > WRITE_CHUNK && chunk.length > 0) {
        out(chunk.join(''));
        chunk = [];
        length = 0;
      }
      if (part.length <= WRITE_CHUNK) {
        chunk.push(part);
        length += part.length;
        return;
      }
      let at = 0;
      while (part.length - at > WRITE_CHUNK) {
        let end = at + WRITE_CHUNK;
        const c = part.charCodeAt(end - 1);
        if (c >= 0xd800 && c <= 0xdbff) end--;
        out(part.slice(at, end));
        at = end;
      }
      chunk.push(part.slice(at));
      length = part.length - at;
    },
    flush() {
      if (chunk.length > 0) out(chunk.join(''));
      chunk = [];
      length = 0;
    },
  };
}

/** Writes `parts` (asked for one at a time) to `out` through a sink of its own, flushed at the end. */
export function writeChunked(out: (chunk: string) => void, parts: Iterable<string>): void {
  const sink = outputSink(out);
  for (const part of parts) sink.write(part);
  sink.flush();
}

/** UTF-8 bytes per UTF-16 code unit, at most. */
const MAX_UTF8_PER_UNIT = 3;

/** Does `text` take at most `room` bytes as UTF-8? (Measured only when its length cannot tell.) */
export function fitsUtf8(text: string, room: number): boolean {
  return text.length * MAX_UTF8_PER_UNIT <= room || Buffer.byteLength(text, 'utf8') <= room;
}

let scratch: Buffer | undefined;

/**
 * `text` as UTF-8 in a buffer kept for the whole run, valid until the next call (copy it to keep
 * it). A new buffer per write would hold its bytes outside the V8 heap until a garbage collection
 * frees it, and a long run's writes add up to its whole output before one does.
 */
export function utf8Bytes(text: string): Buffer {
  if (!scratch || !fitsUtf8(text, scratch.length)) {
    scratch = Buffer.allocUnsafe(Math.max(Buffer.byteLength(text, 'utf8'), MAX_UTF8_PER_UNIT * WRITE_CHUNK));
  }
  return scratch.subarray(0, scratch.write(text, 0, 'utf8'));
}

/** Writes all of `text` to an open descriptor. */
function writeFully(fd: number, text: OutputText): void {
  writeChunked(
    (chunk) => {
      const bytes = utf8Bytes(chunk);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    },
    typeof text === 'string' ? [text] : text,
  );
}

/** Creates a temporary file beside `target` (exclusively: never through a link), writes, syncs. */
function writeTemp(target: { path: string; shown: string; mode: number | undefined }, text: OutputText): string {
  const tmp = sideName(dirname(target.path), basename(target.path), 'tmp');
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, target.mode ?? 0o644);
  } catch (e) {
    throw new FileError(`${target.shown}: cannot write: ${writeReason(e)}`);
  }
  pending.add(tmp);
  try {
    if (target.mode !== undefined) fchmodSync(fd, target.mode);
    writeFully(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    tryUnlink(tmp);
    throw writeError(target.shown, e);
  }
  closeSync(fd);
  return tmp;
}

function writeSpecial(target: { path: string; shown: string }, text: OutputText): void {
  try {
    const fd = openSync(target.path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeFully(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw writeError(target.shown, e);
  }
}

/**
 * A failed write as a FileError naming the target; an error of making the output (its parts are
 * made while they are written: a read of the spool, a bug) goes on as it is.
 */
function writeError(shown: string, e: unknown): unknown {
  if (e instanceof FileError || (e as NodeJS.ErrnoException).code === undefined) return e;
  return new FileError(`${shown}: cannot write: ${writeReason(e)}`);
}

/**
 * Writes `text` to `path` (`-o`): through a temporary file and a rename, so readers see the old or
 * the new file, never a part. A symlink is followed (as a shell redirection would), a device or
 * FIFO is written to, not replaced.
 */
export function writeAtomic(path: string, text: OutputText): void {
  writeAllAtomic([{ path, text }]);
}

/**
 * Writes several files all or nothing: every temporary file is written and synced before the first
 * rename, every original is kept under a hard link until all renames are done, and a failed rename
 * puts back the originals already replaced. With `root` (`--in-place`), a symlinked file is written
 * through to its target only when that target is inside the file's input tree.
 */
export function writeAllAtomic(writes: readonly { path: string; text: OutputText; root?: string }[]): void {
  const targets = writes.map((w) => resolveTarget(w.path, w.root));
  const temps: string[] = [];
  const backups: (string | undefined)[] = [];
  try {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      if (t.kind === 'special') continue;
      temps[i] = writeTemp(t, writes[i]!.text);
      if (t.mode !== undefined && targets.length > 1) {
        const bak = sideName(dirname(t.path), basename(t.path), 'bak');
        try {
          linkSync(t.path, bak);
        } catch (e) {
          throw new FileError(`${t.shown}: cannot write: cannot keep the original while writing: ${writeReason(e)}`);
        }
        pending.add(bak);
        backups[i] = bak;
      }
    }
    const done: number[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      try {
        if (t.kind === 'special') {
          writeSpecial(t, writes[i]!.text);
          continue;
        }
        renameSync(temps[i]!, t.path);
        pending.delete(temps[i]!);
        done.push(i);
      } catch (e) {
        for (const j of done) {
          const bak = backups[j];
          if (bak !== undefined) {
            try {
              renameSync(bak, targets[j]!.path);
              pending.delete(bak);
            } catch {
              // left for removePendingFiles below; the message says the run failed
            }
          }
        }
        const why = e instanceof FileError ? e.message : `${t.shown}: cannot write: ${writeReason(e)}`;
        throw new FileError(`${why}${done.length ? ` (the ${done.length} file(s) already replaced were restored)` : ''}`);
      }
    }
  } finally {
    for (const p of [...temps, ...backups]) if (p !== undefined && pending.has(p)) tryUnlink(p);
  }
}
