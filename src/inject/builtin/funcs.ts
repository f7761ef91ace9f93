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

/**
 * Istio's `excludeInboundPort(port, csv)`: appends the (status) port to the CSV unless it is
 * empty, `0`, or already listed (an already-listed port returns the CSV unchanged).
 */
export function excludeInboundPort(port: string, excludedInboundPorts: string): string {
  const portStr = port.trim();
  if (portStr.length === 0 || portStr === '0') return excludedInboundPorts;
  const out: string[] = [];
  for (const entry of excludedInboundPorts.split(',')) {
    if (entry === portStr) return excludedInboundPorts;
    const p = entry.trim();
    if (p.length > 0) out.push(p);
  }
  out.push(portStr);
  return out.join(',');
}

/**
 * Istio's `appendMultusNetwork(existing, network)`: adds the network to a flat (`a, b`) or JSON
 * (`[{"name": "a"}]`) `k8s.v1.cni.cncf.io/networks` value, unless it is already there.
 */
export function appendMultusNetwork(existingValue: string, istioCniNetwork: string): string {
  if (existingValue === '') return istioCniNetwork;
  const i = existingValue.lastIndexOf(']');
  if (i !== -1) {
    let networks: unknown;
    try {
      networks = JSON.parse(existingValue);
    } catch {
      return existingValue;
    }
    if (!Array.isArray(networks) || !networks.every((n) => isObject(n as Json))) return existingValue;
    if ((networks as JsonObject[]).some((n) => n.name === istioCniNetwork)) return existingValue;
    return `${existingValue.slice(0, i)}, {"name": "${istioCniNetwork}"}]`;
  }
  for (const net of existingValue.split(',')) {
    if (net.trim() === istioCniNetwork) return existingValue;
  }
  return `${existingValue}, ${istioCniNetwork}`;
}

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

/** Istio's `directory`: the directory part of `path.Split` (keeps the trailing slash). */
export function directory(p: string): string {
  const i = p.lastIndexOf('/');
  return p.slice(0, i + 1);
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

/** The tag (or digest) of an image reference; '' when it has neither. */
function imageVersion(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : '';
}

/**
 * `OTEL_RESOURCE_ATTRIBUTES` for the proxy when an OpenTelemetry provider of the mesh has
 * `serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS`; '' otherwise. Attributes, each from its
 * `resource.opentelemetry.io/*` annotation first: `service.namespace` (else the namespace),
 * `service.version` (else label `app.kubernetes.io/version`, else the first application
 * container's image tag or digest), `service.instance.id` (else
 * `<namespace>.$(POD_NAME).<first application container>`). Empty attributes are left out.
 */
export function otelResourceAttributes(
  mesh: JsonObject,
  annotations: Record<string, string>,
  labels: Record<string, string>,
  namespace: string,
  containers: readonly { name?: string; image?: string }[],
): string {
  if (!hasOtelSemanticConventions(mesh)) return '';
  const app = containers.find((c) => c.name !== 'istio-proxy');
  const ns = annotations[OtelAnnotation.serviceNamespace] || namespace;
  const version = annotations[OtelAnnotation.serviceVersion] || labels['app.kubernetes.io/version'] || imageVersion(app?.image ?? '');
  const instance = annotations[OtelAnnotation.serviceInstanceId] || (app?.name ? `${ns}.$(POD_NAME).${app.name}` : '');
  const attrs: string[] = [];
  if (ns) attrs.push(`service.namespace=${ns}`);
  if (version) attrs.push(`service.version=${version}`);
  if (instance) attrs.push(`service.instance.id=${instance}`);
  return attrs.join(',');
}
