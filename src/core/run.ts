/**
 * The pure core: resources and a resolved configuration in, edits and results out. It finds
 * the pod templates, asks the policy whether each is injected, runs the injection pipeline and
 * writes the new pod template back through the resource handle. It reads no files, no
 * environment and no clock, so its output is a function of its input. The YAML text, the
 * ResourceList envelope and exit codes belong to io/ and cli/.
 */
import type { Config } from '../config/config.js';
import { isOwnConfig } from '../config/config.js';
import { Annotation } from '../kube/keys.js';
import { findWorkloadKind, formatFieldPath, getIn, parsePath, type Path } from '../kube/kinds.js';
import { asPodJson, BoundedMemo, isObject, type Json, type JsonObject, type PodTemplate, type ResourceRef, type SourceQuote } from '../kube/types.js';
import { checkPodTemplate } from '../kube/shape.js';
import { UserError, type Result } from '../results/result.js';
import { workloadSteps, type Environment, type WorkloadOutcome } from './workload.js';
import type { RenderedPatch, RenderRequest, RenderSteps } from '../inject/types.js';
import { buildEnvironment } from './environment.js';
import type { IstioInputs, TemplateEngine } from '../istio/environment.js';
import { explainResult } from './modes/explain.js';
import { checkWorkload, proxyImage, type DriftKind } from './modes/check.js';
import { revisionName } from '../policy/index.js';
import { uninjectWorkload } from './modes/uninject.js';
import { workloadPatch } from './modes/patch.js';

/** What the core needs from a parsed document (io's handles satisfy it). */
export interface Resource {
  readonly value: JsonObject;
  update(path: Path, value: Json): void;
  readonly file?: { path: string; index: number } | undefined;
  /** `apiVersion` and `kind`, when the handle knows them without reading the value. */
  readonly header?: { apiVersion: string; kind: string };
  /** True once an update really changed the object (io's handles know). */
  readonly changed?: boolean;
  /** The keys of the map at `path` whose values the source text writes in quotes (io's handles know). */
  sourceQuotes?(path: Path): Readonly<Record<string, SourceQuote>> | undefined;
}

export interface RunOptions {
  /** The resolved function configuration; `config.mode` picks the mode (see `MODES`). */
  config: Config;
  /** The texts of the Istio configuration files the CLI read (`--injectConfigFile`, ...). */
  istio?: IstioInputs;
  /** Those of the `spec.revisions` entries, by revision name. */
  revisionIstio?: Readonly<Record<string, IstioInputs>>;
  /** Renders Istio's templates when the configuration found uses them (istio/templates.ts; the CLI loads it). */
  engine?: TemplateEngine;
  /**
   * Called once per resource, in input order, when the run is done with it (its updates are all
   * made): the CLI writes it out and lets it go, so a large input is never held whole.
   */
  onResourceDone?: (resource: Resource) => void;
}

/** Kinds whose objects shape the environment (namespaces, Istio's ConfigMaps and webhooks). */
const ENVIRONMENT_KINDS: ReadonlySet<string> = new Set(['Namespace', 'ConfigMap', 'MutatingWebhookConfiguration', 'List']);

/** Does this object matter to the environment (see `environmentObjects`)? */
export function isEnvironmentObject(obj: JsonObject): boolean {
  return typeof obj.kind === 'string' && ENVIRONMENT_KINDS.has(obj.kind);
}

/**
 * The objects the environment is built from: every resource whose kind may matter to it (all of
 * them when a handle cannot tell its kind without its value).
 */
/** What reading the environment takes of a resource: its value, and its header when known. */
export type EnvironmentSource = Pick<Resource, 'value'> & { readonly header?: Resource['header'] };

export function environmentObjects(resources: readonly EnvironmentSource[]): JsonObject[] {
  return resources.filter((r) => !r.header || ENVIRONMENT_KINDS.has(r.header.kind)).map((r) => r.value);
}

export interface RunOutput {
  results: Result[];
  /** `output: patch`: one strategic-merge patch document per changed workload, in input order. */
  patches: JsonObject[];
  /** `mode: check`: the workloads that are not as the configuration implies. */
  drift: { ref: ResourceRef; kind: DriftKind }[];
  /**
   * The results of workloads that came in with a sidecar and were injected again (for summaries;
   * not in the tags, so the results of a second run match the first's): `unchanged` when the
   * document came out as it went in.
   */
  reinjected: Map<Result, { unchanged: boolean }>;
}

