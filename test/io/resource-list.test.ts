import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitResourceList, parseResourceList, createResource } from '../../src/io/index.js';

// What kpt fn eval sends (abridged from a recorded run): head comments after `- `, flow maps,
// single-quoted annotations, the Kptfile as an item, a ConfigMap functionConfig.
const kpt = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: pkg
    annotations:
      config.kubernetes.io/local-config: "true"
      config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'Kptfile'
      internal.config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/path: 'Kptfile'
      internal.config.kubernetes.io/seqindent: 'compact'
      internal.config.kubernetes.io/id: '1'
      config.k8s.io/id: '1'
- # Deployment head comment
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    annotations:
      config.kubernetes.io/index: '1'
      config.kubernetes.io/path: 'deploy.yaml'
      internal.config.kubernetes.io/index: '1'
      internal.config.kubernetes.io/path: 'deploy.yaml'
      internal.config.kubernetes.io/seqindent: 'compact'
      internal.config.kubernetes.io/id: '2'
      config.k8s.io/id: '2'
  spec:
    replicas: 2 # inline replicas comment
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: nginx
functionConfig:
  metadata:
    name: function-input
  data: {mode: annotate, foo: bar}
  kind: ConfigMap
  apiVersion: v1
`;

describe('parseResourceList / emitResourceList', () => {
  it('reads items, functionConfig and file annotations', () => {
    const rl = parseResourceList(kpt);
    expect(rl.apiVersion).toBe('config.kubernetes.io/v1');
    expect(rl.items.map((i) => i.value.kind)).toEqual(['Kptfile', 'Deployment']);
    expect(rl.items.map((i) => i.file)).toEqual([
      { path: 'Kptfile', index: 0 },
      { path: 'deploy.yaml', index: 1 },
    ]);
    expect(rl.functionConfig).toEqual({ metadata: { name: 'function-input' }, data: { mode: 'annotate', foo: 'bar' }, kind: 'ConfigMap', apiVersion: 'v1' });
    expect(rl.items[1]!.position).toEqual({ line: 18, col: 3 });
  });

  it('writes an untouched ResourceList byte for byte', () => {
    expect(emitResourceList(parseResourceList(kpt), [])).toBe(kpt);
    const [head, rest] = kpt.split('items:\n') as [string, string];
    const [body, tail] = rest.split('functionConfig:') as [string, string];
    const wide = `${head}items:\n${body.replace(/^(?=.)/gm, '  ')}functionConfig:${tail}`;
    const rl = parseResourceList(wide);
    expect(rl.items).toHaveLength(2);
    expect(emitResourceList(rl, [])).toBe(wide);
    rl.items[0]!.update(['metadata', 'name'], 'pkg2');
    expect(emitResourceList(rl, [])).toBe(wide.replace('name: pkg', 'name: pkg2'));
  });

  it('changed item: head comment stays once after "- ", annotations untouched, other items byte-identical', () => {
    const rl = parseResourceList(kpt);
    const d = rl.items[1]!;
    const t = structuredClone((d.value.spec as any).template);
    t.spec.containers.push({ name: 'istio-proxy', image: 'proxyv2' });
    d.update(['spec', 'template'], t);
    const out = emitResourceList(rl, []);
    expect(out.match(/Deployment head comment/g)).toHaveLength(1);
    expect(out).toContain('- # Deployment head comment\n  apiVersion: apps/v1\n');
    expect(out).toContain("      internal.config.kubernetes.io/id: '2'\n");
    expect(out).toContain('    replicas: 2 # inline replicas comment\n');
    expect(out).toContain('      matchLabels: {app: web}\n');
    expect(out).toContain('        - name: web\n          image: nginx\n        - name: istio-proxy\n          image: proxyv2\n');
    expect(out.slice(0, out.indexOf('- # Deployment'))).toBe(kpt.slice(0, kpt.indexOf('- # Deployment')));
    expect(out.endsWith(kpt.slice(kpt.indexOf('functionConfig:')))).toBe(true);
  });

  it('appends results in the spec field order, leaving out empty fields', () => {
    const out = emitResourceList(parseResourceList(kpt), [
      {
        tags: { reason: 'x' },
        file: { path: 'deploy.yaml', index: 0 },
        field: { path: 'spec.template' },
        resourceRef: { namespace: 'shop', name: 'web', kind: 'Deployment', apiVersion: 'apps/v1' },
        severity: 'info',
        message: 'injected',
      },
      { message: 'plain', severity: 'warning', tags: {} },
    ]);
    expect(out.startsWith(kpt)).toBe(true);
    expect(out.slice(kpt.length)).toBe(
      'results:\n- message: injected\n  severity: info\n  resourceRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n    namespace: shop\n' +
        '  field:\n    path: spec.template\n  file:\n    path: deploy.yaml\n  tags:\n    reason: x\n- message: plain\n  severity: warning\n',
    );
  });

  it('replaces results already present in the input', () => {
    const text = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: old\n';
    const out = emitResourceList(parseResourceList(text), [{ message: 'new', severity: 'info' }]);
    expect(out).toBe('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: new\n  severity: info\n');
  });

  it('turns JSON input into block YAML', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'config.kubernetes.io/v1beta1',
        kind: 'ResourceList',
        items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'a/b': 'on' } }, data: { x: '1' } }],
        functionConfig: { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } },
      },
      null,
      2,
    );
    const rl = parseResourceList(json);
    expect(rl.items[0]!.value.data).toEqual({ x: '1' });
    const out = emitResourceList(rl, [{ message: 'm', severity: 'info' }]);
    expect(out).toBe(`apiVersion: config.kubernetes.io/v1beta1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c
    annotations:
      a/b: "on"
  data:
    x: "1"
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  data:
    k: v
