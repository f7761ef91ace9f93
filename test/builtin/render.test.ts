import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/kube/types.js';
import { UserError } from '../../src/results/result.js';
import { builtinRenderer, omitNil, podPortsValue, selectBuiltinTemplates } from '../../src/inject/builtin/render.js';
import { applyMeshConfig } from '../../src/inject/mesh.js';
import { data, g, pod, render, settings, withValues } from './fixtures.js';

describe('renderSidecar: defaults', () => {
  it('classic sidecar: istio-init in initContainers, istio-proxy in containers', () => {
    const r = render();
    expect(r.inits.map((c) => c.name)).toEqual(['istio-init']);
    expect(r.containers.map((c) => c.name)).toEqual(['istio-proxy']);
    expect(r.proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(r.proxy.restartPolicy).toBeUndefined();
    expect(r.proxy.lifecycle).toBeUndefined();
  });

  it('istio-iptables arguments are strings, with the status port excluded', () => {
    expect(render().init!.args).toEqual([
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
      '--log_output_level=default:info',
    ]);
  });

  it('labels and annotations', () => {
    const r = render(pod({}, { app: 'web', version: 'v2' }));
    expect(r.metadata.labels).toEqual({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'web',
      'service.istio.io/canonical-revision': 'v2',
    });
    expect(r.metadata.annotations).toEqual({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-logs-container': 'web',
      'kubectl.kubernetes.io/default-container': 'web',
    });
  });

  it('keeps user default-container annotations and uses the revision', () => {
    const r = render(pod({ 'kubectl.kubernetes.io/default-container': 'x' }), settings({ revision: 'canary' }));
    expect(r.metadata.annotations['kubectl.kubernetes.io/default-container']).toBeUndefined();
    expect(r.metadata.annotations['istio.io/rev']).toBe('canary');
  });

  it('canonical name: trunc 63 then trim -_. and fallback to the workload name', () => {
    const long = `${'a'.repeat(62)}-b`;
    expect(render(pod({}, { app: long })).metadata.labels['service.istio.io/canonical-name']).toBe('a'.repeat(62));
    expect(render(pod({}, { app: '_x.' })).metadata.labels['service.istio.io/canonical-name']).toBe('x');
    expect(render(pod({}, {})).metadata.labels['service.istio.io/canonical-name']).toBe('web');
  });

  it('env: owner, workload name, mesh id, PROXY_CONFIG and pod ports', () => {
    const r = render();
    expect(r.envValue('ISTIO_META_OWNER')).toBe('kubernetes://apis/apps/v1/namespaces/shop/deployments/web');
    expect(r.envValue('ISTIO_META_WORKLOAD_NAME')).toBe('web');
    expect(r.envValue('ISTIO_META_MESH_ID')).toBe('cluster.local');
    expect(r.envValue('TRUST_DOMAIN')).toBe('cluster.local');
    expect(r.envValue('PROXY_CONFIG')).toBe('{}\n');
    expect(r.envValue('ISTIO_META_POD_PORTS')).toBe('[\n    {"name":"http","containerPort":8080}\n]');
    expect(r.envValue('CA_ADDR')).toBe('istiod.istio-system.svc:15012');
    expect(r.envValue('ISTIO_META_CLUSTER_ID')).toBe('Kubernetes');
    expect(r.env.find((e) => e.name === 'GOMEMLIMIT')?.valueFrom).toEqual({ resourceFieldRef: { resource: 'limits.memory', divisor: '1' } });
    expect(r.env.map((e) => e.name).slice(0, 2)).toEqual(['PILOT_CERT_PROVIDER', 'CA_ADDR']);
  });

  it('probes, security context, resources and volumes', () => {
    const r = render();
    expect(r.proxy.readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 },
      initialDelaySeconds: 0,
      periodSeconds: 15,
      timeoutSeconds: 3,
      failureThreshold: 4,
    });
    expect(g(r.proxy, 'startupProbe').failureThreshold).toBe(600);
    expect(r.proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
    });
    expect(r.proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
    expect(r.volumes.map((v) => v.name)).toEqual([
      'workload-socket',
      'credential-socket',
      'workload-certs',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
      'istio-ca-crl',
    ]);
    expect(r.volumes[0]).toEqual({ emptyDir: null, name: 'workload-socket' });
    expect(r.spec.imagePullSecrets).toBeUndefined();
  });
});

