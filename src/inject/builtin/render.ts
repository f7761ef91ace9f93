/**
 * The built-in Istio profile's renderer: Istio's `sidecar` injection template written as typed
 * TypeScript. `renderSidecar(data)` returns exactly the object the template's output parses to
 * (go-yaml rules) for the same `SidecarTemplateData`: the same keys, value types (`"15001"` as a
 * string in args, numbers for ports, `null` where the template leaves a value empty such as
 * `emptyDir:`), and list order. Each block below names the template section it transliterates;
 * the conformance test in test/builtin/ compares it with Istio's goldens.
 *
 * Chart values are read from `data.values` with Go template semantics (missing keys, Go
 * truthiness, `fmt.Sprint` of float64 numbers), since users may override any of them.
 *
 * Not responsible for: merging the patch into the pod, user container overrides, probe rewriting,
 * prometheus merge, the status annotation or container order (the shared pipeline does those).
 */
import type { Container, Json, JsonObject } from '../../kube/types.js';
import { isObject } from '../../kube/types.js';
import { Annotation, Container as ContainerName, Label } from '../../kube/keys.js';
import { UserError } from '../../results/result.js';
import { checkGoStringFields, templateOutputError } from '../gozero.js';
import type { RenderedPatch, SidecarRenderer, SidecarTemplateData } from '../types.js';
import { holdApplicationOf, interceptionModeOf, proxyMetadataOf } from '../proxyconfig.js';
import { meshNumber } from '../mesh.js';
import { dflt, dig, dq, plainScalar, print, sprint, sq, trimAll, trunc, truthy, valueOrDefault, type Val } from './gosem.js';
import { appendMultusNetwork, containerPortJSON, directory, excludeInboundPort, otelResourceAttributes } from './funcs.js';
import { has, type BuiltinRelease, type SidecarChange } from './releases.js';

/** Templates the built-in profile knows. */
export const BUILTIN_TEMPLATES: readonly string[] = ['sidecar'];

const ann = (key: string) => `metadata.annotations["${key}"]`;

/** A copy of a value as the template's `toYaml` writes it: map keys sorted (Go marshals maps so). */
function clone<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = clone(v[k]!);
  return out as T;
}

/** sprig/Istio `omitNil`: drops nil map entries and list items; an emptied map or list becomes nil. */
export function omitNil(v: Json): Json {
  if (Array.isArray(v)) {
    const out = v
      .filter((x) => x !== null)
      .map(omitNil)
      .filter((x) => x !== null);
    return out.length === 0 ? null : out;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null) continue;
      const c = omitNil(x);
      if (c !== null) out[k] = c;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return v;
}

/** A map[string]string lookup with Go's `index` semantics (missing key is ""). */
function idx(m: Record<string, string> | undefined, key: string): string {
  return m && Object.hasOwn(m, key) ? (m[key] ?? '') : '';
}

/** Decodes a JSON annotation like Istio's `fromJSON` and iterates it like Go's `range`. */
function rangeJSONAnnotation(annotations: Record<string, string>, key: string): [string, Json][] {
  let parsed: Json;
  try {
    parsed = JSON.parse(annotations[key] ?? '') as Json;
  } catch {
    // fromJSON returns the string "{}" on error; ranging over a string fails the template.
    throw new UserError(`annotation ${key} is not valid JSON: range can't iterate over {}`, ann(key), 'render');
  }
  if (Array.isArray(parsed)) return parsed.map((v, i) => [String(i), v]);
  if (isObject(parsed))
    return Object.keys(parsed)
      .sort()
      .map((k) => [k, parsed[k]!]);
  throw new UserError(`annotation ${key} must hold a JSON object: range can't iterate over ${sprint(parsed)}`, ann(key), 'render');
}

/** `- name: "<k>"` followed by `toYaml $value`: the value's keys join the same mapping. */
function namedEntry(key: string, value: Json, annotationKey: string): JsonObject {
  if (!isObject(value)) {
    throw new UserError(`annotation ${annotationKey}: entry ${JSON.stringify(key)} must be an object`, ann(annotationKey), 'render');
  }
  return { name: dq(key, ann(annotationKey)), ...clone(value) };
}

/** Everything the template derives once, before emitting. */
class Ctx {
  readonly a: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly v: JsonObject;
  readonly pm: Record<string, string>;
  readonly mode: string;
  readonly tproxy: boolean;
  readonly capNetBindService: boolean;
  readonly native: boolean;
  readonly cni: boolean;
  readonly appContainers: string[];

