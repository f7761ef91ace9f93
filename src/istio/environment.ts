/**
 * Istio injector-config mode for a run: finds what Istio configuration one revision renders with
 * (`findIstioSources`): Istio's own templates (an `--injectConfigFile`, or an
 * `istio-sidecar-injector` ConfigMap configured or present in the input) with their values and
 * mesh config, or only mesh and values (`--meshConfigFile`, `--valuesFile`, an `istio` ConfigMap)
 * that feed the built-in profile; and builds the renderer over Istio's templates
 * (`templateRenderer`) from the settings the edge resolved.
 *
 * Not responsible for: reading files (the CLI passes their texts), laying the function config
 * over what was found (core/environment.ts resolves each revision's settings once, at the edge),
 * namespaces, or the per-workload pipeline. The template engine itself is in templates.ts,
 * loaded by the CLI only when needed.
 */
import type { Config } from '../config/load.js';
import { deepMerge } from '../config/settings.js';
import { isObject, type JsonObject } from '../kube/types.js';
import { chooseRelease, type BuiltinRelease } from '../inject/builtin/releases.js';
import type { InjectorSettings, SidecarRenderer } from '../inject/types.js';
import type { InjectorPolicy } from '../policy/index.js';
import type { Result } from '../results/result.js';
import {
  findIstioConfiguration,
  findMeshAndValues,
  INJECTOR_CONFIGMAP,
  IstioConfigError,
  type FindIstioConfigOptions,
  type InjectorConfig,
  type IstioConfiguration,
} from './config.js';
import type { Emulation } from './renderer.js';

/** The texts of the istioctl-style files and the configured ConfigMap names. */
export interface IstioInputs {
  injectConfigFile?: { path: string; text: string } | undefined;
  meshConfigFile?: { path: string; text: string } | undefined;
  valuesFile?: { path: string; text: string } | undefined;
  /** `name` or `namespace/name` of the injector ConfigMap to use; missing from the input is an error. */
  injectorConfigMap?: string | undefined;
  /** `name` or `namespace/name` of the mesh ConfigMap to use; missing from the input is an error. */
  meshConfigMap?: string | undefined;
  /** What Istio's `env` template function reads (istiod's environment). */
  env?: Readonly<Record<string, string>> | undefined;
}

/**
 * The Istio configuration found for one revision: Istio's templates (with the values and mesh
 * config that came with them), or values and/or mesh config for the built-in profile.
 */
export type IstioSources =
  | { readonly kind: 'templates'; readonly configuration: IstioConfiguration; readonly description: string }
  | {
      readonly kind: 'builtin';
      readonly values?: { values: JsonObject; source: string } | undefined;
      readonly mesh?: { meshConfig: JsonObject; source: string } | undefined;
      readonly description: string;
    };

/** `values.sidecarInjectorWebhook.enableNamespacesByDefault` of Istio's values (the `auto.` webhook). */
export function enableNamespacesByDefaultOf(values: JsonObject): boolean {
  const w = values.sidecarInjectorWebhook;
  return w !== null && typeof w === 'object' && !Array.isArray(w) && w.enableNamespacesByDefault === true;
}

/**
 * Builds the renderer over Istio's templates. It lives in templates.ts (`templateEngine`), which
 * the CLI loads only when `usesIstioTemplates` is true, so the built-in profile never loads the
 * Go template engine.
 */
export interface TemplateEngine {
  renderer(options: {
    injector: InjectorConfig;
    emulate: Emulation;
    env: Readonly<Record<string, string>> | undefined;
    source: string;
    /** The revision's resolved settings: the renderer converts what every workload shares once. */
    settings: InjectorSettings;
  }): SidecarRenderer;
}

/**
 * Could this run render with Istio's templates? True when an injector ConfigMap or an
 * injection-templates file is configured for any revision, or a ConfigMap named
 * `istio-sidecar-injector*` is in the input (also inside a List). It may say yes when the
 * configuration turns out to be for another revision (the engine is then loaded for nothing);
 * it never says no when `findIstioSources` would find templates.
 */
export function usesIstioTemplates(objects: readonly JsonObject[], configs: readonly Pick<Config, 'istio'>[], inputs: readonly IstioInputs[]): boolean {
  if (configs.some((c) => c.istio.injectorConfigMap || c.istio.injectConfigFile)) return true;
  if (inputs.some((i) => i.injectorConfigMap || i.injectConfigFile)) return true;
  const named = (o: JsonObject): boolean => {
    if (o.kind === 'List' && Array.isArray(o.items)) return o.items.some((item) => isObject(item) && named(item));
    const name = isObject(o.metadata) ? o.metadata.name : undefined;
    return o.kind === 'ConfigMap' && typeof name === 'string' && name.startsWith(INJECTOR_CONFIGMAP);
  };
  return objects.some(named);
}

