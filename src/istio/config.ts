/**
 * Finds and reads Istio's injector configuration, the way istiod and `istioctl kube-inject` do:
 * the `istio-sidecar-injector` ConfigMap (key `config`: policy, selectors, templates; key
 * `values`: the chart values as JSON) and the `istio` mesh ConfigMap (key `mesh`), taken from the
 * input objects (default names, or `-<revision>` names, in any namespace, preferring the
 * control-plane namespace; so a Helm-rendered Istio in the same repo is picked up by itself), or
 * from the texts of `--injectConfigFile`, `--meshConfigFile` and `--valuesFile`.
 *
 * Everything is read with `sigs.k8s.io/yaml` rules (YAML 1.1 scalars, see
 * io/template-output.ts), as Istio reads it. The mesh config is laid over Istio's mesh defaults
 * (`applyMeshConfig`). Templates are kept as text here; renderer.ts parses them.
 *
 * Pure: callers pass objects and file texts in. Not responsible for reading files, choosing
 * the renderer, or anything per workload.
 */
import { isObject, type Json, type JsonObject, type ResourceRef } from '../kube/types.js';
import { parseTemplateOutput, TemplateOutputError } from '../io/template-output.js';
import { applyMeshConfig, builtinMeshConfig, defaultMeshConfig } from '../inject/mesh.js';
import { UserError } from '../results/result.js';
import type { LabelSelector } from '../policy/index.js';

/** Istio's default template name, and the one a bare `--injectConfigFile` template becomes. */
export const SIDECAR_TEMPLATE = 'sidecar';
export const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';
export const MESH_CONFIGMAP = 'istio';
export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

/** The parsed `config` key of `istio-sidecar-injector` (Istio's `inject.Config`). */
export interface InjectorConfig {
  /** `enabled`, `disabled`, or anything else (which disables injection, as in Istio). */
  policy: string;
  alwaysInjectSelector: LabelSelector[];
  neverInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
  /** Template texts by name (`templates`, plus a legacy `template` as `sidecar` when no `sidecar` is given). */
  templates: Record<string, string>;
  defaultTemplates: string[];
  aliases: Record<string, string[]>;
}

/** A configuration problem, with the object (if any) and the field it is about. */
export class IstioConfigError extends UserError {
  constructor(
    message: string,
    fieldPath: string | undefined,
    readonly resourceRef?: ResourceRef,
    readonly file?: string,
  ) {
    super(message, fieldPath, 'istio-config');
    this.name = 'IstioConfigError';
  }
}

function readGoYaml(text: string, where: string, field: string, ref?: ResourceRef, file?: string): JsonObject {
  try {
    return parseTemplateOutput(text);
  } catch (e) {
    if (e instanceof TemplateOutputError) {
      throw new IstioConfigError(`${where}: not valid YAML: ${e.message}`, field, ref, file);
    }
    throw e;
  }
}

function stringList(v: Json | undefined, where: string, field: string, ref?: ResourceRef, file?: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new IstioConfigError(`${where}: ${field} must be a list of strings`, field, ref, file);
  }
  return v as string[];
}

function selectorList(v: Json | undefined, where: string, field: string, ref?: ResourceRef, file?: string): LabelSelector[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => !isObject(x))) {
    throw new IstioConfigError(`${where}: ${field} must be a list of label selectors`, field, ref, file);
  }
  return v as unknown as LabelSelector[];
}

/**
 * Parses the `config` key (Istio's `UnmarshalConfig`). `where` names the source in messages;
 * `fieldBase` is the path of the text inside its object (e.g. `data.config`).
 */
