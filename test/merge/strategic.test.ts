import { describe, expect, it } from 'vitest';
import { MergeError, podPatchMeta, podSchema, schemaFromTable, strategicMerge } from '../../src/merge/index.js';
import type { Json } from '../../src/kube/types.js';
import { UserError } from '../../src/results/result.js';

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const merge = (original: Json, patch: Json): Json => strategicMerge(deepFreeze(original), deepFreeze(patch), podSchema);
const names = (list: unknown): unknown[] => (list as { name: string }[]).map((x) => x.name);
const spec = (pod: Json): Record<string, Json> => (pod as { spec: Record<string, Json> }).spec;

describe('schema table', () => {
  it('has the Pod merge keys', () => {
    expect(podPatchMeta['spec.containers']).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(podPatchMeta['spec.volumes']).toEqual({ strategy: 'merge,retainKeys', mergeKey: 'name' });
    expect(podPatchMeta['spec.initContainers[].volumeMounts']).toEqual({ strategy: 'merge', mergeKey: 'mountPath' });
    expect(podPatchMeta['spec.ephemeralContainers[].env']).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(podPatchMeta['spec.hostAliases']?.mergeKey).toBe('ip');
    expect(podPatchMeta['spec.topologySpreadConstraints']?.mergeKey).toBe('topologyKey');
    expect(podPatchMeta['metadata.ownerReferences']?.mergeKey).toBe('uid');
    expect(podPatchMeta['metadata.finalizers']).toEqual({ strategy: 'merge' });
    expect(podPatchMeta['spec.tolerations']).toBeUndefined();
  });
  it('builds a tree where list elements share the list node', () => {
    const tree = schemaFromTable({ 'a.b': { strategy: 'merge', mergeKey: 'k' }, 'a.b[].c': { strategy: 'replace' } });
    expect(tree.fields?.a?.fields?.b?.meta?.mergeKey).toBe('k');
    expect(tree.fields?.a?.fields?.b?.fields?.c?.meta?.strategy).toBe('replace');
  });
});

describe('maps', () => {
  it('merges maps key by key; existing keys keep their place, new keys are appended', () => {
    const out = merge({ metadata: { labels: { app: 'a', x: '1' } } }, { metadata: { labels: { y: '2', app: 'b' } } });
    expect(out).toEqual({ metadata: { labels: { app: 'b', x: '1', y: '2' } } });
    expect(Object.keys((out as { metadata: { labels: object } }).metadata.labels)).toEqual(['app', 'x', 'y']);
  });
  it('null deletes a key and is never copied into the result', () => {
    expect(merge({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null, c: null } } })).toEqual({
      metadata: { labels: { b: '2' } },
    });
  });
  it('a value of another type replaces the original', () => {
    expect(merge({ spec: { x: [1] } }, { spec: { x: { a: 1 } } })).toEqual({ spec: { x: { a: 1 } } });
    expect(merge({ spec: { x: 'a' } }, { spec: { x: 2 } })).toEqual({ spec: { x: 2 } });
  });
  it('$patch: replace replaces the map', () => {
    expect(merge({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { $patch: 'replace', c: '3' } } })).toEqual({
      metadata: { labels: { c: '3' } },
    });
  });
  it('$patch: delete empties the map (the key stays)', () => {
    expect(merge({ spec: { securityContext: { runAsUser: 1 } } }, { spec: { securityContext: { $patch: 'delete' } } })).toEqual({
      spec: { securityContext: {} },
    });
  });
  it('$patch: merge on a map is rejected', () => {
    expect(() => merge({ spec: { a: { b: 1 } } }, { spec: { a: { $patch: 'merge' } } })).toThrow(MergeError);
  });
  it('a non-object original counts as empty', () => {
    expect(strategicMerge(null, { a: 1 }, podSchema)).toEqual({ a: 1 });
  });
  it('rejects a non-object patch', () => {
    expect(() => strategicMerge({}, [1], podSchema)).toThrow(MergeError);
  });
  it('does not modify its inputs', () => {
    const original = { spec: { containers: [{ name: 'a', env: [{ name: 'A', value: '1' }] }] } };
    const patch = { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }] }] } };
    const before = JSON.stringify([original, patch]);
    strategicMerge(original, patch, podSchema);
    expect(JSON.stringify([original, patch])).toBe(before);
  });
});

