/**
 * Taking a previous injection out of a pod template, so that re-injection starts from the
 * pristine pod (convergent, no stale leftovers) and `--uninject` gives back the source.
 *
 * The pod itself says most of it: the `sidecar.istio.io/status` annotation names the injected
 * containers, init containers, volumes and image pull secrets (removed by name); the proxy's
 * `ISTIO_KUBE_APP_PROBERS` env holds the original probes and hooks, `ISTIO_PROMETHEUS_ANNOTATIONS`
 * the user's prometheus annotations, `proxy.istio.io/overrides` the user's container overrides;
 * the labels and annotations the templates write (`KNOWN_LABELS`, `KNOWN_ANNOTATIONS`) are removed,
 * and lists and maps left empty are dropped. For most pods that is exact, and nothing else is
 * written. Where it is not (the user had their own value for one of those labels, a probe used a
 * named port that the rewrite resolved, an override as the user wrote it rather than as Go
 * re-marshalled it, an empty list), `recordOriginalMetadata` writes a record, the
 * `inject-sidecar.dev/original-metadata` annotation, holding only the difference:
 *
 * ```
 * { "labels":      { "<key>": "<previous value>" | null },      // null: the key was absent
 *   "annotations": { "<key>": "<previous value>" | null },
 *   "metadata":    { "<field>": <previous value> | null } | null, // other metadata fields; null: no metadata
 *   "spec":        { "<field>": <previous value> | null },       // pod spec fields the templates set
 *   "items":       { "containers": [{ "index": 1, "item": {...} }          // a user item as it was
 *                                 | { "name": "app", "fields": {...} }] } } // changed fields of an item
 * ```
 *
 * If the parts cannot reproduce the pod (a template that changes something unforeseen) the record
 * holds the whole original pod template (`{"pod": {...}}`), so stripping is always exact for pods
 * this tool injected. A pod injected by Istio itself is stripped the same way; a label the user
 * had set to the template's own value cannot be told apart there, and is removed with the rest.
 */
import { Annotation, Container as ContainerName, Label } from '../kube/keys.js';
import {
  cloneJson,
  jsonEqual,
  isObject,
  setSourceQuotes,
  sourceQuotesOf,
  asPodJson,
  asPodTemplate,
  type Json,
  type JsonObject,
  type PodTemplate,
  type SourceQuote,
  type PodJson,
} from '../kube/types.js';
import { clearPrometheusAnnotations, findAnnotation, PROMETHEUS_ANNOTATIONS_ENV } from './postprocess/applyPrometheusMerge.js';
import { parseInjectionStatus } from './postprocess/applyMetadata.js';
import { HOOK_KINDS, KUBE_APP_PROBERS_ENV, PROBE_KINDS, formatProberURL, parseProbers, restoreAppHandler, type Prober } from './probes.js';
import { findContainer, findSidecar, sanitizeLabelName } from './postprocess/util.js';

export interface StripResult {
  pod: PodTemplate;
  /** The pod carried a `sidecar.istio.io/status` annotation. */
  wasInjected: boolean;
  /** The pod carried this tool's record, so the result is the pod exactly as it was before. */
  exact: boolean;
  notes: string[];
}

export interface StripOptions {
  /** Mesh `defaultConfig.statusPort`, for Istio's prometheus rule when there is no record (15020). */
  statusPort?: number;
  /**
   * Without a record, also remove the labels and annotations Istio's sidecar template adds
   * (`security.istio.io/tlsMode`, canonical name/revision, `istio.io/rev`, default container...),
   * even though the user may have set them. For uninject; re-injection leaves them as Istio does.
   */
  dropKnownMetadata?: boolean;
}

/** The record written by `recordOriginalMetadata` (see the module comment). */
export interface OriginalRecord {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  metadata?: Record<string, Json> | null;
  spec?: Record<string, Json>;
  items?: Partial<Record<ListName, ItemChange[]>>;
  pod?: JsonObject;
  /**
   * Labels and annotations the injection removed and stripping gives back whose values the
   * source wrote in quotes (`{"annotations": {"prometheus.istio.io/scrape-targets": "\""}}`):
   * a hint for the printer, so the key comes back byte for byte.
   */
  quoted?: { labels?: Record<string, SourceQuote>; annotations?: Record<string, SourceQuote> };
}

