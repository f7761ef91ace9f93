/**
 * The probe model of Istio's `app_probe.go`: the `ISTIO_KUBE_APP_PROBERS` map (`Prober` per
 * `/app-health/<container>/readyz|livez|startupz` and `/app-lifecycle/<container>/prestopz|poststartz`
 * URL), how app probes and lifecycle hooks are rewritten to `httpGet` on the status port, and the
 * inverse (restoring the originals) that stripping needs. Whether to rewrite at all, and where the
 * env var goes, is decided by the `applyRewrite` step; this module only transforms values.
 */
import { Container as ContainerName } from '../kube/keys.js';
import { cloneJson, isObject, type Json, type JsonObject, type PodJson } from '../kube/types.js';
import { goMarshal, goProbeAction, sortedKeys } from './postprocess/gojson.js';
import { allContainers } from './postprocess/util.js';

/** Env var of the proxy holding the original probes (`status.KubeAppProberEnvName`). */
export const KUBE_APP_PROBERS_ENV = 'ISTIO_KUBE_APP_PROBERS';

export type ProbeKind = 'readinessProbe' | 'livenessProbe' | 'startupProbe';
export type HookKind = 'preStop' | 'postStart';
type Action = 'httpGet' | 'tcpSocket' | 'grpc';

/** Istio's `Prober`: one handler and the timeout. */
export interface Prober {
  httpGet?: JsonObject;
  tcpSocket?: JsonObject;
  grpc?: JsonObject;
  timeoutSeconds?: number;
}

/** `status.FormatProberURL`. */
export function formatProberURL(container: string): Record<ProbeKind | HookKind, string> {
  return {
    readinessProbe: `/app-health/${container}/readyz`,
    livenessProbe: `/app-health/${container}/livez`,
    startupProbe: `/app-health/${container}/startupz`,
    preStop: `/app-lifecycle/${container}/prestopz`,
    postStart: `/app-lifecycle/${container}/poststartz`,
  };
}

export const PROBE_KINDS: readonly ProbeKind[] = ['readinessProbe', 'livenessProbe', 'startupProbe'];
export const HOOK_KINDS: readonly HookKind[] = ['preStop', 'postStart'];

function kubeProbeToInternalProber(probe: Json | undefined): Prober | undefined {
  if (!isObject(probe)) return undefined;
  const timeout = typeof probe.timeoutSeconds === 'number' ? { timeoutSeconds: probe.timeoutSeconds } : {};
  for (const action of ['httpGet', 'tcpSocket', 'grpc'] as const) {
    const handler = probe[action];
    if (isObject(handler)) return { [action]: cloneJson(handler), ...timeout };
  }
  return undefined;
}

function kubeLifecycleHandlerToInternalProber(handler: Json | undefined): Prober | undefined {
  if (!isObject(handler)) return undefined;
  if (isObject(handler.httpGet)) return { httpGet: cloneJson(handler.httpGet) };
  if (isObject(handler.tcpSocket)) return { tcpSocket: cloneJson(handler.tcpSocket) };
  return undefined;
}

/** A Prober as Go marshals it (field order, omitempty). */
export function goProber(p: Prober): JsonObject {
  const out: JsonObject = {};
  if (p.httpGet) out.httpGet = goProbeAction('httpGet', p.httpGet);
  if (p.tcpSocket) out.tcpSocket = goProbeAction('tcpSocket', p.tcpSocket);
  if (p.grpc) out.grpc = goProbeAction('grpc', p.grpc);
  if (p.timeoutSeconds) out.timeoutSeconds = p.timeoutSeconds;
  return out;
}

/** `DumpAppProbers`: the JSON of every rewritable probe and hook, or '' when there is none. */
export function dumpAppProbers(pod: PodJson, targetPort: number): string {
  const out: Record<string, Prober> = {};
  const updateNamedPort = (p: Prober | undefined, portMap: Map<string, number>): Prober | undefined => {
    if (!p) return undefined;
    if (p.grpc) return p; // gRPC probe ports are always numbers
    const handler = p.httpGet ?? p.tcpSocket;
    if (!handler) return undefined;
    const port = handler.port;
    if (typeof port === 'string') {
      const resolved = portMap.get(port);
      if (resolved === undefined) return undefined;
      handler.port = resolved;
    } else if (port === targetPort) {
      return undefined; // already points at the agent
    }
    return p;
  };
  for (const c of allContainers(pod)) {
    const name = String(c.name ?? '');
    if (name === ContainerName.proxy) continue;
    const urls = formatProberURL(name);
    const portMap = namedPorts(c);
    for (const kind of PROBE_KINDS) {
      const p = updateNamedPort(kubeProbeToInternalProber(c[kind]), portMap);
      if (p) out[urls[kind]] = p;
    }
    if (isObject(c.lifecycle)) {
      for (const kind of HOOK_KINDS) {
        const p = updateNamedPort(kubeLifecycleHandlerToInternalProber(c.lifecycle[kind]), portMap);
        if (p) out[urls[kind]] = p;
      }
    }
  }
  if (Object.keys(out).length === 0) return '';
  return marshalProbers(out);
}

function namedPorts(c: JsonObject): Map<string, number> {
  const map = new Map<string, number>();
  for (const p of Array.isArray(c.ports) ? c.ports : []) {
    if (isObject(p) && typeof p.name === 'string' && p.name !== '' && typeof p.containerPort === 'number') map.set(p.name, p.containerPort);
  }
  return map;
}

