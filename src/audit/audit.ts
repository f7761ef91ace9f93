/**
 * `--audit`: the live state against the policy. Input is a snapshot as `kubectl get namespaces,
 * pods,deployments,... -A -o yaml` prints it (a `kind: List` of live objects with `status`,
 * `managedFields`, `ownerReferences`), optionally beside Istio's ConfigMaps; the configuration is
 * the function config as usual. For every Pod: its owner chain (ownerReferences, by uid, else by
 * kind and name in the namespace) and findings:
 *
 * - `missing` / `unwanted`: the decision for the pod now (policy/decide through the workload
 *   step, as `--check` asks it) says inject and it has no sidecar, or says no and it has one;
 * - `stale`: injected, but its injected parts (revision, proxy image, the injected containers,
 *   volumes and metadata, compared as the API server stores them) differ from a fresh injection
 *   of its top owner's current template (of the pod itself without an owner); the finding names
 *   the first differing fields;
 * - `owner-drift`: its injected parts differ from its owner's current (injected) pod template;
 * - `orphan-revision`: a namespace or pod selects, by `istio.io/rev`, a revision or tag that no
 *   MutatingWebhookConfiguration in the snapshot serves and the configuration does not list;
 * - `not-ready`: the istio-proxy container (classic, or native in initContainers) is not ready
 *   or has restarted.
 *
 * Finished pods (Succeeded, Failed) and pods being deleted are not audited.
 *
 * Pure: reads no clock (the restart time comes in), no files, no environment. Unknown kinds pass.
 */
import type { Config } from '../config/config.js';
import { Annotation, Container, Label } from '../kube/keys.js';
import { findWorkloadKind, getIn, parsePath } from '../kube/kinds.js';
import { checkPodTemplate } from '../kube/shape.js';
import {
  asPodJson,
  asPodTemplate,
  cloneJson,
  detachString,
  isObject,
  stringMap,
  type Json,
  type JsonObject,
  type PodTemplate,
  type ResourceRef,
} from '../kube/types.js';
import { defaultPort, storedContainer, storedVolume } from '../kube/defaults.js';
import { KUBE_APP_PROBERS_ENV } from '../inject/probes.js';
import { INJECTED_LISTS, KNOWN_ANNOTATIONS, KNOWN_LABELS } from '../inject/strip.js';
import { parseInjectionStatus } from '../inject/postprocess/applyMetadata.js';
import { checkWorkload, differingPaths, proxyImage, statusRevision } from '../core/modes/check.js';
import { normalizeRevision, revisionName, webhooksFromConfigurations } from '../policy/index.js';
import { buildEnvironment } from '../core/environment.js';
import type { IstioInputs, TemplateEngine } from '../istio/environment.js';
import { UserError, type Result } from '../results/result.js';
import { describeRef, isEnvironmentObject, refOf, type Resource } from '../core/run.js';
import { processWorkload, type Environment, type OutcomePurpose, type WorkloadOutcome } from '../core/workload.js';