results:
- message: m
  severity: info
`);
    expect(parse(out)).toMatchObject(JSON.parse(json));
  });

  it('reads its own output (a results sequence at column 0) item by item, not as one yaml document', () => {
    const text = `${kpt}results:\n- message: injected\n  severity: info\n  tags:\n    action: injected\n`;
    const rl = parseResourceList(text);
    expect(rl.layout.fullDoc).toBeUndefined();
    expect(rl.items.map((i) => i.value.kind)).toEqual(['Kptfile', 'Deployment']);
    expect(emitResourceList(rl, [{ message: 'm', severity: 'info' }])).toBe(`${kpt}results:\n- message: m\n  severity: info\n`);
  });

  it('falls back to yaml for unusual layouts (anchors, --- marker) and still splices items', () => {
    const text =
      '---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  - &x {kind: A, apiVersion: v1, metadata: {name: a}}\n  - kind: B # b\n    apiVersion: v1\n';
    const rl = parseResourceList(text);
    expect(rl.items.map((i) => i.value.kind)).toEqual(['A', 'B']);
    expect(emitResourceList(rl, [])).toBe(text);
    rl.items[1]!.update(['metadata'], { name: 'b' });
    expect(emitResourceList(rl, [])).toBe(text + '    metadata:\n      name: b\n');
  });

  it('drops items left out and appends new ones', () => {
    const rl = parseResourceList(kpt);
    const cm = createResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } });
    const out = emitResourceList(rl, [], [rl.items[1]!, cm]);
    const back = parseResourceList(out);
    expect(back.items.map((i) => i.value.kind)).toEqual(['Deployment', 'ConfigMap']);
    expect(out).toContain('- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: new\nfunctionConfig:');
  });

  it('keeps CRLF line endings for changed items and results', () => {
    const text = kpt.replace(/\n/g, '\r\n');
    const rl = parseResourceList(text);
    expect(emitResourceList(rl, [])).toBe(text);
    rl.items[0]!.update(['metadata', 'labels'], { a: 'b' });
    const out = emitResourceList(rl, [{ message: 'm', severity: 'info' }]);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out).toContain('    labels:\r\n      a: b\r\n');
  });

  it('reads what kustomize sends (multi-line id annotations) and writes it back unchanged', () => {
    const text = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    annotations:
      kustomize.config.k8s.io/id: |
        kind: Namespace
        name: app
        version: v1
      config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/annotations-migration-resource-id: '0'
      internal.config.kubernetes.io/id: '1'
      config.k8s.io/id: '1'
    labels:
      istio-injection: enabled
    name: app
functionConfig:
  apiVersion: inject-sidecar.dev/v1alpha1
  kind: SidecarInjection
  metadata:
    annotations:
      config.kubernetes.io/function: |
        exec:
          path: inject-sidecar
      config.kubernetes.io/local-config: 'true'
    name: inject
`;
    const rl = parseResourceList(text);
    const ns = rl.items[0]!;
    expect((ns.value.metadata as any).annotations['kustomize.config.k8s.io/id']).toBe('kind: Namespace\nname: app\nversion: v1\n');
    expect(ns.file).toBeUndefined();
    expect((rl.functionConfig!.metadata as any).annotations['config.kubernetes.io/function']).toBe('exec:\n  path: inject-sidecar\n');
    ns.update(['metadata', 'labels', 'extra'], 'x');
    const out = emitResourceList(rl, []);
    expect(out).toBe(text.replace('      istio-injection: enabled\n', '      istio-injection: enabled\n      extra: x\n'));
  });
});