/** `json.Marshal(KubeAppProbers)`: keys sorted, values in Go's shape. */
export function marshalProbers(probers: Record<string, Prober>): string {
  const shaped: JsonObject = {};
  for (const [k, v] of Object.entries(sortedKeys(probers))) shaped[k] = goProber(v);
  return goMarshal(shaped);
}

/** Parses an `ISTIO_KUBE_APP_PROBERS` value; `undefined` when it is not a JSON object. */
export function parseProbers(value: string): Record<string, Prober> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (!isObject(parsed)) return undefined;
    const out: Record<string, Prober> = {};
    for (const [k, v] of Object.entries(parsed)) if (isObject(v)) out[k] = v as Prober;
    return out;
  } catch {
    return undefined;
  }
}

/**
 * `mergeOrAppendProbers`: on a previously injected pod the existing env value is merged with the
 * new probers, and the existing entries win (the live probes already point at the agent, so only
 * the old value still knows them).
 */
export function mergeOrAppendProbers(previouslyInjected: boolean, env: JsonObject[], newProbers: string): JsonObject[] {
  const appended = [...env, { name: KUBE_APP_PROBERS_ENV, value: newProbers }];
  if (!previouslyInjected) return appended;
  const index = env.findIndex((e) => e.name === KUBE_APP_PROBERS_ENV);
  if (index < 0) return appended;
  const existing = parseProbers(String(env[index]?.value ?? ''));
  const fresh = parseProbers(newProbers);
  if (!existing || !fresh) return env;
  const merged = { ...fresh, ...existing };
  const out = [...env];
  out[index] = { name: KUBE_APP_PROBERS_ENV, value: marshalProbers(merged) };
  return out;
}

/** Replaces key `from` of an object by `to` at the same position. */
function renameKey(obj: JsonObject, from: string, to: string, value: Json): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === from) out[to] = value;
    else if (k !== to) out[k] = v;
  }
  if (!(to in out)) out[to] = value;
  return out;
}

/**
 * `convertAppProber` / `convertAppLifecycleHandler`: the handler becomes `httpGet` on the status
 * port with the agent's URL; `HTTPS` becomes `HTTP`; other probe fields stay. `undefined` when
 * the handler is not one Istio rewrites (exec, sleep). Keys keep their positions.
 */
export function convertAppHandler(handler: Json | undefined, newURL: string, statusPort: number, allowGrpc: boolean): JsonObject | undefined {
  if (!isObject(handler)) return undefined;
  if (isObject(handler.httpGet)) {
    const httpGet: JsonObject = { ...handler.httpGet, port: statusPort, path: newURL };
    if (httpGet.scheme === 'HTTPS') httpGet.scheme = 'HTTP';
    return { ...handler, httpGet };
  }
  const other: Action | undefined = isObject(handler.tcpSocket) ? 'tcpSocket' : allowGrpc && isObject(handler.grpc) ? 'grpc' : undefined;
  if (!other) return undefined;
  return renameKey(handler, other, 'httpGet', { path: newURL, port: statusPort });
}

/** `patchRewriteProbe`: rewrites the probes and hooks of every app container (and init container). */
export function patchRewriteProbe(pod: PodJson, statusPort: number): void {
  for (const list of [pod.spec.initContainers, pod.spec.containers]) {
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as JsonObject;
      const name = String(c.name ?? '');
      if (name === ContainerName.proxy) continue;
      const urls = formatProberURL(name);
      let next = c;
      for (const kind of PROBE_KINDS) {
        const converted = convertAppHandler(c[kind], urls[kind], statusPort, true);
        if (converted) next = { ...next, [kind]: converted };
      }
      if (isObject(c.lifecycle)) {
        let lifecycle = c.lifecycle;
        for (const kind of HOOK_KINDS) {
          const converted = convertAppHandler(lifecycle[kind], urls[kind], statusPort, false);
          if (converted) lifecycle = { ...lifecycle, [kind]: converted };
        }
        if (lifecycle !== c.lifecycle) next = { ...next, lifecycle };
      }
      list[i] = next;
    }
  }
}

/**
 * The inverse of `patchRewriteProbe` for one probe or hook: when `current` points at the agent
 * URL `url` and `probers` knows the original handler, puts that handler back in place of
 * `httpGet` (same key position; the other probe fields were never changed). Returns `undefined`
 * when there is nothing to restore.
 */
export function restoreAppHandler(current: Json | undefined, url: string, probers: Record<string, Prober>): JsonObject | undefined {
  if (!isObject(current) || !isObject(current.httpGet) || current.httpGet.path !== url) return undefined;
  const original = probers[url];
  if (!original) return undefined;
  if (original.httpGet) {
    // Rebuild httpGet in the current key order: keys the original lacks go away, new ones are appended.
    const source = original.httpGet;
    const httpGet: JsonObject = {};
    for (const k of Object.keys(current.httpGet)) if (k in source && source[k] !== null) httpGet[k] = cloneJson(source[k] as Json);
    for (const [k, v] of Object.entries(source)) if (!(k in httpGet) && v !== null) httpGet[k] = cloneJson(v);
    return { ...current, httpGet };
  }
  const action: Action | undefined = original.tcpSocket ? 'tcpSocket' : original.grpc ? 'grpc' : undefined;
  if (!action) return undefined;
  return renameKey(current, 'httpGet', action, withoutNulls(original[action] as JsonObject));
}

/** Go writes nil pointers as null (`"service":null`); in a manifest they are simply absent. */
function withoutNulls(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = cloneJson(v);
  return out;
}