  constructor(
    readonly d: SidecarTemplateData,
    readonly release: BuiltinRelease | undefined = undefined,
  ) {
    this.a = d.objectMeta.annotations ?? {};
    this.labels = d.objectMeta.labels ?? {};
    this.v = d.values;
    this.pm = proxyMetadataOf(d.proxyConfig);
    this.mode = this.annotation(Annotation.interceptionMode, interceptionModeOf(d.proxyConfig));
    this.tproxy = this.mode === 'TPROXY';
    this.capNetBindService = this.annotation(Annotation.capNetBindService, this.val('global.proxy.capNetBindService')) === 'true';
    if (has(release, 'nativeAnnotationNotFalse')) {
      const nativeSetting = idx(this.a, Annotation.nativeSidecar) || (d.nativeSidecars ? 'true' : 'false');
      this.native = nativeSetting !== 'false';
    } else if (has(release, 'nativeAnnotation')) {
      this.native = this.isset(Annotation.nativeSidecar) ? this.a[Annotation.nativeSidecar] === 'true' : d.nativeSidecars;
    } else {
      // istiod's ENABLE_NATIVE_SIDECARS alone, which is the tool's nativeSidecars setting.
      this.native = d.nativeSidecars;
    }
    this.cni = truthy(this.val('pilot.cni.enabled')) || (has(release, 'istioCniValues') && truthy(this.val('istio_cni.enabled')));
    this.appContainers = (d.spec.containers ?? []).map((c) => c.name).filter((n) => n !== ContainerName.proxy);
  }

  val(path: string): Val {
    return dig(this.v, path);
  }

  /** Does the selected release's template have this change (releases.ts)? */
  has(change: SidecarChange): boolean {
    return has(this.release, change);
  }

  isset(key: string): boolean {
    return Object.hasOwn(this.a, key);
  }

  /** Istio's `annotation .ObjectMeta key default`. */
  annotation(key: string, fallback: Val): string {
    return this.isset(key) ? (this.a[key] ?? '') : sprint(fallback);
  }

  /** `"{{ x }}"`: what YAML reads back from a double-quoted interpolation. */
  q(text: string, where: string): string {
    return dq(text, where);
  }

  /** `ne (valueOrDefault X "") ""` for a values entry, tolerating non-strings as Go would not error on. */
  nonEmptyValue(path: string): boolean {
    const x = valueOrDefault(this.val(path), '');
    return typeof x === 'string' ? x !== '' : true;
  }

  statusPortText(): string {
    return this.annotation(Annotation.statusPort, this.val('global.proxy.statusPort'));
  }

  /** Before 1.24: `eq (annotation .ObjectMeta "sidecar.istio.io/enableCoreDump" .Values.global.proxy.enableCoreDump) "true"`. */
  coreDump(): boolean {
    return this.has('enableCoreDump') && this.annotation(Annotation.enableCoreDump, this.val('global.proxy.enableCoreDump')) === 'true';
  }

  excludeInbound(): string {
    return excludeInboundPort(this.statusPortText(), this.annotation(Annotation.excludeInboundPorts, this.val('global.proxy.excludeInboundPorts')));
  }

  /** `.ProxyUID | default "1337"` (and GID). */
  uid(): number {
    return this.d.proxyUID || 1337;
  }
  gid(): number {
    return this.d.proxyGID || 1337;
  }
}

// ---- metadata ----

function renderLabels(c: Ctx): JsonObject {
  const l = c.labels;
  const labels: JsonObject = { [Label.tlsMode]: idx(l, Label.tlsMode) || 'istio' };
  if (c.pm.ISTIO_META_ENABLE_HBONE === 'true') labels[Label.tunnel] = idx(l, Label.tunnel) || 'http';
  const name = idx(l, Label.canonicalName) || idx(l, Label.appName) || idx(l, Label.app) || c.d.deploymentMeta.name;
  const truncated = trunc(name, 63);
  labels[Label.canonicalName] = c.has('canonicalNameTrimAll') ? trimAll(truncated, '-_.') : truncated.endsWith('-') ? truncated.slice(0, -1) : truncated;
  labels[Label.canonicalRevision] = idx(l, Label.canonicalRevision) || idx(l, Label.appVersion) || idx(l, Label.version) || 'latest';
  return labels;
}

