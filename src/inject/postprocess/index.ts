/**
 * Istio's `postProcessPod` chain, one step per file, run in Istio's order after the merge and the
 * user's container overrides: `overwriteClusterInfo`, `applyPrometheusMerge`,
 * `applySecurePrometheusAnnotation`, `applyRewrite`, `applyMetadata`, `reorderPod`. Each step is
 * a pure function `(pod, ctx) => pod`. `recordOriginalMetadata` is not part of Istio's chain: the
 * pipeline calls it last so that a later run can strip this injection exactly (see ../strip.ts).
 * Deciding, rendering and merging happen before this module.
 */
import type { PodTemplate } from '../../kube/types.js';
import { applyMetadata } from './applyMetadata.js';
import { applyPrometheusMerge } from './applyPrometheusMerge.js';
import { applyRewrite } from './applyRewrite.js';
import { applySecurePrometheusAnnotation } from './applySecurePrometheusAnnotation.js';
import type { PostProcessContext } from './context.js';
import { overwriteClusterInfo } from './overwriteClusterInfo.js';
import { reorderPod } from './reorderPod.js';

export type { PostProcessContext } from './context.js';
export { overwriteClusterInfo } from './overwriteClusterInfo.js';
export { applyPrometheusMerge, getPrometheusScrape, enablePrometheusMerge, clearPrometheusAnnotations, PROMETHEUS_ANNOTATIONS_ENV } from './applyPrometheusMerge.js';
export { applySecurePrometheusAnnotation } from './applySecurePrometheusAnnotation.js';
export { applyRewrite, shouldRewriteAppHTTPProbers } from './applyRewrite.js';
export { applyMetadata, getInjectionStatus, parseInjectionStatus, type SidecarInjectionStatus } from './applyMetadata.js';
export { reorderPod, modifyContainers } from './reorderPod.js';
export { recordOriginalMetadata } from './recordOriginalMetadata.js';
export { goMarshal, goContainer } from './gojson.js';

/** The steps in Istio's order. */
export const postProcessSteps = [
  overwriteClusterInfo,
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  applyRewrite,
  applyMetadata,
  reorderPod,
] as const;

/** Runs the chain. Throws `UserError` for the problems Istio rejects (e.g. a reserved prometheus port). */
export function postProcessPod(pod: PodTemplate, ctx: PostProcessContext): PodTemplate {
  let out = pod;
  for (const step of postProcessSteps) out = step(out, ctx);
  return out;
}
