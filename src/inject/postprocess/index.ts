/**
 * Istio's `postProcessPod` chain, one step per file, run in Istio's order after the merge and the
 * user's container overrides: `overwriteClusterInfo`, `applyPrometheusMerge`,
 * `applySecurePrometheusAnnotation`, `applyRewrite`, `applyMetadata`, `reorderPod`. Each step is
 * a pure function `(pod, ctx) => pod`, with an `...InPlace` form the chain uses after copying once. `recordOriginalMetadata` is not part of Istio's chain: the
 * pipeline calls it last so that a later run can strip this injection exactly (see ../strip.ts).
 * Deciding, rendering and merging happen before this module.
 */
import type { PodTemplate } from '../../kube/types.js';
import { applyMetadataInPlace } from './applyMetadata.js';
import { applyPrometheusMergeInPlace } from './applyPrometheusMerge.js';
import { applyRewriteInPlace } from './applyRewrite.js';
import { applySecurePrometheusAnnotationInPlace } from './applySecurePrometheusAnnotation.js';
import type { PostProcessContext } from './context.js';
import { overwriteClusterInfoInPlace } from './overwriteClusterInfo.js';
import { reorderPodInPlace } from './reorderPod.js';
import { asPodTemplate, clonePod, type PodJson } from './util.js';

export type { PostProcessContext } from './context.js';
export { overwriteClusterInfo } from './overwriteClusterInfo.js';
export { applyPrometheusMerge, getPrometheusScrape, enablePrometheusMerge, clearPrometheusAnnotations, PROMETHEUS_ANNOTATIONS_ENV } from './applyPrometheusMerge.js';
export { applySecurePrometheusAnnotation } from './applySecurePrometheusAnnotation.js';
export { applyRewrite, shouldRewriteAppHTTPProbers } from './applyRewrite.js';
export { applyMetadata, getInjectionStatus, parseInjectionStatus, type SidecarInjectionStatus } from './applyMetadata.js';
export { reorderPod, modifyContainers } from './reorderPod.js';
export { recordOriginalMetadata } from './recordOriginalMetadata.js';
export { goMarshal, goContainer } from './gojson.js';

/** The steps in Istio's order (in-place forms: the chain copies the pod once). */
export const postProcessSteps = [
  overwriteClusterInfoInPlace,
  applyPrometheusMergeInPlace,
  applySecurePrometheusAnnotationInPlace,
  applyRewriteInPlace,
  applyMetadataInPlace,
  reorderPodInPlace,
] as const;

/**
 * Runs the chain on a copy of `input`. Throws `UserError` for the problems Istio rejects (e.g. a
 * reserved prometheus port).
 */
export function postProcessPod(input: PodTemplate, ctx: PostProcessContext): PodTemplate {
  return postProcessPodInPlace(clonePod(input), ctx);
}

/** `postProcessPod` on a pod the caller owns: modified in place and returned (no copy). */
export function postProcessPodInPlace(pod: PodJson, ctx: PostProcessContext): PodTemplate {
  for (const step of postProcessSteps) step(pod, ctx);
  return asPodTemplate(pod);
}