/** Objects that pass through untouched: kpt's Kptfile, local-config objects, our own config. */
export function isPassThrough(obj: JsonObject): boolean {
  if (obj.kind === 'Kptfile' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('kpt.dev/')) return true;
  if (isOwnConfig(obj)) return true;
  const annotations = isObject(obj.metadata) && isObject(obj.metadata.annotations) ? obj.metadata.annotations : {};
  return annotations[Annotation.localConfig] === 'true';
}

export function refOf(obj: JsonObject): ResourceRef {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const ref: ResourceRef = {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: typeof meta.name === 'string' ? meta.name : '',
  };
  if (typeof meta.namespace === 'string' && meta.namespace) ref.namespace = meta.namespace;
  return ref;
}

/** `Deployment shop/web` */
export function describeRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

interface FoundWorkload {
  resource: Resource;
  /** The workload object (a List item, or the document itself). */
  obj: JsonObject;
  /** Path of the workload object inside the document ([] or ['items', i]). */
  base: Path;
  podPath: Path;
  /** Where the pod's metadata is read and written, when not `<podPath>.metadata`. */
  metadataPath?: Path;
}

/**
 * istioctl kube-inject reads and writes a CronJob's pod metadata at `spec.jobTemplate.metadata`
 * (the Job's metadata), not at the pod template's; its goldens show it. Reproduced only when
 * emulating kube-inject, where byte-for-byte parity with istioctl is the point.
 */
const KUBE_INJECT_CRONJOB_METADATA: Path = ['spec', 'jobTemplate', 'metadata'];

function findWorkloads(resource: Resource, config: Config, results: Result[]): FoundWorkload[] {
  const found: FoundWorkload[] = [];
  const visit = (obj: JsonObject, base: Path) => {
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      obj.items.forEach((item, i) => {
        if (isObject(item)) visit(item, [...base, 'items', i]);
      });
      return;
    }
    if (isPassThrough(obj)) return;
    const entry = findWorkloadKind(obj, config.workloads);
    if (!entry) return;
    const podPath = parsePath(entry.podTemplatePath);
    const pod = podPath.length ? getIn(obj, podPath) : obj;
    if (!isObject(pod) || !isObject(pod.spec)) {
      const ref = refOf(obj);
      const where = podPath.length ? entry.podTemplatePath : '.';
      // An Argo Rollout may reference a Deployment's template instead of carrying one.
      const optional = obj.kind === 'Rollout' && isObject(obj.spec) && obj.spec.workloadRef !== undefined;
      results.push({
        message: optional
          ? 'no pod template (spec.workloadRef); the referenced workload is injected instead'
          : `no pod template at ${where === '.' ? 'spec' : `${where}.spec`} (workload kind ${entry.kind} is configured with podTemplatePath ${entry.podTemplatePath})`,
        severity: optional ? 'info' : 'error',
        resourceRef: ref,
        field: { path: where === '.' ? 'spec' : `${where}.spec` },
        ...fileOf(resource),
      });
      return;
    }
    const cronJobQuirk = config.emulate === 'kube-inject' && obj.kind === 'CronJob' && entry.podTemplatePath === 'spec.jobTemplate.spec.template';
    found.push({ resource, obj, base, podPath, ...(cronJobQuirk ? { metadataPath: KUBE_INJECT_CRONJOB_METADATA } : {}) });
  };
  visit(resource.value, []);
  return found;
}

function fileOf(resource: Resource): { file?: { path: string; index: number } } {
  return resource.file ? { file: { path: resource.file.path, index: resource.file.index } } : {};
}

/** One workload the run has found and read, with what a mode needs to report on it or write it. */
interface WorkloadInRun {
  readonly w: FoundWorkload;
  readonly ref: ResourceRef;
  /** The result fields that locate it: its resource and file. */
  readonly where: Pick<Result, 'resourceRef' | 'file'>;
  /** The pod template's path in the workload, as text for results ('' for a bare Pod). */
  readonly podPathText: string;
  /** Its pod template as it came in. */
  readonly pod: PodTemplate;
  /** Writes a new pod template back (and records the patch when `output: patch`). */
  write(pod: PodTemplate): void;
}

/**
 * What a mode does with each workload. A mode that `decides` gets the environment built and the
 * workload's outcome (decision, and injection when it injects); uninject needs neither.
 */
