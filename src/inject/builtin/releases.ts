/**
 * The Istio releases whose `sidecar` template the built-in profile can render, and what differs
 * between them, as data: each change to the template is named once with the minor release that
 * introduced it (or the last one that had it), and the renderer asks `has(release, change)` at
 * the one place the change lands. No release is a copy of the renderer.
 *
 * `undefined` as the release means the template of Istio's development branch (the master
 * conformance corpus, `istioVersion: master`); it has every `since` change and no `until` one.
 * Without `istioVersion`, a proxy image tag that names a release selects its minor, and anything
 * else renders `DEFAULT_RELEASE`, the newest stable minor (`chooseRelease`).
 *
 * Not responsible for: rendering (render.ts), or resolving the setting from the function config
 * (src/config).
 */

/** A release the built-in profile renders: its minor, and the proxy image tag it defaults to. */
export interface BuiltinRelease {
  /** `1.30` */
  readonly version: string;
  /** The minor as a number (30 for 1.30), for the predicates. */
  readonly minor: number;
  /** The newest patch of that minor in the conformance corpus: the default `global.tag`. */
  readonly image: string;
}

const release = (version: string, image: string): BuiltinRelease => ({ version, minor: Number(version.split('.')[1]), image });

/** Supported releases, oldest first. */
export const BUILTIN_RELEASES: readonly BuiltinRelease[] = [
  release('1.22', '1.22.8'),
  release('1.24', '1.24.6'),
  release('1.26', '1.26.8'),
  release('1.28', '1.28.10'),
  release('1.29', '1.29.6'),
  release('1.30', '1.30.3'),
  release('1.31', '1.31.0-rc.0'),
];

/** `istioVersion: master`: the template of Istio's development branch (its conformance corpus). */
export const DEVELOPMENT_BRANCH = 'master';

/** What the built-in profile renders without a version or a release tag: the newest stable minor. */
export const DEFAULT_RELEASE: BuiltinRelease = BUILTIN_RELEASES.findLast((r) => !r.image.includes('-'))!;

/**
 * Changes to the `sidecar` template, by the minor that made them. `since` changes exist from that
 * minor on; `until` changes exist up to and including that minor.
 */
export const SIDECAR_CHANGES = {
  // Between 1.22 and 1.24 (no 1.23 corpus: 22 is the last release known to have the old form,
  // 24 the first known to have the new one).
  /** The CNI switches also read the `istio_cni.*` values (multus also when not `istio_cni.chained`). */
  istioCniValues: { until: 22 },
  /** The `enable-core-dump` init container and a writable root filesystem under `sidecar.istio.io/enableCoreDump`. */
  enableCoreDump: { until: 22 },
  /** The `kube-ca-cert` mount and volume when `global.pilotCertProvider` is `kubernetes`. */
  kubeCaCert: { until: 22 },
  /** The nativeSidecar annotation decides (before: only istiod's ENABLE_NATIVE_SIDECARS, the tool's setting). */
  nativeAnnotation: { since: 24 },
  /** `--outlierLogPath` from `global.proxy.outlierLogPath`. */
  outlierLogPath: { since: 24 },
  /** `--force-apply` for istio-init when `global.proxy_init.forceApplyIptables` is set. */
  forceApplyIptables: { since: 24 },
  // Between 1.24 and 1.26 (no 1.25 corpus: 26 is the first release known to have them).
  /** The includeInboundPorts annotation is written even when empty. */
  includeInboundPortsAlways: { since: 26 },
  /** The `istio.io/reroute-virtual-interfaces` annotation (copied, and istio-init's `-k`). */
  rerouteVirtualInterfaces: { since: 26 },
  /** Under TPROXY istio-init runs as 1337 (`-u`, runAsUser/runAsGroup) whatever the proxy UID/GID. */
  tproxyFixedIds: { since: 26 },
  /** Interception mode NONE without native sidecars renders no init container (`initContainers: []`). */
  noInitContainer: { since: 26 },
  /** ISTIO_META_WORKLOAD_NAME from the `service.istio.io/workload-name` label first. */
  workloadNameLabel: { since: 26 },
  /** A proxy running as root (TPROXY, NET_BIND_SERVICE) has runAsGroup 1337 (before: the proxy GID). */
  rootProxyGroup1337: { since: 26 },
  /** The istiod CA from a ClusterTrustBundle when `pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API`. */
  clusterTrustBundle: { since: 26 },
  // Between 1.26 and 1.28 (no 1.27 corpus: 28 is the first release known to have them).
  /** The nativeSidecar annotation means native unless it is "false" (before: only "true" means native). */
  nativeAnnotationNotFalse: { since: 28 },
  /** `omitNil` on `global.proxy.resources` (before: null entries are rendered). */
  omitNilResources: { since: 28 },
  /** `--native-nftables` for istio-init when `global.nativeNftables` is set. */
  nativeNftables: { since: 28 },
  /** `seccompProfile` from `global.proxy.seccompProfile` on istio-init and istio-proxy. */
  seccompProfile: { since: 28 },
  /** The `istio-ca-crl` volume and its mount. */
  crlVolume: { since: 28 },
  /** The istiod CA ConfigMap is `global.trustBundleName` (before: always `istio-ca-root-cert`). */
  trustBundleConfigMap: { since: 28 },
  /** `resourceFieldRef.divisor: "1"` on ISTIO_CPU_LIMIT, GOMEMLIMIT, GOMAXPROCS (before: none, printed as "0"). */
  resourceDivisor: { since: 29 },
  /** The `istio-ca-crl` ConfigMap name from `pilot.crlConfigMapName` (before: always `istio-ca-crl`). */
  crlConfigMapName: { since: 29 },
  /** The OTEL_RESOURCE_ATTRIBUTES env var. */
  otelResourceAttributes: { since: 30 },
  /** GODEBUG=fips140=only under the fips-140-3 compliance policy. */
  godebugFips: { since: 31 },
  /** istio-init runs `.ProxyInitImage` (before: `.ProxyImage`). */
  proxyInitImage: { since: 31 },
  /** The canonical-name label is trimmed of `-_.` (before: `trimSuffix "-"`). */
  canonicalNameTrimAll: { since: 31 },
  /** The GOMAXPROCS env var (removed after 1.31). */
  gomaxprocs: { until: 31 },
} as const satisfies Record<string, { since: number } | { until: number }>;

