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
 * (`[{"name": "a"}]`) `k8s.v1.cni.cncf.io/networks` value, unless it is already there. In the JSON
 * form a namespaced network (`default/istio-cni`) is written as Multus reads it,
 * `{"name": "istio-cni", "namespace": "default"}`, and text after the closing `]` is kept (Istio
 * 1.23.6 and later); `namespaceField: false` gives the earlier behaviour, which wrote the
 * qualified name as the name and dropped what followed the `]`.
 */
export function appendMultusNetwork(existing: string, network: string, opts: { namespaceField?: boolean } = {}): string {
  if (existing === '') return network;
  const i = existing.lastIndexOf(']');
  if (i !== -1) {
    let nets: unknown;
    try {
      nets = JSON.parse(existing);
    } catch {
      return existing;
    }
    // Go unmarshals into []map[string]any: a list of objects (or nulls), else it gives up.
    if (!Array.isArray(nets) || nets.some((n) => n !== null && (typeof n !== 'object' || Array.isArray(n)))) return existing;
    const entries = nets as (Record<string, unknown> | null)[];
    if (opts.namespaceField === false) {
      if (entries.some((n) => n?.name === network)) return existing;
      return existing.slice(0, i) + `, {"name": "${network}"}]`;
    }
    const [namespace, name] = splitQualifiedName(network);
    if (entries.some((n) => n?.name === name && (n.namespace ?? '') === namespace)) return existing;
    const entry = namespace === '' ? `{"name": "${name}"}` : `{"name": "${name}", "namespace": "${namespace}"}`;
    return `${existing.slice(0, i)}, ${entry}${existing.slice(i)}`;
  }
  for (const n of existing.split(',')) if (n.trim() === network) return existing;
  return existing + ', ' + network;
}

/** Kubernetes' `SplitQualifiedName`: `ns/name` as `[ns, name]`, a name alone as `["", name]`. */
function splitQualifiedName(s: string): [string, string] {
  const parts = s.split('/');
  return parts.length < 2 ? ['', s] : [parts[0]!, parts[1]!];
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
