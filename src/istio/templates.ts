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
import { istioFuncMap } from '../template/funcs/istio.js';
import type { FuncMap } from '../template/index.js';
import type { TemplateEngine } from './environment.js';
import { TemplateRenderer } from './renderer.js';

/** Istio's template function map with this project's `protoToJSON` (cleanProxyConfig + proto order). */
export function injectionFuncs(env: Readonly<Record<string, string>> = {}): FuncMap {
  return istioFuncMap({
    env,
    protoToJSON: (message) => (message !== null && typeof message === 'object' && !Array.isArray(message) ? proxyConfigToJSON(message as JsonObject) : '{}'),
  });
}

export const templateEngine: TemplateEngine = {
  renderer: ({ injector, emulate, env, source }) => new TemplateRenderer({ injector, emulate, funcs: [injectionFuncs(env)], source }),
};
