import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloneJson, asPodJson, asPodTemplate, type JsonObject, type PodTemplate, type PodJson } from '../../src/kube/types.js';
import {
  applyMetadataInPlace,
  applyPrometheusMergeInPlace,
  applyRewriteInPlace,
  applySecurePrometheusAnnotationInPlace,
  getInjectionStatus,
  overwriteClusterInfoInPlace,
  postProcessPodInPlace,
  reorderPodInPlace,
  type PostProcessContext,
} from '../../src/inject/postprocess/index.js';
import { UserError } from '../../src/results/result.js';
import { container, corpusDir, envOf, firstPod } from './corpus.js';

const values = JSON.parse(readFileSync(path.join(corpusDir, 'config/values.json'), 'utf8')) as JsonObject;
const meshConfig = parse(readFileSync(path.join(corpusDir, 'config/mesh.yaml'), 'utf8')) as JsonObject;

function ctx(over: { settings?: Partial<PostProcessContext['settings']>; proxyConfig?: JsonObject; templatePod?: PodTemplate } = {}): PostProcessContext {
  return {
    settings: { meshConfig, values, revision: '', proxyEnvs: {}, injectedAnnotations: {}, ...over.settings },
    proxyConfig: over.proxyConfig ?? {},
    templatePod: over.templatePod ?? { spec: { containers: [] } },
  };
}

/**
 * A step run on a copy of `input`: the copy when the step says it changed the pod, else `input`
 * itself (and then the copy must be as it was: a step that says "unchanged" changed nothing).
 */
function onCopy(step: (pod: PodJson, ctx: PostProcessContext) => boolean): (input: PodTemplate, ctx: PostProcessContext) => PodTemplate {
  return (input, c) => {
    const pod = asPodJson(cloneJson(input));
    if (step(pod, c)) return asPodTemplate(pod);
    expect(pod).toEqual(input);
    return input;
  };
}
const applyRewrite = onCopy(applyRewriteInPlace);
const applyPrometheusMerge = onCopy(applyPrometheusMergeInPlace);
const applySecurePrometheusAnnotation = onCopy(applySecurePrometheusAnnotationInPlace);
const overwriteClusterInfo = onCopy(overwriteClusterInfoInPlace);
const applyMetadata = onCopy(applyMetadataInPlace);
const reorderPod = onCopy(reorderPodInPlace);
const postProcessPod = (input: PodTemplate, c: PostProcessContext): PodTemplate => postProcessPodInPlace(asPodJson(cloneJson(input)), c);

const PROBERS = 'ISTIO_KUBE_APP_PROBERS';
const PROBE_FIELDS = ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle'] as const;
const names = (list: unknown): string[] => ((list ?? []) as { name: string }[]).map((c) => c.name);

/** A golden pod as it was before applyRewrite: the input's probes back, no probers env. */
function beforeRewrite(name: string): { pre: PodTemplate; golden: PodTemplate; input: PodTemplate } {
  const input = firstPod(`inputs/${name}.yaml`);
  const golden = firstPod(`goldens/${name}.yaml.injected`);
  const pre = cloneJson(golden);
  const proxy = container(pre, 'istio-proxy');
  proxy.env = (proxy.env as JsonObject[]).filter((e) => e.name !== PROBERS);
  for (const c of [...(input.spec.initContainers ?? []), ...input.spec.containers] as unknown as JsonObject[]) {
    const target = container(pre, String(c.name));
    for (const f of PROBE_FIELDS) {
      if (c[f] === undefined) delete target[f];
      else target[f] = cloneJson(c[f]);
    }
  }
  return { pre, golden, input };
}