function renderAnnotations(c: Ctx): JsonObject {
  const out: JsonObject = { [Annotation.rev]: c.d.revision || 'default' };
  const first = c.appContainers[0];
  if (first !== undefined) {
    if (!c.isset(Annotation.defaultLogsContainer)) out[Annotation.defaultLogsContainer] = c.q(first, 'spec.containers[0].name');
    if (!c.isset(Annotation.defaultContainer)) out[Annotation.defaultContainer] = c.q(first, 'spec.containers[0].name');
  }
  if (!c.cni) return out;
  const multus =
    print(c.val('pilot.cni.provider')) === 'multus' ||
    (c.has('istioCniValues') && (print(c.val('istio_cni.provider')) === 'multus' || !truthy(c.val('istio_cni.chained'))));
  if (multus) {
    out[Annotation.multusNetworks] = sq(appendMultusNetwork(idx(c.a, Annotation.multusNetworks), 'default/istio-cni'), ann(Annotation.multusNetworks));
  }
  out[Annotation.interceptionMode] = c.q(c.mode, ann(Annotation.interceptionMode));
  const include = c.annotation(Annotation.includeOutboundIPRanges, c.val('global.proxy.includeIPRanges'));
  if (include) out[Annotation.includeOutboundIPRanges] = c.q(include, ann(Annotation.includeOutboundIPRanges));
  const exclude = c.annotation(Annotation.excludeOutboundIPRanges, c.val('global.proxy.excludeIPRanges'));
  if (exclude) out[Annotation.excludeOutboundIPRanges] = c.q(exclude, ann(Annotation.excludeOutboundIPRanges));
  const includeInbound = c.annotation(Annotation.includeInboundPorts, c.val('global.proxy.includeInboundPorts'));
  if (includeInbound || c.has('includeInboundPortsAlways')) out[Annotation.includeInboundPorts] = c.q(includeInbound, ann(Annotation.includeInboundPorts));
  out[Annotation.excludeInboundPorts] = c.q(c.excludeInbound(), ann(Annotation.excludeInboundPorts));
  if (c.isset(Annotation.includeOutboundPorts) || c.nonEmptyValue('global.proxy.includeOutboundPorts')) {
    out[Annotation.includeOutboundPorts] = c.q(
      c.annotation(Annotation.includeOutboundPorts, c.val('global.proxy.includeOutboundPorts')),
      ann(Annotation.includeOutboundPorts),
    );
  }
  // This condition has no valueOrDefault in the template; a missing value compares as "".
  const excludeOutboundValue = c.val('global.proxy.excludeOutboundPorts');
  if (c.isset(Annotation.excludeOutboundPorts) || (excludeOutboundValue !== undefined && excludeOutboundValue !== null && excludeOutboundValue !== '')) {
    out[Annotation.excludeOutboundPorts] = c.q(c.annotation(Annotation.excludeOutboundPorts, excludeOutboundValue), ann(Annotation.excludeOutboundPorts));
  }
  const interfaces = c.has('rerouteVirtualInterfaces')
    ? [Annotation.kubevirtInterfaces, Annotation.rerouteVirtualInterfaces, Annotation.excludeInterfaces]
    : [Annotation.kubevirtInterfaces, Annotation.excludeInterfaces];
  for (const key of interfaces) {
    const value = idx(c.a, key);
    if (value) out[key] = c.q(value, ann(key));
  }
  return out;
}

// ---- shared container parts ----

/** The template's `resources` define. */
function renderResources(c: Ctx): Json {
  const set = (k: string) => c.isset(k);
  if (set(Annotation.proxyCPU) || set(Annotation.proxyMemory) || set(Annotation.proxyCPULimit) || set(Annotation.proxyMemoryLimit)) {
    const out: JsonObject = {};
    if (set(Annotation.proxyCPU) || set(Annotation.proxyMemory)) {
      const requests: JsonObject = {};
      if (set(Annotation.proxyCPU)) requests.cpu = c.a[Annotation.proxyCPU]!;
      if (set(Annotation.proxyMemory)) requests.memory = c.a[Annotation.proxyMemory]!;
      out.requests = requests;
    }
    if (set(Annotation.proxyCPULimit) || set(Annotation.proxyMemoryLimit)) {
      const limits: JsonObject = {};
      if (set(Annotation.proxyCPULimit)) limits.cpu = c.a[Annotation.proxyCPULimit]!;
      if (set(Annotation.proxyMemoryLimit)) limits.memory = c.a[Annotation.proxyMemoryLimit]!;
      out.limits = limits;
    }
    return out;
  }
  const resources = c.val('global.proxy.resources');
  if (!truthy(resources)) return null;
  return c.has('omitNilResources') ? omitNil(clone(resources as Json)) : clone(resources as Json);
}

function seccompProfile(c: Ctx): Json | undefined {
  if (!c.has('seccompProfile')) return undefined;
  const p = c.val('global.proxy.seccompProfile');
  return truthy(p) ? clone(p as Json) : undefined;
}

function imagePullPolicy(c: Ctx): string | undefined {
  const p = c.val('global.imagePullPolicy');
  return truthy(p) ? c.q(print(p), 'values global.imagePullPolicy') : undefined;
}

/** `contains "/" (annotation sidecar.istio.io/proxyImage <values image>)`, else the computed image. */
function imageFor(c: Ctx, valuesPath: string, computed: string): string {
  const explicit = c.annotation(Annotation.proxyImage, c.val(valuesPath));
  return explicit.includes('/') ? explicit : c.q(computed, ann(Annotation.proxyImage));
}

function portText(n: number, fallback: string): string {
  return n === 0 ? fallback : String(n);
}

// ---- istio-init / istio-validation ----

