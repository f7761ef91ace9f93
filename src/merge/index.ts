/**
 * Strategic merge patch for Kubernetes objects held as plain JSON values, and the patch
 * metadata of `corev1.Pod`. Generic: knows nothing about Istio, YAML or KRM.
 */
export { strategicMerge, MergeError } from './strategic.js';
export { podSchema, podPatchMeta, schemaFromTable, fieldSchema } from './schema.js';
export type { SchemaNode, PatchMeta, PatchMetaTable, PatchStrategy } from './schema.js';
