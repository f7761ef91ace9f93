// Istio's injection template functions (pkg/kube/inject/template.go) and the combined function map
// (sprig overlaid by Istio), checked through the template engine against Istio's semantics and
// the expectations its golden files encode.
import { describe, expect, it } from 'vitest';
import { Template } from '../../src/template/index.js';
import { istioFuncMap, istioFuncs, formatGoDuration, imageVersion } from '../../src/template/funcs/istio.js';
import { yamlKeyLess } from '../../src/template/funcs/istio-yaml.js';
import { appendMultusNetwork } from '../../src/template/funcs/istio-text.js';
import { GoInt, GoMap, GoSlice, GoStruct, type GoValue, type StructType } from '../../src/template/value.js';

const ENV = { PILOT_X: 'on', EMPTY: '' };

function render(text: string, data: unknown = {}, opts: Parameters<typeof istioFuncMap>[0] = { env: ENV }): string {
  return new Template('t', { funcs: istioFuncMap(opts) }).parse(text).execute(data as GoValue);
}

const stringMap = (o: Record<string, string>) => new GoMap('string', new Map(Object.entries(o)));

function objectMeta(annotations: Record<string, string> | null): GoStruct {
  const type: StructType = {
    name: 'v1.ObjectMeta',
    fields: { Annotations: () => (annotations ? stringMap(annotations) : new GoMap('string', new Map(), true)) },
  };
  return new GoStruct(type, annotations ? { annotations } : {});
}

function containers(list: unknown[]): GoSlice {
  return new GoSlice(
    'v1.Container',
    list.map((c) => new GoStruct({ name: 'v1.Container', fields: {} }, c)),
  );
}

function port(data: Record<string, unknown>): GoStruct {
  return new GoStruct({ name: 'v1.ContainerPort', fields: {} }, data);
}

const duration = (d: string | null) => new GoStruct({ name: '*durationpb.Duration', pointer: true }, d);

function mesh(providers: unknown[]): GoStruct {
  return new GoStruct({ name: '*v1alpha1.MeshConfig', pointer: true, fields: {} }, { extensionProviders: providers });
}

describe('istioFuncMap', () => {
  it("has all 26 of Istio's functions", () => {
    expect(Object.keys(istioFuncs({})).sort()).toEqual(
      [
        'formatDuration',
        'isset',
        'excludeInboundPort',
        'includeInboundPorts',
        'kubevirtInterfaces',
        'excludeInterfaces',
        'applicationPorts',
        'annotation',
        'valueOrDefault',
        'toJSON',
        'fromJSON',
        'structToJSON',
        'protoToJSON',
        'toYaml',
        'indent',
        'directory',
        'contains',
        'toLower',
        'appendMultusNetwork',
        'env',
        'omit',
        'strdict',
        'toJsonMap',
        'mergeMaps',
        'omitNil',
        'otelResourceAttributes',
      ].sort(),
    );
  });
  it('Istio wins on collisions with sprig', () => {
    expect(render('{{ indent 2 "a\\nb" }}')).toBe('a\n  b');
    expect(() => render('{{ env "PILOT_X" }}')).toThrow(/wrong number of args for env: want 2 got 1/);
    expect(() => render('{{ omit (dict "a" 1) "a" }}')).toThrow(/expected map\[string\]string/);
  });
  it('keeps sprig where Istio has nothing', () => {
    expect(render('{{ "x" | quote }} {{ nindent 2 "a\\nb" }}')).toBe('"x" \n  a\n  b');
  });
});

