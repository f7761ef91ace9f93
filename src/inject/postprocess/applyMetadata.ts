/**
 * `applyMetadata`: the network label from the webhook's cluster parameters, the
 * `sidecar.istio.io/status` annotation (what the templates injected, in Istio's exact JSON) and
 * the configured `injectedAnnotations`. Does not add the template's own labels and annotations
 * (the merge did that).
 */
import { Annotation, Label } from '../../kube/keys.js';
import { isObject, asPodJson, type JsonObject, type PodJson } from '../../kube/types.js';
import type { PostProcessContext } from './context.js';
import { goMarshal } from './gojson.js';
import { ensureAnnotations, ensureLabels } from './util.js';

/** The step on a pod it may modify; returns whether it changed anything. */
export function applyMetadataInPlace(pod: PodJson, ctx: PostProcessContext): boolean {
  const network = ctx.settings.proxyEnvs.ISTIO_META_NETWORK;
  if (network !== undefined) ensureLabels(pod)[Label.network] = network;
  const annotations = ensureAnnotations(pod);
  annotations[Annotation.status] = getInjectionStatus(asPodJson(ctx.templatePod).spec ?? {}, ctx.settings.revision);
  for (const [k, v] of Object.entries(ctx.settings.injectedAnnotations)) annotations[k] = v;
  return true;
}

/**
 * `getInjectionStatus`: names of the injected init containers, containers, volumes and image
 * pull secrets in template order (`null` for none), and the revision (`default` for '').
 */
export function getInjectionStatus(spec: JsonObject, revision: string): string {
  const names = (key: string): string[] | null => {
    const list = spec[key];
    if (!Array.isArray(list) || list.length === 0) return null;
    return list.map((item) => (isObject(item) ? String(item.name ?? '') : ''));
  };
  return goMarshal({
    initContainers: names('initContainers'),
    containers: names('containers'),
    volumes: names('volumes'),
    imagePullSecrets: names('imagePullSecrets'),
    revision: revision === '' ? 'default' : revision,
  });
}

/** The parsed status annotation (lists of names; missing or null lists are empty). */
export interface SidecarInjectionStatus {
  initContainers: string[];
  containers: string[];
  volumes: string[];
  imagePullSecrets: string[];
  revision: string;
}

/** Parses `sidecar.istio.io/status`; `undefined` when it is not a JSON object. */
export function parseInjectionStatus(value: string): SidecarInjectionStatus | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const list = (key: string): string[] => {
    const v = parsed[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  };
  return {
    initContainers: list('initContainers'),
    containers: list('containers'),
    volumes: list('volumes'),
    imagePullSecrets: list('imagePullSecrets'),
    revision: typeof parsed.revision === 'string' ? parsed.revision : '',
  };
}
