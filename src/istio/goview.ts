/**
 * The Go-shaped view of `SidecarTemplateData` that Istio's injection templates evaluate against:
 * the same data istiod hands to `text/template`, with Go's field names (`.ObjectMeta.Annotations`,
 * `.Spec.Containers`, `.ProxyConfig.ProxyMetadata`), Go's types (`.Values` holds float64 numbers;
 * `.ProxyUID` is an int64; annotations are a `map[string]string` whose missing keys index to "")
 * and the protobuf methods the templates call (`.ProxyConfig.InterceptionMode.String`,
 * `.ProxyConfig.HoldApplicationUntilProxyStarts.GetValue`, `.ProxyConfig.GetTracing...`).
 *
 * Every struct is a `GoStruct` whose `data` is the plain JSON object it views (Kubernetes JSON
 * names), which is what the JSON-producing template functions read. Kubernetes structs are
 * described by tables of their commonly used fields; fields present in the data but not in a
 * table are still reachable under their Go name (`podIP` as `.PodIP`), so custom templates are
 * not limited to what the shipped ones use. The view is built lazily and never copies the pod.
 *
 * Not responsible for: building the data (src/inject/data.ts), the template engine, or rendering.
 */
import { isObject, type Json, type JsonObject } from '../kube/types.js';
import { parseGoDuration, PROXY_CONFIG_FIELDS } from '../inject/proxyconfig.js';
import type { SidecarTemplateData } from '../inject/types.js';
import { fromJSON, GoInt, GoMap, GoSlice, GoStruct, type GoMethod, type GoValue, type IntTypeName, type StructType } from '../template/value.js';

/** How one field is shown to Go code. */
type FieldSpec =
  | 'string'
  | 'bool'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'stringMap'
  | 'stringSlice'
  | 'quantityMap'
  | 'any'
  | 'generic'
  | 'optString'
  | 'optBool'
  | 'optInt64'
  | 'optInt32'
  | 'duration'
  | 'boolValue'
  | 'int32Value'
  | 'uint32Value'
  | { readonly struct: StructSpec; readonly pointer?: boolean }
  | { readonly slice: FieldSpec }
  | { readonly enumType: string; readonly values: Readonly<Record<number, string>> };

interface StructSpec {
  /** Go type name without the pointer star, e.g. `v1.Container`. */
  readonly name: string;
  /** [Go field name, JSON name, spec], in declaration order. */
  readonly fields: ReadonlyArray<readonly [string, string, FieldSpec]>;
  /** Protobuf messages: a nil-safe `GetX` method per field. */
  readonly protoGetters?: boolean;
  /** Fields present in the data but not listed are exposed generically. */
  readonly open?: boolean;
}

// Kubernetes JSON names whose Go field name is not the capitalised JSON name.
const GO_NAME_EXCEPTIONS: Readonly<Record<string, string>> = {
  apiVersion: 'APIVersion',
  uid: 'UID',
  ip: 'IP',
  ips: 'IPs',
  hostIP: 'HostIP',
  hostIPs: 'HostIPs',
  podIP: 'PodIP',
  podIPs: 'PodIPs',
  hostPID: 'HostPID',
  hostIPC: 'HostIPC',
  dnsPolicy: 'DNSPolicy',
  dnsConfig: 'DNSConfig',
  httpGet: 'HTTPGet',
  httpHeaders: 'HTTPHeaders',
  tcpSocket: 'TCPSocket',
  grpc: 'GRPC',
  tty: 'TTY',
  seLinuxOptions: 'SELinuxOptions',
  fsGroup: 'FSGroup',
  fsGroupChangePolicy: 'FSGroupChangePolicy',
  serviceAccount: 'DeprecatedServiceAccount',
  setHostnameAsFQDN: 'SetHostnameAsFQDN',
  os: 'OS',
  url: 'URL',
  nfs: 'NFS',
  iscsi: 'ISCSI',
  csi: 'CSI',
  fc: 'FC',
  rbd: 'RBD',
  cephfs: 'CephFS',
  gcePersistentDisk: 'GCEPersistentDisk',
  awsElasticBlockStore: 'AWSElasticBlockStore',
};

