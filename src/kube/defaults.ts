/**
 * What the API server adds to a container or volume when it stores a pod (apimachinery's
 * `SetDefaults_*` for core/v1, and quantities in their canonical form), so that a live pod from
 * `kubectl get -o yaml` can be compared with a rendered one: the rendered side gets the defaults
 * the live side was given. Only the defaults an injected sidecar's containers and volumes meet;
 * a value that is set is never changed (a live object stays as it is). Not responsible for
 * admission plugins (the ServiceAccount token mount), which the caller leaves out.
 */
import { canonicalQuantity } from './quantity.js';
import { cloneJson, isObject, type Json, type JsonObject } from './types.js';

const PROBE_DEFAULTS: Readonly<JsonObject> = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
/** Volume sources with a `defaultMode` (0644). */
const MODE_SOURCES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

/** `image` without a tag (or with `:latest`) is pulled Always, else IfNotPresent (SetDefaults_Container). */
function pullPolicy(image: Json | undefined): string {
  if (typeof image !== 'string' || image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

const setMissing = (obj: JsonObject, defaults: Readonly<JsonObject>): void => {
  for (const [k, v] of Object.entries(defaults)) if (obj[k] === undefined) obj[k] = v as Json;
};

/** `fieldRef.apiVersion` (v1) and `resourceFieldRef.divisor` ("0") of env values and downward API items. */
function defaultFieldRefs(holder: Json | undefined): void {
  if (!isObject(holder)) return;
  if (isObject(holder.fieldRef)) setMissing(holder.fieldRef, { apiVersion: 'v1' });
  if (isObject(holder.resourceFieldRef)) {
    setMissing(holder.resourceFieldRef, { divisor: '0' });
    const d = holder.resourceFieldRef.divisor;
    if (typeof d === 'string' || typeof d === 'number') holder.resourceFieldRef.divisor = canonicalQuantity(d) ?? d;
  }
}

function defaultHandler(h: Json | undefined): void {
  if (!isObject(h) || !isObject(h.httpGet)) return;
  setMissing(h.httpGet, { path: '/', scheme: 'HTTP' });
}

/** A container port's defaults (protocol TCP), in place. */
export function defaultPort(p: Json | undefined): void {
  if (isObject(p)) setMissing(p, { protocol: 'TCP' });
}

/** A probe's defaults (thresholds, period, timeout, the HTTP scheme and path), in place. */
export function defaultProbe(probe: Json | undefined): void {
  if (!isObject(probe)) return;
  setMissing(probe, PROBE_DEFAULTS);
  defaultHandler(probe);
}

/** A copy of a container as the API server stores it. */
export function storedContainer(input: JsonObject): JsonObject {
  const c = cloneJson(input);
  setMissing(c, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: pullPolicy(c.image) });
  if (Array.isArray(c.ports)) for (const p of c.ports) defaultPort(p);
  if (Array.isArray(c.env)) for (const e of c.env) if (isObject(e)) defaultFieldRefs(e.valueFrom);
  for (const k of HANDLERS) defaultProbe(c[k]);
  if (isObject(c.lifecycle)) for (const h of Object.values(c.lifecycle)) defaultHandler(h);
  if (isObject(c.resources)) {
    for (const part of Object.values(c.resources)) {
      if (!isObject(part)) continue;
      for (const [k, v] of Object.entries(part)) if (typeof v === 'string' || typeof v === 'number') part[k] = canonicalQuantity(v) ?? v;
    }
  }
  return c;
}

/** A copy of a volume as the API server stores it. */
export function storedVolume(input: JsonObject): JsonObject {
  const v = cloneJson(input);
  for (const k of MODE_SOURCES) if (isObject(v[k])) setMissing(v[k], { defaultMode: 420 });
  const items = (src: Json | undefined) => (isObject(src) && Array.isArray(src.items) ? src.items : []);
  for (const item of items(v.downwardAPI)) defaultFieldRefs(item);
  if (isObject(v.projected) && Array.isArray(v.projected.sources)) {
    for (const s of v.projected.sources) {
      if (!isObject(s)) continue;
      for (const item of items(s.downwardAPI)) defaultFieldRefs(item);
      if (isObject(s.serviceAccountToken)) setMissing(s.serviceAccountToken, { expirationSeconds: 3600 });
    }
  }
  if (isObject(v.hostPath)) setMissing(v.hostPath, { type: '' });
  return v;
}
