/**
 * JSON manifests written back as JSON: a `.json` file holds one JSON document, and when the run
 * changed it, `--in-place` (and stream output of that one file) writes JSON again, in the file's
 * own indentation (none, 2 or 4 spaces, a tab), line breaks and final line break, instead of the
 * YAML the stream printer gives. An unchanged document keeps its bytes; anything else (YAML files,
 * several files or documents, stdin) is a YAML stream as before. It reads and writes no files.
 */
import type { Json } from '../kube/types.js';
import { YamlResource } from './resource.js';
import type { ResourceHandle } from './resource.js';
import { emitStreamParts, parseStream } from './stream.js';

export interface JsonStyle {
  /** JSON.stringify's `space`: undefined for one-line JSON. */
  indent: number | '\t' | undefined;
  eol: '\n' | '\r\n';
  /** The text ends with a line break. */
  final: boolean;
}

/** How a JSON text is laid out: the indentation of its first indented line, its line breaks. */
export function jsonStyle(text: string): JsonStyle {
  const m = /\n([ \t]+)\S/.exec(text);
  const unit = m?.[1];
  return {
    indent: unit === undefined ? undefined : unit.startsWith('\t') ? '\t' : unit.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    final: text.endsWith('\n'),
  };
}

/**
 * The new text of the documents read from `file` (undefined: stdin or several files): JSON when
 * the file is named `.json`, holds one document and that document changed; else the YAML stream.
 */
export function emitFile(docs: readonly ResourceHandle[], options: { file?: string | undefined }): string {
  return [...emitFileParts(docs, options)].join('');
}

/** `emitFile` in parts to be written one after another (see emitStreamParts). */
export function emitFileParts(docs: readonly ResourceHandle[], options: { file?: string | undefined }): Iterable<string> {
  const doc = docs.length === 1 ? docs[0] : undefined;
  if (!doc?.changed || !(doc instanceof YamlResource) || !/\.json$/i.test(options.file ?? '')) return emitStreamParts(docs);
  const source = doc.src.text;
  const style = jsonStyle(source);
  let value: Json;
  // read from JSON (json-read.ts): the value the printed document would read back as, computed
  if (doc.slot.json) value = doc.outputValue();
  else {
    // the printed document (its value may be let go already) read back: our own YAML, one document
    const printed = parseStream(doc.text());
    if (printed.length !== 1) return emitStreamParts(docs);
    value = printed[0]!.value;
  }
  let out = JSON.stringify(value, null, style.indent);
  if (style.eol === '\r\n') out = out.replace(/\n/g, '\r\n');
  return [(source.startsWith('\uFEFF') ? '\uFEFF' : '') + out + (style.final ? style.eol : '')];
}