/** The Go field name of a Kubernetes JSON field. */
export function goFieldName(json: string): string {
  return GO_NAME_EXCEPTIONS[json] ?? json.charAt(0).toUpperCase() + json.slice(1);
}

const OWNER_REFERENCE: StructSpec = {
  name: 'v1.OwnerReference',
  fields: [
    ['APIVersion', 'apiVersion', 'string'],
    ['Kind', 'kind', 'string'],
    ['Name', 'name', 'string'],
    ['UID', 'uid', 'string'],
    ['Controller', 'controller', 'optBool'],
    ['BlockOwnerDeletion', 'blockOwnerDeletion', 'optBool'],
  ],
};

const OBJECT_META: StructSpec = {
  name: 'v1.ObjectMeta',
  open: true,
  fields: [
    ['Name', 'name', 'string'],
    ['GenerateName', 'generateName', 'string'],
    ['Namespace', 'namespace', 'string'],
    ['SelfLink', 'selfLink', 'string'],
    ['UID', 'uid', 'string'],
    ['ResourceVersion', 'resourceVersion', 'string'],
    ['Generation', 'generation', 'int64'],
    ['DeletionGracePeriodSeconds', 'deletionGracePeriodSeconds', 'optInt64'],
    ['Labels', 'labels', 'stringMap'],
    ['Annotations', 'annotations', 'stringMap'],
    ['OwnerReferences', 'ownerReferences', { slice: { struct: OWNER_REFERENCE } }],
    ['Finalizers', 'finalizers', 'stringSlice'],
  ],
};

const CONTAINER_PORT: StructSpec = {
  name: 'v1.ContainerPort',
  fields: [
    ['Name', 'name', 'string'],
    ['HostPort', 'hostPort', 'int32'],
    ['ContainerPort', 'containerPort', 'int32'],
    ['Protocol', 'protocol', 'string'],
    ['HostIP', 'hostIP', 'string'],
  ],
};

const ENV_VAR: StructSpec = {
  name: 'v1.EnvVar',
  open: true,
  fields: [
    ['Name', 'name', 'string'],
    ['Value', 'value', 'string'],
  ],
};

const VOLUME_MOUNT: StructSpec = {
  name: 'v1.VolumeMount',
  open: true,
  fields: [
    ['Name', 'name', 'string'],
    ['ReadOnly', 'readOnly', 'bool'],
    ['MountPath', 'mountPath', 'string'],
    ['SubPath', 'subPath', 'string'],
  ],
};

const RESOURCES: StructSpec = {
  name: 'v1.ResourceRequirements',
  open: true,
  fields: [
    ['Limits', 'limits', 'quantityMap'],
    ['Requests', 'requests', 'quantityMap'],
  ],
};

const CONTAINER: StructSpec = {
  name: 'v1.Container',
  open: true,
  fields: [
    ['Name', 'name', 'string'],
    ['Image', 'image', 'string'],
    ['Command', 'command', 'stringSlice'],
    ['Args', 'args', 'stringSlice'],
    ['WorkingDir', 'workingDir', 'string'],
    ['Ports', 'ports', { slice: { struct: CONTAINER_PORT } }],
    ['EnvFrom', 'envFrom', { slice: 'generic' }],
    ['Env', 'env', { slice: { struct: ENV_VAR } }],
    ['Resources', 'resources', { struct: RESOURCES }],
    ['RestartPolicy', 'restartPolicy', 'optString'],
    ['VolumeMounts', 'volumeMounts', { slice: { struct: VOLUME_MOUNT } }],
    ['LivenessProbe', 'livenessProbe', 'generic'],
    ['ReadinessProbe', 'readinessProbe', 'generic'],
    ['StartupProbe', 'startupProbe', 'generic'],
    ['Lifecycle', 'lifecycle', 'generic'],
    ['TerminationMessagePath', 'terminationMessagePath', 'string'],
    ['TerminationMessagePolicy', 'terminationMessagePolicy', 'string'],
    ['ImagePullPolicy', 'imagePullPolicy', 'string'],
    ['SecurityContext', 'securityContext', 'generic'],
    ['Stdin', 'stdin', 'bool'],
    ['StdinOnce', 'stdinOnce', 'bool'],
    ['TTY', 'tty', 'bool'],
  ],
};

