/**
 * JSON text of a document read as JSON (json-read.ts), in the layout of the text it was read from:
 * its indentation (none, 2 or 4 spaces, a tab), line breaks and final line break. JSON is YAML
 * too, so such a document stays JSON inside a YAML stream as well as in a `.json` file.
 */
import type { Json } from '../kube/types.js';

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
 * The value as JSON in `style`. (U+0085, U+2028, U+2029 and U+FEFF stay as they are, as JSON
 * writes them: `yaml` reads them inside quotes as they are. Searching the output for them cost a
 * copy of it, 150 MB for a large List.)
 */
export function printJson(value: Json, style: JsonStyle): string {
  let out = JSON.stringify(value, null, style.indent);
  if (style.eol === '\r\n') out = out.replace(/\n/g, '\r\n');
  return out + (style.final ? style.eol : '');
}
