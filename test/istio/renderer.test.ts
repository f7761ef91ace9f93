import { describe, expect, it, vi } from 'vitest';
import { selectTemplates, TemplateRenderer, type TemplateRendererOptions } from '../../src/istio/renderer.js';
import { goTemplateData } from '../../src/istio/goview.js';
import { injectionFuncs } from '../../src/istio/templates.js';
import { dropGoZeroValues } from '../../src/inject/gozero.js';
import { proxyConfigToJSON } from '../../src/inject/proxyconfig.js';
import { podSchema, strategicMerge } from '../../src/merge/index.js';
import type { SidecarTemplateData } from '../../src/inject/types.js';
import { UserError } from '../../src/results/result.js';
import { Template } from '../../src/template/index.js';

function data(over: Partial<SidecarTemplateData> = {}): SidecarTemplateData {
  const d: Omit<SidecarTemplateData, 'proxyConfigJSON'> & Partial<SidecarTemplateData> = {
    typeMeta: { apiVersion: 'apps/v1', kind: 'Deployment' },
    deploymentMeta: { name: 'web', namespace: 'shop' },
    objectMeta: { labels: { app: 'web' }, annotations: { a: 'x' } },
    spec: {
      containers: [
        { name: 'web', image: 'example/web:1', ports: [{ name: 'http', containerPort: 8080 }], podIP: 'unknown-field' } as never,
        { name: 'istio-proxy', image: 'auto' },
      ],
      serviceAccountName: 'web-sa',
    },
    proxyConfig: { discoveryAddress: 'istiod:15012', proxyMetadata: { B: '2', A: '1' }, statusPort: 15020 },
    meshConfig: { trustDomain: 'cluster.local', proxyListenPort: 15001, defaultConfig: { statusPort: 15020 } },
    values: { global: { proxy: { statusPort: 15020, resources: { limits: { cpu: '2' } } }, list: [1, 'a'] } },
    revision: '',
    nativeSidecars: true,
    proxyImage: 'hub/proxyv2:1',
    proxyInitImage: 'hub/proxyv2:1',
    proxyUID: 1337,
    proxyGID: 1337,
    inboundTrafficPolicyMode: 'passthrough',
    compliancePolicy: '',
    ...over,
  };
  return { ...d, proxyConfigJSON: d.proxyConfigJSON ?? proxyConfigToJSON(d.proxyConfig) };
}

/** Renders `text` on the Go view of `d` with Istio's function map. */
function render(text: string, d = data()): string {
  return new Template('t', { funcs: [injectionFuncs()], missingKey: 'default' }).parse(text).execute(goTemplateData(d));
}

function renderer(templates: Record<string, string>, over: Partial<TemplateRendererOptions> = {}): TemplateRenderer {
  return new TemplateRenderer({
    injector: { templates, defaultTemplates: ['sidecar'], aliases: {} },
    emulate: 'webhook',
    funcs: [injectionFuncs()],
    source: 'test config',
    ...over,
  });
}