const LOCAL_OBJECT_REFERENCE: StructSpec = { name: 'v1.LocalObjectReference', fields: [['Name', 'name', 'string']] };

const POD_SPEC: StructSpec = {
  name: 'v1.PodSpec',
  open: true,
  fields: [
    ['Volumes', 'volumes', { slice: 'generic' }],
    ['InitContainers', 'initContainers', { slice: { struct: CONTAINER } }],
    ['Containers', 'containers', { slice: { struct: CONTAINER } }],
    ['EphemeralContainers', 'ephemeralContainers', { slice: 'generic' }],
    ['RestartPolicy', 'restartPolicy', 'string'],
    ['TerminationGracePeriodSeconds', 'terminationGracePeriodSeconds', 'optInt64'],
    ['ActiveDeadlineSeconds', 'activeDeadlineSeconds', 'optInt64'],
    ['DNSPolicy', 'dnsPolicy', 'string'],
    ['NodeSelector', 'nodeSelector', 'stringMap'],
    ['ServiceAccountName', 'serviceAccountName', 'string'],
    ['DeprecatedServiceAccount', 'serviceAccount', 'string'],
    ['AutomountServiceAccountToken', 'automountServiceAccountToken', 'optBool'],
    ['NodeName', 'nodeName', 'string'],
    ['HostNetwork', 'hostNetwork', 'bool'],
    ['HostPID', 'hostPID', 'bool'],
    ['HostIPC', 'hostIPC', 'bool'],
    ['ShareProcessNamespace', 'shareProcessNamespace', 'optBool'],
    ['SecurityContext', 'securityContext', 'generic'],
    ['ImagePullSecrets', 'imagePullSecrets', { slice: { struct: LOCAL_OBJECT_REFERENCE } }],
    ['Hostname', 'hostname', 'string'],
    ['Subdomain', 'subdomain', 'string'],
    ['Affinity', 'affinity', 'generic'],
    ['SchedulerName', 'schedulerName', 'string'],
    ['Tolerations', 'tolerations', { slice: 'generic' }],
    ['HostAliases', 'hostAliases', { slice: 'generic' }],
    ['PriorityClassName', 'priorityClassName', 'string'],
    ['Priority', 'priority', 'optInt32'],
    ['DNSConfig', 'dnsConfig', 'generic'],
    ['RuntimeClassName', 'runtimeClassName', 'optString'],
    ['EnableServiceLinks', 'enableServiceLinks', 'optBool'],
    ['PreemptionPolicy', 'preemptionPolicy', 'optString'],
    ['TopologySpreadConstraints', 'topologySpreadConstraints', { slice: 'generic' }],
    ['SetHostnameAsFQDN', 'setHostnameAsFQDN', 'optBool'],
    ['HostUsers', 'hostUsers', 'optBool'],
  ],
};

const TYPE_META: StructSpec = {
  name: 'v1.TypeMeta',
  fields: [
    ['Kind', 'kind', 'string'],
    ['APIVersion', 'apiVersion', 'string'],
  ],
};

const NAMESPACED_NAME: StructSpec = {
  name: 'types.NamespacedName',
  fields: [
    ['Namespace', 'namespace', 'string'],
    ['Name', 'name', 'string'],
  ],
};

// Protobuf messages of meshconfig the templates reach through getters. Nested messages the
// injector never reads are exposed generically.
const CLIENT_TLS_SETTINGS: StructSpec = {
  name: 'v1alpha3.ClientTLSSettings',
  protoGetters: true,
  open: true,
  fields: [
    ['ClientCertificate', 'clientCertificate', 'string'],
    ['PrivateKey', 'privateKey', 'string'],
    ['CaCertificates', 'caCertificates', 'string'],
    ['CredentialName', 'credentialName', 'string'],
    ['SubjectAltNames', 'subjectAltNames', 'stringSlice'],
    ['Sni', 'sni', 'string'],
  ],
};

const TRACING: StructSpec = {
  name: 'v1alpha1.Tracing',
  protoGetters: true,
  open: true,
  fields: [
    ['TlsSettings', 'tlsSettings', { struct: CLIENT_TLS_SETTINGS, pointer: true }],
    ['CustomTags', 'customTags', 'any'],
    ['MaxPathTagLength', 'maxPathTagLength', 'uint32'],
    ['Sampling', 'sampling', 'any'],
    ['EnableIstioTags', 'enableIstioTags', 'boolValue'],
  ],
};

