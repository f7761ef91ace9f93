/**
 * Patch output (`--format patch`, `spec.output: patch`): per changed workload, a kustomize
 * strategic-merge patch that turns the source object into the injected one, for repositories
 * that keep their sources pristine and commit the patches (`patches: [{path: sidecar.yaml}]`).
 *
 * The patch is the difference of the two objects under the pod's patch metadata: maps key by key
 * (`null` deletes a key), lists with a merge key item by item (a changed item carries its key and
 * its own difference, a removed one `$patch: delete`), other lists whole. List order needs care:
 * kustomize (kyaml) puts the items named in a patch first, in patch order, and keeps the other
 * items after them in their old order; it does not honour `$setElementOrder`. So a merged list's
 * patch names every item up to the last one that is new, changed or out of place, untouched ones
 * by their key alone (`- name: web`). Kinds kustomize has no schema for (CRDs such as Argo
 * Rollouts, OpenShift DeploymentConfigs) get merged lists written whole, which kustomize then
 * replaces. Building documents only: emitting them is the CLI's job.
 */
import { fieldSchema, podSchema, type SchemaNode } from '../../merge/index.js';
import type { Path } from '../../kube/kinds.js';
import { isObject, jsonEqual, type Json, type JsonObject } from '../../kube/types.js';

/** Kinds (by apiVersion/kind) whose schema kustomize knows, so their lists merge by key. */
const KUSTOMIZE_KNOWN = new Set([
  'v1/Pod',
  'v1/ReplicationController',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
]);

export function kustomizeKnowsKind(apiVersion: string, kind: string): boolean {
  return KUSTOMIZE_KNOWN.has(`${apiVersion}/${kind}`);
}

/** The pod schema placed at `podPath` inside a workload object. */
export function workloadSchema(podPath: Path): SchemaNode {
  let node: SchemaNode = podSchema;
  for (let i = podPath.length - 1; i >= 0; i--) node = { fields: { [String(podPath[i])]: node } };
  return node;
}

/**
 * The strategic-merge patch document turning workload `before` into `after` (both whole
 * objects), or `undefined` when they are equal. It carries apiVersion, kind, name and namespace
 * so kustomize finds its target.
 */
export function workloadPatch(before: JsonObject, after: JsonObject, podPath: Path): JsonObject | undefined {
  if (jsonEqual(before, after)) return undefined;
  const apiVersion = typeof after.apiVersion === 'string' ? after.apiVersion : '';
  const kind = typeof after.kind === 'string' ? after.kind : '';
  const merge = kustomizeKnowsKind(apiVersion, kind);
  const diff = diffValue(before, after, workloadSchema(podPath), merge);
  if (!isObject(diff)) return undefined;
  const meta = isObject(after.metadata) ? after.metadata : {};
  const id: JsonObject = { name: meta.name ?? '' };
  if (typeof meta.namespace === 'string' && meta.namespace) id.namespace = meta.namespace;
  const { apiVersion: _a, kind: _k, metadata, ...rest } = diff;
  return { apiVersion, kind, metadata: { ...id, ...(isObject(metadata) ? metadata : {}) }, ...rest };
}

/** The patch turning `a` into `b` (`a` and `b` differ). */
function diffValue(a: Json | undefined, b: Json, node: SchemaNode, merge: boolean): Json {
  if (isObject(a) && isObject(b)) return diffMap(a, b, node, merge);
  const key = node.meta?.mergeKey;
  if (Array.isArray(b) && key !== undefined && node.meta?.strategy.startsWith('merge')) {
    if (!merge) return b;
    if (Array.isArray(a) && keyed(a, key) && keyed(b, key)) return diffList(a, b, key, node);
  }
  return b;
}

function diffMap(a: JsonObject, b: JsonObject, node: SchemaNode, merge: boolean): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined || jsonEqual(a[k], v)) continue;
    out[k] = a[k] === undefined ? v : diffValue(a[k], v, fieldSchema(node, k), merge);
  }
  for (const k of Object.keys(a)) if (a[k] !== undefined && b[k] === undefined) out[k] = null;
  return out;
}

function keyed(list: Json[], key: string): boolean {
  return list.every((x) => isObject(x) && x[key] !== undefined && x[key] !== null);
}

/** A merged list's patch (see the module comment for the order rule). */
function diffList(a: Json[], b: Json[], key: string, node: SchemaNode): Json[] {
  const id = (x: Json) => JSON.stringify((x as JsonObject)[key]);
  const before = new Map(a.map((x) => [id(x), x as JsonObject]));
  const after = new Set(b.map(id));
  // The items of `b` kustomize leaves in place if the patch does not name them: a suffix of `b`
  // made of unchanged old items in their old relative order.
  const survivors = a.filter((x) => after.has(id(x)));
  let cut = b.length;
  let s = survivors.length - 1;
  while (cut > 0) {
    const item = b[cut - 1] as JsonObject;
    const old = before.get(id(item));
    if (!old || !jsonEqual(old, item) || s < 0 || id(survivors[s]!) !== id(item)) break;
    cut--;
    s--;
  }
  const out: Json[] = [];
  for (const item of b.slice(0, cut) as JsonObject[]) {
    const old = before.get(id(item));
    if (!old) out.push(item);
    else if (jsonEqual(old, item)) out.push({ [key]: item[key] as Json });
    else out.push({ [key]: item[key] as Json, ...diffMap(old, item, node, true) });
  }
  for (const old of a) if (!after.has(id(old))) out.push({ [key]: (old as JsonObject)[key] as Json, $patch: 'delete' });
  return out;
}