describe('renderSidecar: branches', () => {
  it('native sidecar: proxy after init in initContainers with restartPolicy and a drain preStop', () => {
    const r = render(pod(), settings({ nativeSidecars: true }));
    expect(r.inits.map((c) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(r.spec.containers).toBeUndefined();
    expect(r.proxy.restartPolicy).toBe('Always');
    expect(g(r.proxy, 'lifecycle', 'preStop', 'exec').command).toEqual(['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain']);
  });

  it('per-pod nativeSidecar annotation: "false" is classic, any other value native', () => {
    expect(render(pod({ 'sidecar.istio.io/nativeSidecar': 'false' }), settings({ nativeSidecars: true })).containers).toHaveLength(1);
    expect(render(pod({ 'sidecar.istio.io/nativeSidecar': 'yes' })).containers).toHaveLength(0);
  });

  it('interception NONE: no init container, and initContainers: [] when classic', () => {
    const r = render(pod({ 'sidecar.istio.io/interceptionMode': 'NONE' }));
    expect(r.spec.initContainers).toEqual([]);
    expect(r.envValue('ISTIO_META_INTERCEPTION_MODE')).toBe('NONE');
    const n = render(pod({ 'sidecar.istio.io/interceptionMode': 'NONE' }), settings({ nativeSidecars: true }));
    expect(n.inits.map((c) => c.name)).toEqual(['istio-proxy']);
  });

  it('TPROXY: NET_ADMIN, root proxy, -u 1337 even with another UID', () => {
    const r = render(pod({ 'sidecar.istio.io/interceptionMode': 'TPROXY' }));
    expect(r.proxy.securityContext).toMatchObject({ capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, runAsNonRoot: false, runAsUser: 0, runAsGroup: 1337 });
    expect(r.init!.args).toContain('TPROXY');
  });

  it('capNetBindService adds NET_BIND_SERVICE', () => {
    const r = render(pod({ 'sidecar.istio.io/capNetBindService': 'true' }));
    expect(g(r.proxy, 'securityContext', 'capabilities').add).toEqual(['NET_BIND_SERVICE']);
  });

  it('CNI: istio-validation, interception annotations, non-root validation container', () => {
    const r = render(
      pod(),
      withValues((v) => (g(v, 'pilot', 'cni').enabled = true)),
    );
    expect(r.init!.name).toBe('istio-validation');
    expect((r.init!.args as string[]).slice(-2)).toEqual(['--run-validation', '--skip-rule-apply']);
    expect(r.init!.securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, runAsUser: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(r.metadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
    });
    expect(r.metadata.annotations['traffic.sidecar.istio.io/excludeOutboundIPRanges']).toBeUndefined();
  });

  it('CNI with multus appends istio-cni to the networks (flat and JSON)', () => {
    const s = withValues((v) => Object.assign(g(v, 'pilot', 'cni'), { enabled: true, provider: 'multus' }));
    expect(render(pod(), s).metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('default/istio-cni');
    expect(render(pod({ 'k8s.v1.cni.cncf.io/networks': 'a, b' }), s).metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('a, b, default/istio-cni');
    expect(render(pod({ 'k8s.v1.cni.cncf.io/networks': '[{"name":"a"}]' }), s).metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe(
      '[{"name":"a"}, {"name": "istio-cni", "namespace": "default"}]',
    );
  });

  it('hold application: postStart wait (classic only)', () => {
    const s = withValues((v) => (g(v, 'global', 'proxy').holdApplicationUntilProxyStarts = true));
    expect(render(pod(), s).proxy.lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
    const viaConfig = render(pod({ 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true' }));
    expect(viaConfig.proxy.lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
    expect(viaConfig.envValue('PROXY_CONFIG')).toBe('{"holdApplicationUntilProxyStarts":true}\n');
    expect(g(render(pod(), { ...s, nativeSidecars: true }).proxy, 'lifecycle').preStop).toBeDefined();
  });

  it('values lifecycle wins over everything', () => {
    const lifecycle = { preStop: { exec: { command: ['sleep', '5'] } } };
    const s = withValues((v) => (g(v, 'global', 'proxy').lifecycle = lifecycle));
    expect(render(pod(), { ...s, nativeSidecars: true }).proxy.lifecycle).toEqual(lifecycle);
  });

  it('status port 0 drops both probes; startupProbe can be disabled', () => {
    const zero = render(pod({ 'status.sidecar.istio.io/port': '0' }));
    expect(zero.proxy.readinessProbe).toBeUndefined();
    expect(zero.proxy.startupProbe).toBeUndefined();
    expect(zero.init!.args).toContain('15090,15021');
    const noStartup = render(
      pod(),
      withValues((v) => (g(v, 'global', 'proxy', 'startupProbe').enabled = false)),
    );
    expect(noStartup.proxy.startupProbe).toBeUndefined();
    expect(noStartup.proxy.readinessProbe).toBeDefined();
  });

  it('readiness annotations become numbers', () => {
    const r = render(pod({ 'readiness.status.sidecar.istio.io/periodSeconds': '7', 'readiness.status.sidecar.istio.io/failureThreshold': '9' }));
    expect(r.proxy.readinessProbe).toMatchObject({ periodSeconds: 7, failureThreshold: 9 });
  });

  it('resources from annotations, and values with null entries', () => {
    const r = render(pod({ 'sidecar.istio.io/proxyCPU': '4000m', 'sidecar.istio.io/proxyMemoryLimit': '2Gi' }));
    expect(r.proxy.resources).toEqual({ requests: { cpu: '4000m' }, limits: { memory: '2Gi' } });
    expect(r.init!.resources).toEqual(r.proxy.resources);
    const nulls = render(
      pod(),
      withValues((v) => (g(v, 'global', 'proxy').resources = { limits: { cpu: null, memory: '1Gi' }, requests: { cpu: null } })),
    );
    expect(nulls.proxy.resources).toEqual({ limits: { memory: '1Gi' } });
    const allNull = render(
      pod(),
      withValues((v) => (g(v, 'global', 'proxy').resources = { limits: { cpu: null } })),
    );
    expect(allNull.proxy.resources).toBeNull();
    expect(
      render(
        pod(),
        withValues((v) => (g(v, 'global', 'proxy').resources = {})),
      ).proxy.resources,
    ).toBeNull();
  });

  it('traffic annotations: -q, -o, -k (reroute wins), -c', () => {
    const r = render(
      pod({
        'traffic.sidecar.istio.io/includeOutboundPorts': '80',
        'traffic.sidecar.istio.io/excludeOutboundPorts': '9000',
        'traffic.sidecar.istio.io/kubevirtInterfaces': 'k0',
        'istio.io/reroute-virtual-interfaces': 'r0',
        'traffic.sidecar.istio.io/excludeInterfaces': 'eth9',
        'traffic.sidecar.istio.io/excludeInboundPorts': '1, 15020',
      }),
    );
    const args = r.init!.args as string[];
    // Istio compares entries before trimming them, so " 15020" does not count as already excluded.
    expect(args.slice(args.indexOf('-d'), -1)).toEqual(['-d', '15090,15021,1,15020,15020', '-q', '80', '-o', '9000', '-k', 'r0', '-c', 'eth9']);
  });

  it('user volumes, mounts and bootstrap override', () => {
    const r = render(
      pod({
        'sidecar.istio.io/userVolume': '{"b-vol":{"configMap":{"name":"b"}},"a-vol":{"secret":{"secretName":"a"}}}',
        'sidecar.istio.io/userVolumeMount': '{"a-vol":{"mountPath":"/a","readOnly":true}}',
        'sidecar.istio.io/bootstrapOverride': 'my-bootstrap',
      }),
    );
    expect(r.volumes.slice(-2)).toEqual([
      { name: 'a-vol', secret: { secretName: 'a' } },
      { name: 'b-vol', configMap: { name: 'b' } },
    ]);
    expect(r.volumes.find((v) => v.name === 'custom-bootstrap-volume')).toEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'my-bootstrap' } });
    const mounts = r.proxy.volumeMounts as JsonObject[];
    expect(mounts.at(-1)).toEqual({ name: 'a-vol', mountPath: '/a', readOnly: true });
    expect(mounts.some((m) => m.name === 'custom-bootstrap-volume')).toBe(true);
    expect(r.envValue('ISTIO_BOOTSTRAP_OVERRIDE')).toBe('/etc/istio/custom-bootstrap/custom_bootstrap.json');
  });

  it('invalid userVolume JSON is a UserError on that annotation', () => {
    expect(() => render(pod({ 'sidecar.istio.io/userVolume': '{nope' }))).toThrow(UserError);
    try {
      render(pod({ 'sidecar.istio.io/userVolume': '{nope' }));
    } catch (e) {
      expect((e as UserError).fieldPath).toBe('metadata.annotations["sidecar.istio.io/userVolume"]');
    }
  });

  it('mountMtlsCerts mounts istio.<serviceAccount>', () => {
    const s = withValues((v) => (g(v, 'global').mountMtlsCerts = true));
    const p = pod();
    p.spec.serviceAccountName = 'shop';
    const r = render(p, s);
    expect(r.volumes.find((v) => v.name === 'istio-certs')).toEqual({ name: 'istio-certs', secret: { optional: true, secretName: 'istio.shop' } });
    expect(render(pod(), s).volumes.find((v) => v.name === 'istio-certs')?.secret).toEqual({ optional: true, secretName: 'istio.default' });
  });

  it('lightstep certs when the tracer is lightstep and tracing has TLS settings', () => {
    const s = withValues((v) => (g(v, 'global', 'proxy').tracer = 'lightstep'));
    const r = render(pod({ 'proxy.istio.io/config': 'tracing: {tlsSettings: {caCertificates: /etc/ls/ca.pem}}' }), s);
    expect((r.proxy.volumeMounts as JsonObject[]).at(-1)).toEqual({ mountPath: '/etc/ls/', name: 'lightstep-certs', readOnly: true });
    expect(r.volumes.at(-1)).toEqual({ name: 'lightstep-certs', secret: { optional: true, secretName: 'lightstep.cacert' } });
    expect(render(pod(), s).volumes.some((v) => v.name === 'lightstep-certs')).toBe(false);
  });

  it('datadog env from the annotation, sorted', () => {
    const s = withValues((v) => (g(v, 'global', 'proxy').tracer = 'datadog'));
    const r = render(pod({ 'apm.datadoghq.com/env': '{"DD_ENV":"prod","DD_AGENT":1000000}' }), s);
    expect(r.envValue('DD_AGENT')).toBe('1e+06');
    expect(r.envValue('DD_ENV')).toBe('prod');
  });

  it('proxyMetadata: env on both containers (sorted), HBONE tunnel label, iptables trace privileges', () => {
    const r = render(pod({ 'proxy.istio.io/config': 'proxyMetadata: {ZED: z, ISTIO_META_ENABLE_HBONE: "true", IPTABLES_TRACE_LOGGING: "true"}' }));
    expect(r.env.slice(-3).map((e) => e.name)).toEqual(['IPTABLES_TRACE_LOGGING', 'ISTIO_META_ENABLE_HBONE', 'ZED']);
    expect((r.init!.env as JsonObject[]).map((e) => e.name)).toEqual(['IPTABLES_TRACE_LOGGING', 'ISTIO_META_ENABLE_HBONE', 'ZED']);
    expect(r.metadata.labels['networking.istio.io/tunnel']).toBe('http');
    expect(r.proxy.securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, runAsUser: 0 });
  });

  it('proxyMetadata key 0o17: the env name go-yaml v2 reads from the template output (15), as through the templates', () => {
    const r = render(pod({ 'proxy.istio.io/config': 'proxyMetadata: {"0o17": x, "0b11": z}' }));
    expect(r.env.slice(-2).map((e) => e.name)).toEqual([3, 15]);
    // and, as istiod's decode into a corev1.Pod does, the renderer refuses a number as an env name
    const annotated = data(pod({ 'proxy.istio.io/config': 'proxyMetadata: {"0o17": x}' }));
    expect(() => builtinRenderer.render(annotated)).toThrow(
      /failed parsing generated injected YAML of template "sidecar".*env\[\d+\]\.name must be a string, not a number \(15\)/,
    );
    expect(builtinRenderer.render(data(pod({ 'proxy.istio.io/config': 'proxyMetadata: {"META_X": x}' })))).toHaveLength(1);
  });

  it('compliance policy fips-140-3 adds GODEBUG', () => {
    const r = render(pod(), settings({ compliancePolicy: 'fips-140-3' }));
    expect(r.envValue('COMPLIANCE_POLICY')).toBe('fips-140-3');
    expect(r.envValue('GODEBUG')).toBe('fips140=only');
  });

  it('OTEL_RESOURCE_ATTRIBUTES with an OTel semantic-conventions provider', () => {
    const mesh = applyMeshConfig(
      { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'c', port: 4317, serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } }] },
      settings().meshConfig,
    );
    const r = render(pod(), settings({ meshConfig: mesh }));
    expect(r.envValue('OTEL_RESOURCE_ATTRIBUTES')).toBe('service.namespace=shop,service.version=1.0,service.instance.id=shop.$(POD_NAME).web');
    expect(render().envValue('OTEL_RESOURCE_ATTRIBUTES')).toBeUndefined();
  });

  it('localhost inbound policy adds the legacy probe env first', () => {
    const r = render(pod(), settings({ meshConfig: applyMeshConfig({ inboundTrafficPolicy: { mode: 'LOCALHOST' } }, settings().meshConfig) }));
    expect(r.env[0]).toEqual({ name: 'REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION', value: 'true' });
  });

  it('values: image pull policy and secrets, network, cluster, revision CA address, GKE certs, trust bundle API', () => {
    const s = withValues((v) => {
      Object.assign(g(v, 'global'), {
        imagePullPolicy: 'Always',
        imagePullSecrets: ['reg'],
        network: 'n1',
        caName: 'GkeWorkloadCertificate',
        trustBundleName: 'tb',
      });
      g(v, 'global', 'multiCluster').clusterName = 'c1';
      v.revision = 'canary';
      g(v, 'pilot').env = { ENABLE_CLUSTER_TRUST_BUNDLE_API: true };
    });
    const r = render(pod(), s);
    expect(r.proxy.imagePullPolicy).toBe('Always');
    expect(r.init!.imagePullPolicy).toBe('Always');
    expect(r.spec.imagePullSecrets).toEqual([{ name: 'reg' }]);
    expect(r.envValue('ISTIO_META_NETWORK')).toBe('n1');
    expect(r.envValue('ISTIO_META_CLUSTER_ID')).toBe('c1');
    expect(r.envValue('CA_ADDR')).toBe('istiod-canary.istio-system.svc:15012');
    expect(r.volumes[2]).toEqual({ name: 'gke-workload-certificate', csi: { driver: 'workloadcertificates.security.cloud.google.com' } });
    expect(r.volumes.find((v) => v.name === 'istiod-ca-cert')).toEqual({
      name: 'istiod-ca-cert',
      projected: { sources: [{ clusterTrustBundle: { name: 'istio.io:istiod-ca:tb', path: 'root-cert.pem' } }] },
    });
  });

  it('proxyImage annotation with a / is used verbatim for both containers', () => {
    const r = render(pod({ 'sidecar.istio.io/proxyImage': 'my.reg/proxy:x' }));
    expect(r.proxy.image).toBe('my.reg/proxy:x');
    expect(r.init!.image).toBe('my.reg/proxy:x');
  });

  it('a value that would break the YAML is a UserError, as Istio fails to parse its own output', () => {
    expect(() => render(pod({ 'proxy.istio.io/config': 'proxyMetadata: {X: "a\\"b"}' }))).toThrow(/breaks the YAML/);
  });

  it('logging flags from annotations and values', () => {
    const s = withValues((v) => Object.assign(g(v, 'global'), { logAsJson: true, sts: { servicePort: 15463 } }));
    const r = render(pod({ 'sidecar.istio.io/logLevel': 'debug', 'sidecar.istio.io/agentLogLevel': 'all:debug' }), s);
    expect(r.proxy.args).toEqual([
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=debug',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=all:debug',
      '--stsPort=15463',
      '--log_as_json',
    ]);
    expect((r.init!.args as string[]).slice(-2)).toEqual(['--log_output_level=all:debug', '--log_as_json']);
  });
});

describe('template selection and helpers', () => {
  it('sidecar by default; duplicates render several patches; others are a UserError', () => {
    expect(selectBuiltinTemplates({})).toEqual(['sidecar']);
    expect(builtinRenderer.render(data(pod({ 'inject.istio.io/templates': 'sidecar, sidecar' })))).toHaveLength(2);
    expect(() => selectBuiltinTemplates({ 'inject.istio.io/templates': 'sidecar,gateway' })).toThrow(/"gateway" not found.*only: sidecar/);
  });

  it('omitNil removes nulls and emptied maps', () => {
    expect(omitNil({ a: null, b: { c: null }, d: [null, 1], e: 'x' })).toEqual({ d: [1], e: 'x' });
    expect(omitNil({ a: null })).toBeNull();
  });

  it('pod ports block: every container, comma-prefixed after the first, Go field order', () => {
    expect(
      podPortsValue([
        { name: 'a', ports: [{ containerPort: 1, protocol: 'TCP', name: 'p' }] },
        { name: 'b', ports: [{ containerPort: 2, hostPort: 3 }] },
      ]),
    ).toBe('[\n    {"name":"p","containerPort":1,"protocol":"TCP"}\n    ,{"hostPort":3,"containerPort":2}\n]');
    expect(podPortsValue([{ name: 'a' }])).toBe('[\n]');
  });
});
