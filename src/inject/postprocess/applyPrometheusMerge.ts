/**
 * `applyPrometheusMerge`: when metrics merging is on (annotation `prometheus.istio.io/merge-metrics`,
 * else mesh `enablePrometheusMerge`, else true) and the pod does not opt out of scraping, the
 * user's scrape settings move into the proxy's `ISTIO_PROMETHEUS_ANNOTATIONS` env and the pod's
 * `prometheus.io/*` annotations point Prometheus at the agent (mesh status port,
 * `/stats/prometheus`). Also reads `prometheus.istio.io/scrape-targets` (`port:path,...`).
 * Bad ports are user errors. Restoring the user's annotations is stripping's job.
 */
import { Annotation } from '../../kube/keys.js';
import type { JsonObject, PodJson } from '../../kube/types.js';
import { UserError } from '../../results/result.js';
import type { PostProcessContext } from './context.js';
import { goMarshal } from './gojson.js';
import { annotationsOf, ensureAnnotations, findSidecar, get, meshStatusPort, parseGoBool, sanitizeLabelName } from './util.js';

export const PROMETHEUS_ANNOTATIONS_ENV = 'ISTIO_PROMETHEUS_ANNOTATIONS';
const prometheusScrapeAnnotation = sanitizeLabelName(Annotation.prometheusScrape);
const prometheusPortAnnotation = sanitizeLabelName(Annotation.prometheusPort);
const prometheusPathAnnotation = sanitizeLabelName(Annotation.prometheusPath);
const prometheusAnnotations = new Set([prometheusScrapeAnnotation, prometheusPortAnnotation, prometheusPathAnnotation]);

/** Ports the agent and Envoy use; a scrape target must not be one of them. */
export const RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090];

const field = (key: string): string => `metadata.annotations[${JSON.stringify(key)}]`;

/** The step on a pod it may modify; returns whether it changed anything. */
export function applyPrometheusMergeInPlace(pod: PodJson, ctx: PostProcessContext): boolean {
  const annotations = annotationsOf(pod);
  if (!getPrometheusScrape(annotations) || !enablePrometheusMerge(ctx.settings.meshConfig, annotations)) return false;
  const statusPort = meshStatusPort(ctx.settings.meshConfig);
  const targetPort = String(statusPort);
  const port = findAnnotation(annotations, prometheusPortAnnotation);
  // Already pointing at the agent: the user controls it, or the pod was injected before.
  if (port && port[1] === targetPort) return false;

  // The saved configuration reads the canonical keys only (other spellings are just cleared).
  const cfg: JsonObject = {
    scrape: annotations[Annotation.prometheusScrape] ?? '',
    path: annotations[Annotation.prometheusPath] ?? '',
    port: annotations[Annotation.prometheusPort] ?? '',
  };
  if (port && port[1] !== '') validateScrapePort(port[1], statusPort, field(port[0]));
  const targetsText = annotations[Annotation.prometheusScrapeTargets];
  if (targetsText !== undefined) {
    const targets = parseScrapeTargets(targetsText, statusPort);
    if (targets.length > 0) {
      const first = targets[0] as { port: string; path: string };
      if (cfg.port === '') cfg.port = first.port;
      if (cfg.path === '') cfg.path = first.path;
      cfg.targets = targets;
    }
  }

  const sidecar = findSidecar(pod);
  const empty = cfg.scrape === '' && cfg.path === '' && cfg.port === '' && cfg.targets === undefined;
  if (sidecar && !empty) {
    const env = (Array.isArray(sidecar.env) ? sidecar.env : []) as JsonObject[];
    sidecar.env = [...env, { name: PROMETHEUS_ANNOTATIONS_ENV, value: goMarshal(cfg) }];
  }
  const out = ensureAnnotations(pod);
  // Same result as Istio's clear-then-set, but keys the user wrote keep their place.
  clearPrometheusAnnotations(out, [Annotation.prometheusPort, Annotation.prometheusPath, Annotation.prometheusScrape]);
  out[Annotation.prometheusPort] = targetPort;
  out[Annotation.prometheusPath] = '/stats/prometheus';
  out[Annotation.prometheusScrape] = 'true';
  return true;
}

/** `getPrometheusScrape`: false only when a scrape annotation (any spelling) parses as false. */
export function getPrometheusScrape(annotations: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(annotations)) {
    if (sanitizeLabelName(k) !== prometheusScrapeAnnotation) continue;
    const b = parseGoBool(v);
    if (b !== undefined) return b;
  }
  return true;
}

/** `enablePrometheusMerge`: the annotation, then the mesh setting, then true. */
export function enablePrometheusMerge(meshConfig: JsonObject, annotations: Record<string, string>): boolean {
  const b = parseGoBool(annotations[Annotation.prometheusMergeMetrics]);
  if (b !== undefined) return b;
  const mesh = get(meshConfig, 'enablePrometheusMerge');
  if (typeof mesh === 'boolean') return mesh;
  return true;
}

/** The first annotation whose sanitized key is `sanitized`, as [key, value]. */
export function findAnnotation(annotations: Record<string, string>, sanitized: string): [string, string] | undefined {
  for (const [k, v] of Object.entries(annotations)) if (sanitizeLabelName(k) === sanitized) return [k, v];
  return undefined;
}

/** `clearPrometheusAnnotations`: removes every spelling of prometheus.io/{scrape,port,path} and the scrape targets (except the keys in `keep`). */
export function clearPrometheusAnnotations(annotations: Record<string, string>, keep: readonly string[] = []): void {
  for (const k of Object.keys(annotations)) {
    if (keep.includes(k)) continue;
    if (prometheusAnnotations.has(sanitizeLabelName(k)) || k === Annotation.prometheusScrapeTargets) delete annotations[k];
  }
}

function validateScrapePort(port: string, statusPort: number, path: string): void {
  const n = /^\d+$/.test(port) ? Number(port) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UserError(`invalid prometheus scrape port ${JSON.stringify(port)}: not a port number`, path);
  if (n === statusPort || RESERVED_PORTS.includes(n)) {
    throw new UserError(`invalid prometheus scrape port ${port}: it is reserved for the Istio proxy`, path);
  }
}

/** Parses `port[:path],...` of `prometheus.istio.io/scrape-targets`. */
export function parseScrapeTargets(text: string, statusPort: number): { port: string; path: string }[] {
  const out: { port: string; path: string }[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const port = colon < 0 ? entry : entry.slice(0, colon).trim();
    const path = colon < 0 ? '' : entry.slice(colon + 1).trim();
    validateScrapePort(port, statusPort, field(Annotation.prometheusScrapeTargets));
    out.push({ port, path });
  }
  return out;
}