export function parseInjectorConfig(text: string, where: string, opts: { fieldBase?: string; ref?: ResourceRef; file?: string } = {}): InjectorConfig {
  const base = opts.fieldBase ? `${opts.fieldBase}.` : '';
  const raw = readGoYaml(text, where, opts.fieldBase ?? '', opts.ref, opts.file);
  const err = (field: string, message: string) => new IstioConfigError(`${where}: ${field} ${message}`, `${base}${field}`, opts.ref, opts.file);
  const policy = raw.policy ?? 'enabled';
  if (typeof policy !== 'string') throw err('policy', 'must be a string');
  const templates: Record<string, string> = {};
  if (raw.templates !== undefined && raw.templates !== null) {
    if (!isObject(raw.templates)) throw err('templates', 'must be a map of template texts');
    for (const [name, t] of Object.entries(raw.templates)) {
      if (typeof t !== 'string') throw err(`templates.${name}`, 'must be a string');
      templates[name] = t;
    }
  }
  // `template` is the pre-1.10 single template. Current charts fill it with a deliberately broken
  // text so an old istiod fails loudly; it only counts when no `sidecar` template exists.
  if (typeof raw.template === 'string' && raw.template !== '' && !Object.hasOwn(templates, SIDECAR_TEMPLATE)) {
    templates[SIDECAR_TEMPLATE] = raw.template;
  }
  const injectedAnnotations: Record<string, string> = {};
  if (raw.injectedAnnotations !== undefined && raw.injectedAnnotations !== null) {
    if (!isObject(raw.injectedAnnotations)) throw err('injectedAnnotations', 'must be a map of strings');
    for (const [k, v] of Object.entries(raw.injectedAnnotations)) {
      if (typeof v !== 'string') throw err(`injectedAnnotations.${k}`, 'must be a string');
      injectedAnnotations[k] = v;
    }
  }
  const aliases: Record<string, string[]> = {};
  if (raw.aliases !== undefined && raw.aliases !== null) {
    if (!isObject(raw.aliases)) throw err('aliases', 'must be a map of template lists');
    for (const [k, v] of Object.entries(raw.aliases)) aliases[k] = stringList(v, where, `${base}aliases.${k}`, opts.ref, opts.file);
  }
  const defaultTemplates =
    raw.defaultTemplates === undefined || raw.defaultTemplates === null
      ? [SIDECAR_TEMPLATE]
      : stringList(raw.defaultTemplates, where, `${base}defaultTemplates`, opts.ref, opts.file);
  return {
    policy,
    alwaysInjectSelector: selectorList(raw.alwaysInjectSelector, where, `${base}alwaysInjectSelector`, opts.ref, opts.file),
    neverInjectSelector: selectorList(raw.neverInjectSelector, where, `${base}neverInjectSelector`, opts.ref, opts.file),
    injectedAnnotations,
    templates,
    defaultTemplates,
    aliases,
  };
}

/**
 * Reads an `--injectConfigFile` as istioctl does: a full injector `config` when it parses and has
 * `templates`, otherwise the whole text is one template, used as `sidecar`.
 */
export function parseInjectConfigFile(text: string, path: string): InjectorConfig {
  let raw: JsonObject | undefined;
  try {
    raw = parseTemplateOutput(text);
  } catch {
    raw = undefined;
  }
  if (raw && isObject(raw.templates ?? null) && Object.keys(raw.templates as JsonObject).length > 0) {
    return parseInjectorConfig(text, path, { file: path });
  }
  return {
    policy: 'enabled',
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates: { [SIDECAR_TEMPLATE]: text },
    defaultTemplates: [SIDECAR_TEMPLATE],
    aliases: {},
  };
}

/** Parses the `values` key or a `--valuesFile` (JSON or YAML). */
export function parseValues(text: string, where: string, opts: { field?: string; ref?: ResourceRef; file?: string } = {}): JsonObject {
  return readGoYaml(text, where, opts.field ?? '', opts.ref, opts.file);
}