describe('applyRewrite (probes -> /app-health, ISTIO_KUBE_APP_PROBERS)', () => {
  const cases = [
    'hello-probes',
    'ready_live',
    'tcp-probes',
    'startup_ready_live',
    'startup_only',
    'two_container',
    'one_container',
    'hello-readiness',
    'native-sidecar',
    'status_annotations',
  ];
  for (const name of cases) {
    it(`rewrites ${name} exactly as the golden`, () => {
      const { pre, golden, input } = beforeRewrite(name);
      const out = applyRewrite(pre, ctx());
      expect(container(out, 'istio-proxy').env).toEqual(container(golden, 'istio-proxy').env);
      for (const c of [...(input.spec.initContainers ?? []), ...input.spec.containers] as unknown as JsonObject[]) {
        for (const f of PROBE_FIELDS) expect(container(out, String(c.name))[f], `${String(c.name)}.${f}`).toEqual(container(golden, String(c.name))[f]);
      }
    });
  }
  it('hello-probes: named port resolved, hooks included, Go key order and sorted keys', () => {
    const { pre } = beforeRewrite('hello-probes');
    const out = applyRewrite(pre, ctx());
    expect(envOf(container(out, 'istio-proxy'), PROBERS)).toBe(
      '{"/app-health/hello/livez":{"httpGet":{"port":80}},"/app-health/hello/readyz":{"httpGet":{"port":3333}},"/app-health/world/livez":{"httpGet":{"port":90}},"/app-lifecycle/hello/poststartz":{"tcpSocket":{"port":93}},"/app-lifecycle/hello/prestopz":{"httpGet":{"port":91}}}',
    );
    expect(container(out, 'hello').lifecycle).toEqual({
      preStop: { httpGet: { port: 15020, path: '/app-lifecycle/hello/prestopz' } },
      postStart: { httpGet: { path: '/app-lifecycle/hello/poststartz', port: 15020 } },
    });
    expect(container(out, 'world').readinessProbe).toEqual({ exec: { command: ['cat', '/tmp/healthy'] } });
  });
  it('does nothing when the annotation turns it off (hello-probes-with-flag-unset-in-annotation)', () => {
    const { pre } = beforeRewrite('hello-probes-with-flag-unset-in-annotation');
    expect(applyRewrite(pre, ctx())).toBe(pre);
  });
  it('the annotation wins over values; values decide without it', () => {
    const { pre } = beforeRewrite('ready_live');
    const off = ctx({ settings: { values: { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } } } });
    expect(applyRewrite(pre, off)).toBe(pre);
    const annotated = cloneJson(pre);
    annotated.metadata = { ...annotated.metadata, annotations: { ...annotated.metadata?.annotations, 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } };
    expect(envOf(container(applyRewrite(annotated, off), 'istio-proxy'), PROBERS)).toBeDefined();
  });
  it('HTTPS becomes HTTP, gRPC becomes httpGet, probes on the status port are not dumped', () => {
    const pod: PodTemplate = {
      spec: {
        containers: [
          {
            name: 'app',
            ports: [{ name: 'grpc', containerPort: 9090 }],
            readinessProbe: { httpGet: { path: '/ready', port: 8443, scheme: 'HTTPS' }, periodSeconds: 5 },
            livenessProbe: { grpc: { port: 9090 }, timeoutSeconds: 2 },
            startupProbe: { httpGet: { path: '/x', port: 15020 } },
          },
          { name: 'istio-proxy', env: [{ name: 'A', value: '1' }] },
        ],
      },
    };
    const out = applyRewrite(pod, ctx());
    expect(envOf(container(out, 'istio-proxy'), PROBERS)).toBe(
      '{"/app-health/app/livez":{"grpc":{"port":9090,"service":null},"timeoutSeconds":2},"/app-health/app/readyz":{"httpGet":{"path":"/ready","port":8443,"scheme":"HTTPS"}}}',
    );
    expect(container(out, 'app').readinessProbe).toEqual({ httpGet: { path: '/app-health/app/readyz', port: 15020, scheme: 'HTTP' }, periodSeconds: 5 });
    expect(container(out, 'app').livenessProbe).toEqual({ httpGet: { path: '/app-health/app/livez', port: 15020 }, timeoutSeconds: 2 });
    // Rewritten even though it is not dumped (Istio does the same).
    expect(container(out, 'app').startupProbe).toEqual({ httpGet: { path: '/app-health/app/startupz', port: 15020 } });
    expect(pod.spec.containers[0]?.readinessProbe?.httpGet?.port).toBe(8443);
  });
  it('merges with an existing value on re-injection (old entries win)', () => {
    const pod: PodTemplate = {
      metadata: { annotations: { 'sidecar.istio.io/status': '{}' } },
      spec: {
        containers: [
          { name: 'a', readinessProbe: { httpGet: { path: '/app-health/a/readyz', port: 15020 } }, livenessProbe: { httpGet: { port: 81 } } },
          {
            name: 'istio-proxy',
            env: [{ name: PROBERS, value: '{"/app-health/a/readyz":{"httpGet":{"port":80}},"/app-health/a/livez":{"httpGet":{"port":1}}}' }],
          },
        ],
      },
    };
    const out = applyRewrite(pod, ctx());
    expect(envOf(container(out, 'istio-proxy'), PROBERS)).toBe('{"/app-health/a/livez":{"httpGet":{"port":1}},"/app-health/a/readyz":{"httpGet":{"port":80}}}');
  });
});

