/**
 * Input errors of the I/O layer: a typed `InputError` with a stable `code`, a message that names
 * the place (file, line, column), and the helpers that turn source offsets into line/column.
 * It does not decide what the CLI prints or which exit code follows; it only describes bad input.
 */
import { lineEnd } from './scan.js';

export const INPUT_ERROR_CODES = [
  'yaml-syntax', // malformed YAML (message from the parser, with its position)
  'duplicate-key', // a mapping with the same key twice
  'alias-limit', // too many alias expansions, or too much expanded by aliases (YAML "billion laughs")
  'too-deep', // nesting beyond MAX_DEPTH
  'binary', // NUL bytes or other control characters (also written as escapes)
  'invalid-utf8', // bytes that are not UTF-8
  'too-large', // a text longer than its limit
  'byte-order-mark', // a byte-order mark after the first character (files joined with their BOMs)
  'unsupported-tag', // a YAML tag for data JSON cannot hold (!!binary, !!set, !!omap, !!pairs, !!timestamp)
  'not-an-object', // a stream document that is not a mapping
  'not-a-resource-list', // KRM input whose top level is not a ResourceList
  'missing-items', // ResourceList without `items`
  'items-not-a-list', // `items` present but not a sequence
  'item-not-an-object', // an entry of `items` that is not a mapping
  'multiple-documents', // KRM input with more than one YAML document
  'function-config-not-an-object', // a ResourceList whose functionConfig is a scalar or a list
  'unsupported-edit', // an edit the I/O layer cannot apply to this document
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** Deepest nesting of mappings/sequences accepted; Kubernetes objects stay far below it. */
export const MAX_DEPTH = 200;
/** Cap on alias expansions per document (aliases inside an aliased node count at each expansion). */
export const MAX_ALIAS_COUNT = 100;
/** Cap on the characters (plus one per node) aliases add to a document when expanded. */
export const MAX_ALIAS_EXPANSION = 4 * 1024 * 1024;

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly code: InputErrorCode,
    /** The problem without the position prefix. */
    readonly detail: string,
    /** 1-based line and column of the problem (0 when unknown). */
    readonly line: number,
    readonly col: number,
    readonly file?: string,
  ) {
    super(`${where(file, line, col)}: ${detail}`);
  }
}

function where(file: string | undefined, line: number, col: number): string {
  if (file !== undefined) return line > 0 ? `${file}:${line}:${col}` : file;
  return line > 0 ? `line ${line}, column ${col}` : 'input';
}

/** Offsets of line starts in a text, for offset -> (line, col) lookups by binary search. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(readonly text: string) {}

  private index(): number[] {
    if (this.starts === undefined) {
      const starts = [0];
      const t = this.text;
      for (let le = lineEnd(t, 0, t.length); le < t.length; le = lineEnd(t, le + 1, t.length)) starts.push(le + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** 1-based line and column (columns count UTF-16 units, as yaml does). */
  pos(offset: number): { line: number; col: number } {
    const s = this.index();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - s[lo]! + 1 };
  }
}

export function inputError(code: InputErrorCode, detail: string, lines: LineIndex, offset: number, file?: string): InputError {
  const { line, col } = lines.pos(Math.max(0, Math.min(offset, lines.text.length)));
  return new InputError(code, detail, line, col, file);
}

// Control characters YAML does not allow in a stream (tab, LF and CR are fine).
// eslint-disable-next-line no-control-regex
const BINARY = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/;

/** The first control character YAML does not allow in `text`, with its offset and U+ name. */
export function controlCharacter(text: string): { index: number; name: string } | undefined {
  const m = BINARY.exec(text);
  if (!m) return undefined;
  return { index: m.index, name: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

/** Rejects NUL bytes and other control characters with their position. */
export function checkBinary(text: string, lines: LineIndex, file?: string): void {
  const c = controlCharacter(text);
  if (c) throw inputError('binary', `control character ${c.name} is not allowed in YAML (binary data?)`, lines, c.index, file);
  // A BOM is allowed as the first character only. `yaml` reads one after `---` as part of the next
  // key (`\uFEFFkind`), which would make a workload silently not a workload.
  const bom = text.indexOf('\uFEFF', 1);
  if (bom !== -1) {
    throw inputError(
      'byte-order-mark',
      'byte-order mark (U+FEFF) after the start of the text (files joined with their byte-order marks?); only the first character may be one',
      lines,
      bom,
      file,
    );
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes read from `name` (a file or `<stdin>`) as UTF-8, keeping a byte-order mark.
 * Bytes that are not UTF-8 are an `invalid-utf8` error at their line and column, instead of
 * silently becoming U+FFFD.
 */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    let ls = at;
    while (ls > 0 && bytes[ls - 1] !== 10) ls--;
    let line = 1;
    for (let i = 0; i < ls; i++) if (bytes[i] === 10) line++;
    const col = new TextDecoder().decode(bytes.subarray(ls, at)).length + 1;
    const byte = `0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')}`;
    throw new InputError('invalid-utf8', `invalid UTF-8 (byte ${byte} at offset ${at})`, line, col, name);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i; // a bad or cut-off sequence starts here
    }
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
