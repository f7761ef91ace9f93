/**
 * User overrides of injected containers (Istio's `reapplyOverwrittenContainers`): a container
 * the user declares with the name of one the templates emit (`istio-proxy`, `istio-init`, or an
 * app container a custom template touches) is merged back over the injected one, so the user's
 * fields win; `image: auto` keeps the injected image. The user's containers are saved in the
 * `proxy.istio.io/overrides` annotation as Go marshals them, and `adjustInitContainerUser` keeps
 * the traffic-capture container's UID in step with a user-set proxy UID. Rendering, merging the
 * templates and post-processing are elsewhere.
 */
import { Annotation, Container as ContainerName } from '../kube/keys.js';
import { cloneJson, isObject, asPodJson, asPodTemplate, type Json, type JsonObject, type PodTemplate, type PodJson } from '../kube/types.js';
import { MergeError, podSchema, strategicMerge } from '../merge/index.js';
import { UserError } from '../results/result.js';
import { goContainer, goMarshal } from './postprocess/gojson.js';
import { parseInjectionStatus } from './postprocess/applyMetadata.js';
import { annotationsOf, findContainer, findContainerFromPod, findSidecar, get } from './postprocess/util.js';
import type { InjectorSettings } from './types.js';

/** `image: auto` in a user override means "keep the injected image". */
export const AUTO_IMAGE = 'auto';

export interface OverrideInput {
  /** The pod after the templates were merged into it. */
  merged: PodTemplate;
  /** The user's pod before injection (after stripping an earlier injection). */
  original: PodTemplate;
  /** What the templates produced, merged over an empty pod. */
  templatePod: PodTemplate;
  settings?: Pick<InjectorSettings, 'meshConfig'>;
  /** Effective ProxyConfig (for the interception mode); defaults to the mesh `defaultConfig`. */
  proxyConfig?: JsonObject;
  /** `openshift`: the platform assigns the app's user, see `dropOpenShiftUser`. */
  platform?: string;
}

interface ParsedContainers {
  containers: JsonObject[];
  initContainers: JsonObject[];
}

/**
 * Istio's `reapplyOverwrittenContainers` on `merged`, which the caller owns: it may be modified
 * and returned (the pipeline passes the merge's fresh result).
 */
export function reapplyOverwrittenContainersInPlace(merged: PodJson, input: Omit<OverrideInput, 'merged'>): PodTemplate {
  const original = asPodJson(input.original);
  const templatePod = asPodJson(input.templatePod);
  let finalPod = merged;
  const annotations = annotationsOf(original);

  const existingOverrides = parseOverrides(annotations[Annotation.overrides]);
  const statusText = annotations[Annotation.status];
  const alreadyInjected = statusText !== undefined;
  const status = statusText !== undefined ? parseInjectionStatus(statusText) : undefined;

  // Native sidecar: the templates emit istio-proxy as an init container. A user istio-proxy still
  // sitting in containers is an override of that init container (RunTemplate normally moved it).
  const nativeProxy = findContainer(ContainerName.proxy, templatePod.spec?.initContainers);
  const classicProxy = findContainer(ContainerName.proxy, templatePod.spec?.containers);
  if (nativeProxy && !classicProxy && findContainer(ContainerName.proxy, finalPod.spec.containers)) {
    finalPod.spec.containers = (finalPod.spec.containers ?? []).filter((c) => c.name !== ContainerName.proxy);
  }

  const overrides: ParsedContainers = { containers: [], initContainers: [] };
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of templatePod.spec?.[list] ?? []) {
      const name = String(c.name ?? '');
      if (status?.[list].includes(name)) continue;
      const match = findContainer(name, existingOverrides[list]) ?? findContainerFromPod(name, original);
      if (!match) continue;
      const overlay = cloneJson(match);
      if (overlay.image === AUTO_IMAGE) delete overlay.image;
      if (input.platform === 'openshift' && name === ContainerName.proxy) dropOpenShiftUser(overlay, original);
      overrides[list].push(overlay);
      finalPod = applyContainer(finalPod, list, withoutNulls(overlay) as JsonObject);
    }
  }

  if (!alreadyInjected && (overrides.containers.length > 0 || overrides.initContainers.length > 0)) {
    finalPod.metadata ??= {};
    finalPod.metadata.annotations ??= {};
    finalPod.metadata.annotations[Annotation.overrides] = marshalOverrides(overrides);
  }

  const proxyConfig = input.proxyConfig ?? (get(input.settings?.meshConfig, 'defaultConfig') as JsonObject | undefined) ?? {};
  adjustInitContainerUser(finalPod, input.platform === 'openshift' ? withoutOpenShiftUser(original) : original, proxyConfig);
  return asPodTemplate(finalPod);
}