type ModeHandler =
  | { readonly decides: false; handle(wl: WorkloadInRun, out: RunOutput): void }
  | { readonly decides: true; handle(wl: WorkloadInRun, out: RunOutput, outcome: WorkloadOutcome): void };

/**
 * The run's modes (`config.mode`). Only inject and uninject write pods. Audit is not among them:
 * it reads a live snapshot as a whole (audit/), and the CLI never runs it through `run`.
 */
const MODES: Readonly<Record<Exclude<Config['mode'], 'audit'>, ModeHandler>> = {
  /** Write the injected pods; a result per workload. */
  inject: {
    decides: true,
    handle(wl, out, outcome) {
      const changedBefore = wl.w.resource.changed;
      const tags = outcomeTags(wl.pod, outcome);
      if (outcome.pod) wl.write(outcome.pod);
      const result: Result = { message: outcome.summary, severity: outcome.severity, ...wl.where, tags };
      // Injected again exactly as before: nothing in the document changed.
      if (outcome.action === 'injected' && outcome.wasInjected)
        out.reinjected.set(result, { unchanged: changedBefore === false && wl.w.resource.changed === false });
      out.results.push(result);
    },
  },
  /** Results with the decision trail; nothing written. */
  explain: {
    decides: true,
    handle(wl, out, outcome) {
      out.results.push(explainResult(outcome, wl.where));
    },
  },
  /** Results with the drift between the pod and what the configuration implies; nothing written. */
  check: {
    decides: true,
    handle(wl, out, outcome) {
      const verdict = checkWorkload(wl.pod, outcome);
      if (verdict.drift) out.drift.push({ ref: wl.ref, kind: verdict.drift });
      const severity = verdict.drift ? 'error' : outcome.severity;
      const tags = { ...outcomeTags(wl.pod, outcome), ...(verdict.drift ? { drift: verdict.drift } : {}) };
      out.results.push({ message: verdict.message, severity, ...wl.where, tags });
    },
  },
  /** Strip every injection. */
  uninject: {
    decides: false,
    handle(wl, out) {
      const u = uninjectWorkload(wl.pod);
      if (u.pod) wl.write(u.pod);
      const previous = u.pod ? proxyImage(wl.pod) : undefined;
      out.results.push({ message: u.summary, severity: u.severity, ...wl.where, tags: { action: u.action, ...(previous ? { previousImage: previous } : {}) } });
    },
  },
};

/**
 * Pods rendered back to back: the run goes ahead over the next workloads (reading, deciding,
 * building each pod's template data) until this many renders wait, renders them, then finishes
 * each workload in input order. A render costs about twice as much between the rest of the
 * pipeline's work, which evicts V8's caches of the engine's property reads, as back to back. More
 * at once gains no more and costs memory: what waits outlives young-generation collections.
 */
const RENDERS_AHEAD = 8;
/** Workloads and other resources the run holds at most while renders wait. */
const HELD_AHEAD = 64;

/**
 * A part of the input the run has started and not yet handed on: a workload, or a resource
 * without one. What it has said so far waits until the parts before it are done.
 */
interface Pending {
  /** The resource to hand on once this part is done: set on the last part of each resource. */
  readonly resource: Resource | undefined;
  /** Its results, patches and drift, added to the run's output once the parts before it are done. */
  readonly out: RunOutput;
  /** The workload's steps (none for a resource without workloads). */
  readonly steps: RenderSteps<void> | undefined;
  /** The render it waits for; undefined once it is done. */
  request: RenderRequest | undefined;
}

/**
 * Finds the workloads in `resources`, reads each one's pod template, and hands it to the handler
 * of `options.config.mode` (see `MODES`), with its outcome when the mode decides. Results,
 * patches, drift and `onResourceDone` come in input order.
 */
