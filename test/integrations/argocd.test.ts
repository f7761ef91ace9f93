/**
 * The Argo CD config-management plugin, run as argocd-cmp-server runs it: plugin.yaml's discover
 * rule is evaluated and its generate command spawned in a fresh copy of the application directory,
 * with the environment the CMP server builds (ARGOCD_APP_*, ARGOCD_ENV_*, PARAM_* escaped as Argo CD
 * escapes them, ARGOCD_APP_PARAMETERS, KUBE_VERSION, KUBE_API_VERSIONS) on top of a minimal sidecar
 * environment, as uid 999 when the tests run as root. The output must be a plain YAML stream with
 * the sidecars; every failure must exit non-zero with nothing on stdout.
 * Also checks the top-level kustomization that installs the plugin into argocd-repo-server.
 * Skips when kubectl is missing on a laptop; fails in CI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { bundle, ensureBundle, repo, requireTools, run, type Ran } from './tools.js';

const missing = requireTools('Argo CD plugin tests', ['bash', 'kubectl', 'node']);
const asRoot = process.getuid?.() === 0;
const ARGOCD_UID = 999;

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: any };
type Param = { name: string; string?: string; array?: string[]; map?: Record<string, string> };

interface PluginConfig {
  metadata: { name: string };
  spec: {
    discover?: { fileName?: string };
    generate: { command: string[]; args?: string[] };
    parameters?: { static?: { name: string }[] };
  };
}

const plugin = parse(readFileSync(join(repo, 'integrations/argocd/plugin.yaml'), 'utf8')) as PluginConfig;

/** Argo CD's `escaped()`: upper case, and every character outside [A-Z0-9_] becomes "_". */
function escaped(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** ApplicationSourcePluginParameters.Environ(): PARAM_<NAME>, _<i> for arrays, _<KEY> for maps, plus the JSON. */
function paramEnv(params: Param[]): Record<string, string> {
  const env: Record<string, string> = { ARGOCD_APP_PARAMETERS: JSON.stringify(params) };
  for (const p of params) {
    const base = `PARAM_${escaped(p.name)}`;
    if (p.string !== undefined) env[base] = p.string;
    for (const [i, v] of (p.array ?? []).entries()) env[`${base}_${i}`] = v;
    for (const [k, v] of Object.entries(p.map ?? {})) env[`${base}_${escaped(k)}`] = v;
  }
  return env;
}

let sandbox: string;
let binDir: string;
let cmpDir: string;

/** A fresh copy of an app directory, owned by the plugin's user, as the CMP server unpacks it. */
function unpack(appSource: string, edit?: (dir: string) => void): string {
  const root = mkdtempSync(join(sandbox, 'app-'));
  const dir = join(root, 'app');
  cpSync(appSource, dir, { recursive: true });
  edit?.(dir);
  if (asRoot) chownTree(root, ARGOCD_UID);
  return dir;
}

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid);
}

function discovers(appDir: string): boolean {
  const file = plugin.spec.discover?.fileName;
  if (!file) return false;
  try {
    return statSync(join(appDir, file)).isFile();
  } catch {
    return false;
  }
}

interface AppRun {
  appName?: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  params?: Param[];
  env?: Record<string, string>;
  /** Variables of the sidecar's own environment (not Argo CD's): e.g. a secret the repo server holds. */
  processEnv?: Record<string, string>;
  extraPath?: string;
}

function generate(appDir: string, o: AppRun = {}): Ran {
  const tmp = mkdtempSync(join(sandbox, 'tmp-'));
  if (asRoot) chownSync(tmp, ARGOCD_UID, ARGOCD_UID);
  const env: Record<string, string> = {
    // The sidecar's own environment: a plain PATH with the tools, a writable HOME and TMPDIR.
    PATH: [o.extraPath, binDir, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].filter(Boolean).join(':'),
    HOME: tmp,
    TMPDIR: tmp,
    INJECT_SIDECAR_CMP_DIR: cmpDir,
    // What the repo-server adds for the application.
    ARGOCD_APP_NAME: o.appName ?? 'storefront',
    ARGOCD_APP_NAMESPACE: o.namespace ?? 'storefront',
    ARGOCD_APP_PROJECT_NAME: 'default',
    ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567',
    ARGOCD_APP_REVISION_SHORT: '0123456',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/platform/apps.git',
    ARGOCD_APP_SOURCE_PATH: 'apps/storefront',
    ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    KUBE_VERSION: o.kubeVersion ?? '1.31.4',
    KUBE_API_VERSIONS: (o.apiVersions ?? ['v1', 'apps/v1', 'batch/v1']).join(','),
    ...Object.fromEntries(Object.entries(o.env ?? {}).map(([k, v]) => [`ARGOCD_ENV_${k}`, v])),
    ...paramEnv(o.params ?? []),
    ...o.processEnv,
  };
  const [cmd, ...cmdArgs] = plugin.spec.generate.command;
  const argv = [...cmdArgs, ...(plugin.spec.generate.args ?? [])];
  const drop = ['setpriv', `--reuid=${ARGOCD_UID}`, `--regid=${ARGOCD_UID}`, '--clear-groups', '--'];
  return asRoot ? run(drop[0]!, [...drop.slice(1), cmd!, ...argv], { cwd: appDir, env }) : run(cmd!, argv, { cwd: appDir, env });
}

