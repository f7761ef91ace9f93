import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parseYamlValue } from '../../src/io/yaml-value.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { functionConfigJsonSchemaText } from '../../src/config/json-schema.js';

function issues(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const base = { apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection' };

describe('function config', () => {
  it('defaults without any config', () => {
    const c = loadConfig(undefined);
    expect(c.emulate).toBe('webhook');
    expect(c.policy).toBe('enabled');
    expect(c.revision).toBe('');
    expect(c.nativeSidecars).toBe(false);
    expect(c.workloads.map((w) => w.kind)).toContain('CronJob');
  });

  it('reads the custom kind', () => {
    const c = loadConfig({ ...base, spec: { revision: 'canary', emulate: 'kube-inject', proxy: { tag: '1.28.0', cni: true } } });
    expect(c.revision).toBe('canary');
    expect(c.emulate).toBe('kube-inject');
    expect(c.proxy.tag).toBe('1.28.0');
    expect(c.proxy.cni).toBe(true);
  });

  it('maps revision "default" to the default revision', () => {
    expect(loadConfig({ ...base, spec: { revision: 'default' } }).revision).toBe('');
  });

  it('reports unknown fields with their path', () => {
    expect(issues(() => loadConfig({ ...base, spec: { proxy: { tga: 'x' } } }))).toEqual([
      { path: 'spec.proxy.tga', message: 'unknown field' },
    ]);
    expect(issues(() => loadConfig({ ...base, spce: {} }))[0]!.path).toBe('spce');
  });

  it('reports wrongly typed fields with their path', () => {
    const found = issues(() => loadConfig({ ...base, spec: { workloads: [{ kind: 'Rollout', podTemplatePath: 3 }] } }));
    expect(found[0]!.path).toBe('spec.workloads[0].podTemplatePath');
    expect(issues(() => loadConfig({ ...base, spec: { policy: 'on' } }))[0]!.path).toBe('spec.policy');
  });

  it('rejects another version of our kind by name', () => {
    expect(issues(() => loadConfig({ ...base, apiVersion: 'inject-sidecar.dev/v9' }))[0]).toMatchObject({ path: 'apiVersion' });
  });

  it('reads a ConfigMap with flat keys, coercing types from the schema', () => {
    const c = loadConfig({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'function-input' },
      data: {
        revision: 'canary',
        nativeSidecars: 'true',
        'proxy.tag': '1.30',
        'proxy.statusPort': '15020',
        'proxy.cni': 'false',
        namespaces: '{shop: {labels: {istio-injection: enabled}}}',
      },
    });
    expect(c.revision).toBe('canary');
    expect(c.nativeSidecars).toBe(true);
    expect(c.proxy.tag).toBe('1.30');
    expect(c.proxy.statusPort).toBe(15020);
    expect(c.proxy.cni).toBe(false);
    expect(c.namespaces.shop!.labels['istio-injection']).toBe('enabled');
  });

  it('names the ConfigMap key on errors', () => {
    expect(issues(() => loadConfig({ apiVersion: 'v1', kind: 'ConfigMap', data: { colour: 'x' } }))).toEqual([
      { path: 'data.colour', message: 'unknown field' },
    ]);
    expect(issues(() => loadConfig({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'proxy.statusPort': 'abc' } }))[0]!.path).toBe(
      'data["proxy.statusPort"]',
    );
  });

  it('resolves nativeSidecars auto from kubeVersion', () => {
    expect(loadConfig({ ...base, spec: { kubeVersion: 'v1.33.1' } }).nativeSidecars).toBe(true);
    expect(loadConfig({ ...base, spec: { kubeVersion: '1.32' } }).nativeSidecars).toBe(false);
    expect(loadConfig({ ...base, spec: { nativeSidecars: true, kubeVersion: '1.20' } }).nativeSidecars).toBe(true);
    expect(issues(() => loadConfig({ ...base, spec: { kubeVersion: 'latest' } }))[0]!.path).toBe('spec.kubeVersion');
  });

  it('the committed JSON Schema is generated from the zod schema', () => {
    const committed = readFileSync(new URL('../../schema/sidecar-injection.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(functionConfigJsonSchemaText());
  });
});

describe('example function configs', () => {
  const dir = new URL('../../fn-config/', import.meta.url).pathname;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(4));
  for (const file of files) {
    it(`${file} is valid`, () => {
      const value = parseYamlValue(readFileSync(dir + file, 'utf8'));
      expect(() => loadConfig(value, file)).not.toThrow();
    });
  }
});
