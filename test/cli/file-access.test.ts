/**
 * The file-system side of the trust boundary, driven through the built CLI with a secret in its
 * environment: files a function config names stay inside the config's tree (after symlinks),
 * every file is a regular file read with a size cap, directory inputs do not follow links out,
 * `-R` walks subdirectories with bounds, and paths are escaped when printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs, MAX_INPUT_FILES } from '../../src/cli/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist/inject-sidecar.js');
const SECRET = 's3cr3t-xyz';
const TOKEN = 'kube-tok-98765';
const dir = mkdtempSync(join(tmpdir(), 'inject-sidecar-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(DIST)) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { cwd?: string; input?: string; stdinFile?: string } = {}): Ran {
  const stdio = opts.stdinFile ? [openSync(opts.stdinFile, 'r'), 'pipe', 'pipe'] : undefined;
  const r = spawnSync(process.execPath, [DIST, ...args], {
    cwd: opts.cwd ?? dir,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', SECRET_TOKEN: SECRET },
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    ...(stdio ? { stdio: stdio as never } : {}),
  });
  if (stdio) closeSync(stdio[0] as number);
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n';
const dep = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n      - name: ${name}\n        image: example/${name}:1\n`;
const KUBECONFIG = `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${TOKEN}\n`;
// A template that copies every value into an annotation: whatever the values file holds comes out.
const LEAK_TEMPLATE = 'metadata:\n  annotations:\n    leak: {{ toJson .Values | quote }}\n';

const config = (istio: string) => `apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n${istio}`;
const istioSection = (fields: Record<string, string>) =>
  `  istio:\n${Object.entries(fields)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`)
    .join('')}`;
const resourceList = (fnConfig: string) =>
  `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${[NS, dep('web')]
    .map((d) => '- ' + d.replace(/\n(?=.)/g, '\n  '))
    .join('')}functionConfig:\n${fnConfig.replace(/^(?=.)/gm, '  ')}`;

/** A repository (`repo/`) with a manifest and a leak template, and a kubeconfig outside it. */
function layout(name: string): { repo: string; outside: string } {
  const base = join(dir, name);
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(repo, 'config'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(repo, 'app.yaml'), `${NS}---\n${dep('web')}`);
  writeFileSync(join(repo, 'config', 'template.yaml'), LEAK_TEMPLATE);
  writeFileSync(join(outside, 'kubeconfig.yaml'), KUBECONFIG);
  return { repo, outside };
}

function expectNoLeak(r: Ran): void {
  for (const secret of [SECRET, TOKEN]) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  }
  expect(r.stderr).not.toContain('internal error');
}

