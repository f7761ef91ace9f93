/**
 * The pod annotations whose invalid values make Istio refuse to inject (`validateAnnotations`
 * and `AnnotationValidation` in Istio's validate.go): interception mode, the traffic IP-range and
 * port lists, the status port and readiness probe settings, `prometheus.istio.io/merge-metrics`,
 * interface lists, proxy resource quantities, and the `proxy.istio.io/config` document. Messages
 * follow Istio's wording (`invalid value 'X' for annotation 'K': includeIPRanges invalid: ...`).
 *
 * Not responsible for: annotations Istio does not validate (they are copied or read by the
 * template as they are), or deciding whether to inject.
 */
import { Annotation } from '../kube/keys.js';
import { UserError } from '../results/result.js';
import { DEFAULT_PROXY_CONFIG, mergeProxyConfig, parseGoDuration, parseProxyConfigText, ProxyConfigError } from './proxyconfig.js';
import type { JsonObject } from '../kube/types.js';

type Check = (value: string) => string | undefined;

// ---- parsers (Go semantics) ----

/** Go's `strconv.ParseUint(s, 10, bits)`: undefined on error. */
function parseUint(s: string, bits: number): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 2 ** bits - 1 ? n : undefined;
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function parseIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function parseIPv6(s: string): boolean {
  if (s.includes('%')) return false; // zones are not allowed in prefixes
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    if (!parseIPv4(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  const count = (h: string) => (h === '' ? 0 : h.split(':').length);
  for (const h of halves) if (h !== '' && !h.split(':').every((g) => group.test(g))) return false;
  const total = halves.reduce((n, h) => n + count(h), 0);
  return halves.length === 2 ? total < 8 : total === 8;
}

/** Go's `netip.ParsePrefix`: the reason it fails, or undefined. */
export function prefixError(cidr: string): string | undefined {
  const q = JSON.stringify(cidr);
  const slash = cidr.lastIndexOf('/');
  if (slash < 0) return `netip.ParsePrefix(${q}): no '/'`;
  const addr = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const v6 = !v4 && addr.includes(':') && parseIPv6(addr);
  if (!v4 && !v6) return `netip.ParsePrefix(${q}): ParseAddr(${JSON.stringify(addr)}): unable to parse IP`;
  const max = v4 ? 32 : 128;
  if (!/^(0|[1-9][0-9]*)$/.test(bits) || Number(bits) > max) return `netip.ParsePrefix(${q}): bad bits after slash: ${JSON.stringify(bits)}`;
  return undefined;
}

function cidrListError(cidrs: string): string | undefined {
  if (cidrs.length === 0) return undefined;
  for (const cidr of cidrs.split(',')) {
    const e = prefixError(cidr);
    if (e) return `failed parsing cidr '${cidr}': ${e}`;
  }
  return undefined;
}

/** Istio's `parsePorts`: the error for the first bad entry, or undefined. */
function portListError(ports: string): string | undefined {
  const s = ports.trim();
  if (s.length === 0) return undefined;
  for (const entry of s.split(',')) {
    if (parseUint(entry.trim(), 16) === undefined) return `failed parsing port ${JSON.stringify(entry)}: ${uintSyntax(entry.trim())}`;
  }
  return undefined;
}

function uintSyntax(s: string): string {
  const kind = /^[0-9]+$/.test(s) ? 'value out of range' : 'invalid syntax';
  return `strconv.ParseUint: parsing ${JSON.stringify(s)}: ${kind}`;
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** Whether `s` parses as a Kubernetes `resource.Quantity`. */
export function isQuantity(s: string): boolean {
  const m = QUANTITY.exec(s.trim() === s ? s : '');
  if (!m) return false;
  const num = m[1]!;
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(num)) return false;
  const suffix = m[2]!;
  if (SUFFIXES.has(suffix)) return true;
  return /^[eE][-+]?[0-9]+$/.test(suffix);
}

// ---- checks, one per annotation ----

const checkInterceptionMode: Check = (mode) =>
  mode === 'REDIRECT' || mode === 'TPROXY' || mode === 'NONE' ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${mode}`;

const checkIncludeIPRanges: Check = (v) => {
  if (v === '*') return undefined;
  const e = cidrListError(v);
  return e && `includeIPRanges invalid: ${e}`;
};

const checkExcludeIPRanges: Check = (v) => {
  const e = cidrListError(v);
  return e && `excludeIPRanges invalid: ${e}`;
};

const portList =
  (name: string, wildcard: boolean): Check =>
  (v) => {
    if (wildcard && v === '*') return undefined;
    const e = portListError(v);
    return e && `${name} invalid: ${e}`;
  };

const checkStatusPort: Check = (v) => {
  if (parseUint(v.trim(), 16) === undefined) return `statusPort invalid: failed parsing port ${JSON.stringify(v)}: ${uintSyntax(v.trim())}`;
  return undefined;
};

const checkUInt32: Check = (v) => (parseUint(v, 32) === undefined ? uintSyntax(v) : undefined);

const checkBool: Check = (v) => (parseGoBool(v) === undefined ? `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax` : undefined);

const checkInterfaces: Check = (v) => {
  if (v === '') return undefined;
  for (const name of v.split(',')) {
    const n = name.trim();
    if (!/^[^\s/:,]{1,15}$/.test(n)) return `invalid interface name ${JSON.stringify(name)}`;
  }
  return undefined;
};

const checkQuantity: Check = (v) => (isQuantity(v) ? undefined : "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");

function validPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

function checkDuration(pc: JsonObject, key: string): string | undefined {
  const d = pc[key];
  if (typeof d !== 'string') return undefined;
  const ns = parseGoDuration(d);
  if (ns < 1_000_000n) return `${key}: duration must be greater than 1ms`;
  if (ns % 1_000_000n !== 0n) return `${key}: only durations to ms precision are supported`;
  return undefined;
}

/** The subset of `ValidateMeshConfigProxyConfig` the injector applies. */
export function validateProxyConfigValues(pc: JsonObject): string | undefined {
  if (!pc.configPath) return 'config path must be set';
  if (!pc.binaryPath) return 'binary path must be set';
  const dd = checkDuration(pc, 'drainDuration');
  if (dd) return dd;
  if (pc.discoveryAddress !== undefined) {
    const addr = String(pc.discoveryAddress);
    const m = /^(.+):([0-9]+)$/.exec(addr);
    if (!m || !validPort(Number(m[2]))) return `invalid discovery address: ${addr} (expected host:port)`;
  }
  if (pc.proxyAdminPort !== undefined && !validPort(pc.proxyAdminPort))
    return `invalid proxy admin port: port number ${String(pc.proxyAdminPort)} must be in the range 1..65535`;
  if (pc.statusPort !== undefined && !validPort(pc.statusPort))
    return `invalid status port: port number ${String(pc.statusPort)} must be in the range 1..65535`;
  if (typeof pc.statNameLength === 'number' && pc.statNameLength < 0) return 'statNameLength must be set to a positive value';
  if (typeof pc.concurrency === 'number' && pc.concurrency < 0) return 'concurrency must be greater than or equal to 0';
  return undefined;
}

const checkProxyConfig: Check = (v) => {
  let pc: JsonObject;
  try {
    pc = mergeProxyConfig(parseProxyConfigText(v), DEFAULT_PROXY_CONFIG);
  } catch (e) {
    if (e instanceof ProxyConfigError) return `failed to convert to apply proxy config: ${e.message}`;
    throw e;
  }
  return validateProxyConfigValues(pc);
};

/** Istio's `AnnotationValidation` table. */
export const ANNOTATION_VALIDATION: Readonly<Record<string, Check>> = {
  [Annotation.interceptionMode]: checkInterceptionMode,
  [Annotation.includeOutboundIPRanges]: checkIncludeIPRanges,
  [Annotation.excludeOutboundIPRanges]: checkExcludeIPRanges,
  [Annotation.includeInboundPorts]: portList('includeInboundPorts', true),
  [Annotation.excludeInboundPorts]: portList('excludeInboundPorts', false),
  [Annotation.excludeOutboundPorts]: portList('excludeOutboundPorts', false),
  [Annotation.excludeInterfaces]: checkInterfaces,
  [Annotation.kubevirtInterfaces]: checkInterfaces,
  [Annotation.rerouteVirtualInterfaces]: checkInterfaces,
  [Annotation.statusPort]: checkStatusPort,
  [Annotation.readinessInitialDelaySeconds]: checkUInt32,
  [Annotation.readinessPeriodSeconds]: checkUInt32,
  [Annotation.readinessFailureThreshold]: checkUInt32,
  [Annotation.prometheusMergeMetrics]: checkBool,
  [Annotation.proxyCPU]: checkQuantity,
  [Annotation.proxyMemory]: checkQuantity,
  [Annotation.proxyCPULimit]: checkQuantity,
  [Annotation.proxyMemoryLimit]: checkQuantity,
  [Annotation.proxyConfig]: checkProxyConfig,
};

export interface AnnotationProblem {
  key: string;
  value: string;
  message: string;
}

/** Every invalid validated annotation, in key order. */
export function annotationProblems(annotations: Record<string, string> | undefined): AnnotationProblem[] {
  const out: AnnotationProblem[] = [];
  if (!annotations) return out;
  for (const key of Object.keys(annotations).sort()) {
    // own keys only: an annotation named `constructor` or `__proto__` is data, not a table lookup
    const check = Object.hasOwn(ANNOTATION_VALIDATION, key) ? ANNOTATION_VALIDATION[key] : undefined;
    const value = annotations[key];
    if (!check || typeof value !== 'string') continue;
    const problem = check(value);
    if (problem) out.push({ key, value, message: `invalid value '${value}' for annotation '${key}': ${problem}` });
  }
  return out;
}

/**
 * Istio's `validateAnnotations`: throws a `UserError` for the first invalid annotation (in key
 * order), with field path `metadata.annotations["<key>"]`; the message mentions how many others
 * are invalid too.
 */
export function validateAnnotations(annotations: Record<string, string> | undefined): void {
  const problems = annotationProblems(annotations);
  const first = problems[0];
  if (!first) return;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more invalid annotation${problems.length > 2 ? 's' : ''}: ${problems
          .slice(1)
          .map((p) => p.key)
          .join(', ')})`
      : '';
  throw new UserError(first.message + more, `metadata.annotations["${first.key}"]`, 'invalid-annotation');
}
