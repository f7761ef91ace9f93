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
 */
import type { Config } from '../config/load.js';
import { deepMerge, meshOverlay, valuesOverlay } from '../config/settings.js';
import type { JsonObject } from '../kube/types.js';
import { applyMeshConfig, builtinMeshConfig } from '../inject/mesh.js';
import { builtinValuesJson } from '../inject/builtin/values.js';
import { proxyConfigToJSON } from '../inject/proxyconfig.js';
import type { InjectorSettings, SidecarRenderer } from '../inject/types.js';
import type { InjectorPolicy } from '../policy/index.js';
import type { Result } from '../results/result.js';
import { istioFuncMap } from '../template/funcs/istio.js';
import type { FuncMap } from '../template/index.js';
import { findIstioConfiguration, findMeshAndValues, IstioConfigError, type FindIstioConfigOptions, type IstioConfiguration } from './config.js';
import { TemplateRenderer } from './renderer.js';

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
  renderer?: SidecarRenderer;
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

/** Istio's template function map with this project's `protoToJSON` (cleanProxyConfig + proto order). */
export function injectionFuncs(env: Readonly<Record<string, string>> = {}): FuncMap {
  return istioFuncMap({
    env,
    protoToJSON: (message) => (message !== null && typeof message === 'object' && !Array.isArray(message) ? proxyConfigToJSON(message as JsonObject) : '{}'),
  });
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
export function istioEnvironment(objects: readonly JsonObject[], config: Config, inputs: IstioInputs, results: Result[]): IstioEnvironment | undefined {
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
    const renderer = new TemplateRenderer({
      injector: found.injector,
      emulate: config.emulate,
      funcs: [injectionFuncs(inputs.env)],
      source: found.sources.injector,
    });
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
  const baseValues = rest.values ? (deepMerge(builtinValuesJson(), rest.values.values) as JsonObject) : builtinValuesJson();
  const values = deepMerge(deepMerge(baseValues, valuesOverlay(config)), config.values) as JsonObject;
  const meshBase = rest.mesh ? rest.mesh.meshConfig : builtinMeshConfig();
  const meshConfig = applyMeshConfig(deepMerge(meshOverlay(config), config.meshConfig) as JsonObject, meshBase);
  const parts = [rest.values ? `values from ${rest.values.source}` : '', rest.mesh ? `mesh config from ${rest.mesh.source}` : ''].filter(Boolean);
  const description = `built-in profile with ${parts.join(' and ')}`;
  results.push({ severity: 'info', message: `Istio injector configuration: ${description}` });
  return {
    settings: { ...common, values, meshConfig, injectedAnnotations: {} },
    description,
    enableNamespacesByDefault: enableNamespacesByDefaultOf(values),
  };
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
