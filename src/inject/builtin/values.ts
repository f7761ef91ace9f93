/**
 * The chart values of the built-in Istio profile: the same shape as the `values` key of Istio's
 * `istio-sidecar-injector` ConfigMap (`global.*`, `pilot.cni`, `pilot.env`,
 * `sidecarInjectorWebhook.*`, `revision`), with the defaults of Istio's istio-discovery chart
 * (default profile). The proxy image tag is the rendered release's newest patch (releases.ts:
 * `docker.io/istio/proxyv2:1.30.3` for the default release, also for the development branch's
 * template); the few chart defaults only older templates read are added for those releases.
 *
 * Not responsible for: reading user overrides (the config module merges them over these
 * defaults) or rendering anything.
 */
import type { JsonObject } from '../../kube/types.js';
import { DEFAULT_RELEASE, has, type BuiltinRelease } from './releases.js';

/** Resource requirements as chart values write them (entries may be null to drop a default). */
export type ResourceValues = {
  requests?: { [resource: string]: string | number | null };
  limits?: { [resource: string]: string | number | null };
};

export type ProxyValues = {
  autoInject: 'enabled' | 'disabled';
  clusterDomain: string;
  componentLogLevel: string;
  excludeIPRanges: string;
  excludeInboundPorts: string;
  excludeOutboundPorts: string;
  image: string;
  includeIPRanges: string;
  includeInboundPorts: string;
  includeOutboundPorts: string;
  logLevel: string;
  outlierLogPath: string;
  privileged: boolean;
  readinessFailureThreshold: number;
  readinessInitialDelaySeconds: number;
  readinessPeriodSeconds: number;
  resources: ResourceValues;
  seccompProfile: JsonObject;
  startupProbe: { enabled: boolean; failureThreshold: number };
  statusPort: number;
  tracer: string;
  holdApplicationUntilProxyStarts?: boolean;
  capNetBindService?: boolean;
  lifecycle?: JsonObject;
  /** Istio 1.22 and before. */
  enableCoreDump?: boolean;
};

export type GlobalValues = {
  caAddress: string;
  caName: string;
  hub: string;
  tag: string | number;
  variant: string;
  imagePullPolicy: string;
  imagePullSecrets: string[];
  istioNamespace: string;
  logAsJson: boolean;
  logging: { level: string };
  meshID: string;
  mountMtlsCerts: boolean;
  multiCluster: { clusterName: string };
  nativeNftables: boolean;
  network: string;
  pilotCertProvider: string;
  proxy: ProxyValues;
  proxy_init: { forceApplyIptables: boolean; image: string };
  sds: { token: { aud: string } };
  sts: { servicePort: number };
  trustBundleName?: string;
};

export type IstioValues = {
  global: GlobalValues;
  pilot: {
    cni: { enabled: boolean; provider: string };
    env: { [name: string]: string | boolean | number };
    crlConfigMapName?: string;
  };
  revision: string;
  sidecarInjectorWebhook: {
    alwaysInjectSelector: JsonObject[];
    neverInjectSelector: JsonObject[];
    defaultTemplates: string[];
    enableNamespacesByDefault: boolean;
    injectedAnnotations: { [key: string]: string };
    reinvocationPolicy: string;
    rewriteAppHTTPProbe: boolean;
    templates: { [name: string]: string };
  };
};

export const BUILTIN_HUB = 'docker.io/istio';
/** The proxy image tag without a release (the development branch's template): the default release's. */
export const BUILTIN_TAG = DEFAULT_RELEASE.image;

/** A fresh copy of the built-in default values. */
export function builtinValues(): IstioValues {
  return {
    global: {
      caAddress: '',
      caName: '',
      hub: BUILTIN_HUB,
      tag: BUILTIN_TAG,
      variant: '',
      imagePullPolicy: '',
      imagePullSecrets: [],
      istioNamespace: 'istio-system',
      logAsJson: false,
      logging: { level: 'default:info' },
      meshID: '',
      mountMtlsCerts: false,
      multiCluster: { clusterName: '' },
      nativeNftables: false,
      network: '',
      pilotCertProvider: 'istiod',
      proxy: {
        autoInject: 'enabled',
        clusterDomain: 'cluster.local',
        componentLogLevel: 'misc:error',
        excludeIPRanges: '',
        excludeInboundPorts: '',
        excludeOutboundPorts: '',
        image: 'proxyv2',
        includeIPRanges: '*',
        includeInboundPorts: '*',
        includeOutboundPorts: '',
        logLevel: 'warning',
        outlierLogPath: '',
        privileged: false,
        readinessFailureThreshold: 4,
        readinessInitialDelaySeconds: 0,
        readinessPeriodSeconds: 15,
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '2000m', memory: '1024Mi' },
        },
        seccompProfile: {},
        startupProbe: { enabled: true, failureThreshold: 600 },
        statusPort: 15020,
        tracer: 'none',
      },
      proxy_init: { forceApplyIptables: false, image: 'proxyv2' },
      sds: { token: { aud: 'istio-ca' } },
      sts: { servicePort: 0 },
    },
    pilot: {
      cni: { enabled: false, provider: 'default' },
      env: {},
    },
    revision: '',
    sidecarInjectorWebhook: {
      alwaysInjectSelector: [],
      neverInjectSelector: [],
      defaultTemplates: [],
      enableNamespacesByDefault: false,
      injectedAnnotations: {},
      reinvocationPolicy: 'Never',
      rewriteAppHTTPProbe: true,
      templates: {},
    },
  };
}

/**
 * The built-in values as plain JSON (the form `InjectorSettings.values` holds); with a release
 * (`spec.istioVersion`), its proxy image tag is that release's newest patch (releases.ts).
 */
export function builtinValuesJson(release?: BuiltinRelease): JsonObject {
  const values: IstioValues & { istio_cni?: JsonObject } = builtinValues();
  if (release) values.global.tag = release.image;
  // Chart defaults only the older templates read (their charts had them; later ones dropped them).
  if (has(release, 'istioCniValues')) values.istio_cni = { chained: true, enabled: false, provider: 'default' };
  if (has(release, 'enableCoreDump')) values.global.proxy.enableCoreDump = false;
  return values;
}
