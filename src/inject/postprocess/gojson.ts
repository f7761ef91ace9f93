/**
 * JSON exactly as Go's `encoding/json` writes it, for the values Istio stores in annotations and
 * env vars (`sidecar.istio.io/status`, `proxy.istio.io/overrides`, `ISTIO_KUBE_APP_PROBERS`,
 * `ISTIO_PROMETHEUS_ANNOTATIONS`): `goMarshal` keeps the key order it is given (build objects in
 * Go field order; sort map keys with `sortedKeys`) and escapes strings the Go way (`<`, `>`, `&`,
 * U+2028/2029). `goContainer` turns a container as written in a manifest into what
 * `json.Marshal(corev1.Container)` prints: Go field order, omitempty rules, `"resources":{}`,
 * canonical quantities, unknown fields dropped. Nothing here parses YAML or touches the pod.
 */
import { isObject, type Json, type JsonObject } from '../../kube/types.js';
import { canonicalQuantity } from '../../kube/quantity.js';

/** Go's `json.Marshal` of an already Go-shaped value. */
export function goMarshal(value: Json | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${goString(k)}:${goMarshal(v)}`)
    .join(',')}}`;
}

/** A copy of a map with its keys sorted, as Go marshals `map[string]T`. */
export function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(map).sort(compareGoStrings)) out[k] = map[k] as T;
  return out;
}