/** How the source wrote the values of a pod's labels or annotations (see OriginalRecord.quoted). */
export type SourceQuotesOf = (part: 'labels' | 'annotations') => Readonly<Record<string, SourceQuote>> | undefined;

/** A user item the injection replaced (`index`, `item`), or changed (`name`, the changed `fields`; null: absent). */
export type ItemChange = { index: number; item: JsonObject } | { name: string; fields: Record<string, Json> };

export const INJECTED_LISTS = ['containers', 'initContainers', 'volumes', 'imagePullSecrets'] as const;
type ListName = (typeof INJECTED_LISTS)[number];

/**
 * Labels and annotations Istio's sidecar template (or post-processing) may add. Stripping removes
 * them; the record keeps the values the user had for any of them, so nothing of the user's is lost.
 */
export const KNOWN_LABELS: readonly string[] = [Label.tlsMode, Label.canonicalName, Label.canonicalRevision, Label.network, Label.tunnel];
export const KNOWN_ANNOTATIONS: readonly string[] = [
  Annotation.rev,
  Annotation.defaultContainer,
  Annotation.defaultLogsContainer,
  Annotation.prometheusSecurePort,
  // Written by the sidecar template when the Istio CNI plugin is on.
  Annotation.interceptionMode,
  Annotation.includeOutboundIPRanges,
  Annotation.excludeOutboundIPRanges,
  Annotation.includeInboundPorts,
  Annotation.excludeInboundPorts,
  Annotation.includeOutboundPorts,
  Annotation.excludeOutboundPorts,
  Annotation.kubevirtInterfaces,
  Annotation.excludeInterfaces,
  Annotation.rerouteVirtualInterfaces,
  Annotation.multusNetworks,
];

export function stripInjection(input: PodTemplate, options: StripOptions = {}): StripResult {
  const annotations = input.metadata?.annotations ?? {};
  if (!(Annotation.status in annotations)) return { pod: input, wasInjected: false, exact: false, notes: [] };
  const notes: string[] = [];
  const recordText = annotations[Annotation.originalMetadata];
  let record: OriginalRecord | undefined;
  if (recordText !== undefined) {
    record = parseRecord(recordText);
    if (!record) notes.push(`the ${Annotation.originalMetadata} annotation is not a valid record; ignored`);
  }
  if (record?.pod) {
    const whole = asPodJson(cloneJson(record.pod));
    applyQuotes(whole, record);
    return { pod: asPodTemplate(whole), wasInjected: true, exact: true, notes };
  }
  const pod = inferPristine(input, options, record);
  if (record) applyRecord(pod, record);
  if (record) applyQuotes(pod, record);
  return { pod: asPodTemplate(pod), wasInjected: true, exact: record !== undefined, notes };
}

/**
 * What the injected pod itself says about its pristine form: the items the status annotation
 * lists removed, probes and hooks restored from the proxy's env, the user's container overrides
 * put back (Istio's `reinsertOverrides`), prometheus annotations restored, the labels and
 * annotations the templates add removed, and the lists and maps the injection created dropped
 * when they are left empty. For a pod this tool injected, the record corrects what this cannot
 * know (a user's own value for one of those labels, a named probe port, an empty list).
 */
