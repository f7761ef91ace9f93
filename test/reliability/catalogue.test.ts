/**
 * The catalogue of bad inputs: each entry runs the CLI (in process) and checks the exact
 * user-facing message on stderr and/or in the KRM results, the exit code, and that nothing partial
 * reaches stdout. Temporary paths are shown as `<dir>` in the expected texts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkRun, modeOf, runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, text: string) => {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
};

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const dep = (podMeta = '', name = 'web') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: ${name}}\n${podMeta}    spec:\n      containers:\n      - name: ${name}\n        image: example/${name}:1\n`;
const rl = (items: string, rest = '') => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}${rest}`;
const indentItem = (doc: string) => '- ' + doc.replace(/\n(?=.)/g, '\n  ');
const cfg = (spec: string) => `apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n${spec}`;
const injectConfig = (template: string) =>
  file(
    'inject.yaml',
    `policy: enabled\ntemplates:\n  sidecar: |\n${template
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`,
  );

/** Runs the CLI, checks the run contract, and returns stderr/results with temp paths as `<dir>`. */
async function run(argv: string[], stdin = '') {
  const r = await runCli(argv, stdin);
  expect(checkRun(r, modeOf(argv, stdin))).toBeUndefined();
  const clean = (s: string) =>
    s
      .split(dir + '/')
      .join('<dir>/')
      .replace(/<dir>\/\d+-/g, '<dir>/');
  const results = r.stdout.startsWith('apiVersion: config.kubernetes.io') ? ((parse(r.stdout) as { results?: { message: string }[] }).results ?? []) : [];
  return { ...r, stderr: clean(r.stderr), messages: results.map((x) => clean(x.message)) };
}

