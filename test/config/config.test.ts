import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parseYamlValue } from '../../src/io/yaml-value.js';
import * as fc from 'fast-check';
import { ConfigError, directSpec, loadConfig } from '../../src/config/load.js';
import { loadConfigLazily } from '../../src/config/config.js';
import { API_VERSION, configSchemas, FunctionConfigSchema, SpecSchema } from '../../src/config/schema.js';
import type { JsonObject } from '../../src/kube/types.js';
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
      { path: 'spec.proxy.tga', message: 'unknown field; did you mean tag?' },
    ]);
    expect(issues(() => loadConfig({ ...base, spce: {} }))[0]).toEqual({ path: 'spce', message: 'unknown field; did you mean spec?' });
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
    expect(issues(() => loadConfig({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'proxy.statusPort': 'abc' } }))[0]!.path).toBe('data["proxy.statusPort"]');
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

describe('the direct check (configs read without building the zod schema)', () => {
  const valueArb = fc.oneof(
    fc.constantFrom('', 'default', 'canary', 'auto', 'inject', 'explain', 'check', 'uninject', 'full', 'patch', 'label', 'warn', 'error'),
    fc.constantFrom('native', 'classic', 'skip', 'enabled', 'disabled', 'webhook', 'kube-inject', 'openshift', 'exact', 'legacy', 'Inject'),
    fc.constantFrom('1.33', 'v1.33.2', '1.33-rc.1', '1', 'x1.2', '1.2.3.4', 'v1.2+build', '1.2\n'),
    fc.boolean(),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.constantFrom('a', '', 'b', 1 as unknown), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'constructor'), fc.constantFrom('x', 1 as unknown), { maxKeys: 2 }),
  );
  const specKey = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        'mode',
        'output',
        'webhookCoexistence',
        'jobs',
        'revision',
        'revisionTags',
        'policy',
        'emulate',
        'defaultNamespace',
        'enableNamespacesByDefault',
        'nativeSidecars',
        'kubeVersion',
        'compliancePolicy',
        'platform',
        'injectValueSemantics',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('proxy', 'values', 'namespaces', 'unknown', 'constructor', '__proto__') },
  );
  // values the schema accepts for each field, mixed with anything at all
  const likely: Record<string, unknown[]> = {
    mode: ['inject', 'explain', 'check', 'uninject'],
    output: ['full', 'patch'],
    webhookCoexistence: ['label', 'warn', 'error'],
    jobs: ['native', 'classic', 'skip'],
    revision: ['', 'default', 'canary'],
    revisionTags: [[], ['a'], ['a', 'b']],
    policy: ['enabled', 'disabled'],
    emulate: ['webhook', 'kube-inject'],
    defaultNamespace: ['default', 'x'],
    enableNamespacesByDefault: [true, false],
    nativeSidecars: [true, false, 'auto'],
    kubeVersion: ['1.33', 'v1.30.1', '1.34-rc.0'],
    compliancePolicy: ['', 'fips-140-3'],
    platform: ['openshift'],
    injectValueSemantics: ['exact', 'legacy'],
    proxy: [
      {},
      { tag: '1' },
      { hub: 'docker.io/istio', tag: '1.28.0', logLevel: 'debug', componentLogLevel: 'misc:error,upstream:debug' },
      { hub: 'docker.io/istio/' },
      { hub: 'Docker.io/istio' },
      { tag: '' },
      { tag: '-x' },
      { logLevel: 'verbose' },
      { agentLogLevel: 'default:info' },
      { agentLogLevel: 'default' },
      { statusPort: 15020 },
      { statusPort: 70000 },
      { statusPort: 1.5 },
      { cni: true, holdApplicationUntilProxyStarts: false, imageType: 'distroless', imagePullPolicy: '', interceptionMode: 'TPROXY' },
      { imageType: 'slim' },
      { image: '' },
      { clusterName: '', network: 'n', meshID: 'm', istioNamespace: 'istio-system', includeIPRanges: '*' },
      { istioNamespace: '' },
      { resources: { requests: { cpu: '100m' } } },
      { imagePullSecrets: ['s'] },
      { tga: '1' },
    ],
    values: [{}, { a: 1 }],
    namespaces: [{}],
  };
  // values that nearly pass: wrong case, empty, a trailing newline, another type
  const nearMiss = fc.constantFrom<unknown>('', 'x', 'Inject', 'AUTO', '1.2\n', 'v1', '1.33.', 'auto', 'true', true, 0, null, [], [''], {});
  const fieldArb = (key: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(Object.hasOwn(likely, key) ? likely[key]! : [undefined])) },
      { weight: 2, arbitrary: nearMiss },
      { weight: 1, arbitrary: valueArb },
    );
  const configArb = fc
    .record(
      {
        apiVersion: fc.constantFrom(API_VERSION, API_VERSION, API_VERSION, 'inject-sidecar.dev/v1', 'v1'),
        kind: fc.constantFrom('SidecarInjection', 'SidecarInjection', 'SidecarInjection', 'ConfigMap', 'Other'),
        metadata: fc.oneof(
          { weight: 3, arbitrary: fc.dictionary(fc.constantFrom('name', 'annotations', 'constructor'), valueArb, { maxKeys: 2 }) },
          { weight: 1, arbitrary: valueArb },
        ),
        spec: fc.oneof(
          {
            weight: 4,
            arbitrary: fc
              .uniqueArray(specKey, { maxLength: 4 })
              .chain((keys) => fc.tuple(...keys.map((k) => fieldArb(k))).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]])))),
          },
          { weight: 1, arbitrary: valueArb },
        ),
      },
      { requiredKeys: ['apiVersion', 'kind'] },
    )
    .chain((c) => fc.oneof({ weight: 9, arbitrary: fc.constant(c) }, { weight: 1, arbitrary: valueArb.map((extra) => ({ ...c, extra })) }));

  it('accepts only what the schema accepts, with the same spec', () => {
    let direct = 0;
    fc.assert(
      fc.property(configArb, (config) => {
        const got = directSpec(config as JsonObject);
        if (got === undefined) return;
        direct++;
        const parsed = configSchemas().FunctionConfigSchema.safeParse(config);
        expect(parsed.success).toBe(true);
        expect(got).toEqual(parsed.data!.spec ?? {});
      }),
      { numRuns: 3000 },
    );
    // the generator reaches the direct path often enough for this to mean something
    expect(direct).toBeGreaterThan(100);
  });

  it('agrees with the schema on every field alone, for every value tried', () => {
    const values = [...new Set([...Object.values(likely).flat(), ...fc.sample(nearMiss, 200), ...fc.sample(valueArb, { seed: 1, numRuns: 300 })])];
    let direct = 0;
    for (const key of [...Object.keys(likely), 'unknown', 'constructor', '__proto__']) {
      for (const value of values) {
        const config = { ...base, spec: Object.fromEntries([[key, value]]) } as JsonObject;
        const got = directSpec(config);
        const parsed = configSchemas().FunctionConfigSchema.safeParse(config);
        if (got === undefined) continue;
        direct++;
        expect({ key, value, accepted: parsed.success }).toEqual({ key, value, accepted: true });
        expect(got).toEqual(parsed.data!.spec);
      }
    }
    expect(direct).toBeGreaterThan(40);
  });

  it('reads the usual configs directly and leaves the rest to the schema', () => {
    expect(directSpec({ ...base, metadata: { name: 'inject' }, spec: { revision: '' } })).toEqual({ revision: '' });
    expect(directSpec({ ...base })).toEqual({});
    expect(directSpec({ ...base, spec: { kubeVersion: 'v1.33.2', nativeSidecars: 'auto', revisionTags: ['a'] } })).toEqual({
      kubeVersion: 'v1.33.2',
      nativeSidecars: 'auto',
      revisionTags: ['a'],
    });
    expect(directSpec({ ...base, spec: { proxy: { hub: 'docker.io/istio', tag: '1' } } })).toEqual({ proxy: { hub: 'docker.io/istio', tag: '1' } });
    expect(directSpec({ ...base, spec: { proxy: { resources: {} } } })).toBeUndefined();
    expect(directSpec({ ...base, spec: { policy: 'on' } })).toBeUndefined();
    expect(directSpec({ ...base, spec: { kubeVersion: 'latest' } })).toBeUndefined();
    expect(directSpec({ ...base, spec: { revisionTags: [''] } })).toBeUndefined();
    // errors still come from the schema, with its words and paths
    expect(issues(() => loadConfig({ ...base, spec: { policy: 'on' } }))[0]!.path).toBe('spec.policy');
  });

  it('the named schema exports stand for the built schemas', () => {
    expect('platform' in SpecSchema.shape).toBe(true);
    expect(SpecSchema.safeParse({ revision: 1 }).success).toBe(false);
    expect(FunctionConfigSchema.safeParse({ ...base, spec: { revision: 'x' } }).data?.spec?.revision).toBe('x');
  });
});