function inferPristine(input: PodTemplate, options: StripOptions, record?: OriginalRecord): PodJson {
  const annotations = input.metadata?.annotations ?? {};
  const { pod, sidecar } = stripMechanically(input);
  reinsertOverrides(pod, annotations[Annotation.overrides]);
  restorePrometheus(pod, sidecar, options.statusPort ?? 15020);
  for (const list of INJECTED_LISTS) {
    if (list !== 'containers' && pod.spec[list]?.length === 0) delete pod.spec[list];
  }
  if (options.dropKnownMetadata !== false) {
    // A value the user had for one of these keys is set back in place (keeping its position).
    for (const [part, known] of [
      ['labels', KNOWN_LABELS],
      ['annotations', KNOWN_ANNOTATIONS],
    ] as const) {
      const map = pod.metadata?.[part];
      if (!map) continue;
      for (const k of known) {
        const kept = record?.[part]?.[k];
        if (typeof kept === 'string' && k in map) map[k] = kept;
        else delete map[k];
      }
    }
  }
  dropEmptyMetadataMaps(pod);
  if (pod.metadata && Object.keys(pod.metadata).length === 0) delete pod.metadata;
  return pod;
}

function parseRecord(text: string): OriginalRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? (parsed as OriginalRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the pod itself allows: the listed items removed, probes and hooks restored from the
 * proxy's env, and the status, overrides and record annotations removed. Returns the removed
 * proxy container too (its env has the prometheus settings).
 */
export function stripMechanically(input: PodTemplate): { pod: PodJson; sidecar: JsonObject | undefined } {
  const status = parseInjectionStatus(input.metadata?.annotations?.[Annotation.status] ?? '') ?? {
    initContainers: [],
    containers: [],
    volumes: [],
    imagePullSecrets: [],
    revision: '',
  };
  // The proxy as the pod has it (its env has the probers and the prometheus settings). It is only
  // read: when the status lists it, the copy below leaves it out, so the input's object is returned.
  const source = findSidecar(asPodJson(input));
  const pod = cloneWithoutListed(asPodJson(input), status);
  // Kept (its list's status names do not include it): the copy in the pod, which is then also the
  // first proxy there, since the copy only leaves items out.
  const sourceList = findContainer(ContainerName.proxy, asPodJson(input).spec.containers) !== undefined ? 'containers' : 'initContainers';
  const sidecar = source !== undefined && !status[sourceList].includes(ContainerName.proxy) ? findSidecar(pod) : source;
  const probersEnv = envValue(sidecar, KUBE_APP_PROBERS_ENV);
  const probers = probersEnv !== undefined ? parseProbers(probersEnv) : undefined;

  if (probers) restoreProbes(pod, probers);
  if (pod.metadata?.annotations) {
    delete pod.metadata.annotations[Annotation.status];
    delete pod.metadata.annotations[Annotation.overrides];
    delete pod.metadata.annotations[Annotation.originalMetadata];
  }
  return { pod, sidecar };
}

/**
 * A copy of the pod without the items the status lists (`cloneJson`, then each listed list
 * filtered by item name): the removed items, the largest part of an injected pod, are not copied.
 */
function cloneWithoutListed(input: PodJson, status: Record<ListName, readonly string[]>): PodJson {
  const out: JsonObject = {};
  for (const k in input) {
    const v = input[k];
    if (v === undefined) continue;
    out[k] = k === 'spec' && isObject(v) ? cloneSpecWithoutListed(v, status) : cloneJson(v);
  }
  return asPodJson(out);
}

function cloneSpecWithoutListed(spec: JsonObject, status: Record<ListName, readonly string[]>): JsonObject {
  const out: JsonObject = {};
  for (const k in spec) {
    const v = spec[k];
    if (v === undefined) continue;
    const listed = (INJECTED_LISTS as readonly string[]).includes(k) ? status[k as ListName] : undefined;
    const names = listed !== undefined && listed.length > 0 ? new Set(listed) : undefined;
    if (names !== undefined && v) {
      out[k] = (v as JsonObject[]).filter((item) => !names.has(String(item.name))).map((item) => cloneJson(item));
    } else out[k] = cloneJson(v);
  }
  return out;
}

function envValue(container: JsonObject | undefined, name: string): string | undefined {
  const env = container && Array.isArray(container.env) ? container.env : [];
  for (const e of env) if (isObject(e) && e.name === name && typeof e.value === 'string') return e.value;
  return undefined;
}

function restoreProbes(pod: PodJson, probers: Record<string, Prober>): void {
  for (const list of [pod.spec.initContainers, pod.spec.containers]) {
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      let c = list[i] as JsonObject;
      const urls = formatProberURL(String(c.name ?? ''));
      for (const kind of PROBE_KINDS) {
        const restored = restoreAppHandler(c[kind], urls[kind], probers);
        if (restored) c = { ...c, [kind]: restored };
      }
      if (isObject(c.lifecycle)) {
        let lifecycle = c.lifecycle;
        for (const kind of HOOK_KINDS) {
          const restored = restoreAppHandler(lifecycle[kind], urls[kind], probers);
          if (restored) lifecycle = { ...lifecycle, [kind]: restored };
        }
        c = { ...c, lifecycle };
      }
      list[i] = c;
    }
  }
}

