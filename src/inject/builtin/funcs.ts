/**
 * Plain TypeScript versions of the Istio template functions the `sidecar` template calls with
 * string data (`excludeInboundPort`, `appendMultusNetwork`, `structToJSON` of a container port,
 * `directory`, `otelResourceAttributes`), kept under Istio's names so they can be compared with
 * Istio's template.go. The template engine has its own Go-typed versions in `src/template/funcs/`;
 * these serve the built-in profile, which renders without the engine.
 *
 * Not responsible for: Go value typing or template errors.
 */
import type { Json, JsonObject } from '../../kube/types.js';
import { isObject } from '../../kube/types.js';
import { OTEL_ANNOTATION_PREFIX, otelResourceAttributes as otelText } from '../../template/funcs/istio-text.js';

export { appendMultusNetwork, directory, excludeInboundPort } from '../../template/funcs/istio-text.js';

/** `structToJSON` of a `corev1.ContainerPort`: Go's field order and `omitempty` rules. */
export function containerPortJSON(port: JsonObject): string {
  const out: JsonObject = {};
  const nonEmpty = (v: Json | undefined) => v !== undefined && v !== null && v !== '' && v !== 0;
  if (nonEmpty(port.name)) out.name = port.name!;
  if (nonEmpty(port.hostPort)) out.hostPort = port.hostPort!;
  out.containerPort = port.containerPort ?? 0;
  if (nonEmpty(port.protocol)) out.protocol = port.protocol!;
  if (nonEmpty(port.hostIP)) out.hostIP = port.hostIP!;
  return JSON.stringify(out);
}

/** Annotation keys `otelResourceAttributes` reads. */
export const OtelAnnotation = {
  serviceNamespace: 'resource.opentelemetry.io/service.namespace',
  serviceVersion: 'resource.opentelemetry.io/service.version',
  serviceInstanceId: 'resource.opentelemetry.io/service.instance.id',
} as const;

/** Whether the mesh has an OpenTelemetry provider asking for OTel semantic-convention enrichment. */
function hasOtelSemanticConventions(mesh: JsonObject): boolean {
  const providers = Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders : [];
  return providers.some((p) => {
    if (!isObject(p)) return false;
    const otel = p.opentelemetry;
    return isObject(otel ?? null) && (otel as JsonObject).serviceAttributeEnrichment === 'OTEL_SEMANTIC_CONVENTIONS';
  });
}

/** `OTEL_RESOURCE_ATTRIBUTES` for the proxy (rules in template/funcs/istio-text.ts). */
export function otelResourceAttributes(
  mesh: JsonObject,
  annotations: Record<string, string>,
  labels: Record<string, string>,
  namespace: string,
  containers: readonly { name?: string; image?: string }[],
): string {
  const app = containers.find((c) => c.name !== 'istio-proxy');
  return otelText({
    enabled: hasOtelSemanticConventions(mesh),
    annotation: (attr) => annotations[OTEL_ANNOTATION_PREFIX + attr],
    versionLabel: labels['app.kubernetes.io/version'],
    namespace,
    app: app ? { name: app.name ?? '', image: app.image ?? '' } : undefined,
  });
}
