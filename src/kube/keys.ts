/**
 * Every label and annotation key the injector reads or writes, in one place. Names follow
 * Istio's own (istio/api annotation and label registry) so a reader can look them up there.
 */

export const Label = {
  istioInjection: 'istio-injection',
  istioRev: 'istio.io/rev',
  sidecarInject: 'sidecar.istio.io/inject',
  tlsMode: 'security.istio.io/tlsMode',
  canonicalName: 'service.istio.io/canonical-name',
  canonicalRevision: 'service.istio.io/canonical-revision',
  workloadName: 'service.istio.io/workload-name',
  network: 'topology.istio.io/network',
  tunnel: 'networking.istio.io/tunnel',
  appName: 'app.kubernetes.io/name',
  appVersion: 'app.kubernetes.io/version',
  app: 'app',
  version: 'version',
  metadataName: 'kubernetes.io/metadata.name',
  podTemplateHash: 'pod-template-hash',
  rolloutsPodTemplateHash: 'rollouts-pod-template-hash',
  deploymentConfig: 'deploymentconfig',
} as const;

export const Annotation = {
  sidecarInject: 'sidecar.istio.io/inject',
  status: 'sidecar.istio.io/status',
  rev: 'istio.io/rev',
  templates: 'inject.istio.io/templates',
  proxyConfig: 'proxy.istio.io/config',
  overrides: 'proxy.istio.io/overrides',
  nativeSidecar: 'sidecar.istio.io/nativeSidecar',
  proxyImage: 'sidecar.istio.io/proxyImage',
  proxyImageType: 'sidecar.istio.io/proxyImageType',
  proxyCPU: 'sidecar.istio.io/proxyCPU',
  proxyMemory: 'sidecar.istio.io/proxyMemory',
  proxyCPULimit: 'sidecar.istio.io/proxyCPULimit',
  proxyMemoryLimit: 'sidecar.istio.io/proxyMemoryLimit',
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  capNetBindService: 'sidecar.istio.io/capNetBindService',
  /** Istio 1.22 and before: an init container that enables core dumps (src/inject/builtin/releases.ts). */
  enableCoreDump: 'sidecar.istio.io/enableCoreDump',
  logLevel: 'sidecar.istio.io/logLevel',
  componentLogLevel: 'sidecar.istio.io/componentLogLevel',
  agentLogLevel: 'sidecar.istio.io/agentLogLevel',
  bootstrapOverride: 'sidecar.istio.io/bootstrapOverride',
  userVolume: 'sidecar.istio.io/userVolume',
  userVolumeMount: 'sidecar.istio.io/userVolumeMount',
  rewriteAppHTTPProbers: 'sidecar.istio.io/rewriteAppHTTPProbers',
  statusPort: 'status.sidecar.istio.io/port',
  readinessInitialDelaySeconds: 'readiness.status.sidecar.istio.io/initialDelaySeconds',
  readinessPeriodSeconds: 'readiness.status.sidecar.istio.io/periodSeconds',
  readinessFailureThreshold: 'readiness.status.sidecar.istio.io/failureThreshold',
  readinessApplicationPorts: 'readiness.status.sidecar.istio.io/applicationPorts',
  includeOutboundIPRanges: 'traffic.sidecar.istio.io/includeOutboundIPRanges',
  excludeOutboundIPRanges: 'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  includeInboundPorts: 'traffic.sidecar.istio.io/includeInboundPorts',
  excludeInboundPorts: 'traffic.sidecar.istio.io/excludeInboundPorts',
  includeOutboundPorts: 'traffic.sidecar.istio.io/includeOutboundPorts',
  excludeOutboundPorts: 'traffic.sidecar.istio.io/excludeOutboundPorts',
  excludeInterfaces: 'traffic.sidecar.istio.io/excludeInterfaces',
  kubevirtInterfaces: 'traffic.sidecar.istio.io/kubevirtInterfaces',
  rerouteVirtualInterfaces: 'istio.io/reroute-virtual-interfaces',
  prometheusMergeMetrics: 'prometheus.istio.io/merge-metrics',
  prometheusScrapeTargets: 'prometheus.istio.io/scrape-targets',
  prometheusSecurePort: 'prometheus.istio.io/secure-port',
  prometheusScrape: 'prometheus.io/scrape',
  prometheusPort: 'prometheus.io/port',
  prometheusPath: 'prometheus.io/path',
  defaultContainer: 'kubectl.kubernetes.io/default-container',
  defaultLogsContainer: 'kubectl.kubernetes.io/default-logs-container',
  multusNetworks: 'k8s.v1.cni.cncf.io/networks',
  datadogEnv: 'apm.datadoghq.com/env',
  openshiftUidRange: 'openshift.io/sa.scc.uid-range',
  openshiftSupplementalGroups: 'openshift.io/sa.scc.supplemental-groups',
  /** inject-sidecar's own record of what an injection replaced, so stripping it is exact (see src/inject/strip.ts). */
  originalMetadata: 'inject-sidecar.dev/original-metadata',
  // KRM / orchestrator annotations
  localConfig: 'config.kubernetes.io/local-config',
  krmFunction: 'config.kubernetes.io/function',
  internalPath: 'internal.config.kubernetes.io/path',
  internalIndex: 'internal.config.kubernetes.io/index',
  legacyPath: 'config.kubernetes.io/path',
  legacyIndex: 'config.kubernetes.io/index',
} as const;

/** Container names Istio's templates emit. */
export const Container = {
  proxy: 'istio-proxy',
  init: 'istio-init',
  validation: 'istio-validation',
  coreDump: 'enable-core-dump',
} as const;

/** Namespaces Istio's injector never injects into (`IgnoredNamespaces` in initializer.go). */
export const IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];