function renderInitContainer(c: Ctx): JsonObject {
  const a = (key: string, path: string) => c.q(c.annotation(key, c.val(path)), ann(key));
  const args: string[] = [
    'istio-iptables',
    '-p',
    portText(meshNumber(c.d.meshConfig, 'proxyListenPort'), '15001'),
    '-z',
    portText(meshNumber(c.d.meshConfig, 'proxyInboundListenPort'), '15006'),
    '-u',
    c.tproxy && c.has('tproxyFixedIds') ? '1337' : String(c.uid()),
    '-m',
    c.q(c.mode, ann(Annotation.interceptionMode)),
    '-i',
    a(Annotation.includeOutboundIPRanges, 'global.proxy.includeIPRanges'),
    '-x',
    a(Annotation.excludeOutboundIPRanges, 'global.proxy.excludeIPRanges'),
    '-b',
    a(Annotation.includeInboundPorts, 'global.proxy.includeInboundPorts'),
    '-d',
  ];
  const excluded = c.excludeInbound();
  args.push(excluded ? c.q(`15090,15021,${excluded}`, ann(Annotation.excludeInboundPorts)) : '15090,15021');
  if (c.isset(Annotation.includeOutboundPorts) || c.nonEmptyValue('global.proxy.includeOutboundPorts')) {
    args.push('-q', a(Annotation.includeOutboundPorts, 'global.proxy.includeOutboundPorts'));
  }
  if (c.isset(Annotation.excludeOutboundPorts) || c.nonEmptyValue('global.proxy.excludeOutboundPorts')) {
    args.push('-o', a(Annotation.excludeOutboundPorts, 'global.proxy.excludeOutboundPorts'));
  }
  if (c.isset(Annotation.rerouteVirtualInterfaces) && c.has('rerouteVirtualInterfaces')) {
    args.push('-k', c.q(idx(c.a, Annotation.rerouteVirtualInterfaces), ann(Annotation.rerouteVirtualInterfaces)));
  } else if (c.isset(Annotation.kubevirtInterfaces)) {
    args.push('-k', c.q(idx(c.a, Annotation.kubevirtInterfaces), ann(Annotation.kubevirtInterfaces)));
  }
  if (c.isset(Annotation.excludeInterfaces)) args.push('-c', c.q(idx(c.a, Annotation.excludeInterfaces), ann(Annotation.excludeInterfaces)));
  args.push(`--log_output_level=${c.annotation(Annotation.agentLogLevel, c.val('global.logging.level'))}`);
  if (truthy(c.val('global.logAsJson'))) args.push('--log_as_json');
  if (c.cni) args.push('--run-validation', '--skip-rule-apply');
  else if (c.has('forceApplyIptables') && truthy(c.val('global.proxy_init.forceApplyIptables'))) args.push('--force-apply');
  if (c.has('nativeNftables') && truthy(c.val('global.nativeNftables'))) args.push('--native-nftables');

  const container: JsonObject = {
    name: c.cni ? ContainerName.validation : ContainerName.init,
    image: imageFor(c, 'global.proxy_init.image', c.has('proxyInitImage') ? c.d.proxyInitImage : c.d.proxyImage),
    args,
  };
  const pull = imagePullPolicy(c);
  if (pull !== undefined) container.imagePullPolicy = pull;
  const metadataKeys = Object.keys(c.pm).sort();
  if (metadataKeys.length > 0) {
    container.env = metadataKeys.map((k) => ({ name: plainScalar(k), value: c.q(c.pm[k]!, `proxyMetadata.${k}`) }));
  }
  container.resources = renderResources(c);
  const privileged = plainScalar(print(c.val('global.proxy.privileged')));
  const sc: JsonObject = {
    allowPrivilegeEscalation: privileged,
    privileged,
    capabilities: c.cni ? { drop: ['ALL'] } : { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
  };
  if (!c.cni) {
    Object.assign(sc, { readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 });
  } else {
    Object.assign(sc, {
      readOnlyRootFilesystem: true,
      runAsGroup: c.tproxy && c.has('tproxyFixedIds') ? 1337 : c.gid(),
      runAsUser: c.tproxy && c.has('tproxyFixedIds') ? 1337 : c.uid(),
      runAsNonRoot: true,
    });
  }
  const seccomp = seccompProfile(c);
  if (seccomp !== undefined) sc.seccompProfile = seccomp;
  container.securityContext = sc;
  return container;
}

/** The `enable-core-dump` init container (Istio 1.22 and before, `sidecar.istio.io/enableCoreDump`). */
function renderCoreDumpContainer(c: Ctx): JsonObject {
  const container: JsonObject = {
    name: ContainerName.coreDump,
    args: ['-c', 'sysctl -w kernel.core_pattern=/var/lib/istio/data/core.proxy && ulimit -c unlimited'],
    command: ['/bin/sh'],
    image: imageFor(c, 'global.proxy_init.image', c.d.proxyImage),
  };
  const pull = imagePullPolicy(c);
  if (pull !== undefined) container.imagePullPolicy = pull;
  container.resources = renderResources(c);
  container.securityContext = {
    allowPrivilegeEscalation: true,
    capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] },
    privileged: true,
    readOnlyRootFilesystem: false,
    runAsGroup: 0,
    runAsNonRoot: false,
    runAsUser: 0,
  };
  return container;
}