function proxyConfigFieldSpec(kind: (typeof PROXY_CONFIG_FIELDS)[number]): FieldSpec {
  switch (kind.kind) {
    case 'string':
      return 'string';
    case 'int32':
      return 'int32';
    case 'duration':
      return 'duration';
    case 'enum':
      return { enumType: `v1alpha1.ProxyConfig_${goFieldName(kind.json)}`, values: kind.enumValues ?? {} };
    case 'int32Wrapper':
      return 'int32Value';
    case 'uint32Wrapper':
      return 'uint32Value';
    case 'boolWrapper':
      return 'boolValue';
    case 'stringMap':
      return 'stringMap';
    case 'stringList':
      return 'stringSlice';
    case 'message':
      return kind.json === 'tracing' ? { struct: TRACING, pointer: true } : 'generic';
  }
}

const PROXY_CONFIG: StructSpec = {
  name: 'v1alpha1.ProxyConfig',
  protoGetters: true,
  open: true,
  fields: PROXY_CONFIG_FIELDS.map((f) => [goFieldName(f.json), f.json, proxyConfigFieldSpec(f)] as const),
};

const MESH_CONFIG: StructSpec = {
  name: 'v1alpha1.MeshConfig',
  protoGetters: true,
  open: true,
  fields: [
    ['ProxyListenPort', 'proxyListenPort', 'int32'],
    ['ProxyInboundListenPort', 'proxyInboundListenPort', 'int32'],
    ['ProxyHttpPort', 'proxyHttpPort', 'int32'],
    ['ConnectTimeout', 'connectTimeout', 'duration'],
    ['ProtocolDetectionTimeout', 'protocolDetectionTimeout', 'duration'],
    ['IngressClass', 'ingressClass', 'string'],
    ['IngressService', 'ingressService', 'string'],
    ['EnableTracing', 'enableTracing', 'bool'],
    ['AccessLogFile', 'accessLogFile', 'string'],
    ['AccessLogFormat', 'accessLogFormat', 'string'],
    ['DefaultConfig', 'defaultConfig', { struct: PROXY_CONFIG, pointer: true }],
    ['EnablePrometheusMerge', 'enablePrometheusMerge', 'boolValue'],
    ['RootNamespace', 'rootNamespace', 'string'],
    ['TrustDomain', 'trustDomain', 'string'],
    ['TrustDomainAliases', 'trustDomainAliases', 'stringSlice'],
    ['DefaultServiceExportTo', 'defaultServiceExportTo', 'stringSlice'],
    ['DefaultVirtualServiceExportTo', 'defaultVirtualServiceExportTo', 'stringSlice'],
    ['DefaultDestinationRuleExportTo', 'defaultDestinationRuleExportTo', 'stringSlice'],
    ['ExtensionProviders', 'extensionProviders', { slice: 'generic' }],
    ['DefaultProviders', 'defaultProviders', 'generic'],
    ['InboundTrafficPolicy', 'inboundTrafficPolicy', 'generic'],
    ['OutboundTrafficPolicy', 'outboundTrafficPolicy', 'generic'],
  ],
};

// ---- conversion -------------------------------------------------------------------------------

const nilSlice = (elem: string) => new GoSlice(elem, [], true);

function int(v: Json | undefined, type: IntTypeName): GoInt {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : 0;
  return new GoInt(n, type);
}

function stringMap(v: Json | undefined, elemName = 'string'): GoMap {
  if (!isObject(v ?? null)) return new GoMap(elemName, new Map(), true);
  const m = new Map<string, GoValue>();
  for (const [k, x] of Object.entries(v as JsonObject)) m.set(k, x === null ? '' : typeof x === 'string' ? x : String(x));
  return new GoMap(elemName, m);
}

const DURATION_TYPE: StructType = {
  name: '*durationpb.Duration',
  pointer: true,
  fields: {
    Seconds: (s) => new GoInt(nanosOf(s) / 1_000_000_000n, 'int64'),
    Nanos: (s) => new GoInt(nanosOf(s) % 1_000_000_000n, 'int32'),
  },
  format: (s) => (s.data === null ? '<nil>' : protoDurationText(s.data)),
};

