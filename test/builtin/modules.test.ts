import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/kube/types.js';
import { UserError } from '../../src/results/result.js';
import {
  cleanProxyConfig,
  defaultProxyConfig,
  effectiveProxyConfig,
  formatProtoDuration,
  mergeProxyConfig,
  parseGoDuration,
  proxyConfigToJSON,
} from '../../src/inject/proxyconfig.js';
import { applyMeshConfig, builtinMeshConfig, defaultMeshConfig, inboundTrafficPolicyMode } from '../../src/inject/mesh.js';
import { proxyImage, proxyInitImage, updateImageTypeIfPresent } from '../../src/inject/images.js';
import { annotationProblems, isQuantity, prefixError, validateAnnotations } from '../../src/inject/validate.js';
import { buildTemplateData, getDeployMetaFromPod, openShiftRangeMax, proxyIDs } from '../../src/inject/data.js';
import { dq, goFloat, plainScalar, sprint, sq } from '../../src/inject/builtin/gosem.js';
import { appendMultusNetwork, excludeInboundPort } from '../../src/inject/builtin/funcs.js';
import { builtinValuesJson } from '../../src/inject/builtin/values.js';
import { pod, settings } from './fixtures.js';

describe('proxyconfig', () => {
  const mesh = builtinMeshConfig();

  it('defaults clean to {}', () => {
    expect(proxyConfigToJSON(mesh.defaultConfig as JsonObject)).toBe('{}');
  });

  it('annotation over mesh: fields replace, proxyMetadata merges, declaration order, wrappers kept', () => {
    const base = mergeProxyConfig({ proxyMetadata: { A: '1', B: '1' } }, mesh.defaultConfig as JsonObject);
    const pc = mergeProxyConfig(
      { proxyMetadata: { B: '2' }, concurrency: 0, discoveryAddress: 'foo:123', image: { imageType: 'debug' }, holdApplicationUntilProxyStarts: false },
      base,
    );
    expect(proxyConfigToJSON(pc)).toBe(
      '{"discoveryAddress":"foo:123","concurrency":0,"proxyMetadata":{"A":"1","B":"2"},"holdApplicationUntilProxyStarts":false,"image":{"imageType":"debug"}}',
    );
  });

  it('snake_case names, durations, enum numbers and zero values', () => {
    const pc = mergeProxyConfig({ drain_duration: '1m', terminationDrainDuration: '1.5s', interceptionMode: 1, statusPort: 0 }, defaultProxyConfig());
    expect(proxyConfigToJSON(pc)).toBe('{"drainDuration":"60s","interceptionMode":"TPROXY","terminationDrainDuration":"1.500s"}');
    // setting the enum back to its zero value clears it
    expect(mergeProxyConfig({ interceptionMode: 'REDIRECT' }, pc).interceptionMode).toBeUndefined();
  });

  it('oneof cluster name: tracingServiceName replaces serviceCluster', () => {
    const pc = mergeProxyConfig({ tracingServiceName: 'CANONICAL_NAME_ONLY' }, defaultProxyConfig());
    expect(pc.serviceCluster).toBeUndefined();
    expect(proxyConfigToJSON(pc)).toBe('{"tracingServiceName":"CANONICAL_NAME_ONLY"}');
  });

  it('nested messages replace wholesale; tracing {} is kept', () => {
    const pc = mergeProxyConfig({ tracing: {} }, mergeProxyConfig({ tracing: { sampling: 10 } }, defaultProxyConfig()));
    expect(proxyConfigToJSON(pc)).toBe('{"tracing":{}}');
  });

  it('cleanProxyConfig drops only values equal to the defaults', () => {
    expect(cleanProxyConfig({ ...defaultProxyConfig(), statusPort: 15021, proxyMetadata: {} })).toEqual({ statusPort: 15021 });
  });

  it('bad annotation values are UserErrors at the annotation path', () => {
    for (const bad of ['drainDuration: 5', 'statusPort: abc', 'proxyMetadata: {A: 1}', 'interceptionMode: FOO', 'a: [', '[1]']) {
      try {
        effectiveProxyConfig(mesh.defaultConfig as JsonObject, { 'proxy.istio.io/config': bad });
        expect.unreachable(bad);
      } catch (e) {
        expect(e, bad).toBeInstanceOf(UserError);
        expect((e as UserError).fieldPath).toBe('metadata.annotations["proxy.istio.io/config"]');
      }
    }
  });

  it('JSON and YAML 1.1 annotations; unknown fields ignored', () => {
    expect(
      effectiveProxyConfig(mesh.defaultConfig as JsonObject, { 'proxy.istio.io/config': '{ "holdApplicationUntilProxyStarts": true, "nope": 1 }' })
        .holdApplicationUntilProxyStarts,
    ).toBe(true);
    expect(
      effectiveProxyConfig(mesh.defaultConfig as JsonObject, { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: yes' })
        .holdApplicationUntilProxyStarts,
    ).toBe(true);
  });

  it('Go durations', () => {
    expect(parseGoDuration('1h2m3.5s')).toBe(3723_500_000_000n);
    expect(formatProtoDuration(1_000_000n)).toBe('0.001s');
    expect(formatProtoDuration(1_000_001n)).toBe('0.001000001s');
    expect(() => parseGoDuration('5')).toThrow();
  });
});

describe('mesh', () => {
  it('builtin mesh equals the chart mesh over the defaults', () => {
    const m = builtinMeshConfig();
    expect(m.defaultProviders).toEqual({ metrics: ['prometheus'] });
    expect(m.proxyListenPort).toBe(15001);
    expect((m.defaultConfig as JsonObject).discoveryAddress).toBe('istiod.istio-system.svc:15012');
    expect(applyMeshConfig(m, defaultMeshConfig())).toEqual(m);
  });

  it('defaultConfig merges, top-level messages and scalars replace, providers merge by name', () => {
    const m = applyMeshConfig(
      {
        defaultConfig: { proxyMetadata: { A: 'a' } },
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
        trustDomain: 'example.org',
        extensionProviders: [
          { name: 'envoy', envoyFileAccessLog: { path: '/dev/stderr' } },
          { name: 'otel', opentelemetry: {} },
        ],
      },
      defaultMeshConfig(),
    );
    expect((m.defaultConfig as JsonObject).proxyMetadata).toEqual({ A: 'a' });
    expect((m.defaultConfig as JsonObject).statusPort).toBe(15020);
    expect(m.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(m.trustDomain).toBe('example.org');
    expect((m.extensionProviders as JsonObject[]).map((p) => p.name)).toEqual(['prometheus', 'stackdriver', 'envoy', 'otel']);
    expect((m.extensionProviders as JsonObject[])[2]).toEqual({ name: 'envoy', envoyFileAccessLog: { path: '/dev/stderr' } });
  });

  it('inbound traffic policy mode', () => {
    expect(inboundTrafficPolicyMode(defaultMeshConfig())).toBe('passthrough');
    expect(inboundTrafficPolicyMode({ inboundTrafficPolicy: { mode: 'LOCALHOST' } })).toBe('localhost');
  });

  it('a bad defaultConfig is a UserError', () => {
    expect(() => applyMeshConfig({ defaultConfig: { drainDuration: 3 } }, defaultMeshConfig())).toThrow(UserError);
  });
});

describe('images', () => {
  const values = builtinValuesJson();
  it('hub/image:tag with variant, ProxyConfig image type and annotation precedence', () => {
    expect(proxyImage(values, {}, {})).toBe('docker.io/istio/proxyv2:1.30.3');
    const distroless = { ...values, global: { ...(values.global as JsonObject), variant: 'distroless', tag: '1.28.0-debug' } };
    expect(proxyImage(distroless, {}, {})).toBe('docker.io/istio/proxyv2:1.28.0-distroless');
    expect(proxyImage(distroless, { image: { imageType: 'debug' } }, {})).toBe('docker.io/istio/proxyv2:1.28.0-debug');
    expect(proxyImage(distroless, { image: {} }, {})).toBe('docker.io/istio/proxyv2:1.28.0-debug');
    expect(proxyImage(distroless, {}, { 'sidecar.istio.io/proxyImageType': 'default' })).toBe('docker.io/istio/proxyv2:1.28.0');
    expect(proxyInitImage(distroless, {})).toBe('docker.io/istio/proxyv2:1.28.0-distroless');
    const numericTag = { ...values, global: { ...(values.global as JsonObject), tag: 1.28 } };
    expect(proxyInitImage(numericTag, {})).toBe('docker.io/istio/proxyv2:1.28');
  });
  it('updateImageTypeIfPresent', () => {
    expect(updateImageTypeIfPresent('1.2-distroless', 'debug')).toBe('1.2-debug');
    expect(updateImageTypeIfPresent('1.2', '')).toBe('1.2');
  });
});

describe('validate', () => {
  const invalid: [string, string, RegExp][] = [
    ['sidecar.istio.io/interceptionMode', 'REDIRECTX', /interceptionMode invalid, use REDIRECT,TPROXY,NONE/],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', 'bad', /includeIPRanges invalid: failed parsing cidr 'bad'/],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '10.0.0.0/33', /excludeIPRanges invalid/],
    ['traffic.sidecar.istio.io/includeInboundPorts', 'bad', /includeInboundPorts invalid: failed parsing port "bad"/],
    ['traffic.sidecar.istio.io/excludeInboundPorts', '70000', /excludeInboundPorts invalid/],
    ['traffic.sidecar.istio.io/excludeOutboundPorts', '1,x', /excludeOutboundPorts invalid/],
    ['status.sidecar.istio.io/port', '-1', /statusPort invalid/],
    ['readiness.status.sidecar.istio.io/periodSeconds', '1.5', /ParseUint/],
    ['prometheus.istio.io/merge-metrics', 'yes', /ParseBool/],
    ['sidecar.istio.io/proxyCPU', '1 core', /quantities must match/],
    ['traffic.sidecar.istio.io/excludeInterfaces', 'eth0,,eth1', /invalid interface name/],
    ['proxy.istio.io/config', 'proxyAdminPort: 70000', /proxy admin port/],
    ['proxy.istio.io/config', 'drainDuration: 1us', /greater than 1ms/],
  ];
  for (const [key, value, re] of invalid) {
    it(`rejects ${key}=${value}`, () => {
      try {
        validateAnnotations({ [key]: value });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).fieldPath).toBe(`metadata.annotations["${key}"]`);
        expect((e as UserError).message).toMatch(re);
        expect((e as UserError).message).toContain(`invalid value '${value}' for annotation '${key}'`);
      }
    });
  }

  it('accepts valid values', () => {
    expect(
      annotationProblems({
        'sidecar.istio.io/interceptionMode': 'TPROXY',
        'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
        'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.1/24,fd00::/8,::ffff:1.2.3.4/128',
        'traffic.sidecar.istio.io/includeInboundPorts': '*',
        'traffic.sidecar.istio.io/excludeInboundPorts': ' 1, 2 ',
        'traffic.sidecar.istio.io/excludeOutboundPorts': '',
        'status.sidecar.istio.io/port': '0',
        'readiness.status.sidecar.istio.io/failureThreshold': '3',
        'prometheus.istio.io/merge-metrics': 'F',
        'sidecar.istio.io/proxyMemory': '1.5Gi',
        'sidecar.istio.io/proxyCPULimit': '2e3',
        'proxy.istio.io/config': 'concurrency: 2',
        'unrelated/annotation': '!!',
      }),
    ).toEqual([]);
  });

  it('reports every invalid annotation in key order', () => {
    const problems = annotationProblems({ 'status.sidecar.istio.io/port': 'x', 'sidecar.istio.io/interceptionMode': 'x' });
    expect(problems.map((p) => p.key)).toEqual(['sidecar.istio.io/interceptionMode', 'status.sidecar.istio.io/port']);
  });

  it('netip prefix rules', () => {
    expect(prefixError('10.0.0.0/8')).toBeUndefined();
    expect(prefixError('010.0.0.0/8')).toBeDefined();
    expect(prefixError(' 10.0.0.0/8')).toBeDefined();
    expect(prefixError('10.0.0.0/08')).toBeDefined();
    expect(isQuantity('100m')).toBe(true);
    expect(isQuantity('1Gb')).toBe(false);
  });
});

describe('template data', () => {
  it('workload identity and the validation gate', () => {
    const d = buildTemplateData({ pod: pod(), workload: { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', namespace: '' }, settings: settings() });
    expect(d.typeMeta).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob' });
    expect(d.deploymentMeta).toEqual({ name: 'nightly', namespace: '' });
    expect(d.proxyUID).toBe(1337);
    expect(() =>
      buildTemplateData({
        pod: pod({ 'sidecar.istio.io/interceptionMode': 'x' }),
        workload: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'n' },
        settings: settings(),
      }),
    ).toThrow(UserError);
  });

  it('bare pods use GetDeployMetaFromPod', () => {
    expect(getDeployMetaFromPod({ name: 'p', namespace: 'n' })).toEqual({
      deploymentMeta: { name: 'p', namespace: 'n' },
      typeMeta: { apiVersion: 'v1', kind: 'Pod' },
    });
    const rs = getDeployMetaFromPod({
      generateName: 'web-abc-',
      namespace: 'n',
      labels: { 'pod-template-hash': 'abc' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', controller: true, uid: 'u' }],
    });
    expect(rs).toEqual({ deploymentMeta: { name: 'web', namespace: 'n' }, typeMeta: { apiVersion: 'apps/v1', kind: 'Deployment' } });
    const job = getDeployMetaFromPod({
      generateName: 'x-',
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-28000000', controller: true, uid: 'u' }],
    });
    expect(job.typeMeta.kind).toBe('CronJob');
    expect(job.deploymentMeta.name).toBe('nightly');
    const d = buildTemplateData({
      pod: { metadata: { name: 'solo' }, spec: { containers: [] } },
      workload: { apiVersion: 'v1', kind: 'Pod', name: 'solo', namespace: 'ns1' },
      settings: settings(),
    });
    expect(d.deploymentMeta).toEqual({ name: 'solo', namespace: 'ns1' });
  });

  it('OpenShift UID/GID: top of the namespace ranges, only on OpenShift', () => {
    const ns = { 'openshift.io/sa.scc.uid-range': '1000620000/10000', 'openshift.io/sa.scc.supplemental-groups': '5000-5009,7000/10' };
    expect(proxyIDs('openshift', ns)).toEqual({ uid: 1000629999, gid: 5009 });
    expect(proxyIDs(undefined, ns)).toEqual({ uid: 1337, gid: 1337 });
    expect(openShiftRangeMax('bad')).toBeUndefined();
  });
});

describe('Go semantics helpers', () => {
  it('float64 printing', () => {
    expect(goFloat(15020)).toBe('15020');
    expect(goFloat(1000000)).toBe('1e+06');
    expect(goFloat(123456)).toBe('123456');
    expect(goFloat(1.5)).toBe('1.5');
    expect(goFloat(0.00001)).toBe('1e-05');
    // the integer shortcut agrees with Go's formatting at its edges
    expect(goFloat(999999)).toBe('999999');
    expect(goFloat(-999999)).toBe('-999999');
    expect(goFloat(-1000000)).toBe('-1e+06');
    expect(goFloat(-0)).toBe('-0');
    expect(goFloat(0)).toBe('0');
    expect(sprint(null)).toBe('<nil>');
    expect(sprint({ b: 1, a: [true, 'x'] })).toBe('map[a:[true x] b:1]');
  });
  it('YAML scalar resolution', () => {
    expect(plainScalar('15')).toBe(15);
    expect(plainScalar('yes')).toBe(true);
    expect(plainScalar('')).toBeNull();
    expect(plainScalar('istiod')).toBe('istiod');
    expect(dq('a\\tb', 'f')).toBe('a\tb');
    expect(() => dq('a"b', 'f')).toThrow(UserError);
    expect(sq("it''s", 'f')).toBe("it's");
    expect(() => sq("it's", 'f')).toThrow(UserError);
  });
  it('excludeInboundPort and appendMultusNetwork', () => {
    expect(excludeInboundPort('15020', '')).toBe('15020');
    expect(excludeInboundPort('0', '1')).toBe('1');
    expect(excludeInboundPort('15020', '1,15020')).toBe('1,15020');
    expect(appendMultusNetwork('x, default/istio-cni', 'default/istio-cni')).toBe('x, default/istio-cni');
    expect(appendMultusNetwork('[bad', 'n')).toBe('[bad, n');
    expect(appendMultusNetwork('[bad]', 'n')).toBe('[bad]');
  });
});