describe('toYaml (sigs.k8s.io/yaml over go-yaml v2)', () => {
  const y = (v: unknown) => render('{{ toYaml .v }}', { v });
  it('quotes strings that would read back as something else', () => {
    expect(
      y({
        a: '15001',
        b: 'true',
        c: '*',
        d: '',
        e: 'yes',
        f: '1.5',
        g: 'hello world',
        h: 'a: b',
        i: '-',
        j: 'null',
        k: '2024-01-02',
        l: '0x1F',
        m: '1:20',
        n: 'é',
        o: 'tab\there',
        p: '😀',
        q: '~',
        r: 'a#b',
        s: 'a #b',
        t: ' lead',
        u: 'x:',
        v: '08',
        w: '1e3',
        x: '.5',
        y: 1,
        z: 'On',
      }),
    ).toBe(
      [
        'a: "15001"',
        'b: "true"',
        "c: '*'",
        'd: ""',
        'e: "yes"',
        'f: "1.5"',
        'g: hello world',
        "h: 'a: b'",
        "i: '-'",
        'j: "null"',
        'k: "2024-01-02"',
        'l: "0x1F"',
        'm: "1:20"',
        '"n": é',
        'o: "tab\\there"',
        'p: "\\U0001F600"',
        'q: "~"',
        'r: a#b',
        "s: 'a #b'",
        "t: ' lead'",
        "u: 'x:'",
        'v: "08"',
        'w: "1e3"',
        'x: ".5"',
        '"y": 1',
        'z: "On"',
        '',
      ].join('\n'),
    );
  });
  it('quotes keys the same way ("y" and "n" are YAML 1.1 booleans)', () => {
    expect(y({ y: 1, n: null, '80': 'x', '': 0 })).toBe('"": 0\n"80": x\n"n": null\n"y": 1\n');
  });
  it('numbers go through JSON and come back as int or float', () => {
    expect(y({ i: 80, f: 1.5, big: 1e21, small: 0.000001, neg: -3, mil: 1000000, huge: 1e20, u: 1e19 })).toBe(
      'big: 1e+21\nf: 1.5\nhuge: 1e+20\ni: 80\nmil: 1000000\nneg: -3\nsmall: 1e-06\nu: 10000000000000000000\n',
    );
    expect(render('{{ toYaml .v }}', { v: new GoInt(1337, 'int64') })).toBe('1337\n');
  });
  it('nests blocks with two spaces and does not indent sequences under their key', () => {
    expect(y({ z: { b: [1, { x: 'y', w: [true] }, [2, 3]], a: [] }, e: {} })).toBe(
      'e: {}\nz:\n  a: []\n  b:\n  - 1\n  - w:\n    - true\n    x: "y"\n  - - 2\n    - 3\n',
    );
    expect(y([{ a: 1, b: 2 }])).toBe('- a: 1\n  b: 2\n');
  });
  it('sorts keys in go-yaml order (digit runs numerically, non-letters first)', () => {
    expect(y({ a10: 1, a9: 2, B: 3, _x: 4, a: 5 })).toBe('_x: 4\nB: 3\na: 5\na9: 2\na10: 1\n');
    expect(yamlKeyLess('port10', 'port9')).toBe(false);
    expect(yamlKeyLess('a01', 'a1')).toBe(false);
    expect(yamlKeyLess('Z', 'a')).toBe(true);
  });
  it('writes multi-line strings as literal blocks, with the right chomping', () => {
    expect(y({ s: 'line1\nline2\n', t: 'a\nb', u: ' lead\nx', w: 'trail \nx', v: 'a\n\n' })).toBe(
      's: |\n  line1\n  line2\nt: |-\n  a\n  b\nu: |2-\n   lead\n  x\nv: |+\n  a\n\nw: "trail \\nx"\n',
    );
    expect(y(['a\n\nb'])).toBe('- |-\n  a\n\n  b\n');
  });
  // The next three follow go-yaml reading the JSON back (outputs checked against Go).
  it('folds a raw NEL as go-yaml reads it back, and fails on one in a key', () => {
    expect(y('a\u0085b')).toBe('a b\n');
    expect(y('a \u0085\u0085b')).toBe('|-\n  a\n  b\n');
    expect(y({ 'a\u0085b': 1 })).toBe('');
    expect(y('x\u0085--- y')).toBe('');
  });
  it('gives "" for characters the YAML reader refuses and for keys over 1022 characters of JSON', () => {
    expect(y('del\u007f')).toBe('');
    expect(y({ ok: ['bad\u0090'] })).toBe('');
    expect(y({ ['k'.repeat(1022)]: 1 }).startsWith('? kkk')).toBe(true);
    expect(y({ ['k'.repeat(1023)]: 1 })).toBe('');
    expect(y({ ['k'.repeat(1018) + '<']: 1 })).toBe('');
  });
  it('treats U+2028 as a line break when writing', () => {
    expect(y('\u2028ls')).toBe("'\u2028  ls'\n");
    expect(y('a\u2028\nb')).toBe('|-\n  a\u2028\n  b\n');
  });
  it('handles scalars at the root, nil and empty collections', () => {
    expect(y('x')).toBe('x\n');
    expect(render('{{ toYaml .missing }}')).toBe('null\n');
    expect(y([])).toBe('[]\n');
    expect(y({})).toBe('{}\n');
    expect(y(5)).toBe('5\n');
    expect(y(true)).toBe('true\n');
  });
  it('folds long plain strings at 80 columns (FutureLineWrap is not called)', () => {
    const words = Array.from({ length: 20 }, () => 'word');
    expect(y({ k: words.join(' ') })).toBe(`k: ${words.slice(0, 16).join(' ')}\n  ${words.slice(16).join(' ')}\n`);
  });
  it('returns "" when the value cannot be marshalled (NaN)', () => {
    expect(y({ a: NaN })).toBe('');
  });
  it("is the shipped templates' trailing-newline shape under indent", () => {
    expect(render('x:\n  {{ toYaml .v | indent 2 }}', { v: { limits: { cpu: '2' } } })).toBe('x:\n  limits:\n    cpu: "2"\n  ');
  });
});

