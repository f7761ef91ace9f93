/**
 * Small helpers shared by the post-processing steps, the override step and stripping: finding
 * containers the way Istio's `FindContainer`/`FindSidecar` do, Go's `strconv.ParseBool`,
 * Prometheus' `SanitizeLabelName`, and typed reads of mesh config and values. No step logic.
 */
import { Container as ContainerName } from '../../kube/keys.js';
import { isObject, type Json, type JsonObject, type PodJson } from '../../kube/types.js';

export function findContainer(name: string, list: readonly JsonObject[] | undefined): JsonObject | undefined {
  return list?.find((c) => c.name === name);
}

/** Istio's `FindContainerFromPod`: containers first, then init containers. */
export function findContainerFromPod(name: string, pod: PodJson): JsonObject | undefined {
  return findContainer(name, pod.spec.containers) ?? findContainer(name, pod.spec.initContainers);
}

/** Istio's `FindSidecar`: the `istio-proxy` container, classic or native. */
export function findSidecar(pod: PodJson): JsonObject | undefined {
  return findContainerFromPod(ContainerName.proxy, pod);
}

/** init containers followed by containers (Istio's `allContainers`). */
export function allContainers(pod: PodJson): JsonObject[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
}

export function annotationsOf(pod: PodJson): Record<string, string> {
  return pod.metadata?.annotations ?? {};
}

/** The annotations map, created when missing. */
export function ensureAnnotations(pod: PodJson): Record<string, string> {
  pod.metadata ??= {};
  pod.metadata.annotations ??= {};
  return pod.metadata.annotations;
}

export function ensureLabels(pod: PodJson): Record<string, string> {
  pod.metadata ??= {};
  pod.metadata.labels ??= {};
  return pod.metadata.labels;
}

/** Go's `strconv.ParseBool`: `undefined` when the text is not a boolean. */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's `strconv.Atoi` for the values that occur here; `undefined` when invalid. */
export function parseGoInt(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * A pure memo: annotation keys recur on every pod and the steps sanitize each one several times.
 * The sanitized name is a function of the name alone, so keeping it across workloads and runs
 * cannot change output. Bounded: at most 10,000 names are kept, later ones are computed each time.
 */
const sanitizedNames = new Map<string, string>();

/** Prometheus' `strutil.SanitizeLabelName`: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizeLabelName(name: string): string {
  let out = sanitizedNames.get(name);
  if (out === undefined) {
    out = name.replace(/[^a-zA-Z0-9_]/g, '_');
    if (sanitizedNames.size < 10_000) sanitizedNames.set(name, out);
  }
  return out;
}

/** Reads a nested field of a JSON object (`get(values, 'global', 'proxy', 'x')`). */
export function get(obj: Json | undefined, ...path: string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Mesh `defaultConfig.statusPort` (15020 when the mesh config leaves it out). */
export function meshStatusPort(meshConfig: JsonObject): number {
  const port = get(meshConfig, 'defaultConfig', 'statusPort');
  return typeof port === 'number' ? port : 15020;
}
