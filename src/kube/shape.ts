/**
 * The shape check of a pod template before injection: the fields the injector reads must have the
 * types Kubernetes' decoder accepts (maps are maps, lists are lists, label and annotation values
 * and container names are strings, `hostNetwork` is a boolean), else a `UserError` names the field
 * ("must be a list, not a map"), and a `__proto__` key anywhere is refused (Kubernetes accepts
 * none, and JavaScript object copies would lose it silently). `null` is read as Go reads it into a
 * typed field: the zero value (an absent map or list, an empty label value), so Helm output such
 * as `volumes:` with nothing under it injects instead of failing. It does not validate what Istio validates (annotation
 * values: inject/validate.ts) nor anything the injector does not read.
 */
import { UserError } from '../results/result.js';
import { asPodJson, asPodTemplate, cloneJson, type Json, type JsonObject, type PodTemplate } from './types.js';

type Shape = 'map' | 'list' | 'string' | 'bool' | 'stringMap' | { map: Fields } | { listOf: Shape };
type Fields = { readonly [field: string]: Shape };

const MAP_LIST: Shape = { listOf: 'map' };
const PROBE: Shape = { map: { httpGet: { map: { httpHeaders: MAP_LIST } }, tcpSocket: 'map', grpc: 'map', exec: 'map' } };
const CONTAINER: Shape = {
  map: {
    name: 'string',
    image: 'string',
    ports: MAP_LIST,
    env: MAP_LIST,
    envFrom: MAP_LIST,
    volumeMounts: MAP_LIST,
    args: 'list',
    command: 'list',
    resources: { map: { limits: 'map', requests: 'map' } },
    securityContext: 'map',
    readinessProbe: PROBE,
    livenessProbe: PROBE,
    startupProbe: PROBE,
    lifecycle: 'map',
  },
};
const POD_TEMPLATE: Fields = {
  metadata: { map: { name: 'string', generateName: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap' } },
  spec: {
    map: {
      containers: { listOf: CONTAINER },
      initContainers: { listOf: CONTAINER },
      ephemeralContainers: { listOf: CONTAINER },
      volumes: MAP_LIST,
      imagePullSecrets: MAP_LIST,
      tolerations: MAP_LIST,
      hostAliases: MAP_LIST,
      securityContext: 'map',
      dnsConfig: 'map',
      nodeSelector: 'stringMap',
      hostNetwork: 'bool',
    },
  },
};

/** How an error names a value's type (`a map`, `a number (15)`). */
export function kindOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return `a number (${v})`;
  return `a boolean (${v})`;
}

function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return base === '' ? k : k.startsWith('[') ? `${base}${k}` : `${base}.${k}`;
}

const isMap = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `null` to replace by Go's zero value: the object, its key, and the replacement (undefined: drop the key). */
type Fix = { zero: Json | undefined; path: string[] };

/**
 * Where the walk is: the keys and list indexes from the root (pushed and popped as it goes). The
 * printed path is only built for an error; the key path only for a fix.
 */
export type Segments = (string | number)[];

/** The printed field path of `segs` (and `extra`): `spec.containers[0].env[1].name`. */
export function pathOf(segs: Segments, extra?: string | number): string {
  let path = '';
  for (const s of segs) path = fieldPath(path, s);
  return extra === undefined ? path : fieldPath(path, extra);
}

function keysOf(segs: Segments, extra: string): string[] {
  const keys = segs.map(String);
  keys.push(extra);
  return keys;
}

function invalid(segs: Segments, message: (path: string) => string, extra?: string | number): never {
  const path = pathOf(segs, extra);
  throw new UserError(message(path), path, 'invalid-pod');
}

