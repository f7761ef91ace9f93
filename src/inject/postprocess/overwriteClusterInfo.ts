/**
 * `overwriteClusterInfo`: the cluster/network parameters of the webhook URL (`proxyEnvs`) replace
 * the same env vars of `istio-proxy` and go to the end of its env, sorted by name. Nothing to do
 * when there are none (kube-inject emulation). Does not decide where the values come from.
 */
import type { JsonObject, PodJson } from '../../kube/types.js';
import type { PostProcessContext } from './context.js';
import { compareGoStrings } from './gojson.js';
import { findSidecar } from './util.js';

/** The step on a pod it may modify; returns whether it changed anything. */
export function overwriteClusterInfoInPlace(pod: PodJson, ctx: PostProcessContext): boolean {
  const envs = ctx.settings.proxyEnvs;
  const keys = Object.keys(envs).sort(compareGoStrings);
  if (keys.length === 0) return false;
  const sidecar = findSidecar(pod);
  if (!sidecar) return false;
  updateClusterEnvs(sidecar, envs, keys);
  return true;
}

function updateClusterEnvs(container: JsonObject, envs: Record<string, string>, sortedKeys: string[]): void {
  const env = (Array.isArray(container.env) ? container.env : []) as JsonObject[];
  const kept = env.filter((e) => !(String(e.name) in envs));
  container.env = [...kept, ...sortedKeys.map((name) => ({ name, value: envs[name] as string }))];
}