export function run(resources: readonly Resource[], options: RunOptions): RunOutput {
  const { config } = options;
  const out = newOutput();
  if (config.mode === 'audit') throw new Error('run: mode audit reads a live snapshot (audit/), not workload by workload');
  const mode = MODES[config.mode];
  const texts = new SharedTexts();
  const handle: (wl: WorkloadInRun, out: RunOutput) => RenderSteps<void> = mode.decides
    ? withOutcome(
        buildEnvironment(environmentObjects(resources), config, out.results, options.istio ?? {}, options.revisionIstio ?? {}, options.engine),
        (wl, o, outcome) => mode.handle(wl, o, outcome),
      )
    : // biome-ignore lint/correctness/useYield: uninject renders nothing
      function* (wl, o) {
        mode.handle(wl, o);
      };

  const ahead: Pending[] = [];
  let waiting = 0;
  for (const p of parts()) {
    if (p.steps) advance(p, undefined);
    ahead.push(p);
    if (p.request) waiting++;
    if (waiting >= RENDERS_AHEAD || ahead.length >= HELD_AHEAD) renderWaiting();
    handOnDone();
  }
  while (ahead.length > 0) {
    renderWaiting();
    handOnDone();
  }
  return out;

  /**
   * The input's parts in order, each made when the run reaches it: a resource's workloads one
   * by one (the first also carries what finding them said), or the resource itself when it has none.
   */
  function* parts(): Generator<Pending, void, undefined> {
    for (const resource of resources) {
      const said = newOutput();
      // Neither a workload nor a List of them: nothing to read.
      const h = resource.header;
      const found = h && h.kind !== 'List' && !findWorkloadKind(h, config.workloads) ? [] : findWorkloads(resource, config, said.results);
      if (found.length === 0) yield { resource, out: said, steps: undefined, request: undefined };
      for (let i = 0; i < found.length; i++) {
        const last = i === found.length - 1;
        const partOut = i === 0 ? said : newOutput();
        yield { resource: last ? resource : undefined, out: partOut, steps: processWorkloadIn(found[i]!, partOut), request: undefined };
      }
    }
  }

  /** Goes on with `p` (with its render's patches, or the error its render threw) to its render or its end. */
  function advance(p: Pending, rendered: { patches: RenderedPatch[] } | { error: unknown } | undefined): void {
    const steps = p.steps!;
    const step = rendered === undefined ? steps.next() : 'error' in rendered ? steps.throw(rendered.error) : steps.next(rendered.patches);
    p.request = step.done ? undefined : step.value;
  }

  /** Renders every waiting pod back to back, then finishes each workload in input order. */
  function renderWaiting(): void {
    if (waiting === 0) return;
    const rendered = ahead.map((p) => {
      if (!p.request) return undefined;
      try {
        return { patches: p.request.renderer.render(p.request.data) };
      } catch (error) {
        return { error };
      }
    });
    waiting = 0;
    ahead.forEach((p, i) => {
      const r = rendered[i];
      if (r) advance(p, r);
      if (p.request) waiting++;
    });
  }

  /** Adds the output of the done parts at the front to the run's, and hands their resources on. */
  function handOnDone(): void {
    let done = 0;
    while (done < ahead.length && !ahead[done]!.request) {
      const p = ahead[done++]!;
      for (const r of p.out.results) out.results.push(texts.share(r));
      out.patches.push(...p.out.patches);
      out.drift.push(...p.out.drift);
      for (const [r, v] of p.out.reinjected) out.reinjected.set(r, v);
      if (p.resource) options.onResourceDone?.(p.resource);
    }
    if (done > 0) ahead.splice(0, done);
  }

  /** Reads a workload's pod template and hands the workload to the mode. */
  function* processWorkloadIn(w: FoundWorkload, said: RunOutput): RenderSteps<void> {
    const ref = refOf(w.obj);
    const where = { resourceRef: ref, ...fileOf(w.resource) };
    const podPathText = w.podPath.length ? formatFieldPath(w.podPath) : '';
    let pod: PodTemplate;
    try {
      pod = checkPodTemplate(podTemplateOf(w));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const path = [podPathText, e.fieldPath].filter(Boolean).join('.');
      said.results.push({ message: e.message.replace(e.fieldPath ?? '', path), severity: 'error', ...where, field: { path }, tags: { reason: e.code } });
      return;
    }
    const write = (newPod: PodTemplate) => {
      writeBack(w, newPod);
      if (config.output === 'patch') {
        const patch = workloadPatch(w.obj, getIn(w.resource.value, w.base) as JsonObject, w.podPath);
        if (patch) said.patches.push(patch);
      }
    };
    yield* handle({ w, ref, where, podPathText, pod, write }, said);
  }
}

function newOutput(): RunOutput {
  return { results: [], patches: [], drift: [], reinjected: new Map() };
}