describe('indent (Istio: every line but the first)', () => {
  it('indents continuation lines only', () => {
    expect(render('{{ indent 2 "a\\nb\\nc" }}')).toBe('a\n  b\n  c');
    expect(render('{{ indent 4 "a" }}')).toBe('a');
    expect(render('{{ indent 0 "a\\nb" }}')).toBe('a\nb');
    expect(render('{{ indent -2 "a\\nb" }}')).toBe('a\n  b');
    expect(render('{{ indent 2 "a\\n" }}')).toBe('a\n  ');
  });
});

describe('fromJSON', () => {
  it('decodes JSON (numbers are float64)', () => {
    expect(render('{{ (fromJSON "{\\"a\\":[1,\\"b\\"]}").a }}')).toBe('[1 b]');
    expect(render('{{ range $k, $v := fromJSON "{\\"B\\":\\"1\\",\\"A\\":\\"2\\"}" }}{{ $k }}={{ $v }};{{ end }}')).toBe('A=2;B=1;');
    expect(render('{{ typeOf (fromJSON "2") }}')).toBe('float64');
  });
  it('returns the string "{}" on errors', () => {
    expect(render('{{ fromJSON "{x" }}')).toBe('{}');
    expect(render('{{ fromJSON "" }}')).toBe('{}');
    expect(render('{{ typeOf (fromJSON "1e400") }}')).toBe('string');
  });
});

describe('toJSON / structToJSON / toJsonMap / mergeMaps / strdict / omit', () => {
  it('toJSON of a map[string]string: sorted keys, HTML-safe, {} for nil', () => {
    expect(render('{{ toJSON .m }}', { m: stringMap({ b: '1', a: '<' }) })).toBe('{"a":"\\u003c","b":"1"}');
    expect(render('{{ toJSON .m }}', { m: new GoMap('string', new Map(), true) })).toBe('{}');
    expect(render('{{ toJSON .m }}', { m: stringMap({}) })).toBe('{}');
    expect(() => render('{{ toJSON .m }}', { m: { a: 'x' } })).toThrow(/expected map\[string\]string/);
  });
  it('structToJSON of container ports keeps Go field order and omitempty', () => {
    expect(render('{{ structToJSON .p }}', { p: port({ containerPort: 80, name: 'http' }) })).toBe('{"name":"http","containerPort":80}');
    expect(render('{{ structToJSON .p }}', { p: port({ protocol: 'TCP', hostPort: 0, containerPort: 90 }) })).toBe('{"containerPort":90,"protocol":"TCP"}');
    expect(render('{{ structToJSON .p }}', { p: port({}) })).toBe('{"containerPort":0}');
    expect(render('{{ structToJSON .missing }}')).toBe('{}');
    expect(render('{{ structToJSON .m }}', { m: { b: 1, a: [true] } })).toBe('{"a":[true],"b":1}');
    expect(render('{{ structToJSON .m }}', { m: { a: NaN } })).toBe('{}');
  });
  it('strdict, mergeMaps, toJsonMap and omit work on map[string]string', () => {
    expect(render('{{ strdict "a" "1" "b" }}')).toBe('map[a:1 b:]');
    expect(render('{{ toJsonMap (strdict "b" "2") (strdict "a" "1" "b" "3") }}')).toBe('{"a":"1","b":"3"}');
    expect(render('{{ toJsonMap }}')).toBe('{}');
    expect(render('{{ mergeMaps (strdict "a" "1") (strdict "a" "2") }}')).toBe('map[a:2]');
    expect(render('{{ omit .m "a" "c" }}', { m: stringMap({ a: '1', b: '2', c: '3' }) })).toBe('map[b:2]');
    expect(render('{{ omit .m }}', { m: new GoMap('string', new Map(), true) })).toBe('map[]');
    expect(() => render('{{ strdict "a" 1 }}')).toThrow(/expected string; found 1/);
  });
});

