/**
 * Input errors of the I/O layer: a typed `InputError` with a stable `code`, a message that names
 * the place (file, line, column), and the helpers that turn source offsets into line/column.
 * It does not decide what the CLI prints or which exit code follows; it only describes bad input.
 */

export const INPUT_ERROR_CODES = [
  'yaml-syntax', // malformed YAML (message from the parser, with its position)
  'duplicate-key', // a mapping with the same key twice
  'alias-limit', // too many alias expansions (YAML "billion laughs")
  'too-deep', // nesting beyond MAX_DEPTH
  'binary', // NUL bytes or other control characters
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
/** Cap on alias expansions per document (passed to yaml as `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

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
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
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

export function inputError(
  code: InputErrorCode,
  detail: string,
  lines: LineIndex,
  offset: number,
  file?: string,
): InputError {
  const { line, col } = lines.pos(Math.max(0, Math.min(offset, lines.text.length)));
  return new InputError(code, detail, line, col, file);
}

// Control characters YAML does not allow in a stream (tab, LF and CR are fine).
// eslint-disable-next-line no-control-regex
const BINARY = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/;

/** Rejects NUL bytes and other control characters with their position. */
export function checkBinary(text: string, lines: LineIndex, file?: string): void {
  const m = BINARY.exec(text);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw inputError(
      'binary',
      `control character U+${code} is not allowed in YAML (binary data?)`,
      lines,
      m.index,
      file,
    );
  }
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
