/**
 * What the CLI may read, and how much. Two kinds of file names reach it:
 *
 * - the operator's, on the command line (`-f`, `--config`, `--valuesFile`, ...): anywhere, but only
 *   regular files, read with a size cap (an endless `/dev/zero` or a FIFO is an error, not 4 GB);
 * - the repository's, inside a function config (`spec.istio.valuesFile`, ...): resolved relative
 *   to the config's directory and kept inside that tree (or the operator's `--config-root`) after
 *   resolving symlinks; absolute paths, `..` escapes and links out are errors naming the field.
 *
 * No message here quotes a file's content: at most the field and the path, escaped for a
 * terminal by `displayPath`.
 */
import { decodeUtf8, InputError } from '../io/index.js';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export class FileError extends Error {
  override name = 'FileError';
  /** The function config field that named the file, when a function config did. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

const MiB = 1024 * 1024;
/** Largest function config or Istio file (values, mesh config, injection templates). */
export const MAX_CONFIG_BYTES = 16 * MiB;
/**
 * Largest manifest input, per file and on stdin. (V8's longest string is just under 512 MiB of
 * Latin-1, so a cap of 512 MiB could not be decoded in one piece; 256 MiB leaves room.)
 */
export const MAX_INPUT_BYTES = 256 * MiB;

/** Characters a terminal acts on (C0, DEL, C1) or that reorder text (bidi controls, line separators). */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * A path as it may be printed on stderr: as is when it holds nothing a terminal would act on,
 * otherwise double-quoted with those characters escaped (`"a\nb"`, `"\x1b[31m"`), as Go's %q does.
 */
export function displayPath(path: string): string {
  if (!UNSAFE.test(path)) return path;
  let out = '"';
  for (const ch of path) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (UNSAFE.test(ch)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** A short reason for a failed file-system call (never the file's content). */
export function errnoReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'ELOOP':
      return 'symlink loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return (e as NodeJS.ErrnoException).code ?? 'cannot be read';
  }
}

function formatBytes(n: number): string {
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}

/**
 * Reads a regular file of at most `cap` bytes as UTF-8. The size is checked before reading and
 * the read stops after `cap + 1` bytes (a file growing meanwhile is caught too), so memory stays
 * bounded whatever the path names. `label` names the file in messages (a field, or the path).
 */
export function readBounded(path: string, cap: number, label = displayPath(path), field?: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileError(`${label}: ${errnoReason(e)}`, field);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileError(`${label}: is a directory`, field);
    if (!st.isFile()) throw new FileError(`${label}: not a regular file (devices, FIFOs and sockets are not read)`, field);
    const tooLarge = () => new FileError(`${label}: larger than the limit of ${formatBytes(cap)}`, field);
    if (st.size > cap) throw tooLarge();
    // One buffer of the size fstat gave plus a byte (to see growth), doubled up to cap + 1 if the
    // file grows or reports no size (/proc files): no copy for the usual case.
    let buf = Buffer.allocUnsafe(Math.min(st.size, cap) + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > cap) throw tooLarge();
        const bigger = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, 65536), cap + 1));
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > cap) throw tooLarge();
    return decodeUtf8(buf.subarray(0, total), label);
  } catch (e) {
    // Invalid UTF-8 is the input's problem, with its position (decodeUtf8's error).
    if (e instanceof FileError || e instanceof InputError) throw e;
    throw new FileError(`${label}: ${errnoReason(e)}`, field);
  } finally {
    closeSync(fd);
  }
}

/** Is `path` (a real path) `root` or inside it? */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of a directory, or a FileError naming it. */
export function realDir(dir: string, what: string): string {
  try {
    return realpathSync(dir);
  } catch (e) {
    throw new FileError(`${what} ${displayPath(dir)}: ${errnoReason(e)}`);
  }
}

/**
 * Where the files a function config names may be: the config's own directory (for a
 * ResourceList's functionConfig, the current directory, which kpt and kustomize set to the
 * package), and the operator's `--config-root` when given.
 */
export interface ConfigRoots {
  /** Relative paths resolve against this directory. */
  base: string;
  /** Real paths of the trees the resolved file must be inside. */
  roots: string[];
}

export function configRoots(configFile: string | undefined, configRoot: string | undefined): ConfigRoots {
  const base = configFile === undefined ? resolve('.') : dirname(resolve(configFile));
  const roots = [realDir(base, 'config directory')];
  if (configRoot !== undefined) roots.push(realDir(configRoot, '--config-root'));
  return { base, roots };
}

/**
 * Reads a file named by a function config field (`field`, e.g. `spec.istio.valuesFile`): the path
 * must be relative (or inside `--config-root`), resolve inside one of the roots after symlinks,
 * and name a regular file within the config size cap.
 */
export function readConfigNamed(path: string, field: string, where: ConfigRoots): string {
  const label = `${field}: ${displayPath(path)}`;
  const widened = where.roots.length > 1;
  if (isAbsolute(path) && !widened) {
    throw new FileError(
      `${label}: absolute paths are not allowed in a function config; give a path relative to the config's directory (or widen with --config-root)`,
      field,
    );
  }
  let real: string;
  try {
    real = realpathSync(resolve(where.base, path));
  } catch (e) {
    const reason = errnoReason(e);
    // A link whose target is missing is a dangling link, not a missing file.
    throw new FileError(`${label}: ${reason === 'no such file' && isDanglingLink(resolve(where.base, path)) ? 'dangling symlink' : reason}`, field);
  }
  if (!where.roots.some((root) => isInside(root, real))) {
    throw new FileError(
      `${label}: outside the config's directory tree${widened ? ' and --config-root' : ''} (after resolving symlinks); files a function config names must be inside it (widen with --config-root)`,
      field,
    );
  }
  return readBounded(real, MAX_CONFIG_BYTES, label, field);
}

/** Is `path` a symlink whose target does not exist? */
export function isDanglingLink(path: string): boolean {
  try {
    if (!lstatSync(path).isSymbolicLink()) return false;
  } catch {
    return false;
  }
  try {
    statSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
