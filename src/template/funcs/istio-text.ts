/**
 * Istio's injection template functions that work on plain strings, once: the template engine's
 * Go-typed wrappers (istio.ts) and the built-in profile (src/inject/builtin) both call these, so
 * the two renderers cannot drift apart. No dependencies, so the built-in profile can use them
 * without loading the template engine.
 */

/**
 * `excludeInboundPort(port, csv)`: appends the (status) port to the CSV unless it is empty, `0`
 * or already listed (an already-listed port returns the CSV unchanged, untrimmed).
 */
export function excludeInboundPort(port: string, excluded: string): string {
  const portStr = port.trim();
  if (portStr.length === 0 || portStr === '0') return excluded;
  const out: string[] = [];
  for (const p of excluded.split(',')) {
    if (p === portStr) return excluded;
    const t = p.trim();
    if (t.length > 0) out.push(t);
  }
  out.push(portStr);
  return out.join(',');
}

/**
 * `appendMultusNetwork(existing, network)`: adds the network to a flat (`a, b`) or JSON
 * (`[{"name": "a"}]`) `k8s.v1.cni.cncf.io/networks` value, unless it is already there.
 */
export function appendMultusNetwork(existing: string, network: string): string {
  if (existing === '') return network;
  const i = existing.lastIndexOf(']');
  if (i !== -1) {
    let nets: unknown;
    try {
      nets = JSON.parse(existing);
    } catch {
      return existing;
    }
    if (!Array.isArray(nets) || nets.some((n) => n === null || typeof n !== 'object' || Array.isArray(n))) return existing;
    if (nets.some((n) => (n as Record<string, unknown>).name === network)) return existing;
    return existing.slice(0, i) + `, {"name": "${network}"}]`;
  }
  for (const n of existing.split(',')) if (n.trim() === network) return existing;
  return existing + ', ' + network;
}

/** `directory`: the directory part of Go's `path.Split` (keeps the trailing slash). */
export function directory(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

/** The version part of an image reference: `tag`, `digest`, or `tag@digest` (OTel operator rules). */
export function imageVersion(image: string): string {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : '';
  if (digest !== '') return tag !== '' ? `${tag}@${digest}` : digest;
  return tag;
}

export const OTEL_ANNOTATION_PREFIX = 'resource.opentelemetry.io/';

/** What `otelResourceAttributes` reads, already taken out of the pod and the mesh. */
export interface OtelInputs {
  /** The mesh has an OpenTelemetry provider with `serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS`. */
  enabled: boolean;
  annotation(attr: 'service.namespace' | 'service.version' | 'service.instance.id'): string | undefined;
  versionLabel: string | undefined;
  namespace: string;
  /** The first container that is not istio-proxy. */
  app: { name: string; image: string } | undefined;
}

/**
 * `otelResourceAttributes`: the `OTEL_RESOURCE_ATTRIBUTES` value (`service.namespace`,
 * `service.version`, `service.instance.id`), "" when not enabled. Annotations
 * `resource.opentelemetry.io/<attr>` win; the version falls back to the `app.kubernetes.io/version`
 * label, then to the first application container's image tag; the instance id is
 * `<namespace>.$(POD_NAME).<container>`. Empty attributes are left out.
 */
export function otelResourceAttributes(i: OtelInputs): string {
  if (!i.enabled) return '';
  const ann = (attr: 'service.namespace' | 'service.version' | 'service.instance.id') => {
    const v = i.annotation(attr);
    return v !== undefined && v !== '' ? v : undefined;
  };
  const attrs: string[] = [];
  const ns = ann('service.namespace') ?? i.namespace;
  if (ns !== '') attrs.push(`service.namespace=${ns}`);
  const label = i.versionLabel;
  const version = ann('service.version') ?? (label !== undefined && label !== '' ? label : imageVersion(i.app?.image ?? ''));
  if (version !== '') attrs.push(`service.version=${version}`);
  const instance = ann('service.instance.id') ?? (i.app !== undefined ? `${i.namespace}.$(POD_NAME).${i.app.name}` : '');
  if (instance !== '') attrs.push(`service.instance.id=${instance}`);
  return attrs.join(',');
}