describe('protoToJSON', () => {
  const pc = new GoStruct({ name: '*v1alpha1.ProxyConfig', pointer: true }, { discoveryAddress: 'x:1', concurrency: 2 });
  it('delegates to the injected ProxyConfig serialiser', () => {
    const seen: unknown[] = [];
    const out = render(
      '{{ protoToJSON .pc }}',
      { pc },
      {
        protoToJSON: (m) => {
          seen.push(m);
          return 'CUSTOM';
        },
      },
    );
    expect(out).toBe('CUSTOM');
    expect(seen).toEqual([{ discoveryAddress: 'x:1', concurrency: 2 }]);
  });
  it('falls back to compact JSON with keys in their given order', () => {
    expect(render('{{ protoToJSON .pc }}', { pc }, {})).toBe('{"discoveryAddress":"x:1","concurrency":2}');
  });
  it('prints {} for a nil message and rejects non-messages', () => {
    const nil = new GoStruct({ name: '*v1alpha1.ProxyConfig', pointer: true }, null);
    expect(render('{{ protoToJSON .pc }}', { pc: nil }, {})).toBe('{}');
    expect(render('{{ protoToJSON .missing }}', {}, {})).toBe('{}');
    expect(() => render('{{ protoToJSON "x" }}', {}, {})).toThrow(/for arg of type proto.Message/);
  });
});

describe('formatDuration', () => {
  it('prints Go durations', () => {
    expect(render('{{ formatDuration .d }}', { d: duration('23s') })).toBe('23s');
    expect(render('{{ formatDuration .d }}', { d: duration('90s') })).toBe('1m30s');
    expect(render('{{ formatDuration .d }}', { d: duration('3600s') })).toBe('1h0m0s');
    expect(render('{{ formatDuration .d }}', { d: duration('0.500s') })).toBe('500ms');
    expect(render('{{ formatDuration .d }}', { d: duration(null) })).toBe('0s');
    expect(formatGoDuration(1500n)).toBe('1.5µs');
    expect(formatGoDuration(-1_500_000_000n)).toBe('-1.5s');
    expect(formatGoDuration(7n)).toBe('7ns');
  });
});

describe('isset / annotation / valueOrDefault', () => {
  it('isset tests key presence in a map[string]string', () => {
    const m = stringMap({ a: '' });
    expect(render('{{ isset .m "a" }} {{ isset .m "b" }}', { m })).toBe('true false');
    expect(render('{{ isset .m "a" }}', { m: new GoMap('string', new Map(), true) })).toBe('false');
    expect(() => render('{{ isset .m "a" }}', { m: { a: 'x' } })).toThrow(/expected map\[string\]string/);
  });
  it('annotation returns the annotation or fmt.Sprint(default)', () => {
    const meta = objectMeta({ a: 'x', e: '' });
    expect(render('{{ annotation .meta "a" "d" }}', { meta })).toBe('x');
    expect(render('{{ annotation .meta "e" "d" }}', { meta })).toBe('');
    expect(render('{{ annotation .meta "b" .port }}', { meta, port: 15020 })).toBe('15020');
    expect(render('{{ annotation .meta "b" .missing }}', { meta })).toBe('<nil>');
    expect(render('{{ annotation .meta "b" true }}', { meta: objectMeta(null) })).toBe('true');
  });
  it('valueOrDefault replaces only "" and nil', () => {
    expect(render('{{ valueOrDefault "" "d" }}')).toBe('d');
    expect(render('{{ valueOrDefault .missing "d" }}')).toBe('d');
    expect(render('{{ valueOrDefault "x" "d" }}')).toBe('x');
    expect(render('{{ valueOrDefault 0 "d" }} {{ valueOrDefault false "d" }}')).toBe('0 false');
  });
});