/** Parses a `mesh` key or `--meshConfigFile` and lays it over Istio's mesh defaults. */
export function parseMesh(text: string, where: string, opts: { field?: string; ref?: ResourceRef; file?: string } = {}): JsonObject {
  const raw = readGoYaml(text, where, opts.field ?? '', opts.ref, opts.file);
  try {
    return applyMeshConfig(raw, defaultMeshConfig());
  } catch (e) {
    if (e instanceof UserError && !(e instanceof IstioConfigError)) {
      const field = [opts.field, e.fieldPath].filter(Boolean).join('.');
      throw new IstioConfigError(`${where}: ${e.message}`, field || undefined, opts.ref, opts.file);
    }
    throw e;
  }
}

// ---- finding the ConfigMaps in the input -------------------------------------------------------

interface FoundConfigMap {
  obj: JsonObject;
  name: string;
  namespace: string;
  data: JsonObject;
  ref: ResourceRef;
}

function configMaps(objects: readonly JsonObject[]): FoundConfigMap[] {
  const out: FoundConfigMap[] = [];
  const visit = (o: JsonObject) => {
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) if (isObject(item)) visit(item);
      return;
    }
    if (o.kind !== 'ConfigMap' || o.apiVersion !== 'v1' || !isObject(o.metadata ?? null)) return;
    const meta = o.metadata as JsonObject;
    const name = typeof meta.name === 'string' ? meta.name : '';
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
    const ref: ResourceRef = { apiVersion: 'v1', kind: 'ConfigMap', name, ...(namespace ? { namespace } : {}) };
    out.push({ obj: o, name, namespace, data: isObject(o.data ?? null) ? (o.data as JsonObject) : {}, ref });
  };
  objects.forEach(visit);
  return out;
}

function describe(cm: FoundConfigMap): string {
  return `ConfigMap ${cm.namespace ? `${cm.namespace}/` : ''}${cm.name}`;
}

/** `name` or `namespace/name`. */
function splitRef(text: string): { namespace?: string; name: string } {
  const i = text.indexOf('/');
  return i < 0 ? { name: text } : { namespace: text.slice(0, i), name: text.slice(i + 1) };
}

function revisioned(base: string, revision: string): string {
  return revision ? `${base}-${revision}` : base;
}

/**
 * Picks one ConfigMap named `name` (in `namespace` when given). With several, prefers
 * `preferredNamespace`, then `istio-system`; two candidates left is an error.
 */
function pick(all: FoundConfigMap[], name: string, namespace: string | undefined, preferredNamespaces: readonly string[]): FoundConfigMap | undefined {
  const candidates = all.filter((c) => c.name === name && (namespace === undefined || c.namespace === namespace));
  if (candidates.length <= 1) return candidates[0];
  for (const ns of preferredNamespaces) {
    const inNs = candidates.filter((c) => c.namespace === ns);
    if (inNs.length === 1) return inNs[0];
  }
  throw new IstioConfigError(
    `found ${candidates.length} ConfigMaps named ${name} (in ${candidates.map((c) => c.namespace || '(no namespace)').join(', ')}); name the one to use (namespace/name)`,
    undefined,
    candidates[0]!.ref,
  );
}

function dataText(cm: FoundConfigMap, key: string, required: boolean): string | undefined {
  const v = cm.data[key];
  if (v === undefined || v === null) {
    if (required) throw new IstioConfigError(`${describe(cm)} has no data.${key}`, `data.${key}`, cm.ref);
    return undefined;
  }
  if (typeof v !== 'string') throw new IstioConfigError(`${describe(cm)}: data.${key} must be a string`, `data.${key}`, cm.ref);
  return v;
}

/** Where each part of the configuration came from, for the run summary. */
export interface IstioConfigSources {
  injector: string;
  values: string;
  mesh: string;
}

/** The Istio configuration a run renders with. */
export interface IstioConfiguration {
  injector: InjectorConfig;
  /** Chart values as given (no defaults: istiod has none either). */
  values: JsonObject;
  /** Mesh config with Istio's defaults applied. */
  meshConfig: JsonObject;
  sources: IstioConfigSources;
  /** One line for results: `templates from ConfigMap istio-system/istio-sidecar-injector, ...`. */
  description: string;
}