function check(v: Json, shape: Shape, segs: Segments, fixes: Fix[], loose: boolean): void {
  if (typeof shape === 'string') {
    switch (shape) {
      case 'map':
        if (!isMap(v)) invalid(segs, (path) => `${path} must be a map, not ${kindOf(v)}`);
        return;
      case 'list':
        if (!Array.isArray(v)) invalid(segs, (path) => `${path} must be a list, not ${kindOf(v)}`);
        return;
      case 'string':
        if (typeof v !== 'string' && !(loose && typeof v !== 'object')) invalid(segs, (path) => `${path} must be a string, not ${kindOf(v)}`);
        return;
      case 'bool':
        if (typeof v !== 'boolean') invalid(segs, (path) => `${path} must be true or false, not ${kindOf(v)}`);
        return;
      case 'stringMap':
        if (!isMap(v)) invalid(segs, (path) => `${path} must be a map of strings, not ${kindOf(v)}`);
        for (const k in v) {
          if (!Object.hasOwn(v, k)) continue;
          const x = v[k] as Json;
          if (x === null) fixes.push({ zero: '', path: keysOf(segs, k) });
          else if (typeof x !== 'string' && !(loose && typeof x !== 'object')) {
            invalid(segs, (p) => `${p} must be a string, not ${kindOf(x)}${typeof x === 'object' ? '' : ': quote it'}`, k);
          }
        }
        return;
    }
  }
  if ('map' in shape) {
    if (!isMap(v)) invalid(segs, (path) => `${path} must be a map, not ${kindOf(v)}`);
    checkFields(v, shape.map, segs, fixes, loose);
    return;
  }
  if (!Array.isArray(v)) invalid(segs, (path) => `${path} must be a list, not ${kindOf(v)}`);
  for (let i = 0; i < v.length; i++) {
    segs.push(i);
    check(v[i] as Json, shape.listOf, segs, fixes, loose);
    segs.pop();
  }
}

function checkFields(obj: JsonObject, fields: Fields, segs: Segments, fixes: Fix[], loose = false): void {
  for (const k in fields) {
    const v = Object.hasOwn(obj, k) ? obj[k] : undefined;
    if (v === undefined) continue;
    if (v === null) fixes.push({ zero: undefined, path: keysOf(segs, k) });
    else {
      segs.push(k);
      check(v, fields[k] as Shape, segs, fixes, loose);
      segs.pop();
    }
  }
}

/**
 * The path of a `__proto__` key, if any. Kubernetes accepts none in a pod (not as a field, nor as
 * a label, annotation or selector key), and JavaScript copies would drop it silently.
 */
function findProtoKey(v: Json | undefined, segs: Segments): string | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      segs.push(i);
      const p = findProtoKey(v[i], segs);
      segs.pop();
      if (p !== undefined) return p;
    }
  } else if (v !== undefined && isMap(v)) {
    for (const k of Object.keys(v)) {
      if (k === '__proto__') return pathOf(segs, k);
      segs.push(k);
      const p = findProtoKey(v[k], segs);
      segs.pop();
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/**
 * Checks the structure of an injection template's output: maps are maps and lists are lists (nulls
 * are left alone, they mean "delete"; scalars of any type pass here: the string fields are checked
 * against Go's types by inject/gozero.ts `checkGoStringFields`).
 */
export function checkPodPatchTypes(patch: JsonObject): void {
  checkFields(patch, POD_TEMPLATE, [], [], true);
}

/**
 * Checks a pod template (`{metadata, spec}`, as read from the input) and returns it, as the typed
 * view, with `null`s in the checked fields read as Go's zero values (a copy when anything changed;
 * the input is never modified): where a JSON value becomes a `PodTemplate` (see `asPodTemplate`).
 * Throws a `UserError` (code `invalid-pod`) whose field path is relative to the pod template.
 */
export function checkPodTemplate(pod: JsonObject | PodTemplate): PodTemplate {
  const root: JsonObject = asPodJson(pod);
  const proto = findProtoKey(root, []);
  if (proto !== undefined) {
    throw new UserError(`${proto} is not a valid key in a Kubernetes object`, proto, 'invalid-pod');
  }
  const fixes: Fix[] = [];
  checkFields(root, POD_TEMPLATE, [], fixes);
  if (!fixes.length) return asPodTemplate(root);
  const copy = cloneJson(root, true);
  for (const f of fixes) {
    let o: Json = copy;
    for (const k of f.path.slice(0, -1)) o = (o as Record<string, Json>)[k]!;
    const last = f.path[f.path.length - 1]!;
    if (f.zero === undefined) delete (o as JsonObject)[last];
    else (o as JsonObject)[last] = f.zero;
  }
  return asPodTemplate(copy);
}