describe('ports', () => {
  it('excludeInboundPort appends unless empty, 0 or present', () => {
    expect(render('{{ excludeInboundPort .p "" }}', { p: 15020 })).toBe('15020');
    expect(render('{{ excludeInboundPort "15020" "15020" }}')).toBe('15020');
    expect(render('{{ excludeInboundPort "0" "80" }}')).toBe('80');
    expect(render('{{ excludeInboundPort "" "80" }}')).toBe('80');
    expect(render('{{ excludeInboundPort 8080 "80,,90 " }}')).toBe('80,90,8080');
    // Istio compares before trimming: " 15020" does not count as present.
    expect(render('{{ excludeInboundPort 15020 "80, 15020" }}')).toBe('80,15020,15020');
  });
  const cs = containers([
    { name: 'app', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 90, protocol: 'TCP' }] },
    { name: 'istio-proxy', ports: [{ containerPort: 15090 }] },
    { name: 'side' },
  ]);
  it('includeInboundPorts lists TCP ports of every container', () => {
    expect(render('{{ includeInboundPorts .c }}', { c: cs })).toBe('80,90,15090');
    expect(render('{{ includeInboundPorts .c }}', { c: containers([]) })).toBe('');
    expect(render('{{ includeInboundPorts .c }}', { c: containers([{ name: 'x', ports: [{ containerPort: 1, protocol: 'SCTP' }] }]) })).toBe('');
  });
  it('applicationPorts skips the proxy container', () => {
    expect(render('{{ applicationPorts .c }}', { c: cs })).toBe('80,53,90');
    expect(render('{{ applicationPorts .c }}', { c: containers([{ name: 'istio-proxy', ports: [{ containerPort: 1 }] }]) })).toBe('');
    expect(render('{{ applicationPorts .c }}', { c: containers([{ name: 'a', ports: [{ containerPort: 1 }, { containerPort: 2 }] }]) })).toBe('1,2');
  });
  it('kubevirtInterfaces and excludeInterfaces are identities', () => {
    expect(render('{{ kubevirtInterfaces "net1,net2" }}|{{ excludeInterfaces "eth1" }}|{{ kubevirtInterfaces "" }}')).toBe('net1,net2|eth1|');
  });
});

