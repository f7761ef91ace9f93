/** Small builders for built-in profile unit tests. */
import type { JsonObject, PodTemplate } from '../../src/kube/types.js';
import type { InjectorSettings, SidecarTemplateData } from '../../src/inject/types.js';
import { buildTemplateData } from '../../src/inject/data.js';
import { builtinMeshConfig } from '../../src/inject/mesh.js';
import { builtinValuesJson } from '../../src/inject/builtin/values.js';
import { renderSidecar } from '../../src/inject/builtin/render.js';
import { resolveSettings, type SettingsInput } from '../../src/inject/settings.js';

export function settings(over: Partial<SettingsInput> = {}): InjectorSettings {
  return resolveSettings({
    values: builtinValuesJson(),
    meshConfig: builtinMeshConfig(),
    revision: '',
    nativeSidecars: false,
    compliancePolicy: '',
    ...over,
  });
}

export function pod(annotations: Record<string, string> = {}, labels: Record<string, string> = { app: 'web' }): PodTemplate {
  return {
    metadata: { annotations, labels },
    spec: { containers: [{ name: 'web', image: 'example.com/web:1.0', ports: [{ containerPort: 8080, name: 'http' }] }] },
  };
}

export const workload = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' };

export function data(p: PodTemplate = pod(), s: InjectorSettings = settings()): SidecarTemplateData {
  return buildTemplateData({ pod: p, workload, settings: s });
}

/** Renders and returns handy views of the patch. */
export function render(p: PodTemplate = pod(), s: InjectorSettings = settings()) {
  const patch = renderSidecar(data(p, s));
  const spec = patch.spec as JsonObject;
  const inits = (spec.initContainers ?? []) as JsonObject[];
  const containers = (spec.containers ?? []) as JsonObject[];
  const all = [...inits, ...containers];
  const proxy = all.find((c) => c.name === 'istio-proxy')!;
  const init = all.find((c) => c.name === 'istio-init' || c.name === 'istio-validation');
  const env = (proxy.env ?? []) as JsonObject[];
  const envValue = (name: string) => env.find((e) => e.name === name)?.value;
  const volumes = (spec.volumes ?? []) as JsonObject[];
  const metadata = patch.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
  return { patch, spec, inits, containers, proxy, init, env, envValue, volumes, metadata };
}

/** Values with `global.proxy` (or other) overrides merged in one level deep. */
export function withValues(mutate: (v: JsonObject) => void): InjectorSettings {
  const values = builtinValuesJson();
  mutate(values);
  return settings({ values });
}

export function g(v: JsonObject, ...path: string[]): JsonObject {
  let cur = v;
  for (const k of path) cur = cur[k] as JsonObject;
  return cur;
}