describe('catalogue of bad inputs: exact messages', () => {
  it('malformed YAML, with file, line and column', async () => {
    const r = await run(['-f', file('app.yaml', 'kind: Service\nmetadata:\n  name: [web\n')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'inject-sidecar: <dir>/app.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n',
    );
  });

  it('malformed YAML in a ResourceList item: line and column, nothing on stdout', async () => {
    const r = await run([], rl('- kind: Service\n  metadata:\n    name: "web\n'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('inject-sidecar: line 7, column 1: invalid YAML: Missing closing "quote\n');
  });

  it('a document that is not a map', async () => {
    const r = await run(['-f', file('list.yaml', `${NS}---\n- a\n- b\n`)]);
    expect(r.stderr).toBe('inject-sidecar: <dir>/list.yaml:8:1: document 2 is a sequence, not a Kubernetes object\n');
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('a ResourceList without items, with items of the wrong type, an item that is not a map', async () => {
    const cases: [string, string][] = [
      ['apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n', 'line 1, column 1: the ResourceList has no `items`'],
      ['apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  a: b\n', 'line 4, column 3: `items` is a mapping, not a list'],
      [rl('- just text\n'), 'line 4, column 3: items[0] is a string, not a Kubernetes object'],
      [
        'apiVersion: config.kubernetes.io/v9\nkind: ResourceList\nitems: []\n',
        'line 1, column 1: unsupported ResourceList apiVersion "config.kubernetes.io/v9" (expected config.kubernetes.io/v1 or config.kubernetes.io/v1beta1)',
      ],
      [rl(indentItem(NS), 'functionConfig: hello\n'), 'line 10, column 1: functionConfig is a string, not an object (a SidecarInjection or a ConfigMap)'],
    ];
    for (const [input, message] of cases) {
      const r = await run([], input);
      expect(r.stderr).toBe(`inject-sidecar: ${message}\n`);
      expect([r.code, r.stdout]).toEqual([1, '']);
    }
  });

  it('duplicate keys', async () => {
    const r = await run(['-f', file('dup.yaml', dep().replace('  namespace: shop\n', '  namespace: shop\n  name: other\n'))]);
    expect(r.stderr).toBe('inject-sidecar: <dir>/dup.yaml:6:3: duplicate key "name" in a mapping\n');
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('unknown and wrongly typed config fields, each with its path (--config)', async () => {
    const input = file('d.yaml', `${NS}---\n${dep()}`);
    const unknown = await run(['--config', file('c.yaml', cfg('  revison: canary\n  proxy:\n    tagg: 1.28.0\n')), '-f', input]);
    expect(unknown.stderr).toBe(
      'inject-sidecar: invalid config <dir>/c.yaml:\n  spec.proxy.tagg: unknown field; did you mean tag?\n  spec.revison: unknown field; did you mean revision?\n',
    );
    expect([unknown.code, unknown.stdout]).toEqual([1, '']);
    const typed = await run([
      '--config',
      file('c.yaml', cfg('  policy: sometimes\n  proxy:\n    statusPort: "x"\n  namespaces:\n    shop:\n      labels:\n        istio-injection: 1\n')),
      '-f',
      input,
    ]);
    expect(typed.stderr).toBe(
      'inject-sidecar: invalid config <dir>/c.yaml:\n' +
        '  spec.policy: expected enabled or disabled\n' +
        '  spec.namespaces.shop.labels.istio-injection: Invalid input: expected string, received number\n' +
        '  spec.proxy.statusPort: Invalid input: expected number, received string\n',
    );
    expect([typed.code, typed.stdout]).toEqual([1, '']);
  });

  it('invalid functionConfig in KRM mode: a complete ResourceList with one error result per field', async () => {
    const r = await run(
      [],
      rl(
        indentItem(NS),
        'functionConfig:\n  apiVersion: inject-sidecar.dev/v1alpha1\n  kind: SidecarInjection\n  metadata: {name: c}\n  spec:\n    emulate: sometimes\n    proxy: {hubb: x}\n',
      ),
    );
    expect(r.code).toBe(1);
    expect(r.messages).toEqual([
      'invalid function config: spec.emulate: expected webhook or kube-inject',
      'invalid function config: spec.proxy.hubb: unknown field; did you mean hub?',
    ]);
    expect((parse(r.stdout) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('a workload kind whose configured pod-template path does not exist', async () => {
    const config = file('c.yaml', cfg('  workloads:\n  - apiVersion: example.com/v1\n    kind: Widget\n    podTemplatePath: spec.pod.template\n'));
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  template: {}\n';
    const r = await run(['--config', config, '-f', file('w.yaml', `${NS}---\n${widget}`)]);
    expect(r.stderr).toBe(
      'error: Widget shop/w: no pod template at spec.pod.template.spec (workload kind Widget is configured with podTemplatePath spec.pod.template) [field spec.pod.template.spec, in <dir>/w.yaml (document 2)]\n' +
        '1 workload: 0 injected, 0 upgraded, 0 unchanged, 0 skipped, 0 removed, 1 error\n',
    );
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('invalid Istio annotation values name the annotation (and how many others are invalid)', async () => {
    const r = await run(
      ['-f', '-'],
      `${NS}---\n${dep('      annotations:\n        traffic.sidecar.istio.io/excludeOutboundPorts: "80,x"\n        sidecar.istio.io/proxyCPU: "lots"\n')}`,
    );
    expect(r.stderr).toBe(
      "error: Deployment shop/web: invalid value 'lots' for annotation 'sidecar.istio.io/proxyCPU': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (and 1 more invalid annotation: traffic.sidecar.istio.io/excludeOutboundPorts) [field spec.template.metadata.annotations[\"sidecar.istio.io/proxyCPU\"], in <stdin> (document 2)]\n" +
        '1 workload: 0 injected, 0 upgraded, 0 unchanged, 0 skipped, 0 removed, 1 error\n',
    );
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('pod templates of the wrong shape name the field instead of crashing', async () => {
    const cases: [string, string, string][] = [
      ['      annotations: x\n', '', 'spec.template.metadata.annotations must be a map of strings, not a string'],
      ['      annotations:\n        a: true\n', '', 'spec.template.metadata.annotations.a must be a string, not a boolean (true): quote it'],
      ['', '      containers: {a: 1}\n', 'spec.template.spec.containers must be a list, not a map'],
      ['      annotations:\n        __proto__: x\n', '', 'spec.template.metadata.annotations.__proto__ is not a valid key in a Kubernetes object'],
    ];
    for (const [meta, spec, message] of cases) {
      let doc = dep(meta);
      if (spec) doc = doc.replace(/      containers:\n[\s\S]*$/, spec);
      const r = await run(['-f', '-'], `${NS}---\n${doc}`);
      expect(r.stderr).toMatch(new RegExp(`^error: Deployment shop/web: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[field `));
      expect([r.code, r.stdout]).toEqual([1, '']);
    }
    // null is Go's zero value: Helm's empty `volumes:` injects
    const ok = await run(
      ['-f', '-'],
      `${NS}---\n${dep('      annotations:\n').replace('        image: example/web:1\n', '        image: example/web:1\n      volumes:\n')}`,
    );
    expect(ok.code).toBe(0);
  });

  it('template parse and execution errors, Go-style (--injectConfigFile with a broken template)', async () => {
    const input = `${NS}---\n${dep()}`;
    const parseErr = await run(
      ['-q', '--injectConfigFile', injectConfig('spec:\n  containers:\n  - name: istio-proxy\n    image: {{ .Values.global.hub }\n'), '-f', '-'],
      input,
    );
    expect(parseErr.stderr).toBe(
      'error: Deployment shop/web: injection template "sidecar" of file <dir>/inject.yaml does not parse: template: sidecar:4: unexpected "}" in operand [field spec.template, in <stdin> (document 2)]\n',
    );
    expect([parseErr.code, parseErr.stdout]).toEqual([1, '']);
    const execErr = await run(
      ['-q', '--injectConfigFile', injectConfig('spec:\n  containers:\n  - name: istio-proxy\n    image: {{ index .Values.global 3 }}\n'), '-f', '-'],
      input,
    );
    expect(execErr.stderr).toBe(
      'error: Deployment shop/web: injection template "sidecar" failed: template: sidecar:4:14: executing "sidecar" at <index .Values.global 3>: error calling index: index of untyped nil [field spec.template, in <stdin> (document 2)]\n',
    );
    expect([execErr.code, execErr.stdout]).toEqual([1, '']);
  });

  it('a configured injector ConfigMap that is missing', async () => {
    const r = await run(
      ['--config', file('c.yaml', cfg('  istio:\n    injectorConfigMap: istio-system/istio-sidecar-injector\n')), '-f', '-'],
      `${NS}---\n${dep()}`,
    );
    expect(r.stderr).toBe(
      'error: the injector ConfigMap istio-system/istio-sidecar-injector is configured but not in the input [field spec.istio.injectorConfigMap]\n' +
        'error: Deployment shop/web: not injected: the Istio injector configuration is invalid (see the error above) [field spec.template, in <stdin> (document 2)]\n' +
        '1 workload: 0 injected, 0 upgraded, 0 unchanged, 0 skipped, 0 removed, 2 errors\n',
    );
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('YAML alias bombs are refused after 100 expansions (stream and KRM)', async () => {
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    let prev = 'a';
    for (const k of 'bcdefghi') {
      bomb += `  ${k}: &${k} [${Array(9)
        .fill('*' + prev)
        .join(',')}]\n`;
      prev = k;
    }
    const s = await run(['-f', '-'], bomb);
    // at the alias whose expansion passes the limit
    expect(s.stderr).toBe('inject-sidecar: <stdin>:8:10: more than 100 alias expansions in one document; refusing a possible "billion laughs" input\n');
    expect([s.code, s.stdout]).toEqual([1, '']);
    const k = await run([], rl(indentItem(bomb)));
    expect(k.stderr).toBe('inject-sidecar: line 11, column 12: more than 100 alias expansions in one document; refusing a possible "billion laughs" input\n');
    expect([k.code, k.stdout]).toEqual([1, '']);
  });

  it('extreme nesting is refused', async () => {
    const flow = await run(['-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  x: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n');
    // where the parser ran out of stack: past the limit, on the node's line (the column depends on the stack size)
    expect(flow.stderr).toMatch(/^inject-sidecar: <stdin>:5:\d{3,}: nesting is too deep \(limit 200\)\n$/);
    let block = 'kind: ConfigMap\n';
    for (let i = 0; i < 300; i++) block += `${' '.repeat(i)}k${i}:\n`;
    const b = await run(['-f', '-'], block + ' '.repeat(300) + 'v: 1\n');
    // the mapping at depth 201 (the value of k199)
    expect(b.stderr).toBe('inject-sidecar: <stdin>:202:201: nesting is too deep (limit 200)\n');
    expect([b.code, b.stdout]).toEqual([1, '']);
  });

  it('very large input: 4 MB of documents come out whole', async () => {
    const cm = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  blob: "${'x'.repeat(4000)}"\n`;
    const docs = [NS, dep(), ...Array.from({ length: 1000 }, (_, i) => cm(i))];
    const input = docs.join('---\n');
    expect(input.length).toBeGreaterThan(4_000_000);
    const r = await run(['-q', '-f', '-'], input);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith(docs.slice(2).join('---\n'))).toBe(true);
    expect(r.stdout).toContain('name: istio-proxy');
  });

  it('binary junk', async () => {
    const r = await run(['-f', '-'], 'kind: A\n\u0089PNG\r\n\u001a\n\u0000\u0000');
    expect(r.stderr).toBe('inject-sidecar: <stdin>:3:1: control character U+001A is not allowed in YAML (binary data?)\n');
    expect([r.code, r.stdout]).toEqual([1, '']);
    const k = await run([], 'PK\u0003\u0004');
    expect(k.stderr).toBe('inject-sidecar: <stdin>:1:3: control character U+0003 is not allowed in YAML (binary data?)\n');
    expect([k.code, k.stdout]).toEqual([1, '']);
  });

  it('YAML tags that JSON cannot hold are refused (they would be garbled)', async () => {
    const r = await run(['-f', '-'], `${NS}---\n${dep('      annotations:\n        a: !!binary aGk=\n')}`);
    expect(r.stderr).toBe(
      'inject-sidecar: <stdin>:18:21: YAML tag !!binary is not supported: Kubernetes objects hold only maps, lists, strings, numbers, booleans and null\n',
    );
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('a byte-order mark at the start is kept; one later (files joined with their BOMs) is an error', async () => {
    const ok = await run(['-f', '-'], `\ufeff${NS}---\n${dep()}`);
    expect(ok.code).toBe(0);
    expect(ok.stdout.startsWith(`\ufeff${NS}---\n`)).toBe(true);
    expect(ok.stdout).toContain('name: istio-proxy');
    const later = await run(['-f', '-'], `${NS}---\n\ufeff${dep()}`);
    expect(later.stderr).toBe(
      'inject-sidecar: <stdin>:8:1: byte-order mark (U+FEFF) after the start of the text (files joined with their byte-order marks?); only the first character may be one\n',
    );
    expect([later.code, later.stdout]).toEqual([1, '']);
    // each -f file may start with its own BOM
    const files = await run(['-f', file('a.yaml', `\ufeff${NS}`), '-f', file('b.yaml', `\ufeff${dep()}`)]);
    expect(files.code).toBe(0);
    expect(files.stdout.indexOf('\ufeff', 1)).toBe(-1);
  });

  it('CRLF line endings are kept, in untouched and in injected documents', async () => {
    const input = `${NS}---\n${dep()}---\n# svc\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n`.replace(/\n/g, '\r\n');
    const r = await run(['-f', '-'], input);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: istio-proxy\r\n');
    expect(r.stdout.match(/(?<!\r)\n/g)).toBeNull();
    expect(r.stdout.endsWith('---\r\n# svc\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: s\r\n')).toBe(true);
  });
});
