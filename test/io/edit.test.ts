import { describe, expect, it } from 'vitest';
import { emitStream, isAmbiguousString, parseStream } from '../../src/io/index.js';
import { assocIn } from '../../src/io/edit.js';
import type { Json, JsonObject } from '../../src/kube/types.js';

const deployment = `# the web app
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # inline name comment
  labels: {app: web}
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: web
    spec:
      # the app container
      containers:
      - name: app # main
        image: "nginx:1.25"
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 2000m   # two cores
            memory: 1Gi
      volumes:
      - name: data
        emptyDir: {}
`;

function template(doc: JsonObject): JsonObject {
  return structuredClone((doc.spec as JsonObject).template as JsonObject);
}

describe('ResourceHandle.update (minimal edit)', () => {
  it('adds containers, volumes and annotations keeping comments, quoting and 2000m', () => {
    const [d] = parseStream(deployment);
    const t = template(d!.value) as any;
    t.metadata.annotations = { 'sidecar.istio.io/status': 'injected', 'prometheus.io/port': '15020' };
    t.spec.containers.push({ name: 'istio-proxy', image: 'proxyv2:1.24', args: ['proxy', 'sidecar'] });
    t.spec.volumes.push({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    t.status = {};
    t.metadata.creationTimestamp = null;
    d!.update(['spec', 'template'], t);
    expect(d!.changed).toBe(true);
    const out = emitStream([d!]);
    expect(out).toBe(`# the web app
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # inline name comment
  labels: {app: web}
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: web
      annotations:
        sidecar.istio.io/status: injected
        prometheus.io/port: "15020"
    spec:
      # the app container
      containers:
      - name: app # main
        image: "nginx:1.25"
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 2000m   # two cores
            memory: 1Gi
      - name: istio-proxy
        image: proxyv2:1.24
        args:
        - proxy
        - sidecar
      volumes:
      - name: data
        emptyDir: {}
      - name: istio-envoy
        emptyDir:
          medium: Memory
`);
    expect(out).not.toContain('status: {}');
    expect(out).not.toContain('creationTimestamp');
    expect((d!.value.spec as any).template.spec.containers[1].name).toBe('istio-proxy');
  });

  it('an update to an equal value changes nothing', () => {
    const [d] = parseStream(deployment);
    d!.update(['spec', 'template'], template(d!.value));
    expect(d!.changed).toBe(false);
    expect(emitStream([d!])).toBe(deployment);
  });

  it('matches sequence items by name and keeps their comments when reordered', () => {
    const text = 'kind: A\nlist:\n- name: a # first\n  v: 1\n- name: b # second\n  v: 2\n';
    const [d] = parseStream(text);
    d!.update(
      ['list'],
      [
        { name: 'x', v: 0 },
        { name: 'b', v: 2 },
        { name: 'a', v: 10 },
      ],
    );
    expect(emitStream([d!])).toBe('kind: A\nlist:\n- name: x\n  v: 0\n- name: b # second\n  v: 2\n- name: a # first\n  v: 10\n');
  });

  it('deletes keys with their comments and keeps the order of existing keys', () => {
    const text = 'kind: A\nb: 1 # bee\n# about c\nc: 2\na: 3\n';
    const [d] = parseStream(text);
    d!.update([], { a: 3, kind: 'A', b: 1 });
    expect(emitStream([d!])).toBe('kind: A\nb: 1 # bee\na: 3\n');
  });

  it('inserts new keys after the preceding existing key', () => {
    const [d] = parseStream('kind: A\nmetadata:\n  name: x\nspec: {}\n');
    d!.update(['metadata'], { name: 'x', namespace: 'ns' });
    d!.update([], { kind: 'A', metadata: d!.value.metadata!, extra: true, spec: {} });
    expect(emitStream([d!])).toBe('kind: A\nmetadata:\n  name: x\n  namespace: ns\nextra: true\nspec: {}\n');
  });

  it('quotes strings YAML 1.1 or 1.2 would misread, and writes multi-line strings as literal blocks', () => {
    const [d] = parseStream('kind: A\n');
    const values: Record<string, Json> = {
      t: 'true',
      port: '15001',
      star: '*',
      empty: '',
      on: 'on',
      exp: '1e3',
      y: 'y',
      date: '2024-01-02',
      plain: 'hello world',
      cpu: '100m',
      script: 'line 1\nline 2\n',
      noNl: 'a\nb',
    };
    d!.update([], { kind: 'A', ...values });
    expect(emitStream([d!])).toBe(
      'kind: A\nt: "true"\nport: "15001"\nstar: "*"\nempty: ""\n"on": "on"\nexp: "1e3"\n"y": "y"\ndate: "2024-01-02"\n' +
        'plain: hello world\ncpu: 100m\nscript: |\n  line 1\n  line 2\nnoNl: |-\n  a\n  b\n',
    );
    expect(parseStream(emitStream([d!]))[0]!.value).toEqual({ kind: 'A', ...values });
  });

  it('keeps a scalar comment when the value changes', () => {
    const [d] = parseStream('kind: A\nreplicas: 2 # keep me\n');
    d!.update(['replicas'], 3);
    expect(emitStream([d!])).toBe('kind: A\nreplicas: 3 # keep me\n');
  });

  it('keeps numbers as written in a re-printed document', () => {
    const [d] = parseStream('kind: A\na: 1e3\nb: 0x1F\nc: 1.50\nd: 012\n');
    d!.update(['e'], 'new');
    expect(emitStream([d!])).toBe('kind: A\na: 1e3\nb: 0x1F\nc: 1.50\nd: 012\ne: new\n');
  });

  it('keeps the wide sequence indentation of the source', () => {
    const [d] = parseStream('kind: A\nlist:\n  - a\n  - b\n');
    d!.update(['list'], ['a', 'b', 'c']);
    expect(emitStream([d!])).toBe('kind: A\nlist:\n  - a\n  - b\n  - c\n');
  });

  it('creates missing parents', () => {
    const [d] = parseStream('kind: A\n');
    d!.update(['spec', 'template', 'metadata', 'labels'], { a: 'b' });
    expect(emitStream([d!])).toBe('kind: A\nspec:\n  template:\n    metadata:\n      labels:\n        a: b\n');
  });

  it('edits a document with anchors through yaml', () => {
    const [d] = parseStream('kind: A\nbase: &b {x: 1}\nuse: *b\n');
    expect(d!.value.use).toEqual({ x: 1 });
    d!.update(['other'], 2);
    expect(emitStream([d!])).toBe('kind: A\nbase: &b {x: 1}\nuse: *b\nother: 2\n');
  });

  it('isAmbiguousString', () => {
    for (const s of ['yes', 'No', 'ON', '0b101', '1_000', '1:20', '.5', '+1', '-.inf', '.NaN', '~', 'null', '0o17', '2021-01-01'])
      expect(isAmbiguousString(s), s).toBe(true);
    for (const s of ['2000m', '1Gi', 'web', 'v1', 'true-ish', 'nginx:1.25', '10.0.0.1/8']) expect(isAmbiguousString(s), s).toBe(false);
  });
});

describe('assocIn', () => {
  it('copies the containers on the path and shares the rest', () => {
    const root: Json = { a: { b: [1, { c: 2 }] }, d: { e: 3 } };
    const out = assocIn(root, ['a', 'b', 1, 'c'], 4) as JsonObject;
    expect(out).toEqual({ a: { b: [1, { c: 4 }] }, d: { e: 3 } });
    expect(root).toEqual({ a: { b: [1, { c: 2 }] }, d: { e: 3 } });
    expect(out.d).toBe((root as JsonObject).d);
    // missing maps are made
    expect(assocIn(null, ['x', 'y'], 1)).toEqual({ x: { y: 1 } });
  });

  it('changes in place the containers an earlier call made for the same owner, never the others', () => {
    const original: Json = { items: [{ n: 1 }, { n: 2 }], keep: { k: 1 } };
    const owned = new WeakSet<object>();
    const first = assocIn(original, ['items', 0, 'n'], 10, owned) as JsonObject;
    const items = first.items;
    const second = assocIn(first, ['items', 1, 'n'], 20, owned) as JsonObject;
    // the root and the items list made by the first call are changed, not copied again
    expect(second).toBe(first);
    expect(second.items).toBe(items);
    expect(second).toEqual({ items: [{ n: 10 }, { n: 20 }], keep: { k: 1 } });
    // what was read stays as it was, and a value given in is not changed by a later call
    expect(original).toEqual({ items: [{ n: 1 }, { n: 2 }], keep: { k: 1 } });
    const given: JsonObject = { m: 1 };
    assocIn(second, ['keep'], given, owned);
    assocIn(second, ['keep', 'm'], 2, owned);
    expect(given).toEqual({ m: 1 });
    expect(second.keep).toEqual({ m: 2 });
  });
});
