/**
 * `--check`: is a workload in the state the configuration implies? The expected state is what a
 * fresh run would write (the workload outcome's pod, or the pod as it is when nothing would
 * change); the current state is the pod in the manifests. Three kinds of drift:
 *
 * - `missing`: policy injects, the pod has no sidecar;
 * - `unwanted`: the pod has a sidecar where policy says no (a fresh run would remove it);
 * - `stale`: injected, but not as a fresh run would inject it now (other image, revision or
 *   settings, a hand edit, a sidecar left by an older version). The report names what differs.
 * - `undecided`: the decision depends on labels of a namespace the run does not know, so the
 *   state cannot be checked (a gate must not pass what it cannot see).
 *
 * Pure comparison; running the pipeline is the caller's job, and so is the exit code.
 */
import { Annotation, Container } from '../../kube/keys.js';
import { asPodJson, isObject, jsonEqual, type Json, type JsonObject, type PodTemplate } from '../../kube/types.js';
import { revisionName } from '../../policy/index.js';
import type { WorkloadOutcome } from '../workload.js';

export type DriftKind = 'missing' | 'unwanted' | 'stale' | 'undecided';

export interface CheckVerdict {
  drift?: DriftKind;
  /** One line: what is wrong, or that the workload is up to date. */
  message: string;
}

/** How many differing paths a stale report lists before `...`. */
const MAX_PATHS = 5;

export function checkWorkload(current: PodTemplate, outcome: WorkloadOutcome): CheckVerdict {
  const injectedNow = Annotation.status in (current.metadata?.annotations ?? {});
  if (outcome.severity === 'error') return { message: outcome.summary };
  if (outcome.reason === 'namespace-unknown') return { drift: 'undecided', message: `drift (undecided): ${outcome.rule}` };
  if (outcome.action === 'removed') {
    return { drift: 'unwanted', message: `drift (unwanted): has a sidecar, but ${outcome.rule}` };
  }
  if (outcome.action === 'skipped') {
    return { message: injectedNow ? `up to date (left as it is): ${outcome.rule}` : `up to date (no sidecar): ${outcome.rule}` };
  }
  if (!injectedNow) {
    return { drift: 'missing', message: `drift (missing): no sidecar, but ${outcome.rule}` };
  }
  if (!outcome.pod) return { message: `up to date: ${outcome.rule}` };
  if (jsonEqual(asPodJson(current), asPodJson(outcome.pod))) {
    return { message: `up to date (injected): ${outcome.rule}` };
  }
  return { drift: 'stale', message: `drift (stale): ${describeStale(current, outcome.pod, outcome.revision)}` };
}

/** What makes an injected pod differ from a fresh injection, most telling first. */
export function describeStale(current: PodTemplate, expected: PodTemplate, expectedRevision: string): string {
  const parts: string[] = [];
  const revNow = statusRevision(current);
  const revWant = statusRevision(expected) ?? revisionName(expectedRevision);
  if (revNow !== undefined && revNow !== revWant) parts.push(`injected for revision ${revNow}, the configuration renders revision ${revWant}`);
  const imgNow = proxyImage(current);
  const imgWant = proxyImage(expected);
  if (imgNow !== imgWant) parts.push(`proxy image ${imgNow ?? '(none)'}, now ${imgWant ?? '(none)'}`);
  const paths = differingPaths(asPodJson(current), asPodJson(expected), '');
  const shown = paths.slice(0, MAX_PATHS).join(', ') + (paths.length > MAX_PATHS ? `, ... (${paths.length} in all)` : '');
  parts.push(`differs from a fresh injection at ${shown}`);
  return parts.join('; ');
}

/** The revision in the `sidecar.istio.io/status` annotation, if the pod carries one that names it. */
export function statusRevision(pod: PodTemplate): string | undefined {
  const text = pod.metadata?.annotations?.[Annotation.status];
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v as Json) && typeof (v as JsonObject).revision === 'string' ? ((v as JsonObject).revision as string) : undefined;
  } catch {
    return undefined;
  }
}

/** The istio-proxy container's image (classic container or native sidecar in initContainers). */
export function proxyImage(pod: PodTemplate): string | undefined {
  for (const list of [pod.spec.initContainers, pod.spec.containers]) {
    for (const c of list ?? []) if (c.name === Container.proxy && typeof c.image === 'string') return c.image;
  }
  return undefined;
}

/** `path.key`, or `path["key"]` for a key that is not a plain name (an annotation key). */
export function fieldPath(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Field paths (`spec.containers[istio-proxy].image`) where two values differ; lists by `name` when they have one. */
export function differingPaths(a: Json | undefined, b: Json | undefined, path: string): string[] {
  if (jsonEqual(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (l: Json[]) => l.every((x) => isObject(x) && typeof x.name === 'string');
    if (named(a) && named(b)) {
      const names = [...new Set([...a, ...b].map((x) => (x as JsonObject).name as string))];
      const byName = (l: Json[], n: string) => l.find((x) => (x as JsonObject).name === n);
      const out = names.flatMap((n) => differingPaths(byName(a, n), byName(b, n), `${path}[${n}]`));
      const orderA = a.map((x) => (x as JsonObject).name).join(',');
      const orderB = b.map((x) => (x as JsonObject).name).join(',');
      return orderA !== orderB ? [...out, `${path} (order)`] : out;
    }
    return [path];
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differingPaths(a[k], b[k], fieldPath(path, k)));
  }
  return [path || '(root)'];
}