describe('the Go view of SidecarTemplateData', () => {
  it('has Go field names and Go types', () => {
    expect(render('{{ .DeploymentMeta.Name }}/{{ .TypeMeta.Kind }}/{{ .Spec.ServiceAccountName }}')).toBe('web/Deployment/web-sa');
    expect(render('{{ printf "%T %T %T" .ProxyUID .Values.global.proxy.statusPort .NativeSidecars }}')).toBe('int64 float64 bool');
    expect(render('{{ .Values.global.proxy.statusPort }} {{ .MeshConfig.ProxyListenPort }} {{ .MeshConfig.TrustDomain }}')).toBe('15020 15001 cluster.local');
  });

  it('annotations are a map[string]string: index of a missing key is "", field access <no value>', () => {
    expect(render('[{{ index .ObjectMeta.Annotations "missing" }}]')).toBe('[]');
    expect(render('{{ .ObjectMeta.Annotations.missing }}')).toBe('<no value>');
    expect(render('{{ isset .ObjectMeta.Annotations "a" }} {{ isset .ObjectMeta.Annotations "b" }}')).toBe('true false');
    expect(render('{{ annotation .ObjectMeta "a" "d" }} {{ annotation .ObjectMeta "b" "d" }}')).toBe('x d');
    // a pod without annotations still indexes to ""
    expect(render('[{{ index .ObjectMeta.Annotations "a" }}]', data({ objectMeta: {} }))).toBe('[]');
  });

  it('containers and ports, including fields only present in the data', () => {
    expect(render('{{ range .Spec.Containers }}{{ .Name }} {{ end }}')).toBe('web istio-proxy ');
    expect(render('{{ range (index .Spec.Containers 0).Ports }}{{ .ContainerPort }} {{ structToJSON . }}{{ end }}')).toBe(
      '8080 {"name":"http","containerPort":8080}',
    );
    expect(render('{{ (index .Spec.Containers 0).PodIP }}')).toBe('unknown-field');
    expect(render('{{ includeInboundPorts .Spec.Containers }}')).toBe('8080');
  });

  it('protobuf methods: enum String, nil wrapper GetValue, nil-safe getters', () => {
    expect(render('{{ .ProxyConfig.InterceptionMode.String }} {{ .ProxyConfig.InterceptionMode }}')).toBe('REDIRECT REDIRECT');
    expect(render('{{ .ProxyConfig.InterceptionMode }}', data({ proxyConfig: { interceptionMode: 'TPROXY' } }))).toBe('TPROXY');
    expect(render('{{ .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}')).toBe('false');
    expect(render('{{ .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}', data({ proxyConfig: { holdApplicationUntilProxyStarts: true } }))).toBe(
      'true',
    );
    expect(render('[{{ .ProxyConfig.GetTracing.GetTlsSettings.GetCaCertificates }}]')).toBe('[]');
    expect(
      render(
        '{{ .ProxyConfig.GetTracing.GetTlsSettings.GetCaCertificates }}',
        data({ proxyConfig: { tracing: { tlsSettings: { caCertificates: '/etc/ca.pem' } } } }),
      ),
    ).toBe('/etc/ca.pem');
    expect(render('{{ range $k, $v := .ProxyConfig.ProxyMetadata }}{{ $k }}={{ $v }};{{ end }}')).toBe('A=1;B=2;');
  });

  it('protoToJSON writes the cleaned ProxyConfig', () => {
    expect(render('{{ protoToJSON .ProxyConfig }}', data({ proxyConfig: { discoveryAddress: 'foo:123', statusPort: 15020 } }))).toBe(
      '{"discoveryAddress":"foo:123"}',
    );
  });

  it('protoToJSON gives each message its own text when one function map serves many workloads', () => {
    const t = new Template('t', { funcs: [injectionFuncs()], missingKey: 'default' }).parse('{{ protoToJSON .ProxyConfig }}');
    const run = (pc: SidecarTemplateData['proxyConfig']) => t.execute(goTemplateData(data({ proxyConfig: pc })));
    const a = { discoveryAddress: 'foo:123', proxyMetadata: { B: '2', A: '1' } };
    expect(run(a)).toBe('{"discoveryAddress":"foo:123","proxyMetadata":{"A":"1","B":"2"}}');
    // an equal message (a new object, as every workload gets) prints the same
    expect(run(structuredClone(a))).toBe('{"discoveryAddress":"foo:123","proxyMetadata":{"A":"1","B":"2"}}');
    // a message that differs anywhere, nested maps included, prints its own text
    expect(run({ ...a, proxyMetadata: { A: '1', B: '3' } })).toBe('{"discoveryAddress":"foo:123","proxyMetadata":{"A":"1","B":"3"}}');
    expect(run({ discoveryAddress: 'bar:1' })).toBe('{"discoveryAddress":"bar:1"}');
    expect(run(a)).toBe('{"discoveryAddress":"foo:123","proxyMetadata":{"A":"1","B":"2"}}');
    for (let i = 0; i < 300; i++) expect(run({ concurrency: i + 1 })).toBe(`{"concurrency":${i + 1}}`);
  });
});

describe('selectTemplates', () => {
  const cfg = { defaultTemplates: ['sidecar', 'extra'], aliases: { both: ['a', 'b'], a: ['nested'] } };

  it('uses the annotation, split on commas and trimmed, keeping order and duplicates', () => {
    expect(selectTemplates({ 'inject.istio.io/templates': ' sidecar , x,sidecar' }, cfg, 'webhook')).toEqual({
      names: ['sidecar', 'x', 'sidecar'],
      fromAnnotation: true,
    });
  });

  it('falls back to defaultTemplates and expands aliases one level only', () => {
    expect(selectTemplates({}, cfg, 'webhook').names).toEqual(['sidecar', 'extra']);
    expect(selectTemplates({ 'inject.istio.io/templates': 'both' }, cfg, 'webhook').names).toEqual(['a', 'b']);
  });

  it('kube-inject starts from [sidecar] and knows no aliases', () => {
    expect(selectTemplates(undefined, cfg, 'kube-inject').names).toEqual(['sidecar']);
    expect(selectTemplates({ 'inject.istio.io/templates': 'both' }, cfg, 'kube-inject').names).toEqual(['both']);
  });
});