/** The record's quote hints, on the maps stripping gave back. */
function applyQuotes(pod: PodJson, record: OriginalRecord): void {
  for (const part of ['labels', 'annotations'] as const) {
    const quotes = record.quoted?.[part];
    const map = pod.metadata?.[part];
    if (!isObject(quotes) || !map) continue;
    const valid: Record<string, SourceQuote> = {};
    for (const [k, q] of Object.entries(quotes)) if ((q === '"' || q === "'") && typeof map[k] === 'string') valid[k] = q;
    setSourceQuotes(map as JsonObject, valid);
  }
}

function applyRecord(pod: PodJson, record: OriginalRecord): void {
  for (const part of ['labels', 'annotations'] as const) {
    const changes = record[part];
    if (!changes) continue;
    pod.metadata ??= {};
    const map = (pod.metadata[part] ??= {});
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete map[k];
      else map[k] = v;
    }
  }
  for (const list of INJECTED_LISTS) {
    const changes = record.items?.[list];
    if (!changes || changes.length === 0) continue;
    const whole = changes.filter((c): c is { index: number; item: JsonObject } => 'item' in c);
    const names = new Set(whole.map((c) => String(c.item.name)));
    const items = (pod.spec[list] ?? []).filter((item) => !names.has(String(item.name)));
    for (const { index, item } of [...whole].sort((a, b) => a.index - b.index)) items.splice(index, 0, cloneJson(item));
    for (const c of changes) {
      if (!('fields' in c)) continue;
      const i = items.findIndex((x) => x.name === c.name);
      if (i < 0) continue;
      const item = { ...items[i]! } as JsonObject;
      for (const [k, v] of Object.entries(c.fields)) {
        if (v === null) delete item[k];
        else item[k] = cloneJson(v);
      }
      items[i] = item as (typeof items)[number];
    }
    pod.spec[list] = items;
  }
  for (const [k, v] of Object.entries(record.spec ?? {})) {
    if (v === null) delete pod.spec[k];
    else pod.spec[k] = cloneJson(v);
  }
  if (record.metadata === null) {
    delete pod.metadata;
  } else if (record.metadata) {
    pod.metadata ??= {};
    for (const [k, v] of Object.entries(record.metadata)) {
      if (v === null) delete pod.metadata[k];
      else pod.metadata[k] = cloneJson(v);
    }
  }
}