export interface FindIstioConfigOptions {
  /** Control-plane revision ('' = default): ConfigMap names get a `-<revision>` suffix. */
  revision: string;
  /** Configured injector ConfigMap (`name` or `namespace/name`); missing is an error. */
  injectorConfigMap?: string | undefined;
  /** Configured mesh ConfigMap (`name` or `namespace/name`); missing is an error. */
  meshConfigMap?: string | undefined;
  /** `--injectConfigFile` contents. */
  injectConfigFile?: { path: string; text: string } | undefined;
  /** `--meshConfigFile` contents. */
  meshConfigFile?: { path: string; text: string } | undefined;
  /** `--valuesFile` contents. */
  valuesFile?: { path: string; text: string } | undefined;
}

/**
 * Finds Istio's injector configuration in the input objects and the given files. Returns
 * `undefined` when there are no injection templates anywhere (no `--injectConfigFile`, no
 * injector ConfigMap configured or present): the caller then uses the built-in profile, with
 * `findMeshAndValues` for any mesh/values that were given. Throws `IstioConfigError` when a
 * configured source is missing or a source is invalid.
 */
export function findIstioConfiguration(objects: readonly JsonObject[], opts: FindIstioConfigOptions): IstioConfiguration | undefined {
  const all = configMaps(objects);
  const revision = opts.revision === 'default' ? '' : opts.revision;

  // The injector ConfigMap: named in the config, or found by its default (revisioned) name.
  let injectorCm: FoundConfigMap | undefined;
  if (opts.injectorConfigMap) {
    const want = splitRef(opts.injectorConfigMap);
    injectorCm = pick(all, want.name, want.namespace, [DEFAULT_ISTIO_NAMESPACE]);
    if (!injectorCm) {
      throw new IstioConfigError(`the injector ConfigMap ${opts.injectorConfigMap} is configured but not in the input`, 'spec.istio.injectorConfigMap');
    }
  } else {
    // Also with --injectConfigFile: like istioctl, values not given as a file come from the
    // injector ConfigMap (here: the one in the input).
    injectorCm = pickByIstioNamespace(all, revisioned(INJECTOR_CONFIGMAP, revision));
  }
  if (!injectorCm && !opts.injectConfigFile) return undefined;

  let injector: InjectorConfig;
  let injectorSource: string;
  let valuesFromCm: { values: JsonObject; source: string } | undefined;
  if (opts.injectConfigFile) {
    injector = parseInjectConfigFile(opts.injectConfigFile.text, opts.injectConfigFile.path);
    injectorSource = `file ${opts.injectConfigFile.path}`;
  } else {
    const cm = injectorCm!;
    injector = parseInjectorConfig(dataText(cm, 'config', true)!, describe(cm), { fieldBase: 'data.config', ref: cm.ref });
    injectorSource = describe(cm);
  }
  if (injectorCm && !opts.valuesFile) {
    const text = dataText(injectorCm, 'values', false);
    if (text !== undefined) {
      valuesFromCm = { values: parseValues(text, describe(injectorCm), { field: 'data.values', ref: injectorCm.ref }), source: describe(injectorCm) };
    }
  }
  const istioNamespace = injectorCm?.namespace || DEFAULT_ISTIO_NAMESPACE;
  const rest = findMeshAndValues(objects, { ...opts, revision }, istioNamespace, valuesFromCm);
  const values = rest.values ?? { values: {}, source: 'none (empty .Values)' };
  const mesh = rest.mesh ?? { meshConfig: builtinMeshConfig(), source: "the Istio chart's default mesh config" };
  const sources = { injector: injectorSource, values: values.source, mesh: mesh.source };
  return {
    injector,
    values: values.values,
    meshConfig: mesh.meshConfig,
    sources,
    description: describeSources(sources),
  };
}