describe('lists', () => {
  it('lists without a strategy are replaced (args, tolerations, capabilities.add)', () => {
    const out = merge(
      { spec: { tolerations: [{ key: 'a' }], containers: [{ name: 'c', args: ['x', 'y'], securityContext: { capabilities: { add: ['A'] } } }] } },
      { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'c', args: ['z'], securityContext: { capabilities: { add: ['B'] } } }] } },
    );
    expect(out).toEqual({
      spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'c', args: ['z'], securityContext: { capabilities: { add: ['B'] } } }] },
    });
  });
  it('lists of unknown fields are replaced', () => {
    expect(merge({ spec: { custom: [{ name: 'a' }] } }, { spec: { custom: [{ name: 'b' }] } })).toEqual({ spec: { custom: [{ name: 'b' }] } });
  });
  it('disjoint lists: patch items first, then the original items (injected volumes before user volumes)', () => {
    const out = merge(
      {
        spec: {
          volumes: [
            { name: 'certs', secret: { secretName: 's' } },
            { name: 'data', emptyDir: {} },
          ],
        },
      },
      {
        spec: {
          volumes: [
            { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
            { name: 'istio-data', emptyDir: {} },
          ],
        },
      },
    );
    expect(names(spec(out).volumes)).toEqual(['istio-envoy', 'istio-data', 'certs', 'data']);
  });
  it('merges elements by key and keeps original-only items at their place relative to shared items', () => {
    // original [a,b,c], patch [c,x,a]: patch order for patch items, b before c because it was before c.
    const out = merge(
      { spec: { containers: [{ name: 'a', image: 'a1' }, { name: 'b' }, { name: 'c' }] } },
      { spec: { containers: [{ name: 'c', image: 'c2' }, { name: 'x' }, { name: 'a', image: 'a2' }] } },
    );
    expect(names(spec(out).containers)).toEqual(['b', 'c', 'x', 'a']);
    expect(spec(out).containers).toContainEqual({ name: 'a', image: 'a2' });
    expect(spec(out).containers).toContainEqual({ name: 'c', image: 'c2' });
  });
  it('a patch item that overlaps keeps user neighbours around it', () => {
    const out = merge(
      { spec: { containers: [{ name: 'u1' }, { name: 'istio-proxy' }, { name: 'u2' }] } },
      { spec: { containers: [{ name: 'istio-proxy', image: 'p' }] } },
    );
    expect(names(spec(out).containers)).toEqual(['u1', 'istio-proxy', 'u2']);
  });
  it('new patch items come before the remaining original items', () => {
    const out = merge({ spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } }, { spec: { containers: [{ name: 'a' }, { name: 'x' }] } });
    expect(names(spec(out).containers)).toEqual(['a', 'x', 'b', 'c']);
  });
  it('merges env by name and ports by containerPort inside a container', () => {
    const out = merge(
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 80, name: 'http' }],
            },
          ],
        },
      },
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'B', value: '3' },
                { name: 'C', value: '4' },
              ],
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 90 }],
            },
          ],
        },
      },
    );
    expect(spec(out).containers).toEqual([
      {
        name: 'c',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ],
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 90 }],
      },
    ]);
  });
  it('merges volumeMounts by mountPath: user mounts after the injected ones (proxy-override golden)', () => {
    const merged = merge(
      { spec: { initContainers: [{ name: 'istio-proxy', volumeMounts: [{ mountPath: '/etc/certs', name: 'certs' }] }] } },
      {
        spec: {
          initContainers: [
            { name: 'istio-init' },
            {
              name: 'istio-proxy',
              volumeMounts: [
                { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
                { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
              ],
            },
          ],
        },
      },
    );
    const again = strategicMerge(
      merged,
      { spec: { initContainers: [{ name: 'istio-proxy', volumeMounts: [{ mountPath: '/etc/certs', name: 'certs' }] }] } },
      podSchema,
    );
    const proxy = (spec(again).initContainers as { name: string; volumeMounts: { mountPath: string }[] }[]).find((c) => c.name === 'istio-proxy');
    expect(proxy?.volumeMounts.map((m) => m.mountPath)).toEqual(['/etc/istio/proxy', '/etc/istio/pod', '/etc/certs']);
    expect(names(spec(again).initContainers)).toEqual(['istio-init', 'istio-proxy']);
  });
  it('drops null fields of added elements: `- emptyDir:` gives a volume with only a name', () => {
    expect(merge({}, { spec: { volumes: [{ name: 'workload-socket', emptyDir: null }] } })).toEqual({ spec: { volumes: [{ name: 'workload-socket' }] } });
    expect(merge({ spec: { volumes: [{ name: 'u', emptyDir: {} }] } }, { spec: { volumes: [{ name: 'w', emptyDir: null }] } })).toEqual({
      spec: { volumes: [{ name: 'w' }, { name: 'u', emptyDir: {} }] },
    });
  });
  it('null inside a merged element deletes the field of the original element', () => {
    expect(merge({ spec: { volumes: [{ name: 'w', emptyDir: {} }] } }, { spec: { volumes: [{ name: 'w', emptyDir: null }] } })).toEqual({
      spec: { volumes: [{ name: 'w' }] },
    });
  });
  it('a patch element without its merge key is an error (a UserError with the path)', () => {
    expect(() => merge({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ image: 'x' }] } })).toThrow(/merge key "name"/);
    try {
      merge({ spec: { containers: [] } }, { spec: { containers: [{ image: 'x' }] } });
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).fieldPath).toBe('spec.containers');
    }
  });
  it('original elements without the merge key stay in place (unnamed Knative containers)', () => {
    const out = merge(
      { spec: { containers: [{ image: 'app1' }, { name: 'b' }, { image: 'app2' }] } },
      { spec: { containers: [{ name: 'b', image: 'bb' }, { name: 'istio-proxy' }] } },
    );
    expect(spec(out).containers).toEqual([{ image: 'app1' }, { name: 'b', image: 'bb' }, { name: 'istio-proxy' }, { image: 'app2' }]);
  });
  it('merged scalar lists are concatenated and de-duplicated (finalizers)', () => {
    expect(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } })).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
    expect(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } })).toEqual({ metadata: { finalizers: ['c', 'a', 'b'] } });
  });
  it('ownerReferences merge by uid', () => {
    expect(
      merge({ metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } }, { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2' }] } }),
    ).toEqual({ metadata: { ownerReferences: [{ uid: '1', name: 'a', controller: true }, { uid: '2' }] } });
  });
});

