/**
 * A hostile injection template (--injectConfigFile) through the CLI: the engine's limits (template
 * recursion, range iterations, output size, huge strings and sequences) end in a clear Go-style
 * error, and template data cannot reach the process, the environment, the file system or object
 * prototypes: `__proto__`/`constructor` are plain data and `env` reads only the configured map.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkRun, runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function injectConfig(template: string): string {
  const p = join(dir, `inject-${n++}.yaml`);
  writeFileSync(
    p,
    `policy: enabled\ntemplates:\n  sidecar: |\n${template
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`,
  );
  return p;
}
const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const dep = (podMeta = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n${podMeta}    spec:\n      containers:\n      - name: web\n        image: example/web:1\n`;

async function render(template: string, podMeta = '', extra: string[] = []) {
  const argv = ['-q', '--injectConfigFile', injectConfig(template), ...extra, '-f', '-'];
  const r = await runCli(argv, `${NS}---\n${dep(podMeta)}`);
  expect(checkRun(r, 'stream')).toBeUndefined();
  return r;
}

/** The rendered pod labels of the Deployment. */
function podLabels(stdout: string): Record<string, string> {
  const d = parseAllDocuments(stdout)
    .map((x) => x.toJS())
    .find((x) => x?.kind === 'Deployment');
  return d.spec.template.metadata.labels;
}

const withLabels = (labels: string) => `metadata:\n  labels:\n${labels}\nspec:\n  containers:\n  - name: istio-proxy\n    image: proxy`;

describe('template limits through the CLI', () => {
  const cases: [string, string, RegExp][] = [
    [
      'recursion',
      '{{ define "x" }}{{ template "x" . }}{{ end }}{{ template "x" . }}',
      /template: sidecar:1:28: executing "x" at <\{\{template "x" \.\}\}>: exceeded maximum template depth \(1000\)/,
    ],
    ['range iterations', '{{ range until 2000 }}{{ range until 2000 }}{{ end }}{{ end }}', /range iterations exceed the limit of 100000/],
    ['output size', '{{ range until 90000 }}{{ repeat 100 "x" }}{{ end }}', /output exceeds the limit of 4194304 bytes/],
    ['huge string', '{{ repeat 1000000000 "xxxxxxxxxx" }}', /error calling repeat: strings: Repeat output too long \(over 16 MiB\)/],
    ['huge sequence', '{{ until 100000000 | len }}', /executing "sidecar" at <until 100000000>: allocations exceed the limit of 33554432 bytes/],
  ];
  for (const [name, template, message] of cases) {
    it(`${name}: a clear error, exit 1, nothing on stdout`, async () => {
      const t0 = Date.now();
      const r = await render(template);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: Deployment shop\/web: injection template "sidecar" failed: template: sidecar:/);
      expect(r.stderr).toMatch(message);
      expect(Date.now() - t0).toBeLessThan(15_000);
    });
  }
});

describe('template data is only data', () => {
  it('__proto__ and constructor in the data are plain keys; missing ones are <no value>', async () => {
    const r = await render(
      withLabels(
        '    a: "{{ index .ObjectMeta.Annotations "constructor" }}"\n' +
          '    b: "{{ .ObjectMeta.Annotations.constructor }}"\n' +
          '    c: "{{ .Values.constructor }}"\n' +
          '    d: "{{ .Values.__proto__ }}"\n' +
          '    e: "{{ index .ObjectMeta.Labels "__proto__" }}"\n' +
          '    f: "{{ .Values.toString }}"\n' +
          '    g: "{{ len .ObjectMeta.Annotations }}"',
      ),
      '      annotations:\n        constructor: "ctor"\n',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(podLabels(r.stdout)).toMatchObject({ a: 'ctor', b: 'ctor', c: '<no value>', d: '<no value>', e: '', f: '<no value>', g: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('env reads only the configured map, never the process environment', async () => {
    process.env.INJECT_SIDECAR_SECRET = 'leaked';
    try {
      const r = await render(withLabels('    home: "{{ env "HOME" "none" }}"\n    secret: "{{ env "INJECT_SIDECAR_SECRET" "none" }}"'));
      expect(r.code, r.stderr).toBe(0);
      expect(podLabels(r.stdout)).toMatchObject({ home: 'none', secret: 'none' });
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata: {name: c}\nspec:\n  istio:\n    env: {HOME: configured}\n',
      );
      const c = await render(withLabels('    home: "{{ env "HOME" "none" }}"'), '', ['--config', config]);
      expect(c.code, c.stderr).toBe(0);
      expect(podLabels(c.stdout).home).toBe('configured');
    } finally {
      delete process.env.INJECT_SIDECAR_SECRET;
    }
  });

  it('no function reaches files, the network, the environment or the clock', async () => {
    for (const fn of ['readFile "/etc/passwd"', 'getHostByName "example.com"', 'expandenv "$HOME"', 'now', 'exec "ls"', 'randAlpha 5']) {
      const r = await render(`{{ ${fn} }}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/does not parse: template: sidecar:1: function "\w+" not defined/);
    }
  });

  it('call and method-like fields cannot invoke JavaScript', async () => {
    const r = await render('{{ call .Values.constructor }}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error calling call: call of nil/);
    const m = await render(withLabels('    a: "{{ .ObjectMeta.Name.constructor }}"'));
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/can't evaluate field constructor in type string/);
  });
});
