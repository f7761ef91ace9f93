/**
 * A document read with `yaml` for editing: the parse options of documents we edit and print back
 * (core schema, numbers printed as written), the one call that parses a resource's text with them
 * (errors placed in the original input), and its plain value.
 */
import { visit } from 'yaml';
import type { CollectionTag, Document, DocumentOptions, ParseOptions, Scalar, ScalarTag, SchemaOptions } from 'yaml';
import type { Json } from '../kube/types.js';
import { parseYaml } from './parse.js';
import type { SourceText } from './resource.js';

const TAG_PREFIX = 'tag:yaml.org,2002:';
const NON_JSON_TAGS = new Set(['binary', 'set', 'omap', 'pairs', 'timestamp'].map((t) => TAG_PREFIX + t));

const KEEP_SOURCE_TAGS = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

/** Parse options for documents we edit: core schema, and numbers print as they were written. */
const EDIT_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  prettyErrors: false,
  uniqueKeys: true,
  // Problems are errors or ignored; yaml must not print warnings through process.emitWarning.
  logLevel: 'error',
  customTags: (tags) =>
    tags.map((t) => {
      const tag = t as ScalarTag | CollectionTag;
      if (!KEEP_SOURCE_TAGS.has(tag.tag) || !('stringify' in tag) || !tag.stringify) return t;
      const orig = tag.stringify;
      return {
        ...(tag as ScalarTag),
        stringify: (item, ctx, onComment, onChompKeep) => {
          const sc = item as Scalar;
          return typeof sc.source === 'string' && sc.source.length > 0 && (sc.type === 'PLAIN' || sc.type === undefined)
            ? sc.source
            : orig(item, ctx, onComment, onChompKeep);
        },
      } as ScalarTag;
    }),
};

/** Parses with `yaml` through the one entry point (parse.ts), its errors at original positions. */
export function parseWithYaml(src: SourceText, text: string, base: number | ((offset: number) => number)): Document.Parsed {
  const abs = typeof base === 'number' ? (o: number) => base + o : base;
  // the whole input was checked for raw control characters (stream.ts, resource-list.ts)
  const doc = parseYaml(text, EDIT_OPTIONS, (code, detail, offset) => src.error(code, detail, abs(offset)), { rawChecked: true });
  // Tags whose data JSON (and so Kubernetes) cannot hold would be lost or garbled on output.
  visit(doc, {
    Node(_, node) {
      const tag = node.tag;
      if (tag !== undefined && NON_JSON_TAGS.has(tag)) {
        throw src.error(
          'unsupported-tag',
          `YAML tag !!${tag.slice(TAG_PREFIX.length)} is not supported: Kubernetes objects hold only maps, lists, strings, numbers, booleans and null`,
          abs(node.range?.[0] ?? 0),
        );
      }
    },
  });
  return doc;
}

/** Plain value of a document parsed by `parseWithYaml` (aliases and depth were checked there). */
export function toPlain(doc: Document.Parsed): Json {
  return doc.toJS({ maxAliasCount: -1 }) as Json;
}
