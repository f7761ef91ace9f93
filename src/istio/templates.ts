/**
 * The Go-template half of Istio mode, in its own module so that it is loaded only when a run
 * renders with Istio's templates: the CLI imports it dynamically (`import()`) when
 * `usesIstioTemplates` (environment.ts) says so and passes `templateEngine` down to `run`, so
 * the built-in profile never evaluates the template engine, sprig or Istio's template functions
 * (a quarter of the bundle). It builds renderers and the function map; finding and parsing the
 * configuration, and deciding whether templates are used, are environment.ts' and config.ts'.
 */
import type { JsonObject } from '../kube/types.js';
import { proxyConfigToJSON } from '../inject/proxyconfig.js';
import type { PodDefaults } from '../inject/types.js';
import { istioFuncMap } from '../template/funcs/istio.js';
import type { FuncMap } from '../template/index.js';
import type { TemplateEngine } from './environment.js';
import { TemplateRenderer } from './renderer.js';

/**
 * `protoToJSON` texts by the JSON text of the message, per function map (one per renderer): the
 * sidecar template prints `.ProxyConfig` for every workload. For a pod without its own
 * `proxy.istio.io/config` it is the settings' ProxyConfig, whose text the settings carry
 * (`pod`); the others are remembered here. `proxyConfigToJSON` depends on the message's
 * content only, so the memo cannot change output. Bounded: cleared when full.
 */
const PROTO_JSON_CACHE_ENTRIES = 256;

/** Istio's template function map with this project's `protoToJSON` (cleanProxyConfig + proto order). */
export function injectionFuncs(env: Readonly<Record<string, string>> = {}, pod?: PodDefaults): FuncMap {
  const protoJson = new Map<string, string>();
  return istioFuncMap({
    env,
    protoToJSON: (message) => {
      if (message === null || typeof message !== 'object' || Array.isArray(message)) return '{}';
      if (message === pod?.proxyConfig) return pod.proxyConfigJSON;
      const key = JSON.stringify(message);
      let text = protoJson.get(key);
      if (text === undefined) {
        text = proxyConfigToJSON(message as JsonObject);
        if (protoJson.size >= PROTO_JSON_CACHE_ENTRIES) protoJson.clear();
        protoJson.set(key, text);
      }
      return text;
    },
  });
}

export const templateEngine: TemplateEngine = {
  renderer: ({ injector, emulate, env, source, settings }) => new TemplateRenderer({ injector, emulate, funcs: [injectionFuncs(env, settings.pod)], source }),
};