/** A plain YAML stream of Kubernetes objects, as Argo CD reads it (never a ResourceList). */
function objects(stdout: string): Obj[] {
  const docs = parseAllDocuments(stdout);
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

function find(objs: Obj[], kind: string, name: string): Obj | undefined {
  return objs.find((o) => o.kind === kind && o.metadata?.name === name);
}

const names = (list: { name: string }[] | undefined): string[] => (list ?? []).map((c) => c.name);

describe.skipIf(missing.length > 0)('Argo CD config-management plugin (CMP v2 simulation)', () => {
  beforeAll(() => {
    ensureBundle();
    sandbox = mkdtempSync(join(tmpdir(), 'inject-sidecar-argocd-'));
    chmodSync(sandbox, 0o755);
    // Copies, not links into the repo: uid 999 may not be able to traverse the checkout's parents.
    // generate.sh sits apart from the app, as the ConfigMap mount does in the real sidecar.
    binDir = join(sandbox, 'bin');
    mkdirSync(binDir);
    // The bundle is an entry file plus the chunks (and package.json) beside it: copy those, and
    // put a link to the entry on PATH (Node finds the chunks relative to the link's target).
    const distCopy = join(sandbox, 'dist');
    mkdirSync(distCopy);
    copyFileSync(bundle, join(distCopy, 'inject-sidecar.js'));
    chmodSync(join(distCopy, 'inject-sidecar.js'), 0o755);
    for (const extra of ['chunks', 'package.json']) {
      if (existsSync(join(dirname(bundle), extra))) cpSync(join(dirname(bundle), extra), join(distCopy, extra), { recursive: true });
    }
    symlinkSync(join(distCopy, 'inject-sidecar.js'), join(binDir, 'inject-sidecar'));
    cmpDir = join(sandbox, 'cmp-server-config');
    mkdirSync(cmpDir);
    for (const f of ['plugin.yaml', 'generate.sh']) copyFileSync(join(repo, 'integrations/argocd', f), join(cmpDir, f));
  });

  it('plugin.yaml is a CMP v2 config: bash generate with pipefail, announced parameters', () => {
    expect(plugin.metadata.name).toBe('inject-sidecar');
    expect(plugin.spec.generate.command).toEqual(['bash', '-c']);
    expect(plugin.spec.generate.args?.[0]).toMatch(/^set -euo pipefail\n/);
    const announced = (plugin.spec.parameters?.static ?? []).map((p) => p.name).sort();
    // Every parameter generate.sh reads is announced, and nothing else.
    const script = readFileSync(join(repo, 'integrations/argocd/generate.sh'), 'utf8');
    const read = new Set<string>();
    for (const m of script.matchAll(/setting\(?['" ]?([A-Z][A-Z_]+)/g)) read.add(m[1]!);
    for (const m of script.matchAll(/PARAM_([A-Z_]+?)_\$i/g)) read.add(m[1]!);
    for (const m of script.matchAll(/param\('([a-z-]+)'\)/g)) read.add(escaped(m[1]!));
    read.delete('NAME'); // the comment describing setting()
    expect([...read].sort()).toEqual(announced.map(escaped).sort());
  });

  it('renders examples/shop as a plain directory with its config file: a YAML stream with the sidecars', () => {
    const app = unpack(join(repo, 'examples/shop'));
    expect(discovers(app)).toBe(true);
    const r = generate(app, { namespace: 'shop' });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('kind: ResourceList');
    const objs = objects(r.stdout);
    expect(objs.map((o) => o.kind)).not.toContain('Kptfile');
    expect(objs.map((o) => o.kind)).not.toContain('SidecarInjection');
    const web = find(objs, 'Deployment', 'web')?.spec.template.spec;
    // The config has kubeVersion 1.33: istio-proxy is a native sidecar (an init container).
    expect(names(web.initContainers)).toContain('istio-proxy');
    expect(names(find(objs, 'StatefulSet', 'db')?.spec.template.spec.containers)).toEqual(['postgres']);
    expect(find(objs, 'Namespace', 'shop')).toBeDefined();
  });

  it('maps parameters to flags: native-sidecars=false overrides the config file', () => {
    const app = unpack(join(repo, 'examples/shop'));
    const r = generate(app, { params: [{ name: 'native-sidecars', string: 'false' }] });
    expect(r.code).toBe(0);
    const web = find(objects(r.stdout), 'Deployment', 'web')?.spec.template.spec;
    expect(names(web.containers)).toContain('istio-proxy');
    expect(names(web.initContainers)).not.toContain('istio-proxy');
  });

  it('renders a kustomization without a config file from parameters and the destination', () => {
    const app = unpack(join(repo, 'integrations/argocd/example-app'));
    expect(discovers(app)).toBe(false); // named explicitly by the Application
    const params: Param[] = [
      { name: 'namespace-labels', map: { 'istio-injection': 'enabled' } },
      { name: 'native-sidecars', string: 'auto' },
      { name: 'proxy-tag', string: '1.28.0' },
    ];
    const native = generate(app, { kubeVersion: '1.33.2', params });
    expect(native.stderr).not.toContain('internal error');
    expect(native.code).toBe(0);
    const spec = find(objects(native.stdout), 'Deployment', 'web')?.spec.template.spec;
    expect(names(spec.initContainers)).toContain('istio-proxy');
    expect(native.stdout).toContain('proxyv2:1.28.0');
    // KUBE_VERSION below 1.33: the classic sidecar.
    const classic = generate(app, { kubeVersion: '1.31.4', params });
    expect(classic.code).toBe(0);
    const spec2 = find(objects(classic.stdout), 'Deployment', 'web')?.spec.template.spec;
    expect(names(spec2.containers)).toEqual(['web', 'istio-proxy']);
  });

  it('a config file without defaultNamespace: the destination namespace decides (--namespace), not written out', () => {
    const app = unpack(join(repo, 'integrations/argocd/example-app'));
    writeFileSync(
      join(app, 'inject-sidecar.yaml'),
      'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n  namespaces:\n    storefront:\n      labels: {istio-injection: enabled}\n',
    );
    const r = generate(app, {
      params: [
        { name: 'source', string: 'kustomize' },
        { name: 'summary', string: 'text' },
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    const web = find(objects(r.stdout), 'Deployment', 'web');
    expect(names(web?.spec.template.spec.containers)).toContain('istio-proxy');
    expect(web?.metadata?.namespace).toBeUndefined();
    // --summary text: one line per workload and the totals line, in the sidecar's log.
    expect(r.stderr).toMatch(/^injected +Deployment web +namespace-label/m);
    expect(r.stderr).toContain('1 injected');
  });

  it('without the namespace label (webhook emulation) nothing is injected, and the stream is still emitted', () => {
    const app = unpack(join(repo, 'integrations/argocd/example-app'));
    const r = generate(app, {});
    expect(r.code).toBe(0);
    const objs = objects(r.stdout);
    expect(names(find(objs, 'Deployment', 'web')?.spec.template.spec.containers)).toEqual(['web']);
    expect(find(objs, 'Service', 'web')).toBeDefined();
  });

  it('ARGOCD_ENV_* entries work like parameters, and a parameter wins', () => {
    const app = unpack(join(repo, 'examples/shop'));
    const r = generate(app, { env: { EMULATE: 'kube-inject', NATIVE_SIDECARS: 'false' } });
    expect(r.code).toBe(0);
    expect(names(find(objects(r.stdout), 'Deployment', 'web')?.spec.template.spec.containers)).toContain('istio-proxy');
    const bad = generate(app, { env: { EMULATE: 'kube-inject' }, params: [{ name: 'emulate', string: 'sometimes' }] });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe('');
  });

  it('renders a Helm chart with helm template: release, namespace, cluster version, API versions, value files', () => {
    // helm is not installable here: a stand-in prints a recorded `helm template` stream and its argv.
    const fake = mkdtempSync(join(sandbox, 'helm-'));
    const log = join(fake, 'argv.json');
    const stream = readFileSync(join(repo, 'test/integrations/fixtures/helm-template.yaml'), 'utf8');
    writeFileSync(
      join(fake, 'helm'),
      `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write(${JSON.stringify(stream)});\n`,
    );
    chmodSync(fake, 0o777);
    chmodSync(join(fake, 'helm'), 0o755);
    const app = unpack(join(repo, 'integrations/argocd/example-app'), (dir) => {
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: storefront\nversion: 0.1.0\n');
      for (const f of ['kustomization.yaml', 'web.yaml']) writeFileSync(join(dir, f), '');
    });
    const r = generate(app, {
      extraPath: fake,
      params: [
        { name: 'source', string: 'helm' },
        { name: 'helm-values', array: ['values.yaml', 'values-prod.yaml'] },
        { name: 'namespace-labels', map: { 'istio-injection': 'enabled' } },
      ],
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(log, 'utf8'))).toEqual([
      'template',
      'storefront',
      '.',
      '--namespace',
      'storefront',
      '--kube-version',
      '1.31.4',
      '--api-versions',
      'v1',
      '--api-versions',
      'apps/v1',
      '--api-versions',
      'batch/v1',
      '--values',
      'values.yaml',
      '--values',
      'values-prod.yaml',
    ]);
    const objs = objects(r.stdout);
    expect(names(find(objs, 'Deployment', 'storefront-web')?.spec.template.spec.containers)).toContain('istio-proxy');
  });

  describe('failures: non-zero exit and NOTHING on stdout', () => {
    const cases: [string, () => Ran][] = [
      ['an invalid parameter value', () => generate(unpack(join(repo, 'examples/shop')), { params: [{ name: 'emulate', string: 'sometimes' }] })],
      [
        'an invalid config file',
        () =>
          generate(
            unpack(join(repo, 'examples/shop'), (d) => {
              const f = join(d, 'inject-sidecar.yaml');
              writeFileSync(f, readFileSync(f, 'utf8').replace('emulate: webhook', 'emulate: sometimes'));
            }),
          ),
      ],
      [
        'a broken manifest',
        () => generate(unpack(join(repo, 'examples/shop'), (d) => writeFileSync(join(d, 'web.yaml'), 'kind: Deployment\nmetadata: [unclosed\n'))),
      ],
      [
        'a kustomize error (missing resource)',
        () =>
          generate(unpack(join(repo, 'integrations/argocd/example-app'), (d) => writeFileSync(join(d, 'kustomization.yaml'), 'resources: [missing.yaml]\n'))),
      ],
      [
        'a render that produces no objects',
        () => generate(unpack(join(repo, 'integrations/argocd/example-app'), (d) => writeFileSync(join(d, 'kustomization.yaml'), 'resources: []\n'))),
      ],
      [
        'a config file parameter naming a missing file',
        () => generate(unpack(join(repo, 'examples/shop')), { params: [{ name: 'config', string: 'nope.yaml' }] }),
      ],
      [
        'a parameter that belongs in the config file',
        () => generate(unpack(join(repo, 'examples/shop')), { params: [{ name: 'proxy-tag', string: '1.28.0' }] }),
      ],
      ['an unknown source type', () => generate(unpack(join(repo, 'examples/shop')), { params: [{ name: 'source', string: 'jsonnet' }] })],
    ];
    it.each(cases)('%s', (_name, go) => {
      const r = go();
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).not.toBe('');
    });
  });

  describe("a pull request cannot read the repo server's files or environment", () => {
    const SECRET = 's3cr3t-xyz';
    const TOKEN = 'kube-tok-98765';
    let outside: string;
    beforeAll(() => {
      outside = mkdtempSync(join(sandbox, 'outside-'));
      writeFileSync(join(outside, 'kubeconfig.yaml'), `apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: ${TOKEN}\n`);
      writeFileSync(join(outside, 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\nstringData: {token: ${TOKEN}}\n`);
      chmodSync(outside, 0o755);
    });
    const withIstio = (fields: string) => (dir: string) => {
      const cfg = readFileSync(join(dir, 'inject-sidecar.yaml'), 'utf8');
      writeFileSync(join(dir, 'inject-sidecar.yaml'), `${cfg}  istio:\n${fields}`);
      writeFileSync(join(dir, 'template.yaml'), 'metadata:\n  annotations:\n    leak: {{ toJson .Values | quote }}\n');
    };
    const cases: [string, (dir: string) => void][] = [
      ['valuesFile: /proc/self/environ', withIstio('    valuesFile: /proc/self/environ\n')],
      [
        'valuesFile: an absolute kubeconfig path, with a template printing the values',
        (d) => withIstio(`    valuesFile: ${join(outside, 'kubeconfig.yaml')}\n    injectConfigFile: template.yaml\n`)(d),
      ],
      [
        'valuesFile: a .. escape',
        (d) =>
          withIstio(
            `    valuesFile: ${join('..', '..', ...outside.slice(sandbox.length + 1).split('/'), 'kubeconfig.yaml')}\n    injectConfigFile: template.yaml\n`,
          )(d),
      ],
      [
        'valuesFile: a symlink out of the app',
        (d) => {
          symlinkSync(join(outside, 'kubeconfig.yaml'), join(d, 'values.yaml'));
          withIstio('    valuesFile: values.yaml\n    injectConfigFile: template.yaml\n')(d);
        },
      ],
      [
        'the config itself a symlink out of the app',
        (d) => {
          rmSync(join(d, 'inject-sidecar.yaml'));
          symlinkSync(join(outside, 'kubeconfig.yaml'), join(d, 'inject-sidecar.yaml'));
        },
      ],
      ['a manifest that is a symlink out of the app', (d) => symlinkSync(join(outside, 'secret.yaml'), join(d, 'zz-secret.yaml'))],
    ];
    for (const [what, edit] of cases) {
      it(`${what}: refused, nothing on stdout, no secret on stderr`, () => {
        const app = unpack(join(repo, 'examples/shop'), edit);
        const r = generate(app, { namespace: 'shop', processEnv: { SECRET_TOKEN: SECRET } });
        expect(r.stderr).not.toContain('internal error');
        for (const secret of [SECRET, TOKEN]) {
          expect(r.stdout).not.toContain(secret);
          expect(r.stderr).not.toContain(secret);
        }
        expect(r.code).not.toBe(0);
        expect(r.stdout).toBe('');
      });
    }
  });

  it('the top-level kustomization installs the sidecar into argocd-repo-server', () => {
    const r = run('kubectl', ['kustomize', repo]);
    expect(r.code).toBe(0);
    const objs = objects(r.stdout);
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name?.startsWith('inject-sidecar-cmp-')) as Obj & { data: Record<string, string> };
    expect(Object.keys(cm.data).sort()).toEqual(['generate.sh', 'plugin.yaml']);
    expect(cm.data['generate.sh']).toBe(readFileSync(join(repo, 'integrations/argocd/generate.sh'), 'utf8'));
    const pod = find(objs, 'Deployment', 'argocd-repo-server')?.spec.template.spec;
    const sidecar = pod.containers.find((c: { name: string }) => c.name === 'inject-sidecar');
    expect(sidecar.command).toEqual(['/var/run/argocd/argocd-cmp-server']);
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    const mounts = Object.fromEntries(sidecar.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
    expect(mounts['/var/run/argocd']).toBe('var-files');
    expect(mounts['/home/argocd/cmp-server/plugins']).toBe('plugins');
    expect(mounts['/home/argocd/cmp-server/config']).toBe('inject-sidecar-cmp');
    // Its own /tmp, not the repo-server's.
    const repoServer = pod.containers.find((c: { name: string }) => c.name === 'argocd-repo-server');
    const tmpVolume = mounts['/tmp'];
    expect(tmpVolume).toBeDefined();
    expect(repoServer.volumeMounts.map((m: { name: string }) => m.name)).not.toContain(tmpVolume);
    // The ConfigMap volume points at the generated (hashed) name; the tools come from the repo-server image.
    const cmVolume = pod.volumes.find((v: { name: string }) => v.name === 'inject-sidecar-cmp');
    expect(cmVolume.configMap.name).toBe(cm.metadata?.name);
    const tools = pod.initContainers.find((c: { name: string }) => c.name === 'inject-sidecar-tools');
    expect(tools.image).toBe(repoServer.image);
    expect(find(objs, 'Deployment', 'argocd-repo-server')?.metadata?.namespace).toBe('argocd');
  });
});
