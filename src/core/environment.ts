/**
 * Builds what every workload of a run shares: the namespaces known from the input and the
 * config, each revision's settings (values and mesh config with defaults: resolved here, once per
 * run and revision, into one frozen `InjectorSettings` that the per-workload code only reads),
 * the renderer and the webhook selectors that stand in for the API server's stage of the decision.
 */
import type { Config } from '../config/load.js';
import { deepMerge, meshOverlay, valuesOverlay } from '../config/settings.js';
import { isObject, stringMap, type JsonObject } from '../kube/types.js';
import type { Result } from '../results/result.js';
import { standardWebhooks } from '../policy/index.js';
import { builtinRendererFor } from '../inject/builtin/render.js';
import { DEFAULT_RELEASE, type BuiltinRelease } from '../inject/builtin/releases.js';
import { builtinValuesJson } from '../inject/builtin/values.js';
import { applyMeshConfig, builtinMeshConfig } from '../inject/mesh.js';
import { resolveSettings } from '../inject/settings.js';
import type { InjectorSettings } from '../inject/types.js';
import type { Environment, NamespaceInfo } from './workload.js';
import {
  builtinReleaseOf,
  enableNamespacesByDefaultOf,
  findIstioSources,
  istioConfigErrorResult,
  sourcesResult,
  templateRenderer,
  type IstioInputs,
  type IstioSources,
  type TemplateEngine,
} from '../istio/environment.js';
import { IstioConfigError } from '../istio/config.js';
import { chooseWebhooks } from '../istio/webhooks.js';
import { UserError } from '../results/result.js';

export function collectNamespaces(objects: readonly JsonObject[], config: Config): Map<string, NamespaceInfo> {
  const namespaces = new Map<string, NamespaceInfo>();
  for (const [name, ns] of Object.entries(config.namespaces)) {
    namespaces.set(name, { labels: { ...ns.labels }, annotations: { ...ns.annotations }, source: 'config' });
  }
  const visit = (obj: JsonObject) => {
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      for (const item of obj.items) if (isObject(item)) visit(item);
      return;
    }
    if (obj.kind !== 'Namespace' || obj.apiVersion !== 'v1' || !isObject(obj.metadata)) return;
    const name = obj.metadata.name;
    if (typeof name !== 'string' || !name) return;
    // The object in the input is what will be applied, so it wins over the config's description.
    namespaces.set(name, { labels: stringMap(obj.metadata.labels), annotations: stringMap(obj.metadata.annotations), source: 'input' });
  };
  objects.forEach(visit);
  return namespaces;
}

/**
 * The one place a revision's settings are put together, once per run and revision:
 * - Istio's templates found: their values and mesh config are the truth; only the raw
 *   `values`/`meshConfig` overlays of the function config apply on top (the friendly `proxy`
 *   settings describe the built-in profile);
 * - otherwise the built-in profile at its release (`builtinReleaseOf`, or `release` when given):
 *   its chart values under the values found (if any), the config's `proxy` settings
 *   (`valuesOverlay`) and raw `values` on top; the mesh config found (else the chart's) under the
 *   config's `meshOverlay` and raw `meshConfig`.
 * The result is frozen (inject/settings.ts `resolveSettings`).
 */
function revisionSettings(
  config: Config,
  sources: IstioSources | undefined,
  release?: BuiltinRelease,
): { settings: InjectorSettings; release?: BuiltinRelease | undefined } {
  const common = { revision: config.revision, nativeSidecars: config.nativeSidecars, compliancePolicy: config.compliancePolicy };
  if (sources?.kind === 'templates') {
    const found = sources.configuration;
    const values = deepMerge(found.values, config.values) as JsonObject;
    const meshConfig = Object.keys(config.meshConfig).length ? applyMeshConfig(config.meshConfig, found.meshConfig) : found.meshConfig;
    // kube-inject passes no injectedAnnotations; the webhook copies them onto every pod.
    const injectedAnnotations = config.emulate === 'webhook' ? { ...found.injector.injectedAnnotations } : {};
    return { settings: resolveSettings({ ...common, values, meshConfig, injectedAnnotations }) };
  }
  const overlay = valuesOverlay(config);
  const rendered = release ?? builtinReleaseOf(config, overlay, sources?.values);
  const chart = builtinValuesJson(rendered);
  const base = sources?.values ? (deepMerge(chart, sources.values.values) as JsonObject) : chart;
  const values = deepMerge(deepMerge(base, overlay), config.values) as JsonObject;
  const meshConfig = applyMeshConfig(deepMerge(meshOverlay(config), config.meshConfig) as JsonObject, sources?.mesh?.meshConfig ?? builtinMeshConfig());
  return { settings: resolveSettings({ ...common, values, meshConfig }), release: rendered };
}