// ---- istio-proxy ----

function fieldRefEnv(name: string, fieldPath: string): JsonObject {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function resourceFieldEnv(c: Ctx, name: string, resource: string): JsonObject {
  return { name, valueFrom: { resourceFieldRef: c.has('resourceDivisor') ? { resource, divisor: '1' } : { resource } } };
}

/** `ISTIO_META_POD_PORTS`: the block scalar the template builds from every container port. */
export function podPortsValue(containers: readonly Container[]): string {
  const lines = ['['];
  let first = true;
  for (const ctr of containers) {
    for (const p of ctr.ports ?? []) {
      if (!isObject(p)) continue;
      lines.push(`    ${first ? '' : ','}${containerPortJSON(p)}`);
      first = false;
    }
  }
  lines.push(']');
  return lines.join('\n');
}

function renderProxyEnv(c: Ctx): JsonObject[] {
  const d = c.d;
  const env: JsonObject[] = [];
  const add = (name: string, value: Json) => env.push({ name, value });
  if (d.inboundTrafficPolicyMode === 'localhost') add('REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION', 'true');
  add('PILOT_CERT_PROVIDER', plainScalar(print(c.val('global.pilotCertProvider'))));
  const caAddress = c.val('global.caAddress');
  if (truthy(caAddress)) add('CA_ADDR', plainScalar(print(caAddress)));
  else {
    const rev = c.val('revision');
    const suffix = rev === undefined || rev === null || rev === '' ? '' : `-${print(rev)}`;
    add('CA_ADDR', plainScalar(`istiod${suffix}.${print(c.val('global.istioNamespace'))}.svc:15012`));
  }
  env.push(
    fieldRefEnv('POD_NAME', 'metadata.name'),
    fieldRefEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldRefEnv('INSTANCE_IP', 'status.podIP'),
    fieldRefEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldRefEnv('HOST_IP', 'status.hostIP'),
    resourceFieldEnv(c, 'ISTIO_CPU_LIMIT', 'limits.cpu'),
  );
  add('PROXY_CONFIG', `${d.proxyConfigJSON}\n`);
  add('ISTIO_META_POD_PORTS', podPortsValue(d.spec.containers ?? []));
  add('ISTIO_META_APP_CONTAINERS', c.q(c.appContainers.join(','), 'spec.containers'));
  env.push(resourceFieldEnv(c, 'GOMEMLIMIT', 'limits.memory'));
  if (c.has('gomaxprocs')) env.push(resourceFieldEnv(c, 'GOMAXPROCS', 'limits.cpu'));
  if (d.compliancePolicy) {
    add('COMPLIANCE_POLICY', c.q(d.compliancePolicy, 'compliancePolicy'));
    if (d.compliancePolicy === 'fips-140-3' && c.has('godebugFips')) add('GODEBUG', 'fips140=only');
  }
  add('ISTIO_META_CLUSTER_ID', c.q(print(valueOrDefault(c.val('global.multiCluster.clusterName'), 'Kubernetes')), 'values global.multiCluster.clusterName'));
  env.push(fieldRefEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'));
  add('ISTIO_META_INTERCEPTION_MODE', c.q(idx(c.a, Annotation.interceptionMode) || interceptionModeOf(d.proxyConfig), ann(Annotation.interceptionMode)));
  const network = c.val('global.network');
  if (truthy(network)) add('ISTIO_META_NETWORK', c.q(print(network), 'values global.network'));
  const workloadName = (c.has('workloadNameLabel') ? idx(c.labels, Label.workloadName) : '') || d.deploymentMeta.name;
  if (workloadName) add('ISTIO_META_WORKLOAD_NAME', c.q(workloadName, `metadata.labels["${Label.workloadName}"]`));
  if (d.typeMeta.apiVersion && d.deploymentMeta.name) {
    const ns = d.deploymentMeta.namespace || 'default';
    add(
      'ISTIO_META_OWNER',
      plainScalar(`kubernetes://apis/${d.typeMeta.apiVersion}/namespaces/${ns}/${d.typeMeta.kind.toLowerCase()}s/${d.deploymentMeta.name}`),
    );
  }
  if (c.isset(Annotation.bootstrapOverride)) add('ISTIO_BOOTSTRAP_OVERRIDE', '/etc/istio/custom-bootstrap/custom_bootstrap.json');
  const meshTrustDomain = typeof d.meshConfig.trustDomain === 'string' ? d.meshConfig.trustDomain : '';
  const trustDomain = valueOrDefault(meshTrustDomain, c.val('global.trustDomain'));
  const meshID = c.val('global.meshID');
  if (truthy(meshID)) add('ISTIO_META_MESH_ID', c.q(print(meshID), 'values global.meshID'));
  else if (truthy(trustDomain)) add('ISTIO_META_MESH_ID', c.q(print(trustDomain), 'trustDomain'));
  if (truthy(trustDomain)) add('TRUST_DOMAIN', c.q(print(trustDomain), 'trustDomain'));
  if (c.val('global.proxy.tracer') === 'datadog' && c.isset(Annotation.datadogEnv)) {
    for (const [k, v] of rangeJSONAnnotation(c.a, Annotation.datadogEnv)) {
      add(String(plainScalar(k)), c.q(print(v), ann(Annotation.datadogEnv)));
    }
  }
  const otel = c.has('otelResourceAttributes') ? otelResourceAttributes(d.meshConfig, c.a, c.labels, d.deploymentMeta.namespace, d.spec.containers ?? []) : '';
  if (otel) add('OTEL_RESOURCE_ATTRIBUTES', c.q(otel, 'OTEL_RESOURCE_ATTRIBUTES'));
  for (const k of Object.keys(c.pm).sort()) env.push({ name: plainScalar(k), value: c.q(c.pm[k]!, `proxyMetadata.${k}`) });
  return env;
}

function renderProxyContainer(c: Ctx, holdProxy: boolean): JsonObject {
  const d = c.d;
  const args: Json[] = [
    'proxy',
    'sidecar',
    '--domain',
    plainScalar(`$(POD_NAMESPACE).svc.${print(c.val('global.proxy.clusterDomain'))}`),
    `--proxyLogLevel=${c.annotation(Annotation.logLevel, c.val('global.proxy.logLevel'))}`,
    `--proxyComponentLogLevel=${c.annotation(Annotation.componentLogLevel, c.val('global.proxy.componentLogLevel'))}`,
    `--log_output_level=${c.annotation(Annotation.agentLogLevel, c.val('global.logging.level'))}`,
  ];
  const sts = c.val('global.sts.servicePort');
  if (truthy(sts)) args.push(plainScalar(`--stsPort=${print(sts)}`));
  if (truthy(c.val('global.logAsJson'))) args.push('--log_as_json');
  const outlier = c.val('global.proxy.outlierLogPath');
  if (c.has('outlierLogPath') && truthy(outlier)) args.push(plainScalar(`--outlierLogPath=${print(outlier)}`));

  const container: JsonObject = {
    name: ContainerName.proxy,
    image: imageFor(c, 'global.proxy.image', d.proxyImage),
  };
  if (c.native) container.restartPolicy = 'Always';
  container.ports = [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }];
  container.args = args;

  const lifecycle = c.val('global.proxy.lifecycle');
  if (truthy(lifecycle)) container.lifecycle = clone(lifecycle as Json);
  else if (holdProxy) container.lifecycle = { postStart: { exec: { command: ['pilot-agent', 'wait'] } } };
  else if (c.native) {
    container.lifecycle = {
      preStop: {
        exec: { command: ['pilot-agent', 'request', plainScalar(`--debug-port=${c.statusPortText()}`), 'POST', 'drain'] },
      },
    };
  }
  container.env = renderProxyEnv(c);
  const pull = imagePullPolicy(c);
  if (pull !== undefined) container.imagePullPolicy = pull;

  if (c.statusPortText() !== '0') {
    if (truthy(c.val('global.proxy.startupProbe.enabled'))) {
      container.startupProbe = {
        httpGet: { path: '/healthz/ready', port: 15021 },
        initialDelaySeconds: 0,
        periodSeconds: 1,
        timeoutSeconds: 3,
        failureThreshold: plainScalar(print(c.val('global.proxy.startupProbe.failureThreshold'))),
      };
    }
    const probeValue = (key: string, path: string) => plainScalar(c.annotation(key, c.val(path)));
    container.readinessProbe = {
      httpGet: { path: '/healthz/ready', port: 15021 },
      initialDelaySeconds: probeValue(Annotation.readinessInitialDelaySeconds, 'global.proxy.readinessInitialDelaySeconds'),
      periodSeconds: probeValue(Annotation.readinessPeriodSeconds, 'global.proxy.readinessPeriodSeconds'),
      timeoutSeconds: 3,
      failureThreshold: probeValue(Annotation.readinessFailureThreshold, 'global.proxy.readinessFailureThreshold'),
    };
  }

  let sc: JsonObject;
  if (c.pm.IPTABLES_TRACE_LOGGING === 'true') {
    sc = {
      allowPrivilegeEscalation: true,
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      privileged: true,
      readOnlyRootFilesystem: !c.coreDump(),
      runAsGroup: c.gid(),
      runAsNonRoot: false,
      runAsUser: 0,
    };
  } else {
    const privileged = plainScalar(print(c.val('global.proxy.privileged')));
    const capabilities: JsonObject = {};
    if (c.tproxy || c.capNetBindService) {
      const add: string[] = [];
      if (c.tproxy) add.push('NET_ADMIN');
      if (c.capNetBindService) add.push('NET_BIND_SERVICE');
      capabilities.add = add;
    }
    capabilities.drop = ['ALL'];
    sc = { allowPrivilegeEscalation: privileged, capabilities, privileged, readOnlyRootFilesystem: !c.coreDump() };
    const root = c.tproxy || c.capNetBindService;
    if (!c.has('rootProxyGroup1337')) {
      // Before 1.26 the proxy GID comes first, whoever the proxy runs as.
      sc.runAsGroup = c.gid();
      Object.assign(sc, root ? { runAsNonRoot: false, runAsUser: 0 } : { runAsNonRoot: true, runAsUser: c.uid() });
    } else if (root) Object.assign(sc, { runAsNonRoot: false, runAsUser: 0, runAsGroup: 1337 });
    else Object.assign(sc, { runAsNonRoot: true, runAsUser: c.uid(), runAsGroup: c.gid() });
  }
  const seccomp = seccompProfile(c);
  if (seccomp !== undefined) sc.seccompProfile = seccomp;
  container.securityContext = sc;
  container.resources = renderResources(c);
  container.volumeMounts = renderVolumeMounts(c);
  return container;
}

function renderVolumeMounts(c: Ctx): JsonObject[] {
  const m: JsonObject[] = [
    { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
    { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
  ];
  if (c.val('global.caName') === 'GkeWorkloadCertificate') {
    m.push({ name: 'gke-workload-certificate', mountPath: '/var/run/secrets/workload-spiffe-credentials', readOnly: true });
  } else {
    m.push({ name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' });
  }
  if (c.val('global.pilotCertProvider') === 'istiod') {
    m.push({ mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' });
    if (c.has('crlVolume')) m.push({ mountPath: '/var/run/secrets/istio/crl', name: 'istio-ca-crl' });
  }
  if (c.has('kubeCaCert') && c.val('global.pilotCertProvider') === 'kubernetes')
    m.push({ mountPath: '/var/run/secrets/istio/kubernetes', name: 'kube-ca-cert' });
  m.push({ mountPath: '/var/lib/istio/data', name: 'istio-data' });
  if (c.isset(Annotation.bootstrapOverride)) m.push({ mountPath: '/etc/istio/custom-bootstrap', name: 'custom-bootstrap-volume' });
  m.push({ mountPath: '/etc/istio/proxy', name: 'istio-envoy' }, { mountPath: '/var/run/secrets/tokens', name: 'istio-token' });
  if (truthy(c.val('global.mountMtlsCerts'))) m.push({ mountPath: '/etc/certs/', name: 'istio-certs', readOnly: true });
  m.push({ name: 'istio-podinfo', mountPath: '/etc/istio/pod' });
  const lightstepCA = lightstepCACertificates(c);
  if (lightstepCA !== undefined) m.push({ mountPath: plainScalar(directory(lightstepCA)), name: 'lightstep-certs', readOnly: true });
  if (c.isset(Annotation.userVolumeMount)) {
    for (const [k, v] of rangeJSONAnnotation(c.a, Annotation.userVolumeMount)) m.push(namedEntry(k, v, Annotation.userVolumeMount));
  }
  return m;
}

/** `and (eq tracer "lightstep") .ProxyConfig.GetTracing.GetTlsSettings`: the CA path when it holds. */
function lightstepCACertificates(c: Ctx): string | undefined {
  if (c.val('global.proxy.tracer') !== 'lightstep') return undefined;
  const tracing = c.d.proxyConfig.tracing;
  const tls = isObject(tracing ?? null) ? (tracing as JsonObject).tlsSettings : undefined;
  if (!isObject(tls ?? null)) return undefined;
  const ca = (tls as JsonObject).caCertificates;
  return typeof ca === 'string' ? ca : '';
}

function renderVolumes(c: Ctx): JsonObject[] {
  const v: JsonObject[] = [
    { emptyDir: null, name: 'workload-socket' },
    { emptyDir: null, name: 'credential-socket' },
  ];
  if (c.val('global.caName') === 'GkeWorkloadCertificate') {
    v.push({ name: 'gke-workload-certificate', csi: { driver: 'workloadcertificates.security.cloud.google.com' } });
  } else {
    v.push({ emptyDir: null, name: 'workload-certs' });
  }
  if (c.isset(Annotation.bootstrapOverride)) {
    v.push({ name: 'custom-bootstrap-volume', configMap: { name: c.annotation(Annotation.bootstrapOverride, '') } });
  }
  v.push(
    { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: {
        sources: [
          {
            serviceAccountToken: {
              path: 'istio-token',
              expirationSeconds: 43200,
              audience: plainScalar(print(c.val('global.sds.token.aud'))),
            },
          },
        ],
      },
    },
  );
  if (c.val('global.pilotCertProvider') === 'istiod') {
    const bundle = c.val('global.trustBundleName');
    if (c.has('clusterTrustBundle') && c.val('pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API') === true) {
      v.push({
        name: 'istiod-ca-cert',
        projected: {
          sources: [{ clusterTrustBundle: { name: plainScalar(`istio.io:istiod-ca:${print(dflt('root-cert', bundle))}`), path: 'root-cert.pem' } }],
        },
      });
    } else {
      const name = c.has('trustBundleConfigMap') ? plainScalar(print(dflt('istio-ca-root-cert', bundle))) : 'istio-ca-root-cert';
      v.push({ name: 'istiod-ca-cert', configMap: { name } });
    }
  }
  const crl = c.has('crlConfigMapName') ? plainScalar(print(dflt('istio-ca-crl', c.val('pilot.crlConfigMapName')))) : 'istio-ca-crl';
  if (c.has('crlVolume')) v.push({ name: 'istio-ca-crl', configMap: { name: crl, optional: true } });
  if (c.has('kubeCaCert') && c.val('global.pilotCertProvider') === 'kubernetes') v.push({ name: 'kube-ca-cert', configMap: { name: 'kube-root-ca.crt' } });
  if (truthy(c.val('global.mountMtlsCerts'))) {
    const sa = c.d.spec.serviceAccountName ?? '';
    v.push({ name: 'istio-certs', secret: { optional: true, secretName: plainScalar(sa === '' ? 'istio.default' : `istio.${sa}`) } });
  }
  if (c.isset(Annotation.userVolume)) {
    for (const [k, val] of rangeJSONAnnotation(c.a, Annotation.userVolume)) v.push(namedEntry(k, val, Annotation.userVolume));
  }
  if (lightstepCACertificates(c) !== undefined) v.push({ name: 'lightstep-certs', secret: { optional: true, secretName: 'lightstep.cacert' } });
  return v;
}

function renderImagePullSecrets(c: Ctx): JsonObject[] | undefined {
  const secrets = c.val('global.imagePullSecrets');
  if (!truthy(secrets)) return undefined;
  const items: Json[] = Array.isArray(secrets)
    ? secrets
    : isObject(secrets ?? null)
      ? Object.keys(secrets as JsonObject)
          .sort()
          .map((k) => (secrets as JsonObject)[k]!)
      : [secrets as Json];
  return items.map((s) => ({ name: plainScalar(print(s)) }));
}

/** What Istio's `sidecar` template renders for `data`, as parsed YAML. */
export function renderSidecar(data: SidecarTemplateData, release?: BuiltinRelease): RenderedPatch {
  const c = new Ctx(data, release);
  const holdProxy = (holdApplicationOf(data.proxyConfig) || truthy(c.val('global.proxy.holdApplicationUntilProxyStarts'))) && !c.native;
  const noInitContainer = c.mode === 'NONE' && !c.native && c.has('noInitContainer');

  const spec: JsonObject = {};
  const proxy = renderProxyContainer(c, holdProxy);
  if (noInitContainer) {
    spec.initContainers = [];
  } else {
    const inits: JsonObject[] = [];
    if (c.mode !== 'NONE') inits.push(renderInitContainer(c));
    if (c.coreDump()) inits.push(renderCoreDumpContainer(c));
    if (c.native) inits.push(proxy);
    spec.initContainers = inits;
  }
  if (!c.native) spec.containers = [proxy];
  spec.volumes = renderVolumes(c);
  const pullSecrets = renderImagePullSecrets(c);
  if (pullSecrets) spec.imagePullSecrets = pullSecrets;

  return {
    metadata: { labels: renderLabels(c), annotations: renderAnnotations(c) },
    spec,
  };
}

/**
 * The templates a pod asks for (`inject.istio.io/templates`, comma separated, trimmed), else
 * `sidecar`. Only `sidecar` exists in the built-in profile; anything else is a UserError.
 */
export function selectBuiltinTemplates(annotations: Record<string, string> | undefined): string[] {
  const raw = annotations?.[Annotation.templates];
  if (raw === undefined) return ['sidecar'];
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!BUILTIN_TEMPLATES.includes(name)) {
      throw new UserError(
        `requested template ${JSON.stringify(name)} not found; the built-in Istio profile has only: ${BUILTIN_TEMPLATES.join(', ')} (use Istio's injector configuration for other templates)`,
        ann(Annotation.templates),
        'unknown-template',
      );
    }
  }
  return names;
}

/** The built-in Istio profile as a `SidecarRenderer`, rendering the release's template (releases.ts). */
export function builtinRendererFor(release: BuiltinRelease | undefined): SidecarRenderer {
  return {
    source: release ? `built-in istio profile (Istio ${release.version})` : 'built-in istio profile',
    render(data: SidecarTemplateData): RenderedPatch[] {
      return selectBuiltinTemplates(data.objectMeta.annotations).map((name) => {
        const patch = renderSidecar(data, release);
        // what Istio's template would render fails istiod's decode into the pod here too (an
        // env name from a proxyMetadata key `0o17` is the number 15)
        try {
          checkGoStringFields(patch);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          throw templateOutputError(name, e.message);
        }
        return patch;
      });
    },
  };
}

/** The built-in Istio profile with the development template. */
export const builtinRenderer: SidecarRenderer = builtinRendererFor(undefined);