function durationStruct(v: Json | undefined): GoStruct {
  return new GoStruct(DURATION_TYPE, typeof v === 'string' ? v : null);
}

function nanosOf(s: GoStruct): bigint {
  if (typeof s.data !== 'string') return 0n;
  try {
    return parseGoDuration(s.data);
  } catch {
    return 0n;
  }
}

// `%v` of a *durationpb.Duration prints the message's text form (`seconds:23`); rare in templates.
function protoDurationText(data: unknown): string {
  if (typeof data !== 'string') return '<nil>';
  let n = 0n;
  try {
    n = parseGoDuration(data);
  } catch {
    return data;
  }
  const seconds = n / 1_000_000_000n;
  const nanos = n % 1_000_000_000n;
  return [seconds !== 0n ? `seconds:${seconds}` : '', nanos !== 0n ? `nanos:${nanos}` : ''].filter(Boolean).join(' ');
}

function wrapperType(goType: string, value: (x: Json | undefined) => GoValue): StructType {
  return {
    name: `*wrapperspb.${goType}`,
    pointer: true,
    fields: { Value: (s) => value(s.data === null ? undefined : (s.data as Json)) },
    methods: { GetValue: { fn: (s) => value(s.data === null ? undefined : (s.data as Json)) } },
    format: (s) => (s.data === null ? '<nil>' : `value:${String(s.data)}`),
  };
}

const BOOL_VALUE_TYPE = wrapperType('BoolValue', (x) => x === true);
const INT32_VALUE_TYPE = wrapperType('Int32Value', (x) => int(x, 'int32'));
const UINT32_VALUE_TYPE = wrapperType('UInt32Value', (x) => int(x, 'uint32'));

function wrapper(type: StructType, v: Json | undefined): GoStruct {
  return new GoStruct(type, v === undefined || v === null ? null : v);
}

type EnumSpec = { readonly enumType: string; readonly values: Readonly<Record<number, string>> };

/**
 * Per enum spec: its numbers by name, and the type of each value seen (the type carries the value).
 * A pure memo keyed by the static specs above; at most 1000 value types per enum are kept.
 */
const enumTables = new WeakMap<EnumSpec, { byName: Map<string, number>; types: Map<number, StructType> }>();

function enumValue(spec: EnumSpec, v: Json | undefined): GoStruct {
  const { enumType: typeName, values } = spec;
  let table = enumTables.get(spec);
  if (table === undefined) {
    table = { byName: new Map(Object.entries(values).map(([n, name]) => [name, Number(n)])), types: new Map() };
    enumTables.set(spec, table);
  }
  const number = typeof v === 'number' ? v : typeof v === 'string' ? (table.byName.get(v) ?? 0) : 0;
  let type = table.types.get(number);
  if (type === undefined) {
    const name = values[number] ?? String(number);
    type = {
      name: typeName,
      underlying: () => new GoInt(number, 'int32'),
      format: () => name,
      methods: {
        String: { fn: () => name },
        Number: { fn: () => new GoInt(number, 'int32') },
      },
    };
    if (table.types.size < 1000) table.types.set(number, type);
  }
  return new GoStruct(type, number);
}

const GENERIC: StructSpec = { name: 'struct', open: true, fields: [] };
const NIL_GENERIC_TYPE: StructType = { name: '*struct', pointer: true, fields: {} };

/** A struct for JSON the tables do not describe: every key under its Go name. */
function genericStruct(v: Json | undefined, pointer = true): GoValue {
  if (!isObject(v ?? null)) return pointer ? new GoStruct(NIL_GENERIC_TYPE, null) : null;
  return makeStruct(GENERIC, v as JsonObject, pointer);
}

function genericValue(v: Json | undefined): GoValue {
  if (v === undefined || v === null) return null;
  if (isObject(v)) return genericStruct(v, false);
  if (Array.isArray(v)) return new GoSlice('interface {}', v.map(genericValue));
  if (typeof v === 'number' && Number.isInteger(v)) return new GoInt(v, 'int32');
  return v;
}

