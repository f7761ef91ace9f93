/**
 * Istio injector-config mode for a run: decides whether the run renders with Istio's own templates
 * (an `--injectConfigFile`, or an `istio-sidecar-injector` ConfigMap configured or present in the
 * input) and, if so, builds the `InjectorSettings`, the template renderer and the injector policy
 * (`policy`, selectors) from that configuration. Mesh and values given without templates
 * (`--meshConfigFile`, `--valuesFile`, an `istio` ConfigMap) feed the built-in profile instead.
 * The result message names the configuration used.
 *
 * Not responsible for: reading files (the CLI passes their texts), namespaces, or the per-workload
 * pipeline. The caller (src/environment.ts) falls back to the built-in profile on `undefined`.
 * The template engine itself is in templates.ts, loaded by the CLI only when needed.
 */
import type { Config } from '../config/load.js';
import { deepMerge, meshOverlay, valuesOverlay } from '../config/settings.js';
import { isObject, type JsonObject } from '../kube/types.js';
import { applyMeshConfig, builtinMeshConfig } from '../inject/mesh.js';
import { builtinValuesJson } from '../inject/builtin/values.js';
import { chooseRelease, type BuiltinRelease } from '../inject/builtin/releases.js';
import { builtinRendererFor } from '../inject/builtin/render.js';
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

export interface IstioEnvironment {
  settings: InjectorSettings;
  renderer: SidecarRenderer;
  /** Stage B settings from the injector config (template mode only). */
  injectorPolicy?: InjectorPolicy;
  configuration?: IstioConfiguration;
  /** One line for results. */
  description: string;
  /** `values.sidecarInjectorWebhook.enableNamespacesByDefault` of Istio's values (the `auto.` webhook). */
  enableNamespacesByDefault: boolean;
}

function enableNamespacesByDefaultOf(values: JsonObject): boolean {
  const w = values.sidecarInjectorWebhook;
  return w !== null && typeof w === 'object' && !Array.isArray(w) && w.enableNamespacesByDefault === true;
}

/**
 * Builds the renderer over Istio's templates. It lives in templates.ts (`templateEngine`), which
 * the CLI loads only when `usesIstioTemplates` is true, so the built-in profile never loads the
 * Go template engine.
 */
export interface TemplateEngine {
  renderer(options: { injector: InjectorConfig; emulate: Emulation; env: Readonly<Record<string, string>> | undefined; source: string }): SidecarRenderer;
}

/**
 * Could this run render with Istio's templates? True when an injector ConfigMap or an
 * injection-templates file is configured for any revision, or a ConfigMap named
 * `istio-sidecar-injector*` is in the input (also inside a List). It may say yes when the
 * configuration turns out to be for another revision (the engine is then loaded for nothing);
 * it never says no when `istioEnvironment` would render with templates.
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
 * Resolves Istio's configuration for the run. Returns `undefined` when nothing Istio-specific was
 * given or found (use the built-in profile as configured). Throws `IstioConfigError` (a
 * `UserError`) for a configured-but-missing or invalid source; see `istioConfigErrorResult`.
 */
export function istioEnvironment(
  objects: readonly JsonObject[],
  config: Config,
  inputs: IstioInputs,
  results: Result[],
  engine: TemplateEngine | undefined,
): IstioEnvironment | undefined {
  const opts = findOptions(config, inputs);
  const found = findIstioConfiguration(objects, opts);
  const common = {
    revision: config.revision,
    nativeSidecars: config.nativeSidecars,
    compliancePolicy: config.compliancePolicy,
    proxyEnvs: {},
  };
  if (found) {
    // The ConfigMap is the truth; only the raw `values`/`meshConfig` overlays of the function
    // config apply on top (the friendly `proxy` settings describe the built-in profile).
    const values = deepMerge(found.values, config.values) as JsonObject;
    const meshConfig = Object.keys(config.meshConfig).length ? applyMeshConfig(config.meshConfig, found.meshConfig) : found.meshConfig;
    const settings: InjectorSettings = {
      ...common,
      values,
      meshConfig,
      // kube-inject passes no injectedAnnotations; the webhook copies them onto every pod.
      injectedAnnotations: config.emulate === 'webhook' ? found.injector.injectedAnnotations : {},
    };
    // A bug, not a user problem: usesIstioTemplates must have said yes for this input.
    if (!engine) throw new Error('Istio templates found but the template engine was not loaded');
    const renderer = engine.renderer({ injector: found.injector, emulate: config.emulate, env: istiodEnv(config, inputs.env), source: found.sources.injector });
    results.push({ severity: 'info', message: `Istio injector configuration: ${found.description}` });
    return {
      settings,
      renderer,
      injectorPolicy: {
        policy: found.injector.policy,
        neverInjectSelector: found.injector.neverInjectSelector,
        alwaysInjectSelector: found.injector.alwaysInjectSelector,
      },
      configuration: found,
      description: found.description,
      enableNamespacesByDefault: enableNamespacesByDefaultOf(values),
    };
  }
  const rest = findMeshAndValues(objects, opts);
  if (!rest.values && !rest.mesh) return undefined;
  // Built-in profile over the given values/mesh: those replace the built-in defaults, the
  // function config's settings still apply on top.
  const release = builtinReleaseOf(config, rest.values);
  const baseValues = rest.values ? (deepMerge(builtinValuesJson(release), rest.values.values) as JsonObject) : builtinValuesJson(release);
  const values = deepMerge(deepMerge(baseValues, valuesOverlay(config)), config.values) as JsonObject;
  const meshBase = rest.mesh ? rest.mesh.meshConfig : builtinMeshConfig();
  const meshConfig = applyMeshConfig(deepMerge(meshOverlay(config), config.meshConfig) as JsonObject, meshBase);
  const parts = [rest.values ? `values from ${rest.values.source}` : '', rest.mesh ? `mesh config from ${rest.mesh.source}` : ''].filter(Boolean);
  const description = `built-in profile with ${parts.join(' and ')}`;
  results.push({ severity: 'info', message: `Istio injector configuration: ${description}` });
  return {
    settings: { ...common, values, meshConfig, injectedAnnotations: {} },
    renderer: builtinRendererFor(release),
    description,
    enableNamespacesByDefault: enableNamespacesByDefaultOf(values),
  };
}

/**
 * The release the built-in profile renders for a config, over the values of a values file or
 * ConfigMap when there are some: `istioVersion`, else the release the proxy image tag the values
 * end with names (`proxy.tag`, `spec.values`, the file's `global.tag`), else the newest stable
 * (releases.ts `chooseRelease`). Throws `IstioConfigError` for a tag naming a release the
 * profile does not render.
 */
export function builtinReleaseOf(config: Config, base?: { values: JsonObject; source: string }): BuiltinRelease | undefined {
  const user = deepMerge(deepMerge(base?.values ?? {}, valuesOverlay(config)), config.values);
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
