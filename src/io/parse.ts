/**
 * The one entry point through which every YAML text the tool reads is parsed with `yaml`:
 * manifests and ResourceList items (resource.ts), the function config and ConfigMap values
 * (yaml-value.ts), Istio's values, mesh and injector config and injection template output
 * (template-output.ts). Whatever the text and whichever schema it is read with, the same limits
 * hold, each an `InputError` at the place of the problem:
 *  - size: texts other than manifests at most `MAX_CONFIG_TEXT` characters (manifests are
 *    bounded by the CLI's file size limit);
 *  - control characters: raw ones anywhere, and those written as escapes in double-quoted
 *    scalars (`"\x7f"`, `"\e"`), are refused;
 *  - nesting: at most `MAX_DEPTH` levels, counted through aliases, reported at the too-deep node;
 *  - aliases: at most `MAX_ALIAS_COUNT` alias expansions per document (counting the aliases
 *    inside an aliased node once per expansion), adding at most `MAX_ALIAS_EXPANSION`
 *    characters; an alias without an anchor before it, or inside its own anchor, is an error.
 * The checks walk the parsed document once (aliased nodes are measured once and reused), so a
 * "billion laughs" text is refused before anything expands it. Invalid UTF-8 is found where the
 * bytes are decoded (`decodeUtf8` in errors.ts). Converting the checked document to data stays
 * with the callers (core schema, or go-yaml's rules for template output).
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions } from 'yaml';
import { controlCharacter, inputError, InputError, LineIndex, MAX_ALIAS_COUNT, MAX_ALIAS_EXPANSION, MAX_DEPTH } from './errors.js';
import type { InputErrorCode } from './errors.js';

/** Longest text other than a manifest stream (values, mesh, injector config, function config, template output). */
export const MAX_CONFIG_TEXT = 4 * 1024 * 1024;

/** Builds the error for a problem at an offset of the parsed text. */
export type Place = (code: InputErrorCode, detail: string, offset: number) => InputError;

/** Errors placed by line and column in `text` itself, naming `file` when given. */
export function placeIn(text: string, file?: string): Place {
  const lines = new LineIndex(text);
  return (code, detail, offset) => inputError(code, detail, lines, offset, file);
}

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

export interface LimitOptions {
  /** Longest accepted text (default: no limit here). */
  maxLength?: number;
  /** The raw text was already checked for control characters (a slice of a checked input). */
  rawChecked?: boolean;
  /** Read only the first document of a stream (template output); default: the text is one document. */
  firstOnly?: boolean;
}

/**
 * Parses one YAML document with `yaml` and checks it against the limits. Syntax problems are
 * `yaml-syntax` (or `duplicate-key`, `too-deep`) errors at their position; an empty stream in
 * `firstOnly` mode gives `undefined`.
 */
export function parseYaml(text: string, options: YamlOptions, place: Place, limits: LimitOptions & { firstOnly: true }): Document.Parsed | undefined;
export function parseYaml(text: string, options: YamlOptions, place: Place, limits?: LimitOptions): Document.Parsed;
export function parseYaml(text: string, options: YamlOptions, place: Place, limits: LimitOptions = {}): Document.Parsed | undefined {
  if (limits.maxLength !== undefined && text.length > limits.maxLength) {
    throw place('too-large', `the text is longer than ${limits.maxLength} characters`, 0);
  }
  if (!limits.rawChecked) {
    const c = controlCharacter(text);
    if (c) throw place('binary', `control character ${c.name} is not allowed in YAML (binary data?)`, c.index);
  }
  let doc: Document.Parsed | undefined;
  try {
    if (limits.firstOnly) {
      const docs = parseAllDocuments(text, options);
      doc = Array.isArray(docs) ? docs[0] : undefined;
      if (doc === undefined) return undefined;
    } else doc = parseDocument(text, options);
  } catch (e) {
    if (e instanceof RangeError) throw place('too-deep', `nesting is too deep (limit ${MAX_DEPTH})`, 0);
    throw e;
  }
  const err = doc.errors[0];
  if (err) {
    const at = err.pos?.[0] ?? 0;
    if (err.code === 'DUPLICATE_KEY') {
      const m = /^\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:\n]*?)\s*:/.exec(text.slice(at, text.indexOf('\n', at) + 1 || text.length));
      const key = m ? m[1]! : '?';
      throw place('duplicate-key', `duplicate key ${/^["']/.test(key) ? key : JSON.stringify(key)} in a mapping`, at);
    }
    // yaml reports running out of stack where it happened: a node deeper than the limit
    if (err.code === 'RESOURCE_EXHAUSTION' || /call stack/i.test(err.message)) throw place('too-deep', `nesting is too deep (limit ${MAX_DEPTH})`, at);
    throw place('yaml-syntax', `invalid YAML: ${err.message.split('\n')[0]}`, at);
  }
  checkNodes(doc, place);
  return doc;
}