describe('applyPrometheusMerge', () => {
  const withAnnotations = (annotations: Record<string, string>): PodTemplate => ({
    metadata: { annotations },
    spec: { containers: [{ name: 'app' }, { name: 'istio-proxy', env: [] }] },
  });
  it('hello-multiport-metrics: targets and annotations as the golden', () => {
    const golden = firstPod('goldens/hello-multiport-metrics.yaml.injected');
    const input = firstPod('inputs/hello-multiport-metrics.yaml');
    const pre = cloneJson(golden);
    pre.metadata!.annotations = { ...input.metadata!.annotations };
    const proxy = container(pre, 'istio-proxy');
    proxy.env = (proxy.env as JsonObject[]).filter((e) => e.name !== 'ISTIO_PROMETHEUS_ANNOTATIONS');
    const out = applyPrometheusMerge(pre, ctx());
    expect(container(out, 'istio-proxy').env).toEqual(container(golden, 'istio-proxy').env);
    expect(out.metadata?.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus' });
  });
  it('saves the user settings and points Prometheus at the agent; other spellings are cleared', () => {
    const out = applyPrometheusMerge(
      withAnnotations({ 'prometheus.io/port': '8080', 'prometheus.io/path': '/m', 'prometheus-io/scrape': 'true', keep: 'x' }),
      ctx(),
    );
    expect(envOf(container(out, 'istio-proxy'), 'ISTIO_PROMETHEUS_ANNOTATIONS')).toBe('{"scrape":"","path":"/m","port":"8080"}');
    expect(out.metadata?.annotations).toEqual({
      keep: 'x',
      'prometheus.io/port': '15020',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/scrape': 'true',
    });
  });
  it('without user settings no env is added, the annotations still are', () => {
    const out = applyPrometheusMerge(withAnnotations({}), ctx());
    expect(container(out, 'istio-proxy').env).toEqual([]);
    expect(out.metadata?.annotations?.['prometheus.io/port']).toBe('15020');
  });
  it('scrape false (prometheus-scrape), merge disabled, or port already the agent: unchanged', () => {
    const input = firstPod('inputs/prometheus-scrape.yaml');
    expect(applyPrometheusMerge(input, ctx())).toBe(input);
    const off = withAnnotations({ 'prometheus.istio.io/merge-metrics': 'false', 'prometheus.io/port': '8080' });
    expect(applyPrometheusMerge(off, ctx())).toBe(off);
    const meshOff = withAnnotations({ 'prometheus.io/port': '8080' });
    expect(applyPrometheusMerge(meshOff, ctx({ settings: { meshConfig: { ...meshConfig, enablePrometheusMerge: false } } }))).toBe(meshOff);
    const agent = withAnnotations({ 'prometheus.io/port': '15020' });
    expect(applyPrometheusMerge(agent, ctx())).toBe(agent);
  });
  it('rejects reserved and invalid ports with the annotation path', () => {
    for (const [key, value] of [
      ['prometheus.io/port', '15090'],
      ['prometheus.io/port', 'http'],
      ['prometheus.istio.io/scrape-targets', '8080:/a,15021:/b'],
    ] as const) {
      try {
        applyPrometheusMerge(withAnnotations({ [key]: value }), ctx());
        expect.unreachable(`${key}=${value} accepted`);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).fieldPath).toBe(`metadata.annotations[${JSON.stringify(key)}]`);
      }
    }
  });
});

describe('applySecurePrometheusAnnotation', () => {
  const pod = (value: string, annotations: Record<string, string> = {}): PodTemplate => ({
    metadata: { annotations },
    spec: { containers: [{ name: 'istio-proxy', env: [{ name: 'ENVOY_SECURE_MERGED_METRICS_PORT', value }] }] },
  });
  it('advertises the secure port unless the user set it, or it is 0/empty', () => {
    expect(applySecurePrometheusAnnotation(pod('15091'), ctx()).metadata?.annotations).toEqual({ 'prometheus.istio.io/secure-port': '15091' });
    expect(applySecurePrometheusAnnotation(pod('15091', { 'prometheus.istio.io/secure-port': '1' }), ctx()).metadata?.annotations).toEqual({
      'prometheus.istio.io/secure-port': '1',
    });
    expect(applySecurePrometheusAnnotation(pod('0'), ctx()).metadata?.annotations).toEqual({});
    expect(applySecurePrometheusAnnotation(pod(''), ctx()).metadata?.annotations).toEqual({});
  });
});

describe('overwriteClusterInfo', () => {
  it('moves the webhook cluster parameters to the end of the proxy env, sorted', () => {
    const pod: PodTemplate = {
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            env: [
              { name: 'A', value: '1' },
              { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
    };
    const out = overwriteClusterInfo(pod, ctx({ settings: { proxyEnvs: { ISTIO_META_NETWORK: 'n1', ISTIO_META_CLUSTER_ID: 'c1' } } }));
    expect(container(out, 'istio-proxy').env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'c1' },
      { name: 'ISTIO_META_NETWORK', value: 'n1' },
    ]);
    expect(overwriteClusterInfo(pod, ctx())).toBe(pod);
  });
});

