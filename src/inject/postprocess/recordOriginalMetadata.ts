/**
 * `recordOriginalMetadata`: not an Istio step. Run last by the pipeline, it writes the
 * `inject-sidecar.dev/original-metadata` annotation: what this injection replaced that the
 * status annotation and the proxy env cannot give back (previous label and annotation values,
 * user containers the injection merged over, pod fields the templates set). `stripInjection`
 * (../strip.ts, which also documents the format) consumes it to restore the pod exactly.
 */
import { Annotation } from '../../kube/keys.js';
import type { PodTemplate } from '../../kube/types.js';
import { buildOriginalRecord } from '../strip.js';
import { annotationsOf, asPodTemplate, clonePod, ensureAnnotations } from './util.js';

export function recordOriginalMetadata(before: PodTemplate, after: PodTemplate): PodTemplate {
  const pod = clonePod(after);
  if (!(Annotation.status in annotationsOf(pod))) return after;
  const record = buildOriginalRecord(before, after);
  // Most pods need no record: the injected pod says everything needed to strip it exactly.
  if (Object.keys(record).length === 0) return after;
  ensureAnnotations(pod)[Annotation.originalMetadata] = JSON.stringify(record);
  return asPodTemplate(pod);
}
