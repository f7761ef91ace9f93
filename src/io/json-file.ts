/**
 * JSON manifests written back as JSON: a document read as JSON (json-read.ts) prints itself as
 * JSON wherever it is (YamlResource.print, json-write.ts). A `.json` file that holds one document
 * is written back as JSON when the run changed it, also when the general YAML reader had to read
 * it (JSON the JSON reader leaves to it): `--in-place`, and stream output of that one file, in the
 * file's own indentation (none, 2 or 4 spaces, a tab), line breaks and final line break, instead
 * of the YAML the stream printer gives. An unchanged document keeps its bytes; anything else
 * is a YAML stream as before. It reads and writes no files.
 */
import type { Json } from '../kube/types.js';
import { jsonStyle, printJson } from './json-write.js';
import { YamlResource } from './resource.js';
import type { ResourceHandle } from './resource.js';
import { emitStreamParts, parseStream } from './stream.js';
import { ListDocument, ListItem } from './list-document.js';

export { jsonStyle } from './json-write.js';
export type { JsonStyle } from './json-write.js';

/**
 * The new text of the documents read from `file` (undefined: stdin or several files): JSON when
 * the file is named `.json`, holds one document and that document changed; else the YAML stream
 * (in which a document read as JSON is JSON).
 */
export function emitFile(docs: readonly ResourceHandle[], options: { file?: string | undefined }): string {
  return [...emitFileParts(docs, options)].join('');
}

/** `emitFile` in parts to be written one after another (see emitStreamParts). */
export function emitFileParts(docs: readonly ResourceHandle[], options: { file?: string | undefined }): Iterable<string> {
  const list = soleList(docs);
  if (list) {
    if (!list.changed || !/\.json$/i.test(options.file ?? '')) return emitStreamParts(docs);
    return jsonListParts(list);
  }
  const doc = docs.length === 1 ? docs[0] : undefined;
  if (!doc?.changed || !(doc instanceof YamlResource) || !/\.json$/i.test(options.file ?? '')) return emitStreamParts(docs);
  const source = doc.src.text;
  const style = jsonStyle(source);
  let value: Json;
  // read as JSON: the value the printed document would read back as, computed (as
  // YamlResource.print does, without the stream's joining of the file's text into one string)
  if (doc.slot.json) value = doc.outputValue();
  else {
    // the printed document (its value may be let go already) read back: our own YAML, one document
    const printed = parseStream(doc.text());
    if (printed.length !== 1) return emitStreamParts(docs);
    value = printed[0]!.value;
  }
  return [(source.startsWith('\uFEFF') ? '\uFEFF' : '') + printJson(value, style)];
}

/** The List document `docs` are all the items of, when it is their file's only document. */
function soleList(docs: readonly ResourceHandle[]): ListDocument | undefined {
  const first = docs[0];
  if (!(first instanceof ListItem)) return undefined;
  const { list } = first;
  if (list.items.length !== docs.length || list.items.some((it, i) => docs[i] !== it)) return undefined;
  return list;
}

/** A changed List as JSON in its file's layout (as `emitFileParts` writes one changed document). */
function* jsonListParts(list: ListDocument): Generator<string, void, undefined> {
  const source = list.src.text;
  const bom = source.startsWith('\uFEFF') ? '\uFEFF' : '';
  const style = jsonStyle(source);
  if (list.json) {
    let first = true;
    for (const part of list.jsonParts(style)) {
      yield first ? bom + part : part;
      first = false;
    }
    return;
  }
  // the printed document read back: our own YAML, one document
  const printed = parseStream([...emitStreamParts(list.items)].join(''));
  if (printed.length !== 1) {
    yield* emitStreamParts(list.items);
    return;
  }
  yield bom + printJson(printed[0]!.value, style);
}
