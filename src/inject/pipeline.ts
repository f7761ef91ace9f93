/**
 * One pod template in, the injected pod template out: Istio's `injectPod` after the decision.
 * Validates the annotations, builds the template data, renders (built-in profile or Istio's
 * templates: whichever `SidecarRenderer` is given), strategic-merges the rendered patches into
 * the pod (`RunTemplate`), re-applies the user's container overrides and runs the
 * post-processing chain. The caller strips any earlier injection first, so the input is the
 * pristine pod (and, emulating Istio's re-injection, also gives the pod as it came to merge over).
 * This module does not decide whether to inject.
 */
import { Container as ContainerName, Annotation, Label } from '../kube/keys.js';
import { cloneJson, isObject, asPodJson, asPodTemplate, type JsonObject, type PodTemplate } from '../kube/types.js';
import { podSchema, strategicMerge } from '../merge/index.js';
import { reapplyOverwrittenContainersInPlace } from './overrides.js';
import { postProcessPodInPlace, recordOriginalMetadata } from './postprocess/index.js';
import { buildTemplateData } from './data.js';
import { dropGoZeroValues } from './gozero.js';
import type { InjectOutcome, InjectorSettings, RenderSteps, SidecarRenderer, WorkloadMeta } from './types.js';

export interface InjectPodInput {
  pod: PodTemplate;
  workload: WorkloadMeta;
  settings: InjectorSettings;
  renderer: SidecarRenderer;
  /** Annotations of the workload's namespace (OpenShift UID ranges), when known. */
  namespaceAnnotations?: Record<string, string>;
  /** `openshift`: proxy UID/GID from the namespace's ranges. */
  platform?: string | undefined;
  /** Write the record that lets a later run strip this injection exactly. */
  recordOriginal?: boolean;
  /**
   * Istio's re-injection, for byte parity (the emulations): the pod as it came, carrying an
   * earlier injection. The templates still see `pod` (stripped), but are merged over this pod and
   * its containers are the user's overrides, as in RunTemplate (`mergedPod := params.pod`), so
   * parts of the old sidecar the new templates do not set survive. Absent: merged over `pod`.
   */
  asCame?: PodTemplate;
}

export function injectPod(input: InjectPodInput): InjectOutcome {
  return renderNow(injectPodSteps(input));
}

/**
 * Runs `steps` to their end, rendering each pod they ask for at once. (A run that renders many
 * pods drives the steps itself: core/run.ts.)
 */
export function renderNow<T>(steps: RenderSteps<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next(step.value.renderer.render(step.value.data));
  return step.value;
}