function convertField(spec: FieldSpec, v: Json | undefined): GoValue {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'string':
        return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
      case 'bool':
        return v === true;
      case 'int32':
        return int(v, 'int32');
      case 'int64':
        return int(v, 'int64');
      case 'uint32':
        return int(v, 'uint32');
      case 'stringMap':
        return stringMap(v);
      case 'quantityMap':
        return stringMap(v, 'resource.Quantity');
      case 'stringSlice':
        return Array.isArray(v)
          ? new GoSlice(
              'string',
              v.map((x) => (typeof x === 'string' ? x : String(x))),
            )
          : nilSlice('string');
      case 'any':
        return v === undefined ? null : fromJSON(v);
      case 'generic':
        return genericStruct(v);
      case 'optString':
        return typeof v === 'string' ? v : null;
      case 'optBool':
        return typeof v === 'boolean' ? v : null;
      case 'optInt64':
        return typeof v === 'number' ? new GoInt(v, 'int64') : null;
      case 'optInt32':
        return typeof v === 'number' ? new GoInt(v, 'int32') : null;
      case 'duration':
        return durationStruct(v);
      case 'boolValue':
        return wrapper(BOOL_VALUE_TYPE, v);
      case 'int32Value':
        return wrapper(INT32_VALUE_TYPE, v);
      case 'uint32Value':
        return wrapper(UINT32_VALUE_TYPE, v);
    }
  }
  if ('struct' in spec) {
    if (spec.pointer && !isObject(v ?? null)) return makeStruct(spec.struct, null, true);
    return makeStruct(spec.struct, isObject(v ?? null) ? (v as JsonObject) : {}, spec.pointer === true);
  }
  if ('slice' in spec) {
    const elem = spec.slice;
    const elemName = typeof elem === 'object' && 'struct' in elem ? elem.struct.name : 'interface {}';
    if (!Array.isArray(v)) return nilSlice(elemName);
    return new GoSlice(
      elemName,
      v.map((x) => (elem === 'generic' ? genericStruct(x, false) : convertField(elem, x))),
    );
  }
  return enumValue(spec, v);
}

/**
 * Pure memos of the Go types (`StructType`) this view builds: a type is a function of its static
 * spec, its pointer-ness and the sorted extra keys of the data (input decides those), and holds no
 * data itself (field values are memoized per struct, `memoized`), so sharing types across
 * workloads and runs cannot change output. `structTypes` (by spec and extra keys) keeps at most
 * 10,000; the others are keyed by the static specs of this file.
 */
const structTypes = new Map<string, StructType>();
/** The types of specs without extra keys, by spec: [value, pointer]. */
const plainStructTypes = new WeakMap<StructSpec, [StructType | undefined, StructType | undefined]>();

// A field read twice gives the same Go value, as in Go (a map field is the same map), and the
// templates read `.ObjectMeta.Annotations` dozens of times per render: convert once per struct.
function memoized(name: string, get: (s: GoStruct) => GoValue): (s: GoStruct) => GoValue {
  return (s) => {
    let memo = s.fieldCache;
    if (memo === undefined) {
      memo = new Map();
      s.fieldCache = memo;
    } else {
      const v = memo.get(name);
      if (v !== undefined || memo.has(name)) return v;
    }
    const v = get(s);
    memo.set(name, v);
    return v;
  };
}

/** Builds (once per spec and pointer-ness) the `StructType` that reads a JSON object. */
function structType(spec: StructSpec, pointer: boolean, extraKeys: readonly string[]): StructType {
  if (extraKeys.length === 0) {
    let plain = plainStructTypes.get(spec);
    if (plain === undefined) {
      plain = [undefined, undefined];
      plainStructTypes.set(spec, plain);
    }
    const i = pointer ? 1 : 0;
    return (plain[i] ??= newStructType(spec, pointer, extraKeys));
  }
  const cacheKey = `${pointer ? '*' : ''}${spec.name}|${extraKeys.join(',')}`;
  const cached = structTypes.get(cacheKey);
  if (cached) return cached;
  const type = newStructType(spec, pointer, extraKeys);
  if (structTypes.size < 10_000) structTypes.set(cacheKey, type);
  return type;
}