/**
 * `istio` carries the texts of the Istio files the CLI read for the top-level revision;
 * `revisionIstio` those read for `spec.revisions` entries, by revision name. `engine` renders
 * Istio's templates; the caller loads it (istio/templates.ts) when `usesIstioTemplates` says so.
 */
export function buildEnvironment(
  objects: readonly JsonObject[],
  config: Config,
  results: Result[],
  istio: IstioInputs = {},
  revisionIstio: Readonly<Record<string, IstioInputs>> = {},
  engine?: TemplateEngine,
): Environment {
  const namespaces = collectNamespaces(objects, config);
  const top = renderingFor(objects, config, results, istio, engine);
  const others = config.revisions.map((rc) => ({ rc, r: renderingFor(objects, rc, results, revisionIstio[rc.revision] ?? {}, engine) }));
  // Every configured revision installs its webhooks (and its tags'), as a canary upgrade does;
  // the `auto.` webhook follows the config or the chart values found.
  const standard = standardWebhooks(
    [config, ...config.revisions].map((c) => ({ revision: c.revision, tags: c.revisionTags })),
    { enableNamespacesByDefault: config.enableNamespacesByDefault || top.enableNamespacesByDefault || others.some((o) => o.r.enableNamespacesByDefault) },
  );
  // Istio's own MutatingWebhookConfigurations in the input replace the standard selectors.
  const { webhooks } = chooseWebhooks(objects, standard, results);
  const env: Environment = { config, namespaces, webhooks, ...top.rendering };
  if (others.length === 0) return env;
  const revisions = new Map<string, Environment>();
  for (const { rc, r } of others) revisions.set(rc.revision, { config: rc, namespaces, webhooks, ...r.rendering });
  return { ...env, revisions };
}

/** The settings, renderer and injector policy one revision renders with. */
function renderingFor(
  objects: readonly JsonObject[],
  config: Config,
  results: Result[],
  istio: IstioInputs,
  engine: TemplateEngine | undefined,
): { rendering: Pick<Environment, 'settings' | 'renderer' | 'injectorPolicy'>; enableNamespacesByDefault: boolean } {
  const inputs: IstioInputs = {
    injectorConfigMap: config.istio.injectorConfigMap,
    meshConfigMap: config.istio.meshConfigMap,
    env: config.istio.env,
    ...istio,
  };
  try {
    // Istio's injector configuration (files, or ConfigMaps in the input) when there is one.
    const sources = findIstioSources(objects, config, inputs);
    const { settings, release } = revisionSettings(config, sources);
    const enableNamespacesByDefault = sources !== undefined && enableNamespacesByDefaultOf(settings.values);
    if (sources?.kind === 'templates') {
      const { renderer, injectorPolicy } = templateRenderer(engine, sources.configuration, config, inputs, settings);
      results.push(sourcesResult(sources));
      return { rendering: { settings, renderer, injectorPolicy }, enableNamespacesByDefault };
    }
    if (sources) results.push(sourcesResult(sources));
    return { rendering: { settings, renderer: builtinRendererFor(release) }, enableNamespacesByDefault };
  } catch (e) {
    if (!(e instanceof IstioConfigError)) throw e;
    results.push(istioConfigErrorResult(e));
    // Nothing can be injected correctly without the configuration (or with a proxy tag no
    // template here matches): every workload that would be injected fails with a pointer to the
    // error above.
    return {
      rendering: {
        settings: revisionSettings(config, undefined, DEFAULT_RELEASE).settings,
        renderer: {
          source: 'invalid Istio configuration',
          render: () => {
            throw new UserError('not injected: the Istio injector configuration is invalid (see the error above)', undefined, 'istio-config');
          },
        },
      },
      enableNamespacesByDefault: false,
    };
  }
}
