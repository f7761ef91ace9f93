/**
 * Hostile YAML through the CLI: every text the tool parses (manifests, the function config, Istio's
 * values, mesh and injector config from ConfigMaps or files, and injection template output) goes
 * through one entry point with the same limits: alias expansions (count and expanded size),
 * nesting depth (at the real position), control characters after escape processing, valid UTF-8.
 * Each case ends with a clear error naming the limit, a non-zero exit and no partial output,
 * within the test's 10 s timeout and without the process growing past 500 MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRun, runCli, type Mode } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-hostile-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string | Buffer, ext = 'yaml'): string {
  const p = join(dir, `f-${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}
const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');

/** The classic "billion laughs": 9^9 strings from nine lines. */
function aliasBomb(levels = 9): string {
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (const name of 'bcdefghijk'.slice(0, levels - 1)) {
    s += `${name}: &${name} [${Array(9)
      .fill('*' + prev)
      .join(',')}]\n`;
    prev = name;
  }
  return s;
}

/** Few aliases, each to a big node: 99 copies of a 100,000-character string. */
function wideAlias(): string {
  return `a: &a "${'x'.repeat(100_000)}"\nb: [${Array(99).fill('*a').join(',')}]\n`;
}

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const DEP =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: example/web:1\n';
const TEMPLATE = 'spec:\n  containers:\n  - name: istio-proxy\n    image: proxy\n';
const injectorCm = (values: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio-sidecar-injector\n  namespace: istio-system\ndata:\n  config: |\n    policy: enabled\n    templates:\n      sidecar: |\n${indent(TEMPLATE, '        ')}  values: |\n${indent(values, '    ')}`;
const meshCm = (mesh: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n${indent(mesh, '    ')}`;
const injectFile = (template: string) => file(`policy: enabled\ntemplates:\n  sidecar: |\n${indent(template, '    ')}`);
const stream = (...docs: string[]) => docs.join('---\n');

const MB = 1024 * 1024;

async function refused(argv: string[], stdin: string, message: RegExp, mode: Mode = 'stream') {
  const r = await runCli(argv, stdin);
  expect(checkRun(r, mode)).toBeUndefined();
  expect(r.code).toBe(1);
  if (mode === 'stream') expect(r.stdout).toBe('');
  expect(r.stderr + r.stdout).toMatch(message);
  // the peak of the whole test process (vitest included) stays far below what an expansion takes
  expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(500 * MB);
  return r;
}

const ALIASES = /more than 100 alias expansions|aliases expand to more than/;

describe('alias bombs are refused wherever YAML is read', () => {
  for (const [name, bomb] of [
    ['billion laughs', aliasBomb()],
    ['a few aliases to a big node', wideAlias()],
  ] as const) {
    describe(name, () => {
      it('a manifest', async () => {
        await refused(['-f', '-'], stream(NS, bomb), ALIASES);
      });
      it("the injector ConfigMap's data.values", async () => {
        await refused(['-f', '-'], stream(NS, injectorCm(bomb), DEP), ALIASES);
      }, 10_000);
      it("the mesh ConfigMap's data.mesh", async () => {
        await refused(['-f', '-'], stream(NS, meshCm(bomb), DEP), ALIASES);
      }, 10_000);
      it('--valuesFile', async () => {
        await refused(['--injectConfigFile', injectFile(TEMPLATE), '--valuesFile', file(bomb), '-f', '-'], stream(NS, DEP), ALIASES);
      }, 10_000);
      it('--meshConfigFile', async () => {
        await refused(['--meshConfigFile', file(bomb), '-f', '-'], stream(NS, DEP), ALIASES);
      }, 10_000);
      it('--injectConfigFile', async () => {
        await refused(['--injectConfigFile', file(`templates:\n  sidecar: x\n${bomb}`), '-f', '-'], stream(NS, DEP), ALIASES);
      }, 10_000);
      it('the function config file (--config)', async () => {
        const config = file(`apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\n${bomb}`);
        await refused(['--config', config, '-f', '-'], stream(NS, DEP), ALIASES);
      }, 10_000);
      it('a flat ConfigMap function config value (KRM)', async () => {
        const rl = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    values: |\n${indent(bomb, '      ')}`;
        await refused([], rl, ALIASES, 'krm');
      }, 10_000);
      it('injection template output', async () => {
        // the template prints the bomb as text; the output is read as YAML
        await refused(['--injectConfigFile', injectFile(`${TEMPLATE}${bomb}`), '-f', '-'], stream(NS, DEP), ALIASES);
      }, 10_000);
    });
  }

  it('one alias to an anchor in another document is an unresolved alias, not an alias bomb', async () => {
    const r = await refused(['-f', '-'], 'kind: A\nx: &a 1\n---\nkind: B\ny: *a\n', /<stdin>:5:4: .*alias \*a/);
    expect(r.stderr).not.toMatch(ALIASES);
  });
  it('an alias inside its own anchor is refused', async () => {
    await refused(['-f', '-'], 'kind: A\nx: &a [ *a ]\n', /<stdin>:2:9: .*alias \*a/);
  });
  it('a few ordinary aliases are fine', async () => {
    const r = await runCli(['-f', '-'], stream(NS, 'kind: A\nx: &a {k: v}\ny: *a\nz: *a\n'));
    expect(checkRun(r, 'stream')).toBeUndefined();
    expect(r.code).toBe(0);
  });
});

describe('control characters are refused after escape processing', () => {
  for (const esc of ['\\x7f', '\\e', '\\x01', '\\u0000', '\\0', '\\a', '\\U0000007F']) {
    it(`"${esc}" in a manifest`, async () => {
      await refused(['-f', '-'], `kind: A\nmetadata:\n  name: "a${esc}b"\n`, /<stdin>:3:9: control character U\+00[0-7][0-9A-F] is not allowed/);
    });
  }
  it('in a ResourceList item', async () => {
    const rl = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  metadata:\n    name: "a\\x7fb"\n';
    await refused([], rl, /control character U\+007F/, 'krm');
  });
  it('in template output', async () => {
    await refused(
      ['--injectConfigFile', injectFile(`${TEMPLATE}metadata:\n  annotations:\n    x: "a\\eb"\n`), '-f', '-'],
      stream(NS, DEP),
      /control character U\+001B/,
    );
  });
  it('in mesh config', async () => {
    await refused(['-f', '-'], stream(NS, meshCm('defaultConfig:\n  discoveryAddress: "a\\x7f"\n'), DEP), /control character U\+007F/);
  });
  it('ordinary escapes stay fine', async () => {
    const r = await runCli(['-f', '-'], 'kind: A\nmetadata:\n  name: "a\\tb\\n\\u00e9\\x41"\n');
    expect(checkRun(r, 'stream')).toBeUndefined();
    expect(r.code).toBe(0);
  });
});

describe('nesting errors point at the too-deep node', () => {
  const deep = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n';
  it('block nesting', async () => {
    // the node at depth 201 (the value of k200) is on line 201
    await refused(['-f', '-'], deep(300), /<stdin>:201:201: nesting is too deep/);
  });
  it('flow nesting far past the limit', async () => {
    const r = await refused(['-f', '-'], `kind: A\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /nesting is too deep/);
    expect(r.stderr).not.toMatch(/<stdin>:1:1:/);
  });
  it('in values', async () => {
    await refused(['-f', '-'], stream(NS, injectorCm(deep(300)), DEP), /nesting is too deep/);
  });
});

// The CLI decodes the bytes it reads; needs the built CLI (npm run build) for real files and stdin.
const CLI = join(import.meta.dirname, '../../dist/inject-sidecar.js');
describe.runIf(existsSync(CLI))('invalid UTF-8 is an error with its position', () => {
  const bad = Buffer.concat([Buffer.from('kind: A\nmetadata:\n  name: ab'), Buffer.from([0xff, 0xfe]), Buffer.from('c\n')]);
  it('in a file', () => {
    const p = file(bad);
    const r = spawnSync(process.execPath, [CLI, '-f', p], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${p}:3:11: invalid UTF-8 (byte 0xFF at offset 28)`);
  });
  it('on stdin', () => {
    const r = spawnSync(process.execPath, [CLI, '-f', '-'], { input: bad, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('<stdin>:3:11: invalid UTF-8 (byte 0xFF at offset 28)');
  });
  it('valid UTF-8 and a BOM stay fine', () => {
    const r = spawnSync(process.execPath, [CLI, '-f', file('\uFEFFkind: A\nmetadata:\n  name: é\n')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});
