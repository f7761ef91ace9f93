/**
 * `reorderPod`: `istio-proxy` last among the containers (first when the application must wait
 * for the proxy), and Istio's init containers in their fixed places: native sidecar
 * `istio-init, istio-validation, istio-proxy, enable-core-dump, <user init containers>`; classic
 * `istio-validation, <user init containers>, istio-init, enable-core-dump`. Moves nothing else.
 */
import { Container as ContainerName } from '../../kube/keys.js';
import type { JsonObject, PodJson } from '../../kube/types.js';
import type { PostProcessContext } from './context.js';
import { get } from './util.js';

type ContainerReorder = 'MoveFirst' | 'MoveLast' | 'Remove';

/** The step on a pod it may modify; returns whether it changed anything. */
export function reorderPodInPlace(pod: PodJson, ctx: PostProcessContext): boolean {
  // ctx.proxyConfig already carries the pod's proxy.istio.io/config over the mesh default.
  const holdPod =
    get(ctx.proxyConfig, 'holdApplicationUntilProxyStarts') === true || get(ctx.settings.values, 'global', 'proxy', 'holdApplicationUntilProxyStarts') === true;
  const spec = pod.spec;
  if (spec.containers) spec.containers = modifyContainers(spec.containers, ContainerName.proxy, holdPod ? 'MoveFirst' : 'MoveLast');
  let init = spec.initContainers;
  if (init) {
    if (init.some((c) => c.name === ContainerName.proxy)) {
      init = modifyContainers(init, ContainerName.coreDump, 'MoveFirst');
      init = modifyContainers(init, ContainerName.proxy, 'MoveFirst');
      init = modifyContainers(init, ContainerName.validation, 'MoveFirst');
      init = modifyContainers(init, ContainerName.init, 'MoveFirst');
    } else {
      init = modifyContainers(init, ContainerName.init, 'MoveLast');
      init = modifyContainers(init, ContainerName.validation, 'MoveFirst');
      init = modifyContainers(init, ContainerName.coreDump, 'MoveLast');
    }
    spec.initContainers = init;
  }
  return true;
}

/** Istio's `modifyContainers`: moves (or removes) the container with that name; the last one wins. */
export function modifyContainers(list: JsonObject[], name: string, modifier: ContainerReorder): JsonObject[] {
  const rest = list.filter((c) => c.name !== name);
  const matches = list.filter((c) => c.name === name);
  const match = matches[matches.length - 1];
  if (!match) return rest;
  if (modifier === 'MoveFirst') return [match, ...rest];
  if (modifier === 'MoveLast') return [...rest, match];
  return rest;
}
