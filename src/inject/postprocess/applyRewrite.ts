/**
 * `applyRewrite`: HTTP/TCP/gRPC probes and HTTP/TCP lifecycle hooks of the application containers
 * are rewritten to `httpGet` on the agent (`/app-health/...`, `/app-lifecycle/...`), and the
 * originals are handed to the agent in `ISTIO_KUBE_APP_PROBERS`. Runs when the
 * `sidecar.istio.io/rewriteAppHTTPProbers` annotation parses as true, or, without a parseable
 * annotation, when `values.sidecarInjectorWebhook.rewriteAppHTTPProbe` is true. The probe model
 * itself is in ../probes.ts.
 */
import { Annotation } from '../../kube/keys.js';
import type { JsonObject, PodJson } from '../../kube/types.js';
import { dumpAppProbers, mergeOrAppendProbers, patchRewriteProbe } from '../probes.js';
import type { PostProcessContext } from './context.js';
import { annotationsOf, findSidecar, get, meshStatusPort, parseGoBool, parseGoInt } from './util.js';

/** The step on a pod it may modify; returns whether it changed anything. */
export function applyRewriteInPlace(pod: PodJson, ctx: PostProcessContext): boolean {
  const annotations = annotationsOf(pod);
  const specSetting = get(ctx.settings.values, 'sidecarInjectorWebhook', 'rewriteAppHTTPProbe') === true;
  const sidecar = findSidecar(pod);
  if (!shouldRewriteAppHTTPProbers(annotations, specSetting) || !sidecar) return false;
  const meshPort = meshStatusPort(ctx.settings.meshConfig);
  const prober = dumpAppProbers(pod, meshPort);
  if (prober !== '') {
    const previouslyInjected = Annotation.status in annotations;
    sidecar.env = mergeOrAppendProbers(previouslyInjected, (Array.isArray(sidecar.env) ? sidecar.env : []) as JsonObject[], prober);
  }
  // The rewrite targets the pod's status port annotation when there is one (0 if it is not a number).
  const annotated = annotations[Annotation.statusPort];
  const statusPort = annotated === undefined ? meshPort : (parseGoInt(annotated) ?? 0);
  patchRewriteProbe(pod, statusPort);
  return true;
}

/** `ShouldRewriteAppHTTPProbers`. */
export function shouldRewriteAppHTTPProbers(annotations: Record<string, string>, specSetting: boolean): boolean {
  return parseGoBool(annotations[Annotation.rewriteAppHTTPProbers]) ?? specSetting;
}