describe('applyMetadata', () => {
  it('writes the status annotation exactly as Istio (golden hello), null for empty lists', () => {
    const golden = firstPod('goldens/hello.yaml.injected');
    const templatePod: PodTemplate = {
      spec: {
        containers: [],
        initContainers: [{ name: 'istio-init' }, { name: 'istio-proxy' }],
        volumes: [
          'workload-socket',
          'credential-socket',
          'workload-certs',
          'istio-envoy',
          'istio-data',
          'istio-podinfo',
          'istio-token',
          'istiod-ca-cert',
          'istio-ca-crl',
        ].map((name) => ({ name })),
      },
    };
    const out = applyMetadata({ spec: { containers: [] } }, ctx({ templatePod }));
    expect(out.metadata?.annotations?.['sidecar.istio.io/status']).toBe(golden.metadata?.annotations?.['sidecar.istio.io/status']);
  });
  it('revision, image pull secrets, network label and injected annotations', () => {
    const status = getInjectionStatus({ containers: [{ name: 'istio-proxy' }], imagePullSecrets: [{ name: 'reg' }] }, 'canary');
    expect(status).toBe('{"initContainers":null,"containers":["istio-proxy"],"volumes":null,"imagePullSecrets":["reg"],"revision":"canary"}');
    const out = applyMetadata(
      { metadata: { annotations: { a: 'user' } }, spec: { containers: [] } },
      ctx({ settings: { proxyEnvs: { ISTIO_META_NETWORK: 'net1' }, injectedAnnotations: { a: 'injected', b: 'x' } } }),
    );
    expect(out.metadata?.labels).toEqual({ 'topology.istio.io/network': 'net1' });
    expect(out.metadata?.annotations?.a).toBe('injected');
    expect(out.metadata?.annotations?.b).toBe('x');
  });
});

describe('reorderPod', () => {
  const pod = (containers: string[], init: string[]): PodTemplate => ({
    spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
  });
  it('native sidecar: istio-init, istio-validation, istio-proxy, enable-core-dump, then the user init containers', () => {
    const out = reorderPod(pod(['app'], ['user1', 'enable-core-dump', 'istio-proxy', 'user2', 'istio-validation', 'istio-init']), ctx());
    expect(names(out.spec.initContainers)).toEqual(['istio-init', 'istio-validation', 'istio-proxy', 'enable-core-dump', 'user1', 'user2']);
  });
  it('classic: istio-validation first, istio-init then enable-core-dump last', () => {
    const out = reorderPod(pod(['istio-proxy', 'app', 'b'], ['enable-core-dump', 'istio-init', 'user', 'istio-validation']), ctx());
    expect(names(out.spec.initContainers)).toEqual(['istio-validation', 'user', 'istio-init', 'enable-core-dump']);
    expect(names(out.spec.containers)).toEqual(['app', 'b', 'istio-proxy']);
  });
  it('hold the application: istio-proxy first (values or effective proxyConfig)', () => {
    const byValues = ctx({ settings: { values: { global: { proxy: { holdApplicationUntilProxyStarts: true } } } } });
    expect(names(reorderPod(pod(['app', 'istio-proxy'], []), byValues).spec.containers)).toEqual(['istio-proxy', 'app']);
    const byProxyConfig = ctx({ proxyConfig: { holdApplicationUntilProxyStarts: true } });
    expect(names(reorderPod(pod(['app', 'istio-proxy'], []), byProxyConfig).spec.containers)).toEqual(['istio-proxy', 'app']);
  });
  it('leaves a missing init container list missing', () => {
    expect(reorderPod({ spec: { containers: [{ name: 'a' }] } }, ctx()).spec.initContainers).toBeUndefined();
  });
});

describe('postProcessPod', () => {
  it("runs the steps in Istio's order: probers appended (no status yet), then status, then reordering", () => {
    const pod: PodTemplate = {
      spec: {
        containers: [
          { name: 'istio-proxy', env: [] },
          { name: 'app', readinessProbe: { httpGet: { port: 8080 } } },
        ],
      },
    };
    const templatePod: PodTemplate = { spec: { containers: [{ name: 'istio-proxy' }] } };
    const out = postProcessPod(pod, ctx({ templatePod }));
    expect(names(out.spec.containers)).toEqual(['app', 'istio-proxy']);
    expect(names(container(out, 'istio-proxy').env)).toEqual([PROBERS]);
    expect(Object.keys(out.metadata?.annotations ?? {})).toEqual([
      'prometheus.io/port',
      'prometheus.io/path',
      'prometheus.io/scrape',
      'sidecar.istio.io/status',
    ]);
    expect(pod.spec.containers[0]?.env).toEqual([]);
  });
});