export type SidecarChange = keyof typeof SIDECAR_CHANGES;

/** Does the release's template have the change? (`undefined`: the development template.) */
export function has(r: BuiltinRelease | undefined, change: SidecarChange): boolean {
  const c: { since?: number; until?: number } = SIDECAR_CHANGES[change];
  if (r === undefined) return c.until === undefined;
  return (c.since === undefined || r.minor >= c.since) && (c.until === undefined || r.minor <= c.until);
}

/** `X.Y`, `X.Y.Z` or `X.Y.Z-pre`: a release version (the minor is groups 1 and 2). */
const RELEASE_VERSION = /^(\d+)\.(\d+)(?:\.\d+(?:-[0-9A-Za-z.-]+)?)?$/;

/** The release for `X.Y` (or `X.Y.Z`, `X.Y.Z-rc.N`: the minor counts), or undefined if not supported. */
export function builtinRelease(version: string): BuiltinRelease | undefined {
  const m = RELEASE_VERSION.exec(version.trim());
  if (!m) return undefined;
  return BUILTIN_RELEASES.find((r) => r.version === `${Number(m[1])}.${Number(m[2])}`);
}

/** Does `istioVersion` accept it: a supported release, or `master`. */
export function isBuiltinVersion(version: string): boolean {
  return version.trim() === DEVELOPMENT_BRANCH || builtinRelease(version) !== undefined;
}

/** What the built-in profile renders (`undefined`: the development branch), or why it cannot. */
export type ReleaseChoice = { readonly release: BuiltinRelease | undefined } | { readonly problem: string };

/**
 * The release the built-in profile renders: `istioVersion` when set (already checked by
 * `isBuiltinVersion`); else the release the proxy image tag names (`1.26.3` renders 1.26's
 * template); else `DEFAULT_RELEASE`. A tag that is no version (`latest`, `my-build`) selects the
 * default; a tag naming a release the profile does not render is a problem, since no template
 * here matches that proxy.
 */
export function chooseRelease(istioVersion: string | undefined, tag: unknown): ReleaseChoice {
  if (istioVersion !== undefined) return { release: istioVersion.trim() === DEVELOPMENT_BRANCH ? undefined : builtinRelease(istioVersion) };
  // A YAML number (`tag: 1.30`) is what the user wrote as text.
  const text = typeof tag === 'string' ? tag.trim() : typeof tag === 'number' ? String(tag) : '';
  const m = RELEASE_VERSION.exec(text);
  if (!m) return { release: DEFAULT_RELEASE };
  const release = builtinRelease(text);
  if (release) return { release };
  // Only the minor, as numbers: the tag may come from a file of the repository.
  return {
    problem: `the proxy image tag names Istio ${Number(m[1])}.${Number(m[2])}, a release the built-in profile does not render (${RENDERS()}); set istioVersion (--istio-version) to the release whose template to render, or ${INJECTOR_CONFIG_MODE}`,
  };
}

/** `1.28, 1.29, 1.30, 1.31`, for messages and `--version`. */
export function supportedReleasesText(): string {
  return BUILTIN_RELEASES.map((r) => r.version).join(', ');
}

/** `--version`: what the built-in profile renders, and its default. */
export function builtinReleasesSummary(): string {
  return `built-in profile: the sidecar template of Istio ${supportedReleasesText()} (--istio-version; default ${DEFAULT_RELEASE.version} with proxy ${DEFAULT_RELEASE.image}, or the release a proxy tag names)`;
}

const RENDERS = () => `it renders the sidecar template of Istio ${supportedReleasesText()}`;
const INJECTOR_CONFIG_MODE = 'for another release use injector-config mode (its istio-sidecar-injector ConfigMap in the input, or --injectConfigFile)';

/** Why a version cannot be rendered by the built-in profile, and what to do instead. */
export function unsupportedReleaseMessage(version: string): string {
  return `Istio ${JSON.stringify(version)} is not a release the built-in profile renders (${RENDERS()}, or ${DEVELOPMENT_BRANCH} for Istio's development branch); ${INJECTOR_CONFIG_MODE}`;
}