describe('long lists (looked up through a key index)', () => {
  const env = (names: string[], value: string) => names.map((name) => ({ name, value }));
  const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

  it('orders and merges as short lists do: patch items in patch order, original-only items where they were', () => {
    const original = env(range('O', 0, 20), 'o');
    const patchNames = ['O5', 'N0', 'O2', ...range('N', 1, 10), 'O19'];
    const out = merge({ spec: { containers: [{ name: 'c', env: original }] } }, { spec: { containers: [{ name: 'c', env: env(patchNames, 'p') }] } });
    const merged = (spec(out).containers as { env: { name: string; value: string }[] }[])[0]!.env;
    expect(merged.map((e) => e.name)).toEqual(['O0', 'O1', 'O3', 'O4', 'O5', 'N0', 'O2', ...range('N', 1, 10), ...range('O', 6, 19), 'O19']);
    for (const e of merged) expect(e.value).toBe(patchNames.includes(e.name) ? 'p' : 'o');
  });
  it('a null merge key deletes the key of the item it merged into, so the next item with it is not found there', () => {
    const original = [...env(range('v', 0, 9), 'o'), { name: null, value: 'n' }] as Json;
    expect(() => merge({ spec: { volumes: original } }, { spec: { volumes: [{ name: null }, { name: null }] } })).toThrow(
      'spec.volumes: list item {} is missing from the list that orders it',
    );
  });
  it('an added merge-keyed list: items with the same key are merged, a null key is an error', () => {
    const out = merge({}, { spec: { volumes: [{ name: 'a', emptyDir: {} }, { name: 'b' }, { name: 'a', secret: { secretName: 's' } }] } });
    expect(spec(out).volumes).toEqual([{ name: 'a', emptyDir: {}, secret: { secretName: 's' } }, { name: 'b' }]);
    expect(() => merge({}, { spec: { volumes: [{ name: null }] } })).toThrow('spec.volumes: list item {} is missing from the list that orders it');
  });
  it('long scalar lists: de-duplicated, patch values in patch order among the original ones', () => {
    const out = merge({ metadata: { finalizers: range('f', 0, 10) } }, { metadata: { finalizers: ['f3', 'g', 'f3'] } }) as {
      metadata: { finalizers: string[] };
    };
    expect(out.metadata.finalizers).toEqual(['f0', 'f1', 'f2', 'f3', 'g', ...range('f', 4, 10)]);
  });
});

