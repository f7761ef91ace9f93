/**
 * `recordOriginalMetadata`: not an Istio step. Run last by the pipeline, it writes the
 * `inject-sidecar.dev/original-metadata` annotation: what this injection replaced that the
 * status annotation and the proxy env cannot give back (previous label and annotation values,
 * user containers the injection merged over, pod fields the templates set). `stripInjection`
 * (../strip.ts, which also documents the format) consumes it to restore the pod exactly.
 */
import { Annotation } from '../../kube/keys.js';
import type { PodTemplate } from '../../kube/types.js';
import { buildOriginalRecord, type SourceQuotesOf } from '../strip.js';

/** `sourceQuotes` says how the source text wrote the labels and annotations (for the record's `quoted`). */
export function recordOriginalMetadata(before: PodTemplate, after: PodTemplate, sourceQuotes?: SourceQuotesOf): PodTemplate {
  const annotations = after.metadata?.annotations;
  if (!annotations || !(Annotation.status in annotations)) return after;
  const record = buildOriginalRecord(before, after, sourceQuotes);
  // Most pods need no record: the injected pod says everything needed to strip it exactly.
  if (Object.keys(record).length === 0) return after;
  // Only the annotations change: the new pod shares the rest with `after`.
  return {
    ...after,
    metadata: { ...after.metadata, annotations: { ...annotations, [Annotation.originalMetadata]: JSON.stringify(record) } },
  };
}