/** Istio's `reinsertOverrides`, except that a user `istio-proxy` moved for a native sidecar goes back to `containers`. */
function reinsertOverrides(pod: PodJson, text: string | undefined): void {
  if (text === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (!isObject(parsed)) return;
  for (const list of ['containers', 'initContainers'] as const) {
    const saved = Array.isArray(parsed[list]) ? parsed[list].filter(isObject) : [];
    for (const c of saved) {
      // A native-sidecar injection saves the user's istio-proxy under initContainers; without
      // `restartPolicy` it was a regular container.
      const target = list === 'initContainers' && c.name === 'istio-proxy' && c.restartPolicy === undefined ? 'containers' : list;
      const items = (pod.spec[target] ??= []);
      if (!items.some((x) => x.name === c.name)) items.push(cloneJson(c));
    }
  }
}

function restorePrometheus(pod: PodJson, sidecar: JsonObject | undefined, statusPort: number): void {
  const annotations = pod.metadata?.annotations;
  if (!annotations) return;
  const cfg = parseJsonObject(envValue(sidecar, PROMETHEUS_ANNOTATIONS_ENV));
  if (cfg) {
    clearPrometheusAnnotations(annotations);
    const targets = Array.isArray(cfg.targets) ? (cfg.targets as { port?: string; path?: string }[]) : [];
    for (const [field, key] of [
      ['scrape', Annotation.prometheusScrape],
      ['path', Annotation.prometheusPath],
      ['port', Annotation.prometheusPort],
    ] as const) {
      const v = cfg[field];
      // Port and path equal to the first target's were most likely filled in from it.
      if (field !== 'scrape' && targets[0] && v === targets[0][field]) continue;
      if (typeof v === 'string' && v !== '') annotations[key] = v;
    }
    if (targets.length > 0) {
      annotations[Annotation.prometheusScrapeTargets] = targets.map((t) => (t.path ? `${t.port ?? ''}:${t.path}` : `${t.port ?? ''}`)).join(',');
    }
    return;
  }
  // Istio's stripPod: a port already pointing at the agent means the injection set them.
  const port = findAnnotation(annotations, sanitizeLabelName(Annotation.prometheusPort));
  if (port && port[1] === String(statusPort)) clearPrometheusAnnotations(annotations);
}

function parseJsonObject(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function dropEmptyMetadataMaps(pod: PodJson): void {
  if (!pod.metadata) return;
  if (pod.metadata.annotations && Object.keys(pod.metadata.annotations).length === 0) delete pod.metadata.annotations;
  if (pod.metadata.labels && Object.keys(pod.metadata.labels).length === 0) delete pod.metadata.labels;
}

// ---- writing the record ----

/**
 * The record that lets `stripInjection` turn `after` back into `before` exactly (see the module
 * comment). `before` is the pristine pod the injection started from; `after` the injected pod.
 */
export function buildOriginalRecord(before: PodTemplate, after: PodTemplate, sourceQuotes?: SourceQuotesOf): OriginalRecord {
  const record = buildRecord(before, after);
  const quoted = removedQuotes(before, after, sourceQuotes);
  return quoted ? { ...record, quoted } : record;
}

/**
 * The quotes of the labels and annotations `before` has and `after` does not (stripping gives
 * them back): from the source text, or, for a pod stripped for re-injection, the hints stripping
 * set. Asks for the source's quotes only when something was removed.
 */
function removedQuotes(before: PodTemplate, after: PodTemplate, sourceQuotes?: SourceQuotesOf): OriginalRecord['quoted'] {
  let out: OriginalRecord['quoted'];
  for (const part of ['labels', 'annotations'] as const) {
    const was = before.metadata?.[part];
    if (!was) continue;
    const now = after.metadata?.[part] ?? {};
    const removed = Object.keys(was).filter((k) => !Object.hasOwn(now, k));
    if (removed.length === 0) continue;
    const hints = sourceQuotesOf(was as JsonObject);
    // the source text is read only for a key stripping left no hint on
    const source = removed.every((k) => hints?.[k] !== undefined) ? undefined : sourceQuotes?.(part);
    for (const k of removed) {
      const q = hints?.[k] ?? source?.[k];
      if (q) ((out ??= {})[part] ??= {})[k] = q;
    }
  }
  return out;
}

function buildRecord(before: PodTemplate, after: PodTemplate): OriginalRecord {
  const pristine = asPodJson(before);
  const record: OriginalRecord = {};
  // The user's own values for keys the templates write: stripping would otherwise remove them.
  for (const [part, known] of [
    ['labels', KNOWN_LABELS],
    ['annotations', KNOWN_ANNOTATIONS],
  ] as const) {
    const was = pristine.metadata?.[part] ?? {};
    for (const k of known) if (k in was) (record[part] ??= {})[k] = was[k] as string;
  }
  const candidate = inferPristine(after, {}, record);

  for (const part of ['labels', 'annotations'] as const) {
    const was = pristine.metadata?.[part] ?? {};
    const now = candidate.metadata?.[part] ?? {};
    const changes: Record<string, string | null> = { ...(record[part] ?? {}) };
    for (const k of new Set([...Object.keys(now), ...Object.keys(was)])) {
      if (now[k] !== was[k]) changes[k] = k in was ? (was[k] as string) : null;
    }
    if (Object.keys(changes).length > 0) record[part] = changes;
  }

  if (pristine.metadata === undefined) {
    if (candidate.metadata !== undefined) record.metadata = null;
  } else {
    const meta = shallowDiff(pristine.metadata, candidate.metadata ?? {}, ['labels', 'annotations']);
    for (const part of ['labels', 'annotations'] as const) {
      if (pristine.metadata[part] !== undefined && candidate.metadata?.[part] === undefined) meta[part] = {};
    }
    if (Object.keys(meta).length > 0) record.metadata = meta;
  }

  const spec = shallowDiff(pristine.spec as JsonObject, candidate.spec as JsonObject, INJECTED_LISTS);
  const items: NonNullable<OriginalRecord['items']> = {};
  for (const list of INJECTED_LISTS) {
    if (pristine.spec[list] === undefined) {
      if (candidate.spec[list] !== undefined) spec[list] = null;
      continue;
    }
    if (candidate.spec[list] === undefined) {
      spec[list] = [];
      if (pristine.spec[list]!.length === 0) continue;
    }
    const was = pristine.spec[list] ?? [];
    const now = candidate.spec[list] ?? [];
    const changed: ItemChange[] = [];
    was.forEach((item, index) => {
      const match = now.find((x) => x.name === item.name);
      if (!match) changed.push({ index, item });
      else if (jsonEqual(match, item) && sameKeyOrder(match, item)) return;
      // Changed values of the same fields (a probe's named port) are patched in place; anything
      // else (fields added, removed or reordered) keeps the whole item.
      else if (sameKeyOrder(match, item)) changed.push({ name: String(item.name), fields: shallowDiff(item, match, []) });
      else changed.push({ index, item });
    });
    if (changed.length > 0) items[list] = changed;
  }
  if (Object.keys(spec).length > 0) record.spec = spec;
  if (Object.keys(items).length > 0) record.items = items;

  // Safety net: if the parts do not reproduce the pod, keep the whole pod. This is what
  // `stripInjection` does with the record written: `inferPristine` with the record gives
  // `candidate` again (it reads only the record's entries for the known keys, which are the ones
  // `candidate` was inferred with; the record annotation itself is dropped first), so only the
  // record (read back from its JSON text, as stripping will) is left to apply, to `candidate`,
  // which nothing uses any more.
  let stripped: PodJson;
  if (Annotation.status in (after.metadata?.annotations ?? {})) {
    applyRecord(candidate, parseRecord(JSON.stringify(record)) ?? {});
    stripped = candidate;
  } else {
    // No status annotation: stripping leaves the pod (with the record) as it is.
    stripped = asPodJson(stripInjection(withRecord(after, record)).pod);
  }
  if (!jsonEqual(stripped, asPodJson(before))) return { pod: cloneJson(asPodJson(before)) };
  return record;
}

function withRecord(pod: PodTemplate, record: OriginalRecord): PodTemplate {
  return {
    ...pod,
    metadata: {
      ...(pod.metadata ?? {}),
      annotations: { ...(pod.metadata?.annotations ?? {}), [Annotation.originalMetadata]: JSON.stringify(record) },
    },
  };
}

function sameKeyOrder(a: JsonObject, b: JsonObject): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/** Fields of `was` and `now` that differ, with the previous value (`null`: absent), ignoring `skip`. */
function shallowDiff(was: JsonObject, now: JsonObject, skip: readonly string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (skip.includes(k)) continue;
    if (!jsonEqual(was[k], now[k])) out[k] = k in was ? cloneJson(was[k] as Json) : null;
  }
  return out;
}