function parseOverrides(text: string | undefined): ParsedContainers {
  const out: ParsedContainers = { containers: [], initContainers: [] };
  if (text === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`${Annotation.overrides} is not valid JSON`, `metadata.annotations[${JSON.stringify(Annotation.overrides)}]`);
  }
  if (!isObject(parsed)) return out;
  for (const list of ['containers', 'initContainers'] as const) {
    const v = parsed[list];
    if (Array.isArray(v)) out[list] = v.filter(isObject);
  }
  return out;
}

/** `json.Marshal(ParsedContainers)`: both lists omitempty, containers in Go's shape. */
export function marshalOverrides(overrides: ParsedContainers): string {
  const out: JsonObject = {};
  if (overrides.containers.length > 0) out.containers = overrides.containers.map(goContainer);
  if (overrides.initContainers.length > 0) out.initContainers = overrides.initContainers.map(goContainer);
  return goMarshal(out);
}

/** `applyContainer` / `applyInitContainer`: strategic-merges one container into the pod. */
function applyContainer(pod: PodJson, list: 'containers' | 'initContainers', container: JsonObject): PodJson {
  try {
    return asPodJson(strategicMerge(pod, { spec: { [list]: [container] } }, podSchema));
  } catch (e) {
    if (e instanceof MergeError) throw new UserError(`cannot apply the ${list} override ${String(container.name)}: ${e.message}`, `spec.${list}`);
    throw e;
  }
}

/** Go's nil pointers: a null in the user's container is absent, not a deletion. */
function withoutNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/**
 * On OpenShift the user's `istio-proxy` override often repeats the UID the platform assigned to the
 * app container (copied from it); Istio drops `runAsUser`/`runAsGroup` that equal the first app
 * container's, so the proxy keeps the UID/GID taken from the namespace's range.
 */
function dropOpenShiftUser(overlay: JsonObject, original: PodJson): void {
  const sc = overlay.securityContext;
  if (!isObject(sc)) return;
  const app = (original.spec.containers ?? []).find((c) => c.name !== ContainerName.proxy);
  const appSc = app && isObject(app.securityContext) ? app.securityContext : {};
  for (const key of ['runAsUser', 'runAsGroup']) {
    if (key in sc && sc[key] === appSc[key]) delete sc[key];
  }
}

/** `original` with `dropOpenShiftUser` applied to its own istio-proxy container. */
function withoutOpenShiftUser(original: PodJson): PodJson {
  const pod = cloneJson(original, true);
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of pod.spec[list] ?? []) if (c.name === ContainerName.proxy) dropOpenShiftUser(c, original);
  }
  return pod;
}

/**
 * `adjustInitContainerUser`: when the user's istio-proxy sets `runAsUser`/`runAsGroup`, the
 * iptables `-u` argument of istio-init/istio-validation follows the user's UID, istio-validation
 * runs as that user and group, and in TPROXY mode the proxy itself stays root.
 */
export function adjustInitContainerUser(pod: PodJson, original: PodJson, proxyConfig: JsonObject): void {
  const userContainer = findSidecar(original);
  const userSC = userContainer && isObject(userContainer.securityContext) ? userContainer.securityContext : undefined;
  const runAsUser = userSC?.runAsUser;
  const runAsGroup = userSC?.runAsGroup;
  const hasUser = runAsUser !== undefined && runAsUser !== null;
  const hasGroup = runAsGroup !== undefined && runAsGroup !== null;
  if (!userSC || (!hasUser && !hasGroup)) return;

  const initContainer = findContainer(ContainerName.init, pod.spec.initContainers) ?? findContainer(ContainerName.validation, pod.spec.initContainers);
  if (!initContainer) return;

  const tproxy = proxyConfig.interceptionMode === 'TPROXY' || annotationsOf(pod)[Annotation.interceptionMode] === 'TPROXY';
  if (tproxy && hasUser) {
    const sidecar = findSidecar(pod);
    if (sidecar && isObject(sidecar.securityContext)) sidecar.securityContext = { ...sidecar.securityContext, runAsUser: 0 };
  }
  if (!tproxy && initContainer.name === ContainerName.validation) {
    const sc: JsonObject = isObject(initContainer.securityContext) ? { ...initContainer.securityContext } : {};
    if (hasUser) sc.runAsUser = runAsUser;
    if (hasGroup) sc.runAsGroup = runAsGroup;
    initContainer.securityContext = sc;
  }
  if (hasUser && Array.isArray(initContainer.args)) {
    const args = [...initContainer.args];
    const i = args.indexOf('-u');
    if (i >= 0 && i + 1 < args.length) {
      args[i + 1] = String(runAsUser);
      initContainer.args = args;
    }
  }
}