describe('list directives', () => {
  it('$patch: delete removes the element with that key', () => {
    expect(merge({ spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } })).toEqual({
      spec: { containers: [{ name: 'b' }] },
    });
  });
  it('$patch: replace makes the patch the whole list', () => {
    expect(
      merge(
        { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } },
        { spec: { containers: [{ name: 'c' }, { name: 'a' }, { $patch: 'replace' }] } },
      ),
    ).toEqual({ spec: { containers: [{ name: 'c' }, { name: 'a' }] } });
  });
  it('$patch: merge in a list is rejected', () => {
    expect(() => merge({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ $patch: 'merge' }] } })).toThrow(/cannot yet be specified/);
  });
  it('an unknown directive is rejected', () => {
    expect(() => merge({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ name: 'a', $patch: 'frob' }] } })).toThrow(MergeError);
  });
  it('$retainKeys clears the fields it does not list (volume source switch)', () => {
    expect(
      merge(
        { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
        { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] } },
      ),
    ).toEqual({ spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] } });
  });
  it('$retainKeys must list every field the patch sets', () => {
    expect(() => merge({ spec: { volumes: [{ name: 'v' }] } }, { spec: { volumes: [{ name: 'v', $retainKeys: ['name'], secret: {} }] } })).toThrow(MergeError);
  });
  it('$setElementOrder orders the merged list', () => {
    expect(
      merge(
        { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
        { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'a', image: 'i' }] } },
      ),
      // c, a by the directive; b (server-only) goes before c because it preceded c in the live list.
    ).toEqual({ spec: { containers: [{ name: 'b' }, { name: 'c' }, { name: 'a', image: 'i' }] } });
  });
  it('$setElementOrder on a scalar list', () => {
    expect(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'], finalizers: ['c'] } })).toEqual({
      metadata: { finalizers: ['b', 'c', 'a'] },
    });
  });
  it('$setElementOrder must agree with the patch list order', () => {
    expect(() =>
      merge(
        { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
        { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] } },
      ),
    ).toThrow(MergeError);
  });
  it('$deleteFromPrimitiveList removes scalars', () => {
    expect(merge({ metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } })).toEqual({
      metadata: { finalizers: ['a', 'c'] },
    });
    expect(merge({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } })).toEqual({ metadata: {} });
  });
  it('directives in a value the original lacks are applied, not copied', () => {
    expect(merge({}, { metadata: { labels: { $patch: 'replace', a: '1' } } })).toEqual({ metadata: { labels: { a: '1' } } });
    expect(merge({ spec: {} }, { spec: { containers: [{ name: 'a' }, { name: 'b', $patch: 'delete' }] } })).toEqual({ spec: { containers: [{ name: 'a' }] } });
  });
});