/** What a node expands to: characters (plus one per node), alias expansions inside it, height. */
interface Measure {
  size: number;
  aliases: number;
  height: number;
}

const LEAF: Measure = { size: 1, aliases: 0, height: 0 };

/**
 * Walks a parsed document once, top-down, checking depth, aliases and escaped control
 * characters. Anchored nodes are measured once and the measure reused at each alias.
 */
export function checkNodes(doc: Document.Parsed, place: Place): void {
  const measured = new Map<Node, Measure>();
  const open = new Set<Node>();
  let aliasCount = 0;
  let added = 0;
  const walk = (node: unknown, depth: number): Measure => {
    if (node === null || node === undefined || typeof node !== 'object') return LEAF;
    const n = node as Node;
    const at = n.range?.[0] ?? 0;
    if (isAlias(n)) {
      const target = n.resolve(doc) as Node | undefined;
      if (target === undefined)
        throw place(
          'yaml-syntax',
          `invalid YAML: alias *${n.source} has no anchor &${n.source} before it in the same document (anchors do not reach into other documents or ResourceList items)`,
          at,
        );
      if (open.has(target)) throw place('yaml-syntax', `invalid YAML: alias *${n.source} is inside the node anchored &${n.source} (a cycle)`, at);
      const m = measured.get(target) ?? walk(target, depth);
      aliasCount += 1 + m.aliases;
      if (aliasCount > MAX_ALIAS_COUNT) {
        throw place('alias-limit', `more than ${MAX_ALIAS_COUNT} alias expansions in one document; refusing a possible "billion laughs" input`, at);
      }
      added += m.size;
      if (added > MAX_ALIAS_EXPANSION) {
        throw place(
          'alias-limit',
          `aliases expand to more than ${MAX_ALIAS_EXPANSION} characters in one document; refusing a possible "billion laughs" input`,
          at,
        );
      }
      if (depth + m.height > MAX_DEPTH) throw place('too-deep', `nesting is too deep (limit ${MAX_DEPTH}) through alias *${n.source}`, at);
      return { size: m.size, aliases: m.aliases + 1, height: m.height };
    }
    if (isScalar(n)) {
      const v = n.value;
      if (n.type === 'QUOTE_DOUBLE' && typeof v === 'string') {
        const c = controlCharacter(v);
        if (c) throw place('binary', `control character ${c.name} is not allowed in YAML (an escape in a double-quoted string)`, at);
      }
      return { size: 1 + (typeof v === 'string' ? v.length : 8), aliases: 0, height: 0 };
    }
    if (depth + 1 > MAX_DEPTH) throw place('too-deep', `nesting is too deep (limit ${MAX_DEPTH})`, at);
    open.add(n);
    let size = 1;
    let aliases = 0;
    let height = 0;
    const add = (m: Measure) => {
      size += m.size;
      aliases += m.aliases;
      if (m.height + 1 > height) height = m.height + 1;
    };
    if (isMap(n)) {
      for (const pair of n.items) {
        add(walk(pair.key, depth + 1));
        add(walk(pair.value, depth + 1));
      }
    } else if (isSeq(n)) {
      for (const item of n.items) add(walk(item, depth + 1));
    }
    open.delete(n);
    const m = { size, aliases, height };
    if (n.anchor) measured.set(n, m);
    return m;
  };
  walk(doc.contents, 0);
}

/** Runs `f`, turning an `InputError` into the caller's own error type with the same message. */
export function asError<T>(f: () => T, wrap: (e: InputError) => Error): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw wrap(e);
    throw e;
  }
}