describe('loadConfigLazily (config.ts, without zod until a config needs it)', () => {
  const outcome = async (f: () => Promise<unknown> | unknown) => {
    try {
      return { config: await f() };
    } catch (e) {
      return { error: e instanceof ConfigError ? e.issues : String(e) };
    }
  };
  const configs: unknown[] = [
    undefined,
    null,
    'text',
    [],
    { ...base },
    { ...base, spec: { revision: 'canary', revisionTags: ['a'], kubeVersion: '1.34' } },
    { ...base, spec: { revision: 'canary', revisions: [{ revision: 'canary' }] } },
    { ...base, spec: { proxy: { tag: '1.28.0' }, namespaces: { shop: { labels: { a: 'b' } } } } },
    { ...base, spec: { policy: 'on' } },
    { ...base, apiVersion: 'inject-sidecar.dev/v2' },
    { apiVersion: 'v1', kind: 'ConfigMap', data: { revision: 'canary', 'proxy.tag': '1', nativeSidecars: 'true' } },
    { apiVersion: 'v1', kind: 'ConfigMap', data: { nope: 'x' } },
    { apiVersion: 'v2', kind: 'ConfigMap', data: {} },
    { kind: 'Other' },
  ];

  it('gives what loadConfig gives, config or errors', async () => {
    for (const c of configs) {
      const want = await outcome(() => loadConfig(c, 'functionConfig', { emulate: 'kube-inject' }));
      expect(await outcome(() => loadConfigLazily(c, 'functionConfig', { emulate: 'kube-inject' }))).toEqual(want);
    }
  });

  it('config.ts and values.ts load neither zod nor the schema', () => {
    for (const file of ['config.ts', 'values.ts']) {
      const text = readFileSync(new URL(`../../src/config/${file}`, import.meta.url), 'utf8');
      const valueImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
      expect(
        valueImports.filter((m) => m === 'zod' || m === './schema.js' || m === './load.js'),
        file,
      ).toEqual([]);
    }
  });
});