function newStructType(spec: StructSpec, pointer: boolean, extraKeys: readonly string[]): StructType {
  const fields: Record<string, (self: GoStruct) => GoValue> = {};
  const methods: Record<string, GoMethod> = {};
  const dataOf = (s: GoStruct) => (s.data ?? {}) as JsonObject;
  for (const [goName, json, fieldSpec] of spec.fields) {
    const get = memoized(goName, (s: GoStruct) => convertField(fieldSpec, Object.hasOwn(dataOf(s), json) ? dataOf(s)[json] : undefined));
    fields[goName] = get;
    // Protobuf getters are nil-safe: on a nil message they return the field's zero value.
    if (spec.protoGetters) methods[`Get${goName}`] = { fn: (s) => get(s) };
  }
  for (const json of extraKeys) {
    const goName = goFieldName(json);
    if (Object.hasOwn(fields, goName)) continue;
    fields[goName] = memoized(goName, (s) => genericValue(dataOf(s)[json]));
  }
  return { name: `${pointer ? '*' : ''}${spec.name}`, pointer, fields, methods };
}

/** The JSON names a spec lists, per spec. */
const knownFields = new WeakMap<StructSpec, Set<string>>();

const NO_KEYS: readonly string[] = [];

function makeStruct(spec: StructSpec, data: JsonObject | null, pointer: boolean): GoStruct {
  let extra = NO_KEYS;
  if (spec.open && data) {
    let known = knownFields.get(spec);
    if (known === undefined) {
      known = new Set(spec.fields.map(([, json]) => json));
      knownFields.set(spec, known);
    }
    const keys = Object.keys(data);
    for (const k of keys) {
      if (known.has(k)) continue;
      extra = keys.filter((key) => !known.has(key)).sort();
      break;
    }
  }
  return new GoStruct(structType(spec, pointer, extra), data);
}

const ROOT: StructSpec = {
  name: 'inject.SidecarTemplateData',
  fields: [
    ['TypeMeta', 'typeMeta', { struct: TYPE_META }],
    ['DeploymentMeta', 'deploymentMeta', { struct: NAMESPACED_NAME }],
    ['ObjectMeta', 'objectMeta', { struct: OBJECT_META }],
    ['Spec', 'spec', { struct: POD_SPEC }],
    ['ProxyConfig', 'proxyConfig', { struct: PROXY_CONFIG, pointer: true }],
    ['MeshConfig', 'meshConfig', { struct: MESH_CONFIG, pointer: true }],
    ['Values', 'values', 'any'],
    ['Revision', 'revision', 'string'],
    ['NativeSidecars', 'nativeSidecars', 'bool'],
    ['ProxyImage', 'proxyImage', 'string'],
    ['ProxyInitImage', 'proxyInitImage', 'string'],
    ['ProxyUID', 'proxyUID', 'int64'],
    ['ProxyGID', 'proxyGID', 'int64'],
    ['InboundTrafficPolicyMode', 'inboundTrafficPolicyMode', 'string'],
    ['CompliancePolicy', 'compliancePolicy', 'string'],
  ],
};

/**
 * The Go type of the template data for one `.Values` object: `.Values` converted once into
 * `map[string]interface{}` (float64 numbers) and shared by every workload rendered with it;
 * everything else is read lazily per workload. The renderer (renderer.ts) makes one per revision
 * and keeps it (`.Values` is read many times per render).
 */
export function goTemplateType(values: JsonObject): StructType {
  const converted = fromJSON(values);
  const base = structType(ROOT, false, NO_KEYS);
  return { ...base, fields: { ...base.fields, Values: () => converted } };
}

/** The template data as Go sees it (`.Values`, `.ObjectMeta`, ...), of the type `goTemplateType` made for its values. */
export function goTemplateData(data: SidecarTemplateData, type: StructType = goTemplateType(data.values)): GoStruct {
  return new GoStruct(type, data);
}

/** The JSON a view struct reads (e.g. the ProxyConfig behind `.ProxyConfig`), or `undefined`. */
export function jsonOfStruct(v: GoValue): JsonObject | undefined {
  return v instanceof GoStruct && isObject(v.data ?? null) ? (v.data as JsonObject) : undefined;
}