describe('strings: directory, contains, toLower, appendMultusNetwork, env', () => {
  it("directory is path.Split's dir", () => {
    expect(render('{{ directory "/a/b/c.txt" }}|{{ directory "c.txt" }}|{{ directory "/x/" }}')).toBe('/a/b/||/x/');
  });
  it('contains and toLower', () => {
    expect(render('{{ contains "b" "abc" }} {{ contains "x" "abc" }} {{ contains "" "abc" }}')).toBe('true false true');
    expect(render('{{ toLower "ABC" }} {{ toLower "ÄB" }} {{ toLower "" }}')).toBe('abc äb ');
  });
  it('appendMultusNetwork adds istio-cni to flat and JSON lists, idempotently', () => {
    const n = 'default/istio-cni';
    const call = (existing: string) => render('{{ appendMultusNetwork .e .n }}', { e: existing, n });
    expect(call('')).toBe(n);
    expect(call('alt_cni')).toBe('alt_cni, default/istio-cni');
    expect(call('a, default/istio-cni')).toBe('a, default/istio-cni');
    // JSON form (Istio 1.23.6 and later): a namespaced network is written as Multus reads it.
    expect(call('[{"name": "alt"}]')).toBe('[{"name": "alt"}, {"name": "istio-cni", "namespace": "default"}]');
    expect(call('[{"name":"istio-cni","namespace":"default"}]')).toBe('[{"name":"istio-cni","namespace":"default"}]');
    expect(call('[{"name":"istio-cni"}]')).toBe('[{"name":"istio-cni"}, {"name": "istio-cni", "namespace": "default"}]');
    expect(call('[{"name":"istio-cni","namespace":"other"}] ')).toBe(
      '[{"name":"istio-cni","namespace":"other"}, {"name": "istio-cni", "namespace": "default"}] ',
    );
    expect(call('[null]')).toBe('[null, {"name": "istio-cni", "namespace": "default"}]');
    expect(call('[bad]')).toBe('[bad]');
    expect(call('[1]')).toBe('[1]');
    const plain = (existing: string) => render('{{ appendMultusNetwork .e "istio-cni" }}', { e: existing });
    expect(plain('[{"name":"a"}]')).toBe('[{"name":"a"}, {"name": "istio-cni"}]');
    expect(plain('[{"name":"istio-cni"}]')).toBe('[{"name":"istio-cni"}]');
  });
  it('appendMultusNetwork, JSON form, before Istio 1.23.6: the qualified name as the name', () => {
    const legacy = (existing: string) => appendMultusNetwork(existing, 'default/istio-cni', { namespaceField: false });
    expect(legacy('[{"name": "alt"}]')).toBe('[{"name": "alt"}, {"name": "default/istio-cni"}]');
    expect(legacy('[{"name":"default/istio-cni"}]')).toBe('[{"name":"default/istio-cni"}]');
  });
  it('env reads the configured map, never the process environment', () => {
    process.env.INJECT_SIDECAR_TEST_LEAK = 'leak';
    try {
      expect(render('{{ env "PILOT_X" "d" }}')).toBe('on');
      expect(render('{{ env "EMPTY" "d" }}')).toBe('d');
      expect(render('{{ env "INJECT_SIDECAR_TEST_LEAK" "d" }}')).toBe('d');
      expect(render('{{ env "PILOT_X" "d" }}', {}, {})).toBe('d');
    } finally {
      delete process.env.INJECT_SIDECAR_TEST_LEAK;
    }
  });
});

describe('omitNil', () => {
  it('removes nil recursively; emptied maps and lists become nil', () => {
    expect(render('{{ omitNil .v }}', { v: { a: null, b: { c: null }, d: [null, 1], e: 'x' } })).toBe('map[d:[1] e:x]');
    expect(render('{{ omitNil .v | kindOf }}', { v: { a: null } })).toBe('invalid');
    expect(render('{{ omitNil .v }}', { v: 'x' })).toBe('x');
    expect(render('{{ toYaml (omitNil .v) }}', { v: { limits: { cpu: null, memory: '1Gi' }, requests: null } })).toBe('limits:\n  memory: 1Gi\n');
  });
});

describe('otelResourceAttributes', () => {
  const otel = { name: 'otel', opentelemetry: { service: 'c', port: 4317, serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } };
  const app = containers([{ name: 'hello', image: 'fake.docker.io/google-samples/hello-go-gke:1.0' }]);
  const call = (m: GoStruct, ann: Record<string, string>, labels: Record<string, string>, c = app) =>
    render('{{ otelResourceAttributes .m .a .l "default" .c }}', { m, a: stringMap(ann), l: stringMap(labels), c });
  it('matches the hello-otel-semconv golden', () => {
    expect(call(mesh([{ name: 'prometheus', prometheus: {} }, otel]), {}, { app: 'hello', 'app.kubernetes.io/version': 'v1.2.3' })).toBe(
      'service.namespace=default,service.version=v1.2.3,service.instance.id=default.$(POD_NAME).hello',
    );
  });
  it('is empty without an OpenTelemetry provider asking for semantic conventions', () => {
    expect(call(mesh([{ name: 'otel', opentelemetry: { service: 'c', port: 4317 } }]), {}, {})).toBe('');
    expect(call(mesh([]), {}, {})).toBe('');
  });
  it('prefers resource.opentelemetry.io annotations and falls back to the image tag', () => {
    expect(call(mesh([otel]), { 'resource.opentelemetry.io/service.namespace': 'ns2', 'resource.opentelemetry.io/service.instance.id': 'id1' }, {})).toBe(
      'service.namespace=ns2,service.version=1.0,service.instance.id=id1',
    );
    expect(imageVersion('r.io/a/b:1.2@sha256:abc')).toBe('1.2@sha256:abc');
    expect(imageVersion('localhost:5000/app')).toBe('');
  });
});