/** Decides (and injects) the workload in `env`, then hands its outcome on; a user error becomes a result. */
function withOutcome(
  env: Environment,
  then: (wl: WorkloadInRun, out: RunOutput, outcome: WorkloadOutcome) => void,
): (wl: WorkloadInRun, out: RunOutput) => RenderSteps<void> {
  return function* (wl, out) {
    const { w } = wl;
    let outcome: WorkloadOutcome;
    try {
      // read from the text only when the injection removed a label or annotation
      const sourceQuotes = (part: 'labels' | 'annotations') => w.resource.sourceQuotes?.([...w.base, ...(w.metadataPath ?? [...w.podPath, 'metadata']), part]);
      outcome = yield* workloadSteps({ obj: w.obj, ref: wl.ref, pod: wl.pod, env, sourceQuotes });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const fieldPath = [wl.podPathText, e.fieldPath].filter(Boolean).join('.');
      out.results.push({
        message: e.message,
        severity: 'error',
        ...wl.where,
        ...(fieldPath ? { field: { path: fieldPath } } : {}),
        tags: { reason: e.code },
      });
      return;
    }
    then(wl, out, outcome);
  };
}

/** Distinct texts kept at most (then forgotten, and kept again as they come). */
const MAX_SHARED_TEXTS = 4096;

/**
 * One copy of each text the run's results carry: 10,000 workloads say the same few things (a
 * message per namespace and decision), each made by concatenation, ~600 bytes of string pieces per
 * result until the results are written at the end of the run. Results keep the first copy.
 */
class SharedTexts {
  private readonly seen = new BoundedMemo<string>(MAX_SHARED_TEXTS);

  share(r: Result): Result {
    r.message = this.one(r.message);
    if (r.tags) for (const k of Object.keys(r.tags)) r.tags[k] = this.one(r.tags[k]!);
    return r;
  }

  private one(s: string): string {
    return this.seen.get(s, (own) => own);
  }
}

/** The tags of a workload's result in inject and check modes. */
function outcomeTags(pod: PodTemplate, outcome: WorkloadOutcome): Record<string, string> {
  return { action: outcome.action, reason: outcome.reason, rule: outcome.rule, ...outcome.tags, ...imageTags(pod, outcome) };
}

/**
 * Result tags for summaries: the revision and proxy image a workload is injected with, and the
 * other proxy image it carried when it came in (an upgrade from one image to another).
 */
function imageTags(current: PodTemplate, outcome: WorkloadOutcome): Record<string, string> {
  const tags: Record<string, string> = {};
  const image = outcome.action === 'injected' && outcome.pod ? proxyImage(outcome.pod) : undefined;
  if (outcome.action === 'injected') tags.revision = revisionName(outcome.revision);
  if (image !== undefined) tags.image = image;
  const previous = outcome.wasInjected ? proxyImage(current) : undefined;
  if (previous !== undefined && previous !== image) tags.previousImage = previous;
  return tags;
}

/** The workload's pod template as JSON (`metadata` and `spec`), for `checkPodTemplate` to check. */
function podTemplateOf(w: FoundWorkload): JsonObject {
  if (!w.podPath.length) return podParts(w.obj.metadata, w.obj.spec);
  const template = getIn(w.obj, w.podPath) as JsonObject;
  if (!w.metadataPath) return template;
  return podParts(getIn(w.obj, w.metadataPath), template.spec);
}

/** `{metadata, spec}`, without the parts the workload does not have. */
function podParts(metadata: Json | undefined, spec: Json | undefined): JsonObject {
  return { ...(metadata !== undefined ? { metadata } : {}), ...(spec !== undefined ? { spec } : {}) };
}

function writeBack(w: FoundWorkload, pod: PodTemplate): void {
  const podJson = asPodJson(pod);
  if (w.metadataPath) {
    if (podJson.metadata !== undefined) {
      w.resource.update([...w.base, ...w.metadataPath], podJson.metadata);
    } else {
      // Uninject gave back a pod without metadata: the metadata the injection added goes too.
      const parentPath = [...w.base, ...w.metadataPath.slice(0, -1)];
      const parent = getIn(w.resource.value, parentPath);
      const key = String(w.metadataPath[w.metadataPath.length - 1]);
      if (isObject(parent) && key in parent) {
        const { [key]: _dropped, ...rest } = parent;
        w.resource.update(parentPath, rest);
      }
    }
    w.resource.update([...w.base, ...w.podPath, 'spec'], podJson.spec);
    return;
  }
  if (w.podPath.length) {
    w.resource.update([...w.base, ...w.podPath], podJson);
    return;
  }
  // A bare Pod: its own metadata and spec.
  w.resource.update([...w.base, 'metadata'], podJson.metadata ?? {});
  w.resource.update([...w.base, 'spec'], podJson.spec);
}
