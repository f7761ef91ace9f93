import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../support/run-cli.js';
import { corpusConfigFlags } from '../../scripts/conformance.js';
import type { JsonObject } from '../../src/kube/types.js';
import { appTemplate, goldenTemplate, injected, list, namespace, pod, replicaSet, workload, type Obj } from './snapshot.js';

const fresh = injected(appTemplate('web'));
function deployed(ns: string, name: string, hash: string, template: JsonObject, podTemplate = template) {
  const d = workload('Deployment', ns, name, template);
  const rs = replicaSet(d, hash, podTemplate);
  return [d, rs, pod(`${name}-${hash}-x2k4q`, ns, (rs.spec as JsonObject).template as JsonObject, rs)] as Obj[];
}
// shop: web missing its sidecar (error); pay: api up to date; ops: a DaemonSet pod with a sidecar policy excludes (warning)
const ds = workload('DaemonSet', 'ops', 'agent', fresh);
const snapshot = list([
  namespace('shop', { 'istio-injection': 'enabled' }),
  namespace('pay', { 'istio-injection': 'enabled' }),
  namespace('ops'),
  ...deployed('shop', 'web', '7d9f8c6b5', appTemplate('web')),
  ...deployed('pay', 'api', '5c6d7e8f9', injected(appTemplate('api'), {}, 'pay')),
  ds,
  pod('agent-k8s7q', 'ops', fresh, ds),
]);
const NOW = ['--restarted-at', '2026-12-07T02:00:00Z'];

describe('inject-sidecar --audit', () => {
  it('text summary on stderr: one line per finding, counts, restart commands; exit 1 on an error finding', async () => {
    const r = await runCli(['--audit', ...NOW], snapshot);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: missing: Pod shop/web-7d9f8c6b5-x2k4q (owner: ReplicaSet/web-7d9f8c6b5 <- Deployment/web)');
    expect(r.stderr).toContain('warning: unwanted: Pod ops/agent-k8s7q (owner: DaemonSet/agent)');
    expect(r.stderr).toContain('audit: 3 pods, 2 findings: missing shop: 1, unwanted ops: 1');
    expect(r.stderr).toContain('  kubectl rollout restart deployment/web -n shop\n  kubectl rollout restart daemonset/agent -n ops\n');
  });

  it('--fail-on: warning fails on warnings only, none never fails', async () => {
    const warnOnly = list([namespace('ops'), ds, pod('agent-k8s7q', 'ops', fresh, ds)]);
    expect((await runCli(['--audit', '-f', '-'], warnOnly)).code).toBe(0);
    expect((await runCli(['--audit', '--fail-on', 'warning', '-f', '-'], warnOnly)).code).toBe(1);
    expect((await runCli(['--audit', '--fail-on', 'none'], snapshot)).code).toBe(0);
  });

  it('spec.mode: audit in the config file does the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-cfg-'));
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, 'apiVersion: inject-sidecar.dev/v1alpha1\nkind: SidecarInjection\nmetadata:\n  name: c\nspec:\n  mode: audit\n');
    const r = await runCli(['--config', cfg, '--fail-on', 'none', '-f', '-'], snapshot);
    rmSync(dir, { recursive: true });
    expect(r.stderr).toContain('audit: 3 pods, 2 findings');
  });

  it('--summary prometheus: one gauge per kind and namespace with HELP/TYPE', async () => {
    const r = await runCli(['--audit', '--summary', 'prometheus', '--fail-on', 'none'], snapshot);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      expect.stringMatching(/^# HELP inject_sidecar_audit_findings /),
      '# TYPE inject_sidecar_audit_findings gauge',
      'inject_sidecar_audit_findings{kind="missing",namespace="shop"} 1',
      'inject_sidecar_audit_findings{kind="unwanted",namespace="ops"} 1',
    ]);
    expect(lines).toContain('inject_sidecar_audit_pods 3');
  });

  it('--summary json and markdown (and --audit-format, its alias)', async () => {
    const j = JSON.parse((await runCli(['--audit', '--summary', 'json', '--fail-on', 'none'], snapshot)).stdout);
    expect(j.counts).toEqual([
      { kind: 'missing', namespace: 'shop', count: 1 },
      { kind: 'unwanted', namespace: 'ops', count: 1 },
    ]);
    expect(j.findings[0].owners.map((o: { kind: string }) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
    const md = (await runCli(['--audit', '--audit-format', 'markdown', '--fail-on', 'none'], snapshot)).stdout;
    expect(md).toContain('| missing | shop | 1 |');
    expect(md).toContain('kubectl rollout restart deployment/web -n shop');
    expect((await runCli(['--audit', '--audit-format', 'markdown', '--fail-on', 'none'], snapshot)).stdout).toBe(md);
  });

  it('a bad snapshot: not a List, a manifest without status', async () => {
    const notList = await runCli(['--audit', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }));
    expect(notList.code).toBe(1);
    expect(notList.stderr).toContain('not a snapshot');
    const d = workload('Deployment', 'shop', 'web', appTemplate('web'));
    delete (d as JsonObject).status;
    const noStatus = await runCli(['--audit', '-f', '-'], list([d]));
    expect(noStatus.code).toBe(1);
    expect(noStatus.stderr).toContain('items[0] (Deployment shop/web) has no status');
    expect(noStatus.stdout).toBe('');
    // Truncated mid-item (a cut-off kubectl get): a parse error with the position, nothing on stdout.
    const cut = snapshot.slice(0, snapshot.indexOf('containerStatuses')) + '  - {name: [\n';
    const truncated = await runCli(['--audit', '--summary', 'json', '-f', '-'], cut);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/<stdin>:\d+:\d+/);
    expect(truncated.stdout).toBe('');
  });

  it('KRM mode: mode audit is an error result (a ResourceList is not a live snapshot)', async () => {
    const rl =
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: inject-sidecar.dev/v1alpha1\n  kind: SidecarInjection\n  metadata:\n    name: c\n  spec:\n    mode: audit\n';
    const r = await runCli([], rl);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('mode: audit reads a live snapshot');
  });

  it('the audit-only options are usage errors in other modes, naming the option', async () => {
    const manifest = stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: appTemplate('web') },
    });
    for (const [argv, flag] of [
      [['--fail-on', 'warning'], '--fail-on'],
      [['--check', '--restarted-at', '2026-12-07T02:00:00Z'], '--restarted-at'],
      [['--audit-format', 'json'], '--audit-format'],
      [['--summary', 'prometheus'], '--summary prometheus'],
    ] as const) {
      const r = await runCli([...argv, '-f', '-'], manifest);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} needs --audit`);
      expect(r.stdout).toBe('');
    }
    // KRM mode too.
    const rl = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n';
    expect((await runCli(['--fail-on', 'none'], rl)).stderr).toContain('--fail-on needs --audit');
    // In audit mode --summary and its alias must agree.
    const both = await runCli(['--audit', '--summary', 'json', '--audit-format', 'markdown'], snapshot);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('disagree');
  });

  it('usage errors: bad --fail-on, bad --restarted-at', async () => {
    expect((await runCli(['--audit', '--fail-on', 'info'], snapshot)).code).toBe(2);
    expect((await runCli(['--audit', '--restarted-at', 'yesterday'], snapshot)).code).toBe(2);
  });
});

describe('--audit --format patch: restart patches through kustomize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-kust-'));
  afterAll(() => rmSync(dir, { recursive: true }));

  it('one restartedAt patch per workload to restart; kustomize applies them and changes nothing else', async () => {
    const r = await runCli(['--audit', '--format', 'patch', '--fail-on', 'none', ...NOW], snapshot);
    const patches = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(patches.map((p) => `${p.kind}/${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['Deployment/shop/web', 'DaemonSet/ops/agent']);
    expect(patches[0].spec).toEqual({ template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-12-07T02:00:00Z' } } } });
    // The workloads as in Git (no status), and the patches as a kustomization.
    const bases = [workload('Deployment', 'shop', 'web', appTemplate('web')), ds].map((o) => {
      const { status: _s, ...rest } = structuredClone(o) as JsonObject;
      const meta = rest.metadata as JsonObject;
      for (const k of ['uid', 'resourceVersion', 'managedFields', 'creationTimestamp', 'generation']) delete meta[k];
      return rest;
    });
    writeFileSync(join(dir, 'workloads.yaml'), bases.map((b) => stringify(b)).join('---\n'));
    writeFileSync(join(dir, 'restart.yaml'), r.stdout);
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- workloads.yaml\npatches:\n- path: restart.yaml\n');
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
    expect(built).toHaveLength(2);
    for (const b of built) {
      const base = bases.find((x) => x.kind === b.kind)!;
      const ann = b.spec.template.metadata.annotations;
      expect(ann['kubectl.kubernetes.io/restartedAt']).toBe('2026-12-07T02:00:00Z');
      delete ann['kubectl.kubernetes.io/restartedAt'];
      if (Object.keys(ann).length === 0) delete b.spec.template.metadata.annotations;
      expect(b).toEqual(parse(stringify(base)));
    }
  }, 20000);
});

