/**
 * Builds what every workload of a run shares: the namespaces known from the input and the
 * config, the injector settings (values and mesh config with defaults), the renderer and the
 * webhook selectors that stand in for the API server's stage of the decision.
 */
import type { Config } from './config/load.js';
import { deepMerge, meshOverlay, valuesOverlay } from './config/settings.js';
import { isObject, type JsonObject } from './kube/types.js';
import type { Result } from './results/result.js';
import { standardWebhooks } from './policy/index.js';
import { builtinRenderer } from './inject/builtin/render.js';
import { builtinValuesJson } from './inject/builtin/values.js';
import { applyMeshConfig, builtinMeshConfig } from './inject/mesh.js';
import type { InjectorSettings } from './inject/types.js';
import type { Environment, NamespaceInfo } from './workload.js';
import { istioConfigErrorResult, istioEnvironment, type IstioInputs } from './istio/environment.js';
import { IstioConfigError } from './istio/config.js';
import { chooseWebhooks } from './istio/webhooks.js';
import { UserError } from './results/result.js';

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

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

export function builtinSettings(config: Config): InjectorSettings {
  const values = deepMerge(deepMerge(builtinValuesJson(), valuesOverlay(config)), config.values) as JsonObject;
  const meshConfig = applyMeshConfig(deepMerge(meshOverlay(config), config.meshConfig) as JsonObject, builtinMeshConfig());
  return {
    values,
    meshConfig,
    revision: config.revision,
    nativeSidecars: config.nativeSidecars,
    compliancePolicy: config.compliancePolicy,
    proxyEnvs: {},
    injectedAnnotations: {},
  };
}

export function buildEnvironment(objects: readonly JsonObject[], config: Config, results: Result[], istio: IstioInputs = {}): Environment {
  const standard = (enableNamespacesByDefault: boolean) =>
    standardWebhooks({
      revision: config.revision,
      tags: config.revisionTags,
      enableNamespacesByDefault: config.enableNamespacesByDefault || enableNamespacesByDefault,
    });
  const namespaces = collectNamespaces(objects, config);
  const inputs: IstioInputs = {
    injectorConfigMap: config.istio.injectorConfigMap,
    meshConfigMap: config.istio.meshConfigMap,
    env: config.istio.env,
    ...istio,
  };
  try {
    // Istio's injector configuration (files, or ConfigMaps in the input) when there is one.
    const found = istioEnvironment(objects, config, inputs, results);
    if (found) {
      // Istio's own MutatingWebhookConfigurations in the input replace the standard selectors;
      // the standard ones follow the chart values found (the `auto.` webhook).
      const { webhooks } = chooseWebhooks(objects, standard(found.enableNamespacesByDefault), results);
      return {
        config,
        namespaces,
        webhooks,
        settings: found.settings,
        renderer: found.renderer ?? builtinRenderer,
        ...(found.injectorPolicy ? { injectorPolicy: found.injectorPolicy } : {}),
      };
    }
  } catch (e) {
    if (!(e instanceof IstioConfigError)) throw e;
    results.push(istioConfigErrorResult(e));
    // Nothing can be injected correctly without the configuration: every workload that would be
    // injected fails with a pointer to the error above.
    return {
      config,
      namespaces,
      webhooks: chooseWebhooks(objects, standard(false), results).webhooks,
      settings: builtinSettings(config),
      renderer: {
        source: 'invalid Istio configuration',
        render: () => {
          throw new UserError('not injected: the Istio injector configuration is invalid (see the error above)', undefined, 'istio-config');
        },
      },
    };
  }
  const { webhooks } = chooseWebhooks(objects, standard(false), results);
  return { config, namespaces, webhooks, settings: builtinSettings(config), renderer: builtinRenderer };
}
