/**
 * What Go's typed round trip does to a template's containers: istiod merges the rendered YAML into
 * a `corev1.Pod` struct and marshals it again, so scalar fields tagged `omitempty` that the template
 * set to their zero value (`initialDelaySeconds: 0`, an env `value: ""`, `readOnly: false`)
 * disappear. Pointer fields (`runAsUser: 0`, `readOnlyRootFilesystem: false`) stay. This module
 * drops exactly those zero values from the containers of a rendered patch, keeping everything
 * else (key order, quantities, unknown fields) as the template wrote it.
 *
 * Not responsible for: the merge, or any field outside containers and init containers.
 */
import { isObject, type Json, type JsonObject } from '../kube/types.js';

/** A struct's omitempty scalar fields, and the struct type of nested struct/list fields. */
interface Shape {
  readonly zeroDropped: ReadonlySet<string>;
  readonly nested?: Readonly<Record<string, Shape>>;
}

const shape = (zeroDropped: string[], nested?: Record<string, Shape>): Shape => ({
  zeroDropped: new Set(zeroDropped),
  ...(nested ? { nested } : {}),
});

const HTTP_GET = shape(['path', 'host', 'scheme']);
const TCP_SOCKET = shape(['host']);
const HANDLER = shape([], { httpGet: HTTP_GET, tcpSocket: TCP_SOCKET });
const PROBE = shape(['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'], {
  httpGet: HTTP_GET,
  tcpSocket: TCP_SOCKET,
});

/** corev1.Container (Go field tags of k8s.io/api core/v1). */
const CONTAINER = shape(
  ['image', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'stdin', 'stdinOnce', 'tty'],
  {
    ports: shape(['name', 'hostPort', 'protocol', 'hostIP']),
    env: shape(['value']),
    volumeMounts: shape(['readOnly', 'subPath', 'subPathExpr']),
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    lifecycle: shape([], { postStart: HANDLER, preStop: HANDLER }),
  },
);

function isZero(v: Json): boolean {
  return v === 0 || v === '' || v === false;
}

function apply(value: Json, s: Shape): Json {
  if (Array.isArray(value)) return value.map((item) => apply(item, s));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (s.zeroDropped.has(k) && isZero(v)) continue;
    const nested = s.nested?.[k];
    out[k] = nested ? apply(v, nested) : v;
  }
  return out;
}

/** The patch with Go's omitempty zero values removed from `spec.containers` and `spec.initContainers`. */
export function dropGoZeroValues(patch: JsonObject): JsonObject {
  if (!isObject(patch.spec ?? null)) return patch;
  const spec = patch.spec as JsonObject;
  const out: JsonObject = { ...spec };
  for (const list of ['containers', 'initContainers'] as const) {
    if (Array.isArray(spec[list])) out[list] = apply(spec[list], CONTAINER);
  }
  return { ...patch, spec: out };
}