describe("--audit with Istio's own templates: pods Istio injected (the golden corpus) are up to date", () => {
  const corpus = new URL('../../../shared/istio-conformance/', import.meta.url).pathname;
  const istio = corpusConfigFlags(corpus);
  // hello: native sidecar; hello-old-version: classic (native sidecars off).
  for (const [golden, native] of [
    ['hello.yaml.injected', 'true'],
    ['hello-old-version.yaml.injected', 'false'],
  ] as const) {
    it(`${golden}: no finding; with the proxy image changed, stale naming the image`, async () => {
      const input = parse(readFileSync(`${corpus}inputs/hello.yaml`, 'utf8')) as JsonObject;
      const template = (input.spec as JsonObject).template as JsonObject;
      const injectedByIstio = goldenTemplate(`${corpus}goldens`, golden);
      const d = workload('Deployment', 'default', 'hello', template);
      const rs = replicaSet(d, '6b7c8d9e0f', template);
      const labels = { ...((injectedByIstio.metadata as JsonObject).labels as JsonObject), 'pod-template-hash': '6b7c8d9e0f' };
      const podTemplate = { ...injectedByIstio, metadata: { ...(injectedByIstio.metadata as JsonObject), labels } };
      const snap = (t: JsonObject) => list([namespace('default', { 'istio-injection': 'enabled' }), d, rs, pod('hello-6b7c8d9e0f-zz9yx', 'default', t, rs)]);
      const argv = ['--audit', '--summary', 'json', '--fail-on', 'none', '--native-sidecars', native, ...istio];
      const ok = await runCli(argv, snap(podTemplate));
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).findings).toEqual([]);
      const old = JSON.parse(JSON.stringify(podTemplate).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0')) as JsonObject;
      const stale = JSON.parse((await runCli(argv, snap(old))).stdout).findings as { kind: string; fields: string[] }[];
      expect(stale.map((f) => f.kind)).toEqual(['stale']);
      expect(stale[0]!.fields[0]).toMatch(/^spec\.(initContainers|containers)\[istio-proxy\]\.image: \S+proxyv2:1\.19\.0, expected /);
    }, 20000);
  }
});