/**
 * One line naming the sources: `ConfigMap istio-system/istio-sidecar-injector, mesh config from
 * ConfigMap istio-system/istio`, or each part's source when templates and values differ.
 */
export function describeSources(s: IstioConfigSources): string {
  if (s.injector === s.values) return `${s.injector}, mesh config from ${s.mesh}`;
  return `templates from ${s.injector}, values from ${s.values}, mesh config from ${s.mesh}`;
}

function pickByIstioNamespace(all: FoundConfigMap[], name: string): FoundConfigMap | undefined {
  const candidates = all.filter((c) => c.name === name);
  if (candidates.length <= 1) return candidates[0];
  // Prefer a ConfigMap whose own values say it lives in the control-plane namespace.
  const self = candidates.filter((c) => {
    const text = c.data.values;
    if (typeof text !== 'string') return false;
    try {
      const v = parseTemplateOutput(text);
      const ns = isObject(v.global ?? null) ? (v.global as JsonObject).istioNamespace : undefined;
      return typeof ns === 'string' && ns === c.namespace;
    } catch {
      return false;
    }
  });
  if (self.length === 1) return self[0];
  return pick(all, name, undefined, [DEFAULT_ISTIO_NAMESPACE]);
}

/**
 * The mesh config and values from files or the input, without templates (also used by the
 * built-in profile when only `--meshConfigFile` / `--valuesFile` or an `istio` ConfigMap are given).
 * `undefined` parts were not found anywhere.
 */
export function findMeshAndValues(
  objects: readonly JsonObject[],
  opts: FindIstioConfigOptions,
  istioNamespace = DEFAULT_ISTIO_NAMESPACE,
  valuesFromCm?: { values: JsonObject; source: string },
): { values?: { values: JsonObject; source: string }; mesh?: { meshConfig: JsonObject; source: string } } {
  const all = configMaps(objects);
  const revision = opts.revision === 'default' ? '' : opts.revision;
  const out: { values?: { values: JsonObject; source: string }; mesh?: { meshConfig: JsonObject; source: string } } = {};
  if (opts.valuesFile) {
    out.values = {
      values: parseValues(opts.valuesFile.text, opts.valuesFile.path, { file: opts.valuesFile.path }),
      source: `file ${opts.valuesFile.path}`,
    };
  } else if (valuesFromCm) {
    out.values = valuesFromCm;
  }
  if (opts.meshConfigFile) {
    out.mesh = {
      meshConfig: parseMesh(opts.meshConfigFile.text, opts.meshConfigFile.path, { file: opts.meshConfigFile.path }),
      source: `file ${opts.meshConfigFile.path}`,
    };
    return out;
  }
  let meshCm: FoundConfigMap | undefined;
  if (opts.meshConfigMap) {
    const want = splitRef(opts.meshConfigMap);
    meshCm = pick(all, want.name, want.namespace, [istioNamespace, DEFAULT_ISTIO_NAMESPACE]);
    if (!meshCm) {
      throw new IstioConfigError(`the mesh ConfigMap ${opts.meshConfigMap} is configured but not in the input`, 'spec.istio.meshConfigMap');
    }
  } else {
    meshCm = pick(all, revisioned(MESH_CONFIGMAP, revision), undefined, [istioNamespace, DEFAULT_ISTIO_NAMESPACE]);
    // A ConfigMap merely named `istio` is only Istio's when it has a `mesh` key.
    if (meshCm && dataText(meshCm, 'mesh', false) === undefined) meshCm = undefined;
  }
  if (meshCm) {
    out.mesh = {
      meshConfig: parseMesh(dataText(meshCm, 'mesh', true)!, describe(meshCm), { field: 'data.mesh', ref: meshCm.ref }),
      source: describe(meshCm),
    };
  }
  return out;
}