function findOptions(config: Config, inputs: IstioInputs): FindIstioConfigOptions {
  return {
    revision: config.revision,
    injectorConfigMap: inputs.injectorConfigMap,
    meshConfigMap: inputs.meshConfigMap,
    injectConfigFile: inputs.injectConfigFile,
    meshConfigFile: inputs.meshConfigFile,
    valuesFile: inputs.valuesFile,
  };
}

/**
 * Finds Istio's configuration for one revision. Returns `undefined` when nothing Istio-specific
 * was given or found (use the built-in profile as configured). Throws `IstioConfigError` (a
 * `UserError`) for a configured-but-missing or invalid source; see `istioConfigErrorResult`.
 */
export function findIstioSources(objects: readonly JsonObject[], config: Config, inputs: IstioInputs): IstioSources | undefined {
  const opts = findOptions(config, inputs);
  const found = findIstioConfiguration(objects, opts);
  if (found) return { kind: 'templates', configuration: found, description: found.description };
  const rest = findMeshAndValues(objects, opts);
  if (!rest.values && !rest.mesh) return undefined;
  const parts = [rest.values ? `values from ${rest.values.source}` : '', rest.mesh ? `mesh config from ${rest.mesh.source}` : ''].filter(Boolean);
  return { kind: 'builtin', values: rest.values, mesh: rest.mesh, description: `built-in profile with ${parts.join(' and ')}` };
}

/** The result that names the configuration a revision renders with. */
export function sourcesResult(sources: IstioSources): Result {
  return { severity: 'info', message: `Istio injector configuration: ${sources.description}` };
}

/** The renderer over the templates found, with the injector policy (`policy`, selectors) they come with. */
export function templateRenderer(
  engine: TemplateEngine | undefined,
  found: IstioConfiguration,
  config: Config,
  inputs: IstioInputs,
  settings: InjectorSettings,
): { renderer: SidecarRenderer; injectorPolicy: InjectorPolicy } {
  // A bug, not a user problem: usesIstioTemplates must have said yes for this input.
  if (!engine) throw new Error('Istio templates found but the template engine was not loaded');
  const renderer = engine.renderer({
    injector: found.injector,
    emulate: config.emulate,
    env: istiodEnv(config, inputs.env),
    source: found.sources.injector,
    settings,
  });
  return {
    renderer,
    injectorPolicy: {
      policy: found.injector.policy,
      neverInjectSelector: found.injector.neverInjectSelector,
      alwaysInjectSelector: found.injector.alwaysInjectSelector,
    },
  };
}

/**
 * The release the built-in profile renders for a config, over the values of a values file or
 * ConfigMap when there are some: `istioVersion`, else the release the proxy image tag the values
 * end with names (`proxy.tag`, `spec.values`, the file's `global.tag`), else the newest stable
 * (releases.ts `chooseRelease`). `overlay` is the config's `valuesOverlay`. Throws `IstioConfigError` for a tag naming a release the
 * profile does not render.
 */
export function builtinReleaseOf(config: Config, overlay: JsonObject, base?: { values: JsonObject; source: string }): BuiltinRelease | undefined {
  const user = deepMerge(deepMerge(base?.values ?? {}, overlay), config.values);
  const global = isObject(user) ? user.global : undefined;
  const choice = chooseRelease(config.istioVersion, isObject(global) ? global.tag : undefined);
  if ('release' in choice) return choice.release;
  const configValues = isObject(config.values.global) ? config.values.global : {};
  const field = 'tag' in configValues ? 'spec.values.global.tag' : config.proxy.tag !== undefined ? 'spec.proxy.tag' : 'global.tag';
  throw new IstioConfigError(choice.problem, field, undefined, field === 'global.tag' ? base?.source : undefined);
}

/**
 * istiod's environment as the templates' `env` function reads it. Istio's templates before 1.27
 * decide native sidecars from `env "ENABLE_NATIVE_SIDECARS"` rather than `.NativeSidecars` (in
 * those releases istiod set both from that one variable), so the resolved `nativeSidecars`
 * setting is served under that name too. A value given explicitly in `istio.env` describes
 * istiod's environment literally and wins.
 */
function istiodEnv(config: Config, env: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  return { ENABLE_NATIVE_SIDECARS: String(config.nativeSidecars), ...env };
}

/** The error result for a configuration problem (resource and field when known). */
export function istioConfigErrorResult(e: IstioConfigError): Result {
  return {
    severity: 'error',
    message: e.message,
    ...(e.resourceRef ? { resourceRef: e.resourceRef } : {}),
    ...(e.fieldPath ? { field: { path: e.fieldPath } } : {}),
    ...(e.file ? { file: { path: e.file } } : {}),
    tags: { reason: e.code },
  };
}