describe('TemplateRenderer', () => {
  it('renders each selected template into a patch, read with YAML 1.1 rules', () => {
    const r = renderer({ sidecar: 'metadata:\n  labels:\n    a: {{ .DeploymentMeta.Name }}\n    on: "x"\nunknown: yes\n', extra: 'spec: {}\n' });
    expect(r.render(data({ objectMeta: { annotations: { 'inject.istio.io/templates': 'sidecar,extra' } } }))).toEqual([
      { metadata: { labels: { a: 'web', true: 'x' } }, unknown: true },
      { spec: {} },
    ]);
    expect(r.source).toBe('test config');
  });

  it('fails where istiod cannot decode the output into a corev1.Pod: a number or boolean in a string field', () => {
    const fails = (yaml: string, message: RegExp) => {
      try {
        renderer({ sidecar: yaml }).render(data());
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as Error).message).toMatch(/^failed parsing generated injected YAML of template "sidecar"/);
        expect((e as Error).message).toMatch(message);
      }
    };
    // annotations and labels are map[string]string: istiod's json.Unmarshal refuses 15 and true
    fails('metadata:\n  annotations:\n    a: 15\n', /metadata\.annotations\.a must be a string, not a number \(15\): quote it/);
    fails('metadata:\n  labels:\n    a: yes\n', /metadata\.labels\.a must be a string, not a boolean \(true\)/);
    fails('spec:\n  nodeSelector:\n    zone: 0x1f\n', /spec\.nodeSelector\.zone must be a string, not a number \(31\)/);
    fails('spec:\n  serviceAccountName: 1_000\n', /spec\.serviceAccountName must be a string, not a number \(1000\)/);
    // container fields, from the same shapes the Go round trip uses (postprocess/gojson.ts)
    fails('spec:\n  containers:\n  - name: p\n    image: 1.5\n', /spec\.containers\[0\]\.image must be a string, not a number \(1\.5\)/);
    fails(
      'spec:\n  containers:\n  - name: p\n    env:\n    - name: 0o17\n      value: x\n',
      /spec\.containers\[0\]\.env\[0\]\.name must be a string, not a number \(15\)/,
    );
    fails('spec:\n  initContainers:\n  - name: p\n    args: [a, on]\n', /spec\.initContainers\[0\]\.args\[1\] must be a string, not a boolean \(true\)/);
    fails('spec:\n  containers:\n  - name: p\n    env:\n    - name: A\n      value: {b: c}\n', /env\[0\]\.value must be a string, not a map \(istiod/);
    // pointers to strings too (*ContainerRestartPolicy, the probe's grpc service)
    fails('spec:\n  initContainers:\n  - name: p\n    restartPolicy: 1\n', /spec\.initContainers\[0\]\.restartPolicy must be a string, not a number \(1\)/);
    fails(
      'spec:\n  containers:\n  - name: p\n    readinessProbe: {grpc: {port: 1, service: n}}\n',
      /readinessProbe\.grpc\.service must be a string, not a boolean \(false\)/,
    );
  });

  it('passes what istiod decodes: quoted strings, nulls, numbers in number fields, unknown fields', () => {
    const yaml =
      'metadata:\n  annotations:\n    a: "15"\n    b: null\n  labels: {c: \'yes\'}\n' +
      'spec:\n  containers:\n  - name: p\n    env: [{name: "15", value: null}]\n    ports: [{containerPort: 8080}]\n' +
      '    resources: {limits: {cpu: 2}}\n    securityContext: {runAsUser: 1337, privileged: false}\n    unknownField: 5\n';
    expect(renderer({ sidecar: yaml }).render(data())).toEqual([
      {
        metadata: { annotations: { a: '15', b: null }, labels: { c: 'yes' } },
        spec: {
          containers: [
            {
              name: 'p',
              env: [{ name: '15', value: null }],
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: 2 } },
              securityContext: { runAsUser: 1337, privileged: false },
              unknownField: 5,
            },
          ],
        },
      },
    ]);
  });

  it('names the known templates when one is missing', () => {
    const r = renderer({ sidecar: 'spec: {}', gateway: 'spec: {}' });
    try {
      r.render(data({ objectMeta: { annotations: { 'inject.istio.io/templates': 'nope' } } }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toBe('requested template "nope" not found; have gateway, sidecar');
      expect((e as UserError).fieldPath).toBe('metadata.annotations["inject.istio.io/templates"]');
    }
  });

  it("reports parse and execution errors with Go's messages", () => {
    expect(() => renderer({ sidecar: 'a: {{ noSuchFunc }}\n' }).render(data())).toThrow(/template: sidecar:1: function "noSuchFunc" not defined/);
    expect(() => renderer({ sidecar: '{{ index .Values.global.list 5 }}' }).render(data())).toThrow(/template: sidecar:1:3: executing "sidecar" at <index/);
    expect(() => renderer({ sidecar: 'a: [\n' }).render(data())).toThrow(/failed parsing generated injected YAML/);
  });

  it('parses each template once per renderer, however many pods it renders', () => {
    const spy = vi.spyOn(Template.prototype, 'parse');
    const r = renderer({ sidecar: 'metadata: {labels: {n: "{{ .DeploymentMeta.Name }}"}}\n' });
    for (let i = 0; i < 5; i++) r.render(data());
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('drops Go omitempty zero values from rendered containers, keeps pointer fields', () => {
    const patch = dropGoZeroValues({
      spec: {
        initContainers: [
          {
            name: 'istio-proxy',
            readinessProbe: { initialDelaySeconds: 0, periodSeconds: 15, httpGet: { path: '', port: 15021 } },
            env: [
              { name: 'A', value: '' },
              { name: 'B', value: 'b' },
            ],
            securityContext: { runAsUser: 0, readOnlyRootFilesystem: false },
            volumeMounts: [{ name: 'v', mountPath: '/v', readOnly: false }],
          },
        ],
        volumes: [{ name: 'x', emptyDir: null }],
      },
    });
    expect(patch).toEqual({
      spec: {
        initContainers: [
          {
            name: 'istio-proxy',
            readinessProbe: { periodSeconds: 15, httpGet: { port: 15021 } },
            env: [{ name: 'A' }, { name: 'B', value: 'b' }],
            securityContext: { runAsUser: 0, readOnlyRootFilesystem: false },
            volumeMounts: [{ name: 'v', mountPath: '/v' }],
          },
        ],
        volumes: [{ name: 'x', emptyDir: null }],
      },
    });
  });

  it('over an earlier injection a zero value deletes the old one, as Istio merges the raw template then round-trips', () => {
    const rendered = {
      spec: { containers: [{ name: 'istio-proxy', readinessProbe: { initialDelaySeconds: 0, periodSeconds: 15 }, env: [{ name: 'A', value: '' }] }] },
    };
    const patch = dropGoZeroValues(rendered, true);
    expect(patch).toEqual({
      spec: { containers: [{ name: 'istio-proxy', readinessProbe: { initialDelaySeconds: null, periodSeconds: 15 }, env: [{ name: 'A', value: null }] }] },
    });
    const old = {
      spec: { containers: [{ name: 'istio-proxy', readinessProbe: { initialDelaySeconds: 1, periodSeconds: 2 }, env: [{ name: 'A', value: 'old' }] }] },
    };
    expect(strategicMerge(old, patch, podSchema)).toEqual({
      spec: { containers: [{ name: 'istio-proxy', readinessProbe: { periodSeconds: 15 }, env: [{ name: 'A' }] }] },
    });
    // Without an earlier value the null leaves nothing behind: the same as dropping the zero.
    expect(strategicMerge({}, patch, podSchema)).toEqual(strategicMerge({}, dropGoZeroValues(rendered), podSchema));
  });

  it('prints the zero of typed fields Go always writes: a resourceFieldRef\'s divisor is "0"', () => {
    // Templates before Istio 1.29 leave divisor out; corev1.ResourceFieldSelector.Divisor is a
    // non-pointer resource.Quantity, so istioctl's typed round trip prints `divisor: "0"`.
    const ref = (extra: Record<string, string> = {}) => ({ valueFrom: { resourceFieldRef: { resource: 'limits.cpu', ...extra } } });
    const patch = dropGoZeroValues({
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            env: [
              { name: 'GOMAXPROCS', ...ref() },
              { name: 'ONE', ...ref({ divisor: '1' }) },
            ],
          },
        ],
      },
    });
    expect(patch).toEqual({
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            env: [
              { name: 'GOMAXPROCS', ...ref({ divisor: '0' }) },
              { name: 'ONE', ...ref({ divisor: '1' }) },
            ],
          },
        ],
      },
    });
  });
});