describe('files a function config names stay inside its tree', () => {
  it('positive control: a values file inside the tree reaches the output through the template', () => {
    const { repo } = layout('control');
    writeFileSync(join(repo, 'config', 'kubeconfig.yaml'), KUBECONFIG);
    writeFileSync(join(repo, 'config', 'c.yaml'), config(istioSection({ valuesFile: 'kubeconfig.yaml', injectConfigFile: 'template.yaml' })));
    // relative to the config's directory, not to the current one
    const r = run(['-q', '--config', join(repo, 'config', 'c.yaml'), '-f', join(repo, 'app.yaml')], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TOKEN);
  });

  const hostile: [string, string, (outside: string, repo: string) => void][] = [
    ['an absolute path (the environment)', '/proc/self/environ', () => {}],
    ['an absolute path (a kubeconfig)', 'ABS', () => {}],
    ['a .. escape', '../../outside/kubeconfig.yaml', () => {}],
    ['a symlink out of the tree', 'link.yaml', (outside, repo) => symlinkSync(join(outside, 'kubeconfig.yaml'), join(repo, 'config', 'link.yaml'))],
    ['a link to a directory out of the tree', 'dir/kubeconfig.yaml', (outside, repo) => symlinkSync(outside, join(repo, 'config', 'dir'))],
  ];
  for (const [what, path, prepare] of hostile) {
    for (const field of ['valuesFile', 'meshConfigFile', 'injectConfigFile'] as const) {
      it(`--config: ${field} as ${what} is an error naming the field, and nothing leaks`, () => {
        const { repo, outside } = layout(`cfg-${field}-${what.replace(/\W+/g, '-')}`);
        prepare(outside, repo);
        const p = path === 'ABS' ? join(outside, 'kubeconfig.yaml') : path;
        const fields = field === 'injectConfigFile' ? { injectConfigFile: p } : { [field]: p, injectConfigFile: 'template.yaml' };
        writeFileSync(join(repo, 'config', 'c.yaml'), config(istioSection(fields)));
        const r = run(['--config', 'config/c.yaml', '-f', 'app.yaml'], { cwd: repo });
        expectNoLeak(r);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`spec.istio.${field}: `);
      });
    }
  }

  it('KRM: a functionConfig naming /proc/self/environ gives an error result naming the field; nothing leaks', () => {
    const { repo } = layout('krm-environ');
    const r = run([], { cwd: repo, input: resourceList(config(istioSection({ valuesFile: '/proc/self/environ' }))) });
    expectNoLeak(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kind: ResourceList');
    expect(r.stdout).toMatch(/field:\s*\n\s*path: spec\.istio\.valuesFile/);
  });

  it('KRM: a flat ConfigMap functionConfig is confined too, named by its data field', () => {
    const { repo, outside } = layout('krm-configmap');
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  istio: '{valuesFile: ${join(outside, 'kubeconfig.yaml')}, injectConfigFile: config/template.yaml}'\n`;
    const r = run([], { cwd: repo, input: resourceList(cm) });
    expectNoLeak(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`data.istio.valuesFile: ${join(outside, 'kubeconfig.yaml')}: absolute paths are not allowed`);
  });

  it('KRM: paths resolve against the current directory (the package); a .. escape is refused', () => {
    const { repo } = layout('krm-escape');
    writeFileSync(join(repo, 'kubeconfig.yaml'), KUBECONFIG);
    const inside = run(['-q'], {
      cwd: repo,
      input: resourceList(config(istioSection({ valuesFile: 'kubeconfig.yaml', injectConfigFile: 'config/template.yaml' }))),
    });
    expect(inside.code).toBe(0);
    expect(inside.stdout).toContain(TOKEN);
    const r = run([], {
      cwd: repo,
      input: resourceList(config(istioSection({ valuesFile: '../outside/kubeconfig.yaml', injectConfigFile: 'config/template.yaml' }))),
    });
    expectNoLeak(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.istio.valuesFile: ../outside/kubeconfig.yaml: outside the config');
  });

  it("spec.revisions[].istio files are confined too, named by the entry's field", () => {
    const { repo } = layout('revisions');
    const revs = `  revisions:\n  - revision: canary\n    istio:\n      valuesFile: /proc/self/environ\n`;
    writeFileSync(join(repo, 'c.yaml'), config(revs));
    const r = run(['--config', 'c.yaml', '-f', 'app.yaml'], { cwd: repo });
    expectNoLeak(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.revisions[0].istio.valuesFile: /proc/self/environ: absolute paths are not allowed');
  });

  it('a dangling or looping link named by the config says so', () => {
    const { repo } = layout('config-links');
    symlinkSync('missing.yaml', join(repo, 'dangling.yaml'));
    symlinkSync('loop.yaml', join(repo, 'loop.yaml'));
    for (const [file, reason] of [
      ['dangling.yaml', 'dangling symlink'],
      ['loop.yaml', 'symlink loop'],
    ]) {
      writeFileSync(join(repo, 'c.yaml'), config(istioSection({ valuesFile: file! })));
      const r = run(['--config', 'c.yaml', '-f', 'app.yaml'], { cwd: repo });
      expect([r.code, r.stderr]).toEqual([1, `inject-sidecar: spec.istio.valuesFile: ${file}: ${reason}\n`]);
    }
    const loop = run(['--config', 'loop.yaml', '-f', 'app.yaml'], { cwd: repo });
    expect([loop.code, loop.stderr]).toEqual([1, 'inject-sidecar: config file loop.yaml: symlink loop\n']);
  });

  it('--config-root widens the tree (the operator allows it)', () => {
    const { repo, outside } = layout('widen');
    writeFileSync(join(repo, 'config', 'c.yaml'), config(istioSection({ valuesFile: '../../outside/kubeconfig.yaml', injectConfigFile: 'template.yaml' })));
    const refused = run(['-q', '--config', 'config/c.yaml', '-f', 'app.yaml'], { cwd: repo });
    expect(refused.code).toBe(1);
    const r = run(['-q', '--config', 'config/c.yaml', '--config-root', outside, '-f', 'app.yaml'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TOKEN);
  });

  it('a values file that is not YAML is reported by path without its content', () => {
    const { repo } = layout('not-yaml');
    writeFileSync(join(repo, 'config', 'values.yaml'), `just a scalar with ${SECRET}\n`);
    writeFileSync(join(repo, 'config', 'c.yaml'), config(istioSection({ valuesFile: 'values.yaml' })));
    const r = run(['--config', 'c.yaml', '-f', '../app.yaml'], { cwd: join(repo, 'config') });
    expectNoLeak(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('values.yaml');
  });
});

describe('only regular files, with a size cap', () => {
  it.each([
    ['-f', ['-f', '/dev/zero'], ''],
    ['--config', ['--config', '/dev/zero', '-f', '-'], 'config file '],
    ['--valuesFile', ['--valuesFile', '/dev/zero', '-f', '-'], ''],
  ])('%s /dev/zero is a clean error naming it', (_flag, args, what) => {
    const r = run(args as string[], { input: `${NS}---\n${dep('web')}` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`inject-sidecar: ${what}/dev/zero: not a regular file (devices, FIFOs and sockets are not read)\n`);
  });

  it('a FIFO as -f does not hang: it is refused', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = run(['-f', fifo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pipe.yaml: not a regular file');
  });

  it('a config over 16 MiB and a manifest over 256 MiB are refused before they are read', () => {
    const big = (name: string, bytes: number) => {
      const p = join(dir, name);
      const fd = openSync(p, 'w');
      ftruncateSync(fd, bytes); // sparse: no disk, no time
      closeSync(fd);
      return p;
    };
    const cfg = big('big-config.yaml', 16 * 1024 * 1024 + 1);
    const r = run(['--config', cfg, '-f', '-'], { input: NS });
    expect([r.code, r.stderr]).toEqual([1, `inject-sidecar: config file ${cfg}: larger than the limit of 16 MiB\n`]);
    const input = big('big-input.yaml', 256 * 1024 * 1024 + 1);
    const s = run(['-f', input]);
    expect([s.code, s.stderr]).toEqual([1, `inject-sidecar: ${input}: larger than the limit of 256 MiB\n`]);
    // stdin has the same cap (read until the cap is passed, then refused)
    const t = run(['-f', '-'], { stdinFile: input });
    expect([t.code, t.stdout, t.stderr]).toEqual([1, '', 'inject-sidecar: <stdin>: larger than the limit of 256 MiB\n']);
  });
});

describe('directory inputs', () => {
  const tree = (name: string, files: Record<string, string>) => {
    const p = join(dir, name);
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(p, f, '..'), { recursive: true });
      writeFileSync(join(p, f), text);
    }
    return p;
  };

  it('a *.yaml symlink out of the directory is skipped with a warning naming it, not read', () => {
    const p = tree('link-out', { 'app.yaml': `${NS}---\n${dep('web')}` });
    const secret = join(dir, 'link-out-secret.yaml');
    writeFileSync(secret, `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\nstringData: {token: ${TOKEN}}\n`);
    symlinkSync(secret, join(p, 'z-secret.yaml'));
    const r = run(['-f', p]);
    expectNoLeak(r);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${p}/z-secret.yaml: skipped: symlink to a file outside`);
  });

  it('a link inside the tree is read; dangling and looping links are clear errors', () => {
    const p = tree('links', { 'a.yaml': `${NS}---\n${dep('web')}` });
    symlinkSync('a.yaml', join(p, 'b.yaml'));
    const ok = run(['-q', '-f', p]);
    expect(ok.code).toBe(0);
    // read once: b.yaml is the same file as a.yaml
    expect(ok.stdout.match(/kind: Deployment/g)).toHaveLength(1);
    symlinkSync('missing.yaml', join(p, 'c.yaml'));
    const dangling = run(['-f', p]);
    expect([dangling.code, dangling.stderr]).toEqual([1, `inject-sidecar: ${p}/c.yaml: dangling symlink\n`]);
    rmSync(join(p, 'c.yaml'));
    symlinkSync('d.yaml', join(p, 'd.yaml'));
    const loop = run(['-f', p]);
    expect([loop.code, loop.stderr]).toEqual([1, `inject-sidecar: ${p}/d.yaml: symlink loop\n`]);
    const direct = run(['-f', join(p, 'd.yaml')]);
    expect([direct.code, direct.stderr]).toEqual([1, `inject-sidecar: ${p}/d.yaml: symlink loop\n`]);
  });

  it('without -R, subdirectories with YAML get a warning naming them; with -R they are read in sorted order', () => {
    const p = tree('nested', {
      '0-ns.yaml': NS,
      'b/web.yaml': dep('b-web'),
      'a/deep/er/api.yaml': dep('a-api'),
      'c/readme.txt': 'no yaml here',
    });
    const flat = run(['-f', p]);
    expect(flat.code).toBe(0);
    expect(flat.stderr).toContain(`warning: ${p}: subdirectories with YAML files not read (give -R to read them): ${p}/a, ${p}/b\n`);
    expect(flat.stdout).not.toContain('kind: Deployment');
    const deep = run(['-q', '-R', '-f', p]);
    expect(deep.code).toBe(0);
    expect([...deep.stdout.matchAll(/^  name: (\S+)$/gm)].map((m) => m[1])).toEqual(['shop', 'a-api', 'b-web']);
    expect(deep.stdout.match(/name: istio-proxy/g)).toHaveLength(2);
  });

  it('-R does not follow directory symlinks, and bounds the depth', () => {
    const p = tree('walk-bounds', { 'ns.yaml': NS });
    const outside = tree('walk-bounds-outside', { 'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {t: ${TOKEN}}\n` });
    symlinkSync(outside, join(p, 'linked'));
    symlinkSync('.', join(p, 'self'));
    const r = run(['-R', '-f', p]);
    expectNoLeak(r);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${p}/linked: symlink to a directory, not followed`);
    const deep = tree('walk-deep', { [`${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}/x.yaml`]: NS });
    const d = run(['-R', '-f', deep]);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/: more than 32 directory levels below the -f directory\n$/);
  });

  it('-R bounds the number of files', () => {
    const p = join(dir, 'many');
    mkdirSync(join(p, 'sub'), { recursive: true });
    for (let i = 0; i <= 100; i++) writeFileSync(join(p, 'sub', `f${i}.yaml`), '');
    expect(expandInputs([p], { recursive: true, maxFiles: 101 }).files).toHaveLength(101);
    expect(() => expandInputs([p], { recursive: true, maxFiles: 100 })).toThrow(/^\S+\.yaml: more than 100 input files$/);
    expect(MAX_INPUT_FILES).toBe(200_000);
  });

  it('the same file given twice is read once, with a warning', () => {
    const p = tree('twice', { 'app.yaml': `${NS}---\n${dep('web')}` });
    const r = run(['-f', join(p, 'app.yaml'), '-f', `${p}/./app.yaml`, '-f', p]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/kind: Deployment/g)).toHaveLength(1);
    expect(r.stderr).toContain(`warning: ${p}/./app.yaml: the same file as ${p}/app.yaml, given twice: read once`);
  });
});

describe('paths printed on stderr', () => {
  it('newlines and escape characters in a file name are escaped', () => {
    const name = join(dir, 'evil\n\x1b[31mname.yaml');
    const r = run(['-f', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('evil\\n\\x1b[31mname.yaml');
  });

  it('and in messages about the file content', () => {
    const name = join(dir, 'bad\x1b]0;title\x07.yaml');
    writeFileSync(name, 'a: [\n');
    const r = run(['-f', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/[\x07\x1b]/);
    expect(r.stderr).toContain('bad\\x1b]0;title\\x07.yaml');
  });
});