/** `injectPod`, handing the render to the caller: it asks for it once, and goes on with its patches. */
export function* injectPodSteps(input: InjectPodInput): RenderSteps<InjectOutcome> {
  const { workload, settings, renderer } = input;
  const pristine = cloneJson(input.pod, true);
  const base = input.asCame ? cloneJson(input.asCame, true) : pristine;
  const warnings: string[] = [];
  // buildTemplateData below validates the annotations (Istio's validateAnnotations) first.
  const dnsPolicy = pristine.spec.dnsPolicy;
  if (dnsPolicy && dnsPolicy !== 'ClusterFirst') {
    warnings.push(`dnsPolicy ${dnsPolicy} may prevent the proxy from resolving cluster services (Istio expects ClusterFirst)`);
  }
  const data = buildTemplateData({
    pod: pristine,
    workload,
    settings,
    ...(input.namespaceAnnotations ? { namespaceAnnotations: input.namespaceAnnotations } : {}),
    ...(input.platform ? { platform: input.platform } : {}),
  });
  // Every renderer's output goes through Go's typed round trip in istiod: zero-valued omitempty
  // fields disappear (idempotent for renderers that already did this).
  const rendered = yield { renderer, data };
  const patches = rendered.map((p) => dropGoZeroValues(p));
  // Over an earlier injection a template's zero value must delete the old sidecar's value.
  const mergePatches = input.asCame ? rendered.map((p) => dropGoZeroValues(p, true)) : patches;
  const postSettings = withPodNetwork(settings, pristine);

  // RunTemplate: templatePod records what the templates produced (status annotation, overrides);
  // mergedPod is the user's pod with each rendered template merged over it in order.
  let templatePod: JsonObject = {};
  const baseJson = asPodJson(base);
  let mergedPod: JsonObject = { metadata: baseJson.metadata ?? {}, spec: baseJson.spec };
  for (const [i, patch] of patches.entries()) {
    templatePod = strategicMerge(templatePod, patch, podSchema);
    mergedPod = moveProxyForNativeSidecar(mergedPod, patch);
    mergedPod = strategicMerge(mergedPod, mergePatches[i]!, podSchema);
  }
  // The merge's result is a fresh copy: the steps below may work on it in place. Without any
  // patch, mergedPod still shares the base pod's metadata and spec, so it is copied first.
  const owned = asPodJson(patches.length > 0 ? mergedPod : cloneJson(mergedPod));
  let pod = reapplyOverwrittenContainersInPlace(owned, {
    original: base,
    templatePod: asPodTemplate(templatePod),
    settings,
    proxyConfig: data.proxyConfig,
    ...(input.platform ? { platform: input.platform } : {}),
  });
  // reapplyOverwrittenContainersInPlace returns a pod of its own (the merged one or a new merge).
  pod = postProcessPodInPlace(asPodJson(pod), {
    settings: postSettings,
    proxyConfig: data.proxyConfig,
    templatePod: asPodTemplate(templatePod),
  });
  if (input.recordOriginal !== false) pod = recordOriginalMetadata(pristine, pod);
  return { pod: stripEmptyMetadata(pod), warnings };
}

/**
 * The settings' cluster parameters (`proxyEnvs`) with the pod's `topology.istio.io/network` label
 * as its network, as istiod reads it from the pod before `global.network`.
 */
function withPodNetwork(settings: InjectorSettings, pod: PodTemplate): InjectorSettings {
  const network = pod.metadata?.labels?.[Label.network];
  if (!network || settings.proxyEnvs.ISTIO_META_NETWORK === network) return settings;
  return { ...settings, proxyEnvs: { ...settings.proxyEnvs, ISTIO_META_NETWORK: network } };
}

/**
 * Istio's "weird hack" in RunTemplate: when a template renders istio-proxy as a native sidecar
 * (an init container) while the user's pod declares an istio-proxy container (an override), the
 * user's container moves to the end of initContainers first, so both meet in the merge.
 */
function moveProxyForNativeSidecar(pod: JsonObject, patch: JsonObject): JsonObject {
  const patchInit = isObject(patch.spec) && Array.isArray(patch.spec.initContainers) ? patch.spec.initContainers : [];
  const rendersNativeProxy = patchInit.some((c) => isObject(c) && c.name === ContainerName.proxy);
  const spec = isObject(pod.spec) ? pod.spec : undefined;
  if (!rendersNativeProxy || !spec || !Array.isArray(spec.containers)) return pod;
  const index = spec.containers.findIndex((c) => isObject(c) && c.name === ContainerName.proxy);
  if (index < 0) return pod;
  const annotations = isObject(pod.metadata) && isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  if (annotations[Annotation.nativeSidecar] === 'false') return pod;
  const containers = [...spec.containers];
  const [proxy] = containers.splice(index, 1);
  const initContainers = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), proxy!];
  return { ...pod, spec: { ...spec, containers, initContainers } };
}

/** The merge can leave `metadata: {}` on a pod template that had none; keep the source's shape. */
function stripEmptyMetadata(pod: PodTemplate): PodTemplate {
  if (pod.metadata && Object.keys(pod.metadata).length === 0) {
    const { metadata: _unused, ...rest } = pod;
    return rest as PodTemplate;
  }
  return pod;
}
