/**
 * The I/O layer's public surface: read a KRM ResourceList or a YAML stream into resource handles,
 * apply the core's edits minimally, and write the result back with untouched documents as their
 * original bytes. The only module of the project that imports `yaml`.
 */
export { decodeUtf8, InputError, INPUT_ERROR_CODES, MAX_ALIAS_COUNT, MAX_ALIAS_EXPANSION, MAX_DEPTH } from './errors.js';
export type { InputErrorCode } from './errors.js';
export type { ReadOptions, ResourceHandle } from './resource.js';
export { IoContext, MemoryTextStore } from './context.js';
export type { IoOptions, PatchStats, TextRef, TextStore } from './context.js';
export {
  parseResourceList,
  emitResourceList,
  emitResourceListParts,
  resourceListWriter,
  printResults,
  resultToJson,
  RESOURCE_LIST_API_VERSIONS,
} from './resource-list.js';
export type { ParsedResourceList } from './resource-list.js';
export { parseStream, parseStreamFile, emitStream, emitStreamParts, emitFiles, createResource, ParsedStream } from './stream.js';
export { isAmbiguousString } from './edit.js';
export { emitFile, emitFileParts } from './json-file.js';
export { readStreamDocuments, MAX_WHOLE_DOCUMENT } from './list-items.js';
export { isListItem } from './list-document.js';
export type { StreamDocument } from './list-items.js';