export const FINDING_KINDS = ['missing', 'unwanted', 'stale', 'owner-drift', 'orphan-revision', 'not-ready'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export type FindingSeverity = 'error' | 'warning';

export const FINDING_SEVERITY: Readonly<Record<FindingKind, FindingSeverity>> = {
  missing: 'error',
  'orphan-revision': 'error',
  unwanted: 'warning',
  stale: 'warning',
  'owner-drift': 'warning',
  'not-ready': 'warning',
};

export interface Finding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** The pod (or, for a namespace's orphan revision, the Namespace). */
  subject: ResourceRef;
  namespace: string;
  /** Owners from the immediate one (ReplicaSet) to the top (Deployment); empty for a bare pod. */
  owners: ResourceRef[];
  /** The rule that decided (the policy's, or the audit check's). */
  rule: string;
  /** stale / owner-drift: the differing fields, most telling first. */
  fields?: string[];
  message: string;
}

/** A workload whose pods need a restart, with the patch that restarts them through Git. */
export interface Restart {
  owner: ResourceRef;
  kinds: FindingKind[];
  /** kustomize strategic-merge patch setting `kubectl.kubernetes.io/restartedAt`. */
  patch: JsonObject;
  /** `kubectl rollout restart deployment/web -n shop` */
  command: string;
}

export interface AuditReport {
  findings: Finding[];
  /** Problems with the snapshot or configuration (errors stop the audit's verdict). */
  results: Result[];
  restarts: Restart[];
  pods: number;
}

export interface AuditOptions {
  /** The `kubectl.kubernetes.io/restartedAt` value for the restart patches (RFC 3339). */
  restartedAt: string;
}

/**
 * A document of the snapshot as the I/O layer reads it (`readStreamDocuments`): a List's items
 * may come one at a time (`items`, each read when the walk reaches it) instead of in `value`.
 */
export interface SnapshotDocument {
  value: JsonObject;
  items?: Iterable<Json>;
  file?: { path: string; index: number };
}

/** Kinds a snapshot must give with their `status` (kubectl always prints it). */
const STATUS_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
/** Kinds `kubectl rollout restart` restarts (and whose pod template a patch can annotate). */
const RESTARTABLE: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const RESTART_KINDS: ReadonlySet<FindingKind> = new Set(['missing', 'stale', 'owner-drift', 'unwanted']);
/** Longest owner chain followed (Pod -> ReplicaSet -> Deployment is 2; a cycle stops here too). */
const MAX_OWNER_DEPTH = 8;
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface Item {
  obj: JsonObject;
  ref: ResourceRef;
  /** `items[3]` of the List (and its file), for messages. */
  where: string;
  file?: { path: string; index: number };
}

/**
 * A running pod, kept until every object of the snapshot is known: its owner references (in
 * `obj`), its pod template as checked (or the problem found with it) without managedFields, and
 * its istio-proxy container's status. The template, most of a snapshot, is kept as JSON bytes,
 * off the heap (a third of its size as values, and no weight in when V8 collects); one holding a
 * number JSON has no text for (NaN, Infinity) is kept as values.
 */
interface PodItem extends Item {
  packed?: Uint8Array;
  pod?: PodTemplate;
  problem?: { message: string; path: string };
  proxy?: JsonObject;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Does a value hold a number JSON writes as null (NaN, Infinity)? */
function hasNonFinite(v: Json | undefined): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(hasNonFinite);
  for (const k in v) if (hasNonFinite(v[k])) return true;
  return false;
}

const metaOf = (obj: JsonObject): JsonObject => (isObject(obj.metadata) ? obj.metadata : {});

/** An object's owner reference (the controller's, else the first), and the owner's item when the snapshot has it. */
function ownerOf(
  item: Item,
  byUid: Map<string, Item>,
  byName: Map<string, Item>,
): { ref: JsonObject & { kind: string; name: string }; found?: Item } | undefined {
  const refs = metaOf(item.obj).ownerReferences;
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  const owner = (refs.find((r) => isObject(r) && r.controller === true) ?? refs[0]) as Json;
  if (!isObject(owner) || typeof owner.kind !== 'string' || typeof owner.name !== 'string') return undefined;
  const ns: string = item.ref.namespace ?? '';
  const found = (typeof owner.uid === 'string' ? byUid.get(owner.uid) : undefined) ?? byName.get(`${ns}/${owner.kind}/${owner.name}`);
  return { ref: owner as JsonObject & { kind: string; name: string }, ...(found ? { found } : {}) };
}

/** The owner chain of an object, immediate owner first (the controller reference, else the first). */
function ownerChain(item: Item, byUid: Map<string, Item>, byName: Map<string, Item>): ResourceRef[] & { top?: Item } {
  const chain: ResourceRef[] & { top?: Item } = [];
  let cur: Item | undefined = item;
  const seen = new Set<Item>([item]);
  while (cur && chain.length < MAX_OWNER_DEPTH) {
    const owner = ownerOf(cur, byUid, byName);
    if (!owner) break;
    const { ref, found } = owner;
    const ns: string = cur.ref.namespace ?? '';
    if (found && seen.has(found)) break;
    chain.push(
      found?.ref ?? { apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : '', kind: ref.kind, name: ref.name, ...(ns ? { namespace: ns } : {}) },
    );
    if (found) {
      seen.add(found);
      chain.top = found;
    } else {
      delete chain.top;
    }
    cur = found;
  }
  return chain;
}

/**
 * What the audit keeps of an object other than a pod, as it reads it: a namespace or webhook
 * configuration whole; anything else its name, namespace, uid, owner references and spec (the
 * pod template of an owner), not its status or managedFields. Copied off the input text.
 */
function slimObject(obj: JsonObject, env: JsonObject | undefined): JsonObject {
  if (env && (obj.kind === 'Namespace' || obj.kind === 'MutatingWebhookConfiguration')) return env;
  const meta = metaOf(obj);
  const keep: JsonObject = {};
  for (const k of ['name', 'namespace', 'uid', 'ownerReferences'] as const) if (meta[k] !== undefined) keep[k] = meta[k];
  const slim: JsonObject = { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', metadata: keep };
  if (obj.spec !== undefined) slim.spec = obj.spec;
  return cloneJson(slim, false, true);
}

/** The metadata without managedFields (what the API server's field manager keeps: most of a live object's metadata). */
function withoutManagedFields(meta: JsonObject): JsonObject {
  const { managedFields: _, ...rest } = meta;
  return rest;
}

/** The istio-proxy container's status: classic (containerStatuses) or native (initContainerStatuses). */
function proxyStatus(pod: JsonObject): JsonObject | undefined {
  const status = isObject(pod.status) ? pod.status : {};
  for (const key of ['containerStatuses', 'initContainerStatuses']) {
    const list = status[key];
    if (!Array.isArray(list)) continue;
    for (const s of list) if (isObject(s) && s.name === Container.proxy) return s;
  }
  return undefined;
}

/** How many differing fields a finding lists (the message says how many there are in all). */
const MAX_FIELDS = 5;
/** The ServiceAccount admission plugin's token volume, mounted into every container of a live pod. */
const POD_PORTS_ENV = 'ISTIO_META_POD_PORTS';
const TOKEN_MOUNT = /^kube-api-access-[a-z0-9]+$/;

/**
 * The parts of a pod an injection writes, as the API server stores them: the containers, init
 * containers, volumes and pull secrets the `sidecar.istio.io/status` annotations of either pod
 * list (and the proxy and init containers by name), that annotation (parsed), and the labels and
 * annotations the sidecar templates write. The rest of the pod (the app, the server's own fields)
 * is left out, so a live pod compares with a rendered one.
 */
function injectedParts(pod: PodTemplate, names: Readonly<Record<(typeof INJECTED_LISTS)[number], ReadonlySet<string>>>): JsonObject {
  const annotations = pod.metadata?.annotations ?? {};
  const labels = pod.metadata?.labels ?? {};
  const pick = (map: Readonly<Record<string, string>>, keys: readonly string[]): JsonObject => {
    const out: JsonObject = {};
    for (const k of keys) if (map[k] !== undefined) out[k] = map[k];
    return out;
  };
  const meta = pick(annotations, KNOWN_ANNOTATIONS);
  const status = annotations[Annotation.status];
  if (status !== undefined) {
    let parsed: Json = status;
    try {
      parsed = JSON.parse(status) as Json;
    } catch {
      // compared as the text it is
    }
    meta[Annotation.status] = parsed;
  }
  const spec: JsonObject = {};
  for (const list of INJECTED_LISTS) {
    const items = (asPodJson(pod).spec?.[list] ?? []) as JsonObject[];
    spec[list] = items
      .filter((x) => names[list].has(String(x.name)))
      .map((x) => {
        if (list === 'volumes') return storedVolume(x);
        if (list === 'imagePullSecrets') return x;
        const c = storedContainer(x);
        if (Array.isArray(c.volumeMounts)) {
          c.volumeMounts = c.volumeMounts.filter((m) => !(isObject(m) && typeof m.name === 'string' && TOKEN_MOUNT.test(m.name)));
          if (c.volumeMounts.length === 0) delete c.volumeMounts;
        }
        if (Array.isArray(c.env)) c.env = c.env.map(storedEnvJson);
        return c;
      });
  }
  return { metadata: { annotations: meta, labels: pick(labels, KNOWN_LABELS) }, spec };
}

/**
 * The proxy's env values that hold the app's ports and probes as JSON, parsed, with the defaults
 * the API server gives those ports and probes: the injection saw them defaulted (a webhook always
 * does; a fresh injection of a live template too) or not (a manifest injected at render time).
 */
function storedEnvJson(e: Json): Json {
  if (!isObject(e) || typeof e.value !== 'string' || (e.name !== POD_PORTS_ENV && e.name !== KUBE_APP_PROBERS_ENV)) return e;
  let parsed: Json;
  try {
    parsed = JSON.parse(e.value) as Json;
  } catch {
    return e;
  }
  if (e.name === POD_PORTS_ENV && Array.isArray(parsed)) for (const p of parsed) defaultPort(p);
  if (e.name === KUBE_APP_PROBERS_ENV && isObject(parsed)) for (const p of Object.values(parsed)) if (isObject(p)) setProberDefaults(p);
  return { ...e, value: parsed };
}

/** A prober in ISTIO_KUBE_APP_PROBERS: Istio copies the probe's handler and timeout (omitempty). */
function setProberDefaults(p: JsonObject): void {
  if (p.timeoutSeconds === undefined) p.timeoutSeconds = 1;
  if (isObject(p.httpGet)) {
    p.httpGet.scheme ??= 'HTTP';
    p.httpGet.path ??= '/';
  }
}

/** The names the status annotations of the two pods list, with the proxy and init containers. */
function injectedNames(...pods: PodTemplate[]): Record<(typeof INJECTED_LISTS)[number], Set<string>> {
  const names = {
    containers: new Set<string>([Container.proxy]),
    initContainers: new Set<string>([Container.proxy, Container.init, Container.validation]),
    volumes: new Set<string>(),
    imagePullSecrets: new Set<string>(),
  };
  for (const p of pods) {
    const status = parseInjectionStatus(p.metadata?.annotations?.[Annotation.status] ?? '');
    if (status) for (const list of INJECTED_LISTS) for (const n of status[list]) names[list].add(n);
  }
  return names;
}

/**
 * The injected parts that differ between a pod and the expected one: the revision first, then the
 * proxy image (both with their values), then every other differing field path (`differingPaths`
 * of the injected parts), as many as `MAX_FIELDS`, and how many there are in all.
 */
function injectedDifferences(current: PodTemplate, expected: PodTemplate, expectedRevision?: string): { fields: string[]; total: number } {
  const fields: string[] = [];
  const revNow = statusRevision(current);
  const revWant = statusRevision(expected) ?? (expectedRevision !== undefined ? revisionName(expectedRevision) : undefined);
  const revPath = `metadata.annotations[${JSON.stringify(Annotation.status)}].revision`;
  if (revNow !== revWant) fields.push(`${revPath}: ${revNow ?? '(none)'}, expected ${revWant ?? '(none)'}`);
  const imgNow = proxyImage(current);
  const imgWant = proxyImage(expected);
  const native = (current.spec.initContainers ?? []).some((c) => c.name === Container.proxy);
  const imgPath = `spec.${native ? 'initContainers' : 'containers'}[${Container.proxy}].image`;
  if (imgNow !== imgWant) fields.push(`${imgPath}: ${imgNow ?? '(none)'}, expected ${imgWant ?? '(none)'}`);
  const names = injectedNames(current, expected);
  const rest = differingPaths(injectedParts(current, names), injectedParts(expected, names), '').filter((p) => p !== revPath && p !== imgPath);
  const total = fields.length + rest.length;
  return { fields: [...fields, ...rest].slice(0, MAX_FIELDS), total };
}

/** `a: x, expected y (and 3 more fields)` */
const fieldsText = (d: { fields: string[]; total: number }): string =>
  `${d.fields[0]}${d.total > 1 ? ` (and ${d.total - 1} more field${d.total === 2 ? '' : 's'})` : ''}`;

/** The revisions and tags something serves: the snapshot's webhooks and the configuration's revisions. */
function servedRevisions(objects: readonly JsonObject[], config: Config): Set<string> {
  const served = new Set<string>();
  for (const w of webhooksFromConfigurations(objects).webhooks) {
    if (w.deactivated) continue;
    served.add(revisionName(w.revision));
    if (w.tag !== undefined) served.add(w.tag);
  }
  for (const c of [config, ...config.revisions]) {
    served.add(revisionName(normalizeRevision(c.revision)));
    for (const t of c.revisionTags) served.add(t);
  }
  return served;
}

/**
 * The audit of a snapshot given document by document (`add`), each List item read once: what
 * later pods need is kept as it is read (namespaces, webhook configurations and ConfigMaps whole;
 * owners slim, with their pod templates; running pods slim), copied off the input text, so that a
 * snapshot given file by file is never held whole, as text or as values. The pods are audited by
 * `finish`, once every object is known: a pod's findings do not depend on whether its owners,
 * namespace or the webhooks come before or after it (kubectl prints pods before deployments, and
 * the webhook configurations last).
 */
export class SnapshotAudit {
  private readonly results: Result[] = [];
  private lists = 0;
  /** The first document with items and no kind (a List cut off before its `kind: List`). */
  private cut: { file?: { path: string; index: number } } | undefined;
  /** The kinds of the first documents, for the message when no List comes. */
  private readonly kinds = new Set<string>();
  /** Documents other than Lists that shape the environment, then the items that do. */
  private readonly topEnv: JsonObject[] = [];
  private readonly itemEnv: JsonObject[] = [];
  /** Every object item but the pods, in order. */
  private readonly items: Item[] = [];
  private readonly pods: PodItem[] = [];

  constructor(private readonly config: Config) {}

  /** Reads a document: a List's items one by one (checked, kept slim), other documents for the environment. */
  add(doc: SnapshotDocument): void {
    const v = doc.value;
    if (this.kinds.size < 5) this.kinds.add(String(v.kind || '(no kind)'));
    const file = doc.file ? { file: { path: doc.file.path, index: doc.file.index } } : {};
    if (v.kind === undefined && !this.cut && (doc.items !== undefined || Array.isArray(v.items))) this.cut = file;
    if (v.kind !== 'List') {
      // Items read one at a time are read here all the same: a document cut off mid-item is an input error.
      if (doc.items) for (const _ of doc.items);
      if (isEnvironmentObject(v)) this.topEnv.push(cloneJson(v, false, true));
      return;
    }
    this.lists++;
    const items = doc.items ?? (Array.isArray(v.items) ? v.items : undefined);
    if (!items) {
      this.results.push({ message: 'snapshot List has no items list', severity: 'error', field: { path: 'items' }, ...file });
      return;
    }
    let i = 0;
    for (const it of items) this.item(it, `items[${i++}]`, file);
  }

  /** The objects read so far that shape the environment (the CLI asks whether Istio's templates are needed). */
  environmentObjects(): JsonObject[] {
    return [...this.topEnv, ...this.itemEnv];
  }

  private item(it: Json, where: string, file: { file?: { path: string; index: number } }): void {
    const results = this.results;
    if (!isObject(it) || typeof it.kind !== 'string' || !isObject(it.metadata) || typeof it.metadata.name !== 'string') {
      results.push({ message: `${where} is not a Kubernetes object (kind and metadata.name expected)`, severity: 'error', field: { path: where }, ...file });
      return;
    }
    const ref = cloneJson(refOf(it), false, true);
    if (STATUS_KINDS.has(it.kind) && !isObject(it.status)) {
      results.push({
        message: detachString(`${where} (${describeRef(ref)}) has no status: a live snapshot (kubectl get -o yaml) carries one; was a manifest given instead?`),
        severity: 'error',
        resourceRef: ref,
        field: { path: `${where}.status` },
        ...file,
      });
      return;
    }
    if (it.kind !== 'Pod') {
      const env = isEnvironmentObject(it) ? cloneJson(it, false, true) : undefined;
      if (env) this.itemEnv.push(env);
      this.items.push({ obj: slimObject(it, env), ref, where, ...file });
      return;
    }
    if (!isRunning(it)) return;
    const owners = it.metadata.ownerReferences;
    const pod: PodItem = { obj: { metadata: owners === undefined ? {} : { ownerReferences: cloneJson(owners, false, true) } }, ref, where, ...file };
    try {
      const checked = asPodJson(checkPodTemplate({ metadata: it.metadata, spec: it.spec } as JsonObject));
      const template: JsonObject = { ...checked, metadata: withoutManagedFields(checked.metadata ?? {}) };
      if (hasNonFinite(template)) pod.pod = asPodTemplate(cloneJson(template, false, true));
      else pod.packed = encoder.encode(JSON.stringify(template));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      pod.problem = { message: detachString(e.message), path: detachString(`${where}.${e.fieldPath ?? 'spec'}`) };
    }
    const proxy = proxyStatus(it);
    if (proxy) pod.proxy = cloneJson(proxy, false, true);
    this.pods.push(pod);
  }

  /** Audits the pods against everything read (the environment built from it), and reports. */
  finish(options: AuditOptions, istio: IstioInputs = {}, revisionIstio: Readonly<Record<string, IstioInputs>> = {}, engine?: TemplateEngine): AuditReport {
    const { config, results, items } = this;
    const findings: Finding[] = [];
    if (this.lists === 0) {
      // kubectl prints `kind: List` after the items (keys sorted): a snapshot cut off has none.
      if (this.cut) {
        results.push({
          message: 'snapshot has items but no kind: List after them: was it cut off? (kubectl get -o yaml prints kind: List at the end)',
          severity: 'error',
          field: { path: 'kind' },
          ...this.cut,
        });
      } else {
        const kinds = [...this.kinds].join(', ');
        results.push({
          message: `audit input is not a snapshot: expected a kind: List as kubectl get ... -o yaml prints it, got ${kinds || 'no documents'}`,
          severity: 'error',
        });
      }
    }
    const empty: AuditReport = { findings, results, restarts: [], pods: 0 };
    if (results.some((r) => r.severity === 'error')) return empty;
    const env = buildEnvironment(this.environmentObjects(), config, results, istio, revisionIstio, engine);
    const byUid = new Map<string, Item>();
    const byName = new Map<string, Item>();
    const nsLabels = new Map<string, Record<string, string>>();
    for (const it of items) {
      const meta = metaOf(it.obj);
      if (typeof meta.uid === 'string') byUid.set(meta.uid, it);
      byName.set(`${it.ref.namespace ?? ''}/${it.ref.kind}/${it.ref.name}`, it);
      if (it.ref.kind === 'Namespace') nsLabels.set(it.ref.name, stringMap(meta.labels));
    }
    const served = servedRevisions(
      items.map((i) => i.obj),
      config,
    );
    // An owner with an owner in the snapshot (a ReplicaSet of a Deployment) needs no pod template.
    for (const it of items) {
      if (it.ref.kind !== 'Namespace' && it.ref.kind !== 'MutatingWebhookConfiguration' && ownerOf(it, byUid, byName)?.found) delete it.obj.spec;
    }
    for (const [ns, labels] of nsLabels) {
      const rev = labels[Label.istioRev];
      if (rev !== undefined && !served.has(rev)) {
        findings.push(
          finding(
            'orphan-revision',
            { apiVersion: 'v1', kind: 'Namespace', name: ns },
            ns,
            [],
            'namespace-revision',
            `namespace label ${Label.istioRev}=${rev} selects a revision or tag no webhook serves`,
          ),
        );
      }
    }
    /** Top owners' templates (and their fresh injections), by owner item. */
    const ownerOutcomes = new Map<Item, OwnerTemplate | undefined>();
    const restarts = new Map<Item, Set<FindingKind>>();
    let pods = 0;
    const auditPod = (it: PodItem, chain: ReturnType<typeof ownerChain>): void => {
      pods++;
      const namespace = it.ref.namespace ?? '';
      const owners = [...chain];
      const add = (kind: FindingKind, rule: string, message: string, fields?: string[]) => {
        findings.push(finding(kind, it.ref, namespace, owners, rule, message, fields));
        if (RESTART_KINDS.has(kind) && chain.top && RESTARTABLE.has(chain.top.ref.kind)) {
          const kinds = restarts.get(chain.top) ?? new Set();
          kinds.add(kind);
          restarts.set(chain.top, kinds);
        }
      };
      const pod = it.pod ?? (it.packed ? (JSON.parse(decoder.decode(it.packed)) as PodTemplate) : undefined);
      if (!pod) {
        const problem = it.problem!;
        results.push({
          message: problem.message,
          severity: 'error',
          resourceRef: it.ref,
          field: { path: problem.path },
          ...(it.file ? { file: it.file } : {}),
        });
        return;
      }
      const labels = stringMap(pod.metadata?.labels as Json | undefined);
      const podRev = labels[Label.istioRev];
      if (podRev !== undefined && nsLabels.get(namespace)?.[Label.istioRev] === undefined && !served.has(podRev)) {
        add('orphan-revision', 'pod-revision', `pod label ${Label.istioRev}=${podRev} selects a revision or tag no webhook serves`);
      }
      // The decision only: a pod is rendered (below) just when nothing else gives the expected pod.
      const outcome = outcomeFor(it, pod, env, results, 'decide');
      if (!outcome) return;
      const verdict = checkWorkload(pod, outcome);
      if (verdict.drift === 'missing' || verdict.drift === 'unwanted') {
        add(verdict.drift, outcome.reason, verdict.message.replace(/^drift \([a-z]+\): /, ''));
      }
      const injected = Annotation.status in (pod.metadata?.annotations ?? {});
      const top = chain.top ? ownerTemplate(chain.top, env, ownerOutcomes, results) : undefined;
      if (injected && outcome.decision.inject) {
        // The owner's fresh injection; its template as it is when already up to date; else the pod's.
        const ownerOutcome = top?.outcome();
        const ownerInjected = top && Annotation.status in (top.template.metadata?.annotations ?? {}) ? top.template : undefined;
        const own = (ownerOutcome?.pod ?? ownerInjected) ? undefined : outcomeFor(it, pod, env, results, 'compare');
        const expected = ownerOutcome?.pod ?? ownerInjected ?? own?.pod;
        const rev = ownerOutcome?.revision ?? outcome.revision;
        if (expected) {
          const diff = injectedDifferences(pod, expected, rev);
          const of = own ? 'of the pod' : `of ${describeRef(chain.top!.ref)}`;
          if (diff.total) add('stale', outcome.reason, `a fresh injection ${of} differs: ${fieldsText(diff)}`, diff.fields);
        }
      }
      if (top && Annotation.status in (top.template.metadata?.annotations ?? {})) {
        const diff = injectedDifferences(pod, top.template);
        if (diff.total)
          add('owner-drift', 'owner-template', `the pod predates ${describeRef(chain.top!.ref)}'s current template: ${fieldsText(diff)}`, diff.fields);
      }
      const ps = it.proxy;
      if (ps && (ps.ready === false || (typeof ps.restartCount === 'number' && ps.restartCount > 0))) {
        const count = typeof ps.restartCount === 'number' ? ps.restartCount : 0;
        add(
          'not-ready',
          'proxy-status',
          `${Container.proxy} ${ps.ready === false ? 'is not ready' : 'is ready'}${count > 0 ? `, restarted ${count} time${count === 1 ? '' : 's'}` : ''}`,
        );
      }
    };
    // Each pod is let go once audited, and a top owner's template and fresh injection once its
    // last pod is: the live set shrinks as the audit goes instead of growing by an injected pod
    // template per workload.
    const queue: ({ pod: PodItem; chain: ReturnType<typeof ownerChain> } | undefined)[] = this.pods.map((pod) => ({
      pod,
      chain: ownerChain(pod, byUid, byName),
    }));
    this.pods.length = 0;
    const left = new Map<Item, number>();
    for (const q of queue) if (q!.chain.top) left.set(q!.chain.top, (left.get(q!.chain.top) ?? 0) + 1);
    for (let i = 0; i < queue.length; i++) {
      const { pod, chain } = queue[i]!;
      queue[i] = undefined;
      auditPod(pod, chain);
      const top = chain.top;
      if (top) {
        const n = left.get(top)! - 1;
        left.set(top, n);
        if (n === 0) ownerOutcomes.delete(top);
      }
    }
    return { findings, results, restarts: restartList(restarts, options), pods };
  }
}

/** The audit of a snapshot held as resources (tests, and callers with the documents in hand). */
export function audit(
  resources: readonly Resource[],
  config: Config,
  options: AuditOptions,
  istio: IstioInputs = {},
  revisionIstio: Readonly<Record<string, IstioInputs>> = {},
  engine?: TemplateEngine,
): AuditReport {
  const a = new SnapshotAudit(config);
  for (const r of resources) a.add({ value: r.value, ...(r.file ? { file: r.file } : {}) });
  return a.finish(options, istio, revisionIstio, engine);
}

/** Pods that run or will: not finished (Succeeded, Failed) and not being deleted. */
function isRunning(pod: JsonObject): boolean {
  const phase = isObject(pod.status) ? pod.status.phase : undefined;
  return phase !== 'Succeeded' && phase !== 'Failed' && metaOf(pod).deletionTimestamp === undefined;
}

function finding(kind: FindingKind, subject: ResourceRef, namespace: string, owners: ResourceRef[], rule: string, message: string, fields?: string[]): Finding {
  return { kind, severity: FINDING_SEVERITY[kind], subject, namespace, owners, rule, ...(fields ? { fields } : {}), message };
}

function outcomeFor(it: Item, pod: PodTemplate, env: Environment, results: Result[], purpose: OutcomePurpose): WorkloadOutcome | undefined {
  try {
    return processWorkload({ obj: it.obj, ref: it.ref, pod, env, purpose });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    results.push({ message: e.message, severity: 'error', resourceRef: it.ref, ...(it.file ? { file: it.file } : {}), tags: { reason: e.code } });
    return undefined;
  }
}

/** A top owner's current pod template, and the outcome of a fresh injection of it, made on first use. */
interface OwnerTemplate {
  template: PodTemplate;
  outcome(): WorkloadOutcome | undefined;
}

/** The top owner's pod template (cached per owner; its fresh injection is made once, when a pod needs it). */
function ownerTemplate(owner: Item, env: Environment, cache: Map<Item, OwnerTemplate | undefined>, results: Result[]): OwnerTemplate | undefined {
  if (cache.has(owner)) return cache.get(owner);
  let value: OwnerTemplate | undefined;
  const entry = findWorkloadKind(owner.obj, env.config.workloads);
  const raw = entry ? getIn(owner.obj, parsePath(entry.podTemplatePath)) : undefined;
  if (isObject(raw) && isObject(raw.spec)) {
    let template: PodTemplate | undefined;
    try {
      template = checkPodTemplate(raw);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      // Reported once, with the owner's field path; its pods are then audited without it.
      results.push({ message: e.message, severity: 'error', resourceRef: owner.ref, field: { path: `${owner.where}.${entry!.podTemplatePath}` } });
    }
    let done = false;
    let outcome: WorkloadOutcome | undefined;
    if (template) {
      const checked = template;
      value = {
        template: checked,
        outcome() {
          if (!done) outcome = outcomeFor(owner, checked, env, results, 'compare');
          done = true;
          return outcome;
        },
      };
    }
  }
  cache.set(owner, value);
  return value;
}

function restartList(restarts: Map<Item, Set<FindingKind>>, options: AuditOptions): Restart[] {
  return [...restarts].map(([owner, kinds]) => {
    const ns = owner.ref.namespace ?? '';
    return {
      owner: owner.ref,
      kinds: FINDING_KINDS.filter((k) => kinds.has(k)),
      patch: {
        apiVersion: owner.ref.apiVersion,
        kind: owner.ref.kind,
        metadata: { name: owner.ref.name, ...(ns ? { namespace: ns } : {}) },
        spec: { template: { metadata: { annotations: { [RESTARTED_AT]: options.restartedAt } } } },
      },
      command: `kubectl rollout restart ${owner.ref.kind.toLowerCase()}/${owner.ref.name}${ns ? ` -n ${ns}` : ''}`,
    };
  });
}
