import { describe, expect, it } from 'vitest';
import {
  findIstioConfiguration,
  findMeshAndValues,
  IstioConfigError,
  parseInjectConfigFile,
  parseInjectorConfig,
  parseMesh,
  parseValues,
} from '../../src/istio/config.js';
import type { JsonObject } from '../../src/kube/types.js';

const CONFIG = `policy: disabled
alwaysInjectSelector:
  - matchLabels: {always: "yes"}
neverInjectSelector: []
injectedAnnotations:
  foo: bar
defaultTemplates: [sidecar, extra]
aliases:
  both: [sidecar, extra]
template: "{{ Legacy }}"
templates:
  sidecar: |
    spec: {}
  extra: |
    metadata: {}
`;

function cm(name: string, namespace: string | undefined, data: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data };
}

const injector = (ns?: string, values = '{"global":{"hub":"h"}}', name = 'istio-sidecar-injector') =>
  cm(name, ns, { config: 'templates:\n  sidecar: "spec: {}"\n', values });
const mesh = (ns?: string, text = 'trustDomain: example.org\n', name = 'istio') => cm(name, ns, { mesh: text });

describe('parseInjectorConfig', () => {
  it('reads every field of the config key', () => {
    const c = parseInjectorConfig(CONFIG, 'test');
    expect(c.policy).toBe('disabled');
    expect(c.alwaysInjectSelector).toEqual([{ matchLabels: { always: 'yes' } }]);
    expect(c.neverInjectSelector).toEqual([]);
    expect(c.injectedAnnotations).toEqual({ foo: 'bar' });
    expect(c.defaultTemplates).toEqual(['sidecar', 'extra']);
    expect(c.aliases).toEqual({ both: ['sidecar', 'extra'] });
    // the legacy `template` only counts when there is no `sidecar` template
    expect(c.templates.sidecar).toBe('spec: {}\n');
    expect(Object.keys(c.templates)).toEqual(['sidecar', 'extra']);
  });

  it('uses the legacy template as sidecar when no templates are given, and defaults', () => {
    const c = parseInjectorConfig('template: "spec: {}"\n', 'test');
    expect(c.templates).toEqual({ sidecar: 'spec: {}' });
    expect(c.defaultTemplates).toEqual(['sidecar']);
    expect(c.policy).toBe('enabled');
  });

  it('reports bad fields with their path', () => {
    try {
      parseInjectorConfig('templates:\n  sidecar: [1]\n', 'ConfigMap istio-system/istio-sidecar-injector', { fieldBase: 'data.config' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IstioConfigError);
      expect((e as IstioConfigError).fieldPath).toBe('data.config.templates.sidecar');
    }
    expect(() => parseInjectorConfig('aliases: {a: b}\n', 'x')).toThrow(/list of strings/);
    expect(() => parseInjectorConfig('policy: [x]\n', 'x')).toThrow(/policy/);
    expect(() => parseInjectorConfig('a: [', 'x')).toThrow(/not valid YAML/);
  });
});

describe('parseInjectConfigFile (istioctl --injectConfigFile)', () => {
  it('reads a full config when it has templates', () => {
    expect(Object.keys(parseInjectConfigFile(CONFIG, 'f').templates)).toEqual(['sidecar', 'extra']);
  });

  it('takes anything else as one template named sidecar', () => {
    const text = 'spec:\n  containers:\n  - name: istio-proxy\n    image: {{ .ProxyImage }}\n';
    const c = parseInjectConfigFile(text, 'f');
    expect(c.templates).toEqual({ sidecar: text });
    expect(c.defaultTemplates).toEqual(['sidecar']);
  });
});

describe('values and mesh', () => {
  it('reads values as JSON or YAML (numbers stay numbers)', () => {
    expect(parseValues('{"global":{"proxy":{"statusPort":15020}}}', 'v')).toEqual({ global: { proxy: { statusPort: 15020 } } });
    expect(parseValues('global:\n  hub: x\n', 'v')).toEqual({ global: { hub: 'x' } });
  });

  it("lays the mesh over Istio's defaults", () => {
    const m = parseMesh('defaultConfig:\n  discoveryAddress: foo:123\ntrustDomain: example.org\n', 'm');
    expect(m.trustDomain).toBe('example.org');
    expect(m.proxyListenPort).toBe(15001);
    expect((m.defaultConfig as JsonObject).discoveryAddress).toBe('foo:123');
    expect((m.defaultConfig as JsonObject).statusPort).toBe(15020);
  });
});

describe('findIstioConfiguration', () => {
  it('returns undefined when there are no templates anywhere', () => {
    expect(findIstioConfiguration([mesh('istio-system')], { revision: '' })).toBeUndefined();
  });

  it('finds the default-named ConfigMaps in any namespace and says so', () => {
    const found = findIstioConfiguration([injector('mesh-system'), mesh('mesh-system')], { revision: '' })!;
    expect(found.values).toEqual({ global: { hub: 'h' } });
    expect(found.meshConfig.trustDomain).toBe('example.org');
    expect(found.description).toBe('ConfigMap mesh-system/istio-sidecar-injector, mesh config from ConfigMap mesh-system/istio');
  });

  it('uses -<revision> names for a revision', () => {
    const objects = [injector('istio-system'), injector('istio-system', '{"revision":"canary"}', 'istio-sidecar-injector-canary'), mesh('istio-system')];
    const found = findIstioConfiguration(objects, { revision: 'canary' })!;
    expect(found.values).toEqual({ revision: 'canary' });
    expect(found.sources.injector).toBe('ConfigMap istio-system/istio-sidecar-injector-canary');
    // no istio-canary mesh ConfigMap: the chart's default mesh
    expect(found.sources.mesh).toMatch(/default mesh/);
  });

  it("prefers the ConfigMap in its own values' istioNamespace, then istio-system", () => {
    const objects = [injector('other', '{"global":{"istioNamespace":"istio-system"}}'), injector('mesh-ctl', '{"global":{"istioNamespace":"mesh-ctl"}}')];
    expect(findIstioConfiguration(objects, { revision: '' })!.sources.injector).toBe('ConfigMap mesh-ctl/istio-sidecar-injector');
    const ambiguous = [injector('a', '{}'), injector('b', '{}')];
    expect(() => findIstioConfiguration(ambiguous, { revision: '' })).toThrow(/found 2 ConfigMaps/);
    expect(findIstioConfiguration([...ambiguous, injector('istio-system', '{}')], { revision: '' })!.sources.injector).toBe(
      'ConfigMap istio-system/istio-sidecar-injector',
    );
  });

  it('finds ConfigMaps inside a List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [injector('istio-system')] };
    expect(findIstioConfiguration([list], { revision: '' })).toBeDefined();
  });

  it('a configured ConfigMap that is missing is an error naming the setting', () => {
    try {
      findIstioConfiguration([], { revision: '', injectorConfigMap: 'istio-system/custom-injector' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IstioConfigError);
      expect((e as Error).message).toMatch(/custom-injector is configured but not in the input/);
      expect((e as IstioConfigError).fieldPath).toBe('spec.istio.injectorConfigMap');
    }
    expect(() => findIstioConfiguration([injector('istio-system')], { revision: '', meshConfigMap: 'my-mesh' })).toThrow(/my-mesh/);
  });

  it('files win over ConfigMaps; a bare template file becomes the sidecar template', () => {
    const found = findIstioConfiguration([injector('istio-system'), mesh('istio-system')], {
      revision: '',
      injectConfigFile: { path: 'tmpl.yaml', text: 'spec: {}\n' },
      valuesFile: { path: 'values.json', text: '{"x":1}' },
    })!;
    expect(found.injector.templates).toEqual({ sidecar: 'spec: {}\n' });
    expect(found.values).toEqual({ x: 1 });
    expect(found.sources).toEqual({ injector: 'file tmpl.yaml', values: 'file values.json', mesh: 'ConfigMap istio-system/istio' });
  });

  it('with only --injectConfigFile, values still come from the injector ConfigMap in the input', () => {
    const found = findIstioConfiguration([injector('istio-system')], { revision: '', injectConfigFile: { path: 't.yaml', text: 'spec: {}\n' } })!;
    expect(found.values).toEqual({ global: { hub: 'h' } });
    expect(found.sources.values).toBe('ConfigMap istio-system/istio-sidecar-injector');
    expect(found.sources.injector).toBe('file t.yaml');
  });

  it('a ConfigMap named istio without a mesh key is not the mesh config', () => {
    expect(findMeshAndValues([cm('istio', 'app', { other: 'x' })], { revision: '' }).mesh).toBeUndefined();
  });

  it('reports an invalid mesh with the ConfigMap and field', () => {
    try {
      findIstioConfiguration([injector('istio-system'), mesh('istio-system', 'defaultConfig:\n  drainDuration: forever\n')], { revision: '' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IstioConfigError);
      expect((e as IstioConfigError).resourceRef).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'istio', namespace: 'istio-system' });
      expect((e as IstioConfigError).fieldPath).toMatch(/^data\.mesh\.defaultConfig/);
    }
  });
});
