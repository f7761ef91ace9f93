/**
 * Helpers for running the built-in profile over Istio's conformance corpus (read from
 * ../shared/istio-conformance): case loading, overlay merging, pod-template discovery as
 * kube-inject does it, and normalisation of Go serialisation artefacts so the rendered sidecar
 * can be compared with the parts of a golden that the later pipeline steps do not touch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import type { Json, JsonObject, PodTemplate } from '../../src/kube/types.js';
import { isObject } from '../../src/kube/types.js';
import { deepMerge } from '../../src/config/settings.js';
import { corpusAvailable as conformanceCorpusAvailable, loadCases, type ConformanceCase } from '../../scripts/conformance.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/istio-conformance');
export const corpusAvailable = conformanceCorpusAvailable(corpusDir);
export type CorpusCase = ConformanceCase;
export { loadCases };

export function readCorpusJson(rel: string): JsonObject {
  return JSON.parse(readFileSync(path.join(corpusDir, rel), 'utf8')) as JsonObject;
}

export function readCorpusYaml(rel: string): JsonObject {
  return parse(readFileSync(path.join(corpusDir, rel), 'utf8')) as JsonObject;
}

export function readDocs(rel: string): JsonObject[] {
  return parseAllDocuments(readFileSync(path.join(corpusDir, rel), 'utf8'))
    .map((d) => d.toJS() as Json)
    .filter((d): d is JsonObject => isObject(d));
}

/** The README's overlay rule (maps merge key by key; lists, scalars and null replace): config's own. */
export { deepMerge };

export interface FoundPod {
  /** Path to the pod template inside the document, e.g. `spec.template`. */
  at: string[];
  /**
   * Path to the metadata kube-inject reads and writes: the pod template's, except for CronJob,
   * where Istio uses `spec.jobTemplate.metadata` (a kube-inject quirk the goldens show).
   */
  metaAt: string[];
  pod: PodTemplate;
  workload: { apiVersion: string; kind: string; name: string; namespace: string };
}

const POD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig']);
const IGNORED = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Pod templates kube-inject would inject in one document (List items included). */
export function findPods(doc: JsonObject, prefix: string[] = []): FoundPod[] {
  const kind = String(doc.kind ?? '');
  const meta = (doc.metadata ?? {}) as JsonObject;
  const workload = {
    apiVersion: String(doc.apiVersion ?? ''),
    kind,
    name: String(meta.name ?? ''),
    namespace: String(meta.namespace ?? ''),
  };
  let at: string[] | undefined;
  if (kind === 'List') {
    const items = Array.isArray(doc.items) ? doc.items : [];
    return items.flatMap((item, i) => (isObject(item) ? findPods(item, [...prefix, 'items', String(i)]) : []));
  }
  if (kind === 'Pod') at = [];
  else if (kind === 'CronJob') at = ['spec', 'jobTemplate', 'spec', 'template'];
  else if (POD_KINDS.has(kind)) at = ['spec', 'template'];
  if (!at) return [];
  const tpl = getAt(doc, at) as JsonObject | undefined;
  if (!tpl) return [];
  const metaAt = kind === 'CronJob' ? ['spec', 'jobTemplate', 'metadata'] : [...at, 'metadata'];
  const metadata = (getAt(doc, metaAt) ?? {}) as PodTemplate['metadata'];
  const pod: PodTemplate = { metadata, spec: tpl.spec as unknown as PodTemplate['spec'] };
  if (pod.spec.hostNetwork === true) return [];
  const tplMeta = (tpl.metadata ?? {}) as JsonObject;
  const labels = (tplMeta.labels ?? {}) as Record<string, string>;
  const annotations = (tplMeta.annotations ?? {}) as Record<string, string>;
  const inject = 'sidecar.istio.io/inject' in labels ? labels['sidecar.istio.io/inject'] : annotations['sidecar.istio.io/inject'];
  if (inject === 'false') return [];
  if (typeof tplMeta.namespace === 'string' && IGNORED.has(tplMeta.namespace)) return [];
  return [{ at: [...prefix, ...at], metaAt: [...prefix, ...metaAt], pod, workload }];
}

export function getAt(doc: Json, at: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const k of at) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (isObject(cur ?? null)) cur = (cur as JsonObject)[k];
    else return undefined;
  }
  return cur;
}

const UNITS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

function quantityValue(q: Json): Json {
  const s = String(q);
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m || !(m[2]! in UNITS)) return q;
  return `quantity:${Number((Number(m[1]) * UNITS[m[2]!]!).toPrecision(12))}`;
}

function normalizeResources(r: Json | undefined): Json | undefined {
  if (!isObject(r ?? null)) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(r as JsonObject)) {
    if (!isObject(v)) continue;
    const m: JsonObject = {};
    for (const [rk, rv] of Object.entries(v)) if (rv !== null) m[rk] = quantityValue(rv);
    if (Object.keys(m).length > 0) out[k] = m;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Removes what Go's typed round trip changes: `omitempty` zero values (probe
 * `initialDelaySeconds: 0`, env `value: ""`), null fields (deleted by the strategic merge),
 * empty `resources`; quantities compare by value.
 */
export function normalizeContainer(c: JsonObject, dropEnv: readonly string[] = []): JsonObject {
  const out = structuredClone(c);
  for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
  const res = normalizeResources(out.resources);
  if (res === undefined) delete out.resources;
  else out.resources = res;
  for (const probe of ['readinessProbe', 'startupProbe', 'livenessProbe']) {
    const p = out[probe];
    if (isObject(p ?? null) && (p as JsonObject).initialDelaySeconds === 0) delete (p as JsonObject).initialDelaySeconds;
  }
  if (Array.isArray(out.env)) {
    out.env = out.env
      .filter((e) => isObject(e) && !dropEnv.includes(String(e.name)))
      .map((e) => {
        const x = { ...(e as JsonObject) };
        if (x.value === '' || x.value === null) delete x.value;
        if (x.valueFrom && isObject(x.valueFrom)) {
          const rf = (x.valueFrom as JsonObject).resourceFieldRef;
          if (isObject(rf ?? null) && (rf as JsonObject).divisor !== undefined) {
            (x.valueFrom as JsonObject).resourceFieldRef = { ...(rf as JsonObject), divisor: quantityValue((rf as JsonObject).divisor!) };
          }
        }
        return x;
      });
  }
  return out;
}

export function normalizeVolume(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = x;
  return out;
}

/**
 * Istio's `overwriteClusterInfo`: cluster/network env entries are moved to the end, sorted by
 * name. In kube-inject mode `RunTemplate` fills them from the values and the network label.
 */
export function overwriteClusterInfo(env: JsonObject[], proxyEnvs: Record<string, string>): JsonObject[] {
  const keys = Object.keys(proxyEnvs).sort();
  if (keys.length === 0) return env;
  return [...env.filter((e) => !keys.includes(String(e.name))), ...keys.map((k) => ({ name: k, value: proxyEnvs[k]! }))];
}
