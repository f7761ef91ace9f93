/**
 * Patch metadata for strategic merge patch: which lists merge (and by which key) and which are
 * replaced. Kubernetes reads this from struct tags (`patchMergeKey`, `patchStrategy`); here it is
 * plain data, a table keyed by field path, turned into a tree that `strategicMerge` walks. The
 * table for `corev1.Pod` (`podPatchMeta`) lives here too. This module knows nothing about Istio
 * and nothing about how documents are read or written.
 */

/** `patchStrategy` of a field, as in the Kubernetes struct tags. */
export type PatchStrategy = 'merge' | 'merge,retainKeys' | 'retainKeys' | 'replace';

export interface PatchMeta {
  readonly strategy: PatchStrategy;
  /** `patchMergeKey`; absent for a merged list of scalars (e.g. `finalizers`). */
  readonly mergeKey?: string;
}

/**
 * One node of the schema tree. A field without a node (or without `meta`) has no strategy:
 * lists are replaced and maps are merged key by key, which is what apimachinery does for plain
 * struct and map fields.
 */
export interface SchemaNode {
  readonly meta?: PatchMeta;
  /** Fields of an object, or (for a list) fields of each element. */
  readonly fields?: Readonly<Record<string, SchemaNode>>;
}

/** A patch-metadata table: field path (`spec.containers[].env`, `[]` marks list elements) -> meta. */
export type PatchMetaTable = Readonly<Record<string, PatchMeta>>;

const merge = (mergeKey?: string): PatchMeta => (mergeKey ? { strategy: 'merge', mergeKey } : { strategy: 'merge' });

/** Lists of `corev1.Container` (and `EphemeralContainerCommon`) with a strategy, relative to a container. */
const containerMeta: PatchMetaTable = {
  ports: merge('containerPort'),
  env: merge('name'),
  volumeMounts: merge('mountPath'),
  volumeDevices: merge('devicePath'),
};

function under(prefix: string, table: PatchMetaTable): Record<string, PatchMeta> {
  const out: Record<string, PatchMeta> = {};
  for (const [path, meta] of Object.entries(table)) out[`${prefix}.${path}`] = meta;
  return out;
}

/**
 * Every list in `corev1.Pod` whose Go field carries a patch strategy (k8s.io/api core/v1
 * types.go). Lists not named here (`args`, `command`, `tolerations`, `capabilities.add`, ...)
 * are replaced by a patch.
 */
export const podPatchMeta: PatchMetaTable = {
  'metadata.ownerReferences': merge('uid'),
  'metadata.finalizers': merge(),
  'spec.volumes': { strategy: 'merge,retainKeys', mergeKey: 'name' },
  'spec.initContainers': merge('name'),
  'spec.containers': merge('name'),
  'spec.ephemeralContainers': merge('name'),
  'spec.imagePullSecrets': merge('name'),
  'spec.hostAliases': merge('ip'),
  'spec.topologySpreadConstraints': merge('topologyKey'),
  'spec.schedulingGates': merge('name'),
  'spec.resourceClaims': { strategy: 'merge,retainKeys', mergeKey: 'name' },
  ...under('spec.initContainers[]', containerMeta),
  ...under('spec.containers[]', containerMeta),
  ...under('spec.ephemeralContainers[]', containerMeta),
  'status.conditions': merge('type'),
  'status.podIPs': merge('ip'),
  'status.hostIPs': merge('ip'),
};

/** Builds the schema tree from a table. Paths are dot-separated; a `[]` suffix steps into list elements. */
export function schemaFromTable(table: PatchMetaTable): SchemaNode {
  interface Mutable {
    meta?: PatchMeta;
    fields?: Record<string, Mutable>;
  }
  const root: Mutable = {};
  for (const [path, meta] of Object.entries(table)) {
    let node = root;
    for (const raw of path.split('.')) {
      const name = raw.endsWith('[]') ? raw.slice(0, -2) : raw;
      node.fields ??= {};
      node = node.fields[name] ??= {};
    }
    node.meta = meta;
  }
  return root as SchemaNode;
}

/** The schema tree of `corev1.Pod` (also right for a pod template: `metadata` and `spec`). */
export const podSchema: SchemaNode = schemaFromTable(podPatchMeta);

/** The schema of a field of an object node (empty node when the field is unknown). */
export function fieldSchema(node: SchemaNode | undefined, key: string): SchemaNode {
  return node?.fields?.[key] ?? EMPTY;
}

const EMPTY: SchemaNode = {};