/** Go compares strings bytewise (UTF-8); for the keys that occur here that is code-unit order. */
export function compareGoStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The characters goString escapes (control characters, quote, backslash, HTML, line separators). */
// eslint-disable-next-line no-control-regex
const GO_JSON_ESCAPED = /["\\\u0000-\u001f<>&\u2028\u2029]/;

function goString(s: string): string {
  // most strings have nothing to escape: the loop below would copy them unchanged
  if (!GO_JSON_ESCAPED.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

// ---- corev1 struct shapes, in Go field order ----

export type Kind =
  | 'string'
  | 'int'
  | 'bool'
  /** a pointer to a scalar: any non-null value is written, false and 0 included */
  | 'ptr'
  /** a pointer to a string: written as 'ptr'; decoding a number or a boolean into it fails */
  | 'strptr'
  /** `map[string]string`: keys sorted */
  | 'stringMap'
  | 'intstr'
  | 'quantity'
  /** `ResourceList`: map of quantities, keys sorted */
  | 'quantities'
  | { struct: Fields; ptr: boolean }
  | { list: Kind };

/** `[json name, kind, omitempty]` */
export type Fields = readonly (readonly [string, Kind, boolean?])[];

const O = true;
const ptr = (struct: Fields): Kind => ({ struct, ptr: true });
const list = (kind: Kind): Kind => ({ list: kind });

const ObjectFieldSelector: Fields = [
  ['apiVersion', 'string', O],
  ['fieldPath', 'string'],
];
const ResourceFieldSelector: Fields = [
  ['containerName', 'string', O],
  ['resource', 'string'],
  ['divisor', 'quantity'],
];
const KeySelector: Fields = [
  ['name', 'string', O],
  ['key', 'string'],
  ['optional', 'ptr', O],
];
const FileKeySelector: Fields = [
  ['volumeName', 'string'],
  ['path', 'string'],
  ['key', 'string'],
  ['optional', 'ptr', O],
];
const EnvVarSource: Fields = [
  ['fieldRef', ptr(ObjectFieldSelector), O],
  ['resourceFieldRef', ptr(ResourceFieldSelector), O],
  ['configMapKeyRef', ptr(KeySelector), O],
  ['secretKeyRef', ptr(KeySelector), O],
  ['fileKeyRef', ptr(FileKeySelector), O],
];
const EnvVar: Fields = [
  ['name', 'string'],
  ['value', 'string', O],
  ['valueFrom', ptr(EnvVarSource), O],
];
const EnvSource: Fields = [
  ['name', 'string', O],
  ['optional', 'ptr', O],
];
const EnvFromSource: Fields = [
  ['prefix', 'string', O],
  ['configMapRef', ptr(EnvSource), O],
  ['secretRef', ptr(EnvSource), O],
];
const ContainerPort: Fields = [
  ['name', 'string', O],
  ['hostPort', 'int', O],
  ['containerPort', 'int'],
  ['protocol', 'string', O],
  ['hostIP', 'string', O],
];
const ResourceClaim: Fields = [
  ['name', 'string'],
  ['request', 'string', O],
];
const ResourceRequirements: Fields = [
  ['limits', 'quantities', O],
  ['requests', 'quantities', O],
  ['claims', list({ struct: ResourceClaim, ptr: false }), O],
];
const ContainerResizePolicy: Fields = [
  ['resourceName', 'string'],
  ['restartPolicy', 'string'],
];
const ContainerRestartRule: Fields = [
  ['action', 'string', O],
  [
    'exitCodes',
    ptr([
      ['operator', 'string'],
      ['values', list('int'), O],
    ]),
    O,
  ],
];
const VolumeMount: Fields = [
  ['name', 'string'],
  ['readOnly', 'bool', O],
  ['recursiveReadOnly', 'ptr', O],
  ['mountPath', 'string'],
  ['subPath', 'string', O],
  ['mountPropagation', 'strptr', O],
  ['subPathExpr', 'string', O],
];
const VolumeDevice: Fields = [
  ['name', 'string'],
  ['devicePath', 'string'],
];
const ExecAction: Fields = [['command', list('string'), O]];
const HTTPHeader: Fields = [
  ['name', 'string'],
  ['value', 'string'],
];
export const HTTPGetAction: Fields = [
  ['path', 'string', O],
  ['port', 'intstr'],
  ['host', 'string', O],
  ['scheme', 'string', O],
  ['httpHeaders', list({ struct: HTTPHeader, ptr: false }), O],
];
export const TCPSocketAction: Fields = [
  ['port', 'intstr'],
  ['host', 'string', O],
];
// `service` is a pointer without omitempty: Go writes `"service":null`.
export const GRPCAction: Fields = [
  ['port', 'int'],
  ['service', 'strptr'],
];
const Probe: Fields = [
  ['exec', ptr(ExecAction), O],
  ['httpGet', ptr(HTTPGetAction), O],
  ['tcpSocket', ptr(TCPSocketAction), O],
  ['grpc', ptr(GRPCAction), O],
  ['initialDelaySeconds', 'int', O],
  ['timeoutSeconds', 'int', O],
  ['periodSeconds', 'int', O],
  ['successThreshold', 'int', O],
  ['failureThreshold', 'int', O],
  ['terminationGracePeriodSeconds', 'ptr', O],
];
const LifecycleHandler: Fields = [
  ['exec', ptr(ExecAction), O],
  ['httpGet', ptr(HTTPGetAction), O],
  ['tcpSocket', ptr(TCPSocketAction), O],
  ['sleep', ptr([['seconds', 'int']]), O],
];
const Lifecycle: Fields = [
  ['postStart', ptr(LifecycleHandler), O],
  ['preStop', ptr(LifecycleHandler), O],
  ['stopSignal', 'strptr', O],
];
const Profile: Fields = [
  ['type', 'string'],
  ['localhostProfile', 'strptr', O],
];
const SecurityContext: Fields = [
  [
    'capabilities',
    ptr([
      ['add', list('string'), O],
      ['drop', list('string'), O],
    ]),
    O,
  ],
  ['privileged', 'ptr', O],
  [
    'seLinuxOptions',
    ptr([
      ['user', 'string', O],
      ['role', 'string', O],
      ['type', 'string', O],
      ['level', 'string', O],
    ]),
    O,
  ],
  [
    'windowsOptions',
    ptr([
      ['gmsaCredentialSpecName', 'strptr', O],
      ['gmsaCredentialSpec', 'strptr', O],
      ['runAsUserName', 'strptr', O],
      ['hostProcess', 'ptr', O],
    ]),
    O,
  ],
  ['runAsUser', 'ptr', O],
  ['runAsGroup', 'ptr', O],
  ['runAsNonRoot', 'ptr', O],
  ['readOnlyRootFilesystem', 'ptr', O],
  ['allowPrivilegeEscalation', 'ptr', O],
  ['procMount', 'strptr', O],
  ['seccompProfile', ptr(Profile), O],
  ['appArmorProfile', ptr(Profile), O],
];
export const Container: Fields = [
  ['name', 'string'],
  ['image', 'string', O],
  ['command', list('string'), O],
  ['args', list('string'), O],
  ['workingDir', 'string', O],
  ['ports', list({ struct: ContainerPort, ptr: false }), O],
  ['envFrom', list({ struct: EnvFromSource, ptr: false }), O],
  ['env', list({ struct: EnvVar, ptr: false }), O],
  ['resources', { struct: ResourceRequirements, ptr: false }],
  ['resizePolicy', list({ struct: ContainerResizePolicy, ptr: false }), O],
  ['restartPolicy', 'strptr', O],
  ['restartPolicyRules', list({ struct: ContainerRestartRule, ptr: false }), O],
  ['volumeMounts', list({ struct: VolumeMount, ptr: false }), O],
  ['volumeDevices', list({ struct: VolumeDevice, ptr: false }), O],
  ['livenessProbe', ptr(Probe), O],
  ['readinessProbe', ptr(Probe), O],
  ['startupProbe', ptr(Probe), O],
  ['lifecycle', ptr(Lifecycle), O],
  ['terminationMessagePath', 'string', O],
  ['terminationMessagePolicy', 'string', O],
  ['imagePullPolicy', 'string', O],
  ['securityContext', ptr(SecurityContext), O],
  ['stdin', 'bool', O],
  ['stdinOnce', 'bool', O],
  ['tty', 'bool', O],
];

const EphemeralContainer: Fields = [...Container, ['targetContainerName', 'string', O]];
const LocalObjectReference: Fields = [['name', 'string', O]];

/**
 * The fields of `corev1.Pod` outside containers that hold strings (a partial shape, for checking
 * the types of a template's output, not for marshalling): istiod decodes every template's output,
 * merged, into a `corev1.Pod`, and a number or a boolean in one of them fails that decode.
 */
export const Pod: Fields = [
  [
    'metadata',
    {
      struct: [
        ['name', 'string', O],
        ['generateName', 'string', O],
        ['namespace', 'string', O],
        ['uid', 'string', O],
        ['resourceVersion', 'string', O],
        ['labels', 'stringMap', O],
        ['annotations', 'stringMap', O],
        ['finalizers', list('string'), O],
      ],
      ptr: false,
    },
  ],
  [
    'spec',
    {
      struct: [
        ['volumes', list({ struct: [['name', 'string']], ptr: false }), O],
        ['initContainers', list({ struct: Container, ptr: false }), O],
        ['containers', list({ struct: Container, ptr: false })],
        ['ephemeralContainers', list({ struct: EphemeralContainer, ptr: false }), O],
        ['restartPolicy', 'string', O],
        ['dnsPolicy', 'string', O],
        ['nodeSelector', 'stringMap', O],
        ['serviceAccountName', 'string', O],
        ['serviceAccount', 'string', O],
        ['nodeName', 'string', O],
        ['imagePullSecrets', list({ struct: LocalObjectReference, ptr: false }), O],
        ['hostname', 'string', O],
        ['subdomain', 'string', O],
        ['schedulerName', 'string', O],
        ['priorityClassName', 'string', O],
        ['runtimeClassName', 'strptr', O],
        ['preemptionPolicy', 'strptr', O],
      ],
      ptr: false,
    },
  ],
];

const OMIT = Symbol('omit');

function convert(value: Json | undefined, kind: Kind, omitempty: boolean): Json | typeof OMIT {
  const absent = value === undefined || value === null;
  if (typeof kind === 'object' && 'list' in kind) {
    if (absent || (Array.isArray(value) && value.length === 0)) return omitempty ? OMIT : null;
    if (!Array.isArray(value)) return value;
    return value.map((item) => {
      const v = convert(item, kind.list, false);
      return v === OMIT ? null : v;
    });
  }
  if (typeof kind === 'object') {
    if (absent) return kind.ptr ? (omitempty ? OMIT : null) : {};
    return isObject(value) ? goStruct(value, kind.struct) : value;
  }
  switch (kind) {
    case 'string':
      if (absent || value === '') return omitempty ? OMIT : '';
      return value;
    case 'int':
      if (absent || value === 0) return omitempty ? OMIT : 0;
      return value;
    case 'bool':
      if (absent || value === false) return omitempty ? OMIT : false;
      return value;
    case 'ptr':
    case 'strptr':
      return absent ? (omitempty ? OMIT : null) : value;
    case 'stringMap':
      if (absent || (isObject(value) && Object.keys(value).length === 0)) return omitempty ? OMIT : null;
      return isObject(value) ? sortedKeys(value) : value;
    case 'intstr':
      return absent ? 0 : value;
    case 'quantity':
      if (absent) return '0';
      return typeof value === 'string' || typeof value === 'number' ? (canonicalQuantity(value) ?? value) : value;
    case 'quantities': {
      if (absent || (isObject(value) && Object.keys(value).length === 0)) return omitempty ? OMIT : null;
      if (!isObject(value)) return value;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(sortedKeys(value))) {
        out[k] = typeof v === 'string' || typeof v === 'number' ? (canonicalQuantity(v) ?? v) : v;
      }
      return out;
    }
  }
}

function goStruct(value: JsonObject, fields: Fields): JsonObject {
  const out: JsonObject = {};
  for (const [name, kind, omitempty] of fields) {
    const v = convert(value[name], kind, omitempty ?? false);
    if (v !== OMIT) out[name] = v;
  }
  return out;
}

/** A container as `json.Marshal(corev1.Container)` would print it (see the module comment). */
export function goContainer(container: JsonObject): JsonObject {
  return goStruct(container, Container);
}

/** A probe handler (`httpGet`, `tcpSocket` or `grpc`) in Go's shape. */
export function goProbeAction(kind: 'httpGet' | 'tcpSocket' | 'grpc', action: JsonObject): JsonObject {
  return goStruct(action, kind === 'httpGet' ? HTTPGetAction : kind === 'tcpSocket' ? TCPSocketAction : GRPCAction);
}
