/**
 * `overwriteClusterInfo`: the cluster/network parameters of the webhook URL (`proxyEnvs`) replace
 * the same env vars of `istio-proxy` and go to the end of its env, sorted by name. Nothing to do
 * when there are none (kube-inject emulation). Does not decide where the values come from.
 */
import type { JsonObject, PodTemplate } from '../../kube/types.js';
import type { PostProcessContext } from './context.js';
import { compareGoStrings } from './gojson.js';
import { asPodTemplate, clonePod, findSidecar } from './util.js';

export function overwriteClusterInfo(input: PodTemplate, ctx: PostProcessContext): PodTemplate {
  const envs = ctx.settings.proxyEnvs;
  const keys = Object.keys(envs).sort(compareGoStrings);
  if (keys.length === 0) return input;
  const pod = clonePod(input);
  const sidecar = findSidecar(pod);
  if (!sidecar) return input;
  updateClusterEnvs(sidecar, envs, keys);
  return asPodTemplate(pod);
}

function updateClusterEnvs(container: JsonObject, envs: Record<string, string>, sortedKeys: string[]): void {
  const env = (Array.isArray(container.env) ? container.env : []) as JsonObject[];
  const kept = env.filter((e) => !(String(e.name) in envs));
  container.env = [...kept, ...sortedKeys.map((name) => ({ name, value: envs[name] as string }))];
}
