/**
 * Keys that name JavaScript object internals (`__proto__`, `constructor`, `toString`) are
 * ordinary keys or clear errors naming the field, wherever the function config, values or manifests
 * hold them: never silently dropped by an assignment, never a crash ("type.safeParse is not a function").
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, loadConfig } from '../../src/config/load.js';
import { deepMerge } from '../../src/config/settings.js';
import { parseStream } from '../../src/io/index.js';
import { parseTemplateOutput } from '../../src/io/template-output.js';
import { checkRun, runCli } from '../reliability/harness.js';

/** The issues of the ConfigError that reading `config` ends with. */
const issues = (config: unknown) => {
  const e: unknown = (() => {
    try {
      loadConfig(config);
    } catch (x) {
      return x;
    }
  })();
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).issues;
};

const base = { apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection' };
const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
const own = (o: object, k: string) => Object.hasOwn(o, k);

describe('a flat ConfigMap function config', () => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'proxy.__proto__', 'proxy.constructor']) {
    it(`data key ${key} is an unknown field`, () => {
      // JSON.parse makes `__proto__` an own key, as the YAML reader does
      const config = cm(JSON.parse(JSON.stringify({ [key]: 'x' })) as Record<string, string>);
      expect(own(config.data, key)).toBe(true);
      expect(issues(config)).toEqual([{ path: formatPath(['data', key]), message: 'unknown field' }]);
    });
  }

  it('in KRM mode a ResourceList with the error comes back', async () => {
    const rl =
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    __proto__: x\n    constructor: y\n';
    const r = await runCli([], rl);
    expect(checkRun(r, 'krm')).toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/kind: ResourceList/);
    expect(r.stdout).toMatch(/data\.__proto__/);
    expect(r.stdout).toMatch(/data\.constructor/);
  });

  it('a structured value holding __proto__ is an error naming it', () => {
    expect(issues(cm({ values: '__proto__:\n  global: {hub: evil}\n' }))).toEqual([
      { path: 'data.values.__proto__', message: expect.stringMatching(/__proto__/) },
    ]);
  });
});

describe('our kind', () => {
  for (const [field, value] of [
    ['namespaces', { shop: { labels: { a: 'b' } } }],
    ['values', { global: { hub: 'x' } }],
    ['meshConfig', { defaultConfig: {} }],
  ] as const) {
    it(`spec.${field}.__proto__ is an error naming the field, not dropped`, () => {
      const spec = JSON.parse(`{"${field}": {"__proto__": ${JSON.stringify(Object.values(value)[0])}}}`) as object;
      expect(issues({ ...base, spec })).toEqual([{ path: `spec.${field}.__proto__`, message: expect.stringMatching(/__proto__/) }]);
    });
  }

  it('a namespace named constructor or toString is an ordinary namespace', () => {
    const c = loadConfig({ ...base, spec: { namespaces: { constructor: { labels: { 'istio-injection': 'enabled' } }, toString: {} } } });
    expect(Object.keys(c.namespaces)).toEqual(['constructor', 'toString']);
    expect(c.namespaces['constructor']?.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  it('values keys constructor and toString are kept', () => {
    const c = loadConfig({ ...base, spec: { values: { constructor: 1, toString: { a: 'b' } } } });
    expect(c.values).toEqual({ constructor: 1, toString: { a: 'b' } });
  });
});

describe('values read from YAML keep __proto__ as an ordinary key', () => {
  it('deepMerge keeps an own __proto__ key of either side', () => {
    const overlay = JSON.parse('{"__proto__": {"a": 1}, "b": 2}');
    const merged = deepMerge({ c: 3 }, overlay) as Record<string, unknown>;
    expect(own(merged, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.entries(merged)).toEqual([
      ['c', 3],
      ['__proto__', { a: 1 }],
      ['b', 2],
    ]);
    const merged2 = deepMerge(overlay, { b: 4 }) as Record<string, unknown>;
    expect(Object.entries(merged2)).toEqual([
      ['__proto__', { a: 1 }],
      ['b', 4],
    ]);
  });

  it('template output and values files', () => {
    const v = parseTemplateOutput('__proto__: {a: 1}\nconstructor: 2\n');
    expect(own(v, '__proto__')).toBe(true);
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
  });

  it('manifests (the fast reader leaves __proto__ to yaml)', () => {
    const [d] = parseStream('kind: A\n__proto__:\n  a: 1\nconstructor: 2\ntoString: {b: 3}\n');
    expect(own(d!.value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(d!.value)).toBe(Object.prototype);
    expect(Object.keys(d!.value)).toEqual(['kind', '__proto__', 'constructor', 'toString']);
  });
});

describe('through the CLI', () => {
  it('--config with namespaces.__proto__ is an error naming the field', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-proto-'));
    try {
      const p = join(dir, 'c.yaml');
      writeFileSync(
        p,
        'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nspec:\n  namespaces:\n    __proto__:\n      labels: {istio-injection: enabled}\n',
      );
      const r = await runCli(['--config', p, '-f', '-'], 'kind: A\n');
      expect(checkRun(r, 'stream')).toBeUndefined();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/spec\.namespaces\.__proto__: the key __proto__ is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
