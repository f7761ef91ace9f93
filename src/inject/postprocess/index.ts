/**
 * Istio's `postProcessPod` chain, one step per file, run in Istio's order after the merge and the
 * user's container overrides: `overwriteClusterInfo`, `applyPrometheusMerge`,
 * `applySecurePrometheusAnnotation`, `applyRewrite`, `applyMetadata`, `reorderPod`. Each step
 * edits the pod it is given in place and says whether it changed it (`...InPlace(pod, ctx)`); the
 * caller owns the pod (the pipeline's merge result; a test's copy). `recordOriginalMetadata` is not part of Istio's chain: the
 * pipeline calls it last so that a later run can strip this injection exactly (see ../strip.ts).
 * Deciding, rendering and merging happen before this module.
 */
import { asPodTemplate, type PodTemplate, type PodJson } from '../../kube/types.js';
import { applyMetadataInPlace } from './applyMetadata.js';
import { applyPrometheusMergeInPlace } from './applyPrometheusMerge.js';
import { applyRewriteInPlace } from './applyRewrite.js';
import { applySecurePrometheusAnnotationInPlace } from './applySecurePrometheusAnnotation.js';
import type { PostProcessContext } from './context.js';
import { overwriteClusterInfoInPlace } from './overwriteClusterInfo.js';
import { reorderPodInPlace } from './reorderPod.js';

export type { PostProcessContext } from './context.js';
export { overwriteClusterInfoInPlace } from './overwriteClusterInfo.js';
export {
  applyPrometheusMergeInPlace,
  getPrometheusScrape,
  enablePrometheusMerge,
  clearPrometheusAnnotations,
  PROMETHEUS_ANNOTATIONS_ENV,
} from './applyPrometheusMerge.js';
export { applySecurePrometheusAnnotationInPlace } from './applySecurePrometheusAnnotation.js';
export { applyRewriteInPlace, shouldRewriteAppHTTPProbers } from './applyRewrite.js';
export { applyMetadataInPlace, getInjectionStatus, parseInjectionStatus, type SidecarInjectionStatus } from './applyMetadata.js';
export { reorderPodInPlace, modifyContainers } from './reorderPod.js';
export { recordOriginalMetadata } from './recordOriginalMetadata.js';
export { goMarshal, goContainer } from './gojson.js';

/** The steps in Istio's order. */
export const postProcessSteps = [
  overwriteClusterInfoInPlace,
  applyPrometheusMergeInPlace,
  applySecurePrometheusAnnotationInPlace,
  applyRewriteInPlace,
  applyMetadataInPlace,
  reorderPodInPlace,
] as const;

/**
 * Istio's `postProcessPod` on a pod the caller owns: modified in place and returned. Throws
 * `UserError` for the problems Istio rejects (e.g. a reserved prometheus port).
 */
export function postProcessPodInPlace(pod: PodJson, ctx: PostProcessContext): PodTemplate {
  for (const step of postProcessSteps) step(pod, ctx);
  return asPodTemplate(pod);
}