describe('function config values are checked by value', () => {
  const one = (spec: Record<string, unknown>) => issues(() => loadConfig({ ...base, spec }));

  it('proxy resources must be Kubernetes quantities, named by their field', () => {
    expect(one({ proxy: { resources: { requests: { cpu: 'lots' } } } })).toEqual([
      { path: 'spec.proxy.resources.requests.cpu', message: 'expected a Kubernetes quantity such as 100m, 128Mi or 2' },
    ]);
    expect(one({ proxy: { resources: { limits: { memory: true } } } })[0]!.path).toBe('spec.proxy.resources.limits.memory');
    const c = loadConfig({ ...base, spec: { proxy: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 2, memory: '1e3' } } } } });
    expect(c.proxy.resources?.limits?.cpu).toBe(2);
  });

  it("log levels are Istio's", () => {
    expect(one({ proxy: { logLevel: 'verbose' } })).toEqual([
      { path: 'spec.proxy.logLevel', message: 'expected trace, debug, info, warning, error, critical or off' },
    ]);
    for (const bad of ['misc', 'misc:loud', 'misc:error,', 'misc:error upstream:debug']) {
      expect(one({ proxy: { componentLogLevel: bad } })[0]!.path).toBe('spec.proxy.componentLogLevel');
    }
    expect(one({ proxy: { agentLogLevel: 'default:chatty' } })[0]!.message).toContain('name:level');
    const c = loadConfig({ ...base, spec: { proxy: { logLevel: 'debug', componentLogLevel: 'misc:error,upstream:debug', agentLogLevel: 'default:info' } } });
    expect(c.proxy.componentLogLevel).toBe('misc:error,upstream:debug');
  });

  it('image hubs and tags', () => {
    for (const hub of ['docker.io/istio/', 'docker.io/ istio', 'Docker.io/Istio', '']) {
      expect(one({ proxy: { hub } }), hub).toEqual([{ path: 'spec.proxy.hub', message: expect.stringContaining('no trailing /') as string }]);
    }
    for (const hub of ['docker.io/istio', 'gcr.io/istio-release', 'localhost:5000/mesh', 'registry.example.com/a/b_c']) {
      expect(loadConfig({ ...base, spec: { proxy: { hub } } }).proxy.hub).toBe(hub);
    }
    expect(one({ proxy: { tag: '1.28 .0' } })[0]!.path).toBe('spec.proxy.tag');
    expect(one({ proxy: { tag: '-x' } })[0]!.path).toBe('spec.proxy.tag');
    expect(loadConfig({ ...base, spec: { proxy: { tag: '1.28.0-distroless' } } }).proxy.tag).toBe('1.28.0-distroless');
  });

  it('enumerated fields list the accepted values', () => {
    expect(one({ nativeSidecars: 'yes' })).toEqual([{ path: 'spec.nativeSidecars', message: 'expected true, false or auto' }]);
    expect(one({ policy: 'on' })).toEqual([{ path: 'spec.policy', message: 'expected enabled or disabled' }]);
    expect(one({ jobs: 'x' })[0]!.message).toBe('expected native, classic or skip');
    expect(one({ proxy: { imagePullPolicy: 'always' } })[0]!.message).toBe('expected Always, IfNotPresent, Never or ""');
    expect(one({ revisions: [{ revision: 'canary', nativeSidecars: 1 }] })[0]).toEqual({
      path: 'spec.revisions[0].nativeSidecars',
      message: 'expected true, false or auto',
    });
  });

  it('unknown fields suggest the closest known one', () => {
    expect(one({ defaultNamespce: 'shop' })).toEqual([{ path: 'spec.defaultNamespce', message: 'unknown field; did you mean defaultNamespace?' }]);
    expect(one({ proxy: { tga: '1' } })).toEqual([{ path: 'spec.proxy.tga', message: 'unknown field; did you mean tag?' }]);
    expect(one({ namespaces: { shop: { label: {} } } })[0]!.message).toBe('unknown field; did you mean labels?');
    expect(one({ revisions: [{ revision: 'a', polcy: 'enabled' }] })[0]!.message).toBe('unknown field; did you mean policy?');
    expect(one({ somethingElse: 1 })).toEqual([{ path: 'spec.somethingElse', message: 'unknown field' }]);
    expect(issues(() => loadConfig({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'proxy.hubb': 'x', nativeSidecar: 'true' } }))).toEqual([
      { path: 'data["proxy.hubb"]', message: 'unknown field; did you mean proxy.hub?' },
      { path: 'data.nativeSidecar', message: 'unknown field; did you mean nativeSidecars?' },
    ]);
  });

  it('the direct path leaves every value the schema rejects to the schema', () => {
    const rejected: JsonObject[] = [
      { nativeSidecars: 'yes' },
      { policy: 'on' },
      { proxy: { hub: 'docker.io/istio/' } },
      { proxy: { logLevel: 'verbose' } },
      { defaultNamespce: 'x' },
    ];
    for (const spec of rejected) {
      expect(directSpec({ ...base, spec })).toBeUndefined();
      expect(configSchemas().FunctionConfigSchema.safeParse({ ...base, spec }).success).toBe(false);
    }
  });
});
