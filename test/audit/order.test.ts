/**
 * The audit reads a snapshot once, item by item: a pod's findings must not depend on where its
 * owners, its namespace or the webhook configurations are in the input (kubectl prints pods
 * before deployments and the webhook configurations last), nor on how the snapshot is split into
 * Lists and files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { parseStream, readStreamDocuments } from '../../src/io/index.js';
import { audit, SnapshotAudit, type AuditReport } from '../../src/audit/audit.js';
import { isEnvironmentObject } from '../../src/core/run.js';
import type { JsonObject } from '../../src/kube/types.js';
import { runCli } from '../support/run-cli.js';
import { appTemplate, injected, list, namespace, pod, replicaSet, workload, type Obj } from './snapshot.js';

const NOW = '2026-12-07T02:00:00Z';
const config = loadConfig({ apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', metadata: { name: 'c' }, spec: { mode: 'audit' } });

const fresh = injected(appTemplate('web'));
const old = JSON.parse(JSON.stringify(fresh).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0')) as JsonObject;
/** A MutatingWebhookConfiguration of Istio's for `rev`, selecting namespaces by `selector`. */
const mwc = (name: string, rev: string, selector: JsonObject): Obj =>
  ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: { 'istio.io/rev': rev }, uid: `uid-${name}`, resourceVersion: '9' },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } },
        namespaceSelector: selector,
        objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
        sideEffects: 'None',
      },
    ],
  }) as unknown as Obj;
/** The webhook configurations of the cluster: the default revision by label, and a canary one (kubectl prints them last). */
const webhooks = [
  mwc('istio-sidecar-injector', 'default', { matchLabels: { 'istio-injection': 'enabled' } }),
  mwc('istio-sidecar-injector-canary', 'canary', { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['canary'] }] }),
];

/** Namespaces, owners (Deployments, ReplicaSets, a StatefulSet) and pods with findings of several kinds. */
function objects(): { namespaces: Obj[]; owners: Obj[]; pods: Obj[] } {
  const namespaces = [namespace('shop', { 'istio-injection': 'enabled' }), namespace('ops'), namespace('gone', { 'istio.io/rev': '1-19' })];
  const owners: Obj[] = [];
  const pods: Obj[] = [];
  const deploy = (ns: string, name: string, template: JsonObject, podTemplate: JsonObject, proxy = {}) => {
    const d = workload('Deployment', ns, name, template);
    const rs = replicaSet(d, '7d9f8c6b5', podTemplate);
    owners.push(d, rs);
    pods.push(pod(`${name}-7d9f8c6b5-x2k4q`, ns, (rs.spec as JsonObject).template as JsonObject, rs, proxy));
  };
  deploy('shop', 'missing', appTemplate('missing'), appTemplate('missing'));
  deploy('shop', 'drift', fresh, old);
  deploy('shop', 'restarting', fresh, fresh, { restartCount: 2 });
  deploy('ops', 'unwanted', fresh, fresh);
  const s = workload('StatefulSet', 'shop', 'db', appTemplate('db'));
  owners.push(s);
  pods.push(pod('db-0', 'shop', appTemplate('db'), s), pod('canary-1', 'ops', appTemplate('canary', { 'istio.io/rev': 'canary' })));
  return { namespaces, owners, pods };
}

function runAudit(text: string): AuditReport {
  return audit(parseStream(text, 'snapshot.yaml', { keep: isEnvironmentObject }), config, { restartedAt: NOW });
}

/** The audit of several files, each read item by item as the CLI reads them. */
function runFiles(texts: string[]): AuditReport {
  const a = new SnapshotAudit(config);
  texts.forEach((t, i) => {
    for (const d of readStreamDocuments(t, `f${i}.yaml`)) a.add({ ...d, file: { path: `f${i}.yaml`, index: d.index } });
  });
  return a.finish({ restartedAt: NOW });
}

/** What the outputs show of a report (the files of results aside: they name where an object was). */
const shown = (r: AuditReport) => ({ pods: r.pods, findings: r.findings, restarts: r.restarts, results: r.results.map((x) => x.message) });

describe('audit: findings do not depend on the order of the snapshot', () => {
  const { namespaces, owners, pods } = objects();
  const baseline = runAudit(list([...namespaces, ...webhooks, ...owners, ...pods]));

  it('has findings of several kinds to compare', () => {
    expect(new Set(baseline.findings.map((f) => f.kind))).toEqual(new Set(['missing', 'owner-drift', 'stale', 'not-ready', 'unwanted', 'orphan-revision']));
    expect(baseline.pods).toBe(pods.length);
    // The canary webhook serves the pod's revision: no orphan-revision for it.
    expect(baseline.findings.filter((f) => f.subject.name === 'canary-1').map((f) => f.kind)).not.toContain('orphan-revision');
  });

  it('pods first, then owners, then namespaces and the webhook configuration (as kubectl get -A prints them): the same report', () => {
    expect(shown(runAudit(list([...pods, ...owners, ...namespaces, ...webhooks])))).toEqual(shown(baseline));
    expect(shown(runAudit(list([...owners.slice().reverse(), ...pods, ...webhooks, ...namespaces])))).toEqual(shown(baseline));
  });

  it('in several Lists and files, read item by item, pods before their owners: the same report', () => {
    const files = [list(pods.slice(0, 3)), `${list(pods.slice(3))}---\n${list(namespaces)}`, list([...owners, ...webhooks])];
    expect(shown(runFiles(files))).toEqual(shown(baseline));
    expect(shown(runFiles([list([...namespaces, ...webhooks, ...owners, ...pods])]))).toEqual(shown(baseline));
  });

  it('the webhook configuration coming last still serves the pods before it; without it, the pod selects an orphan revision', () => {
    const without = runAudit(list([...pods, ...owners, ...namespaces]));
    expect(without.findings.filter((f) => f.subject.name === 'canary-1').map((f) => f.kind)).toContain('orphan-revision');
  });
});

describe('inject-sidecar --audit: file by file, and -q', () => {
  const { namespaces, owners, pods } = objects();
  const dir = mkdtempSync(join(tmpdir(), 'audit-order-'));
  afterAll(() => rmSync(dir, { recursive: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const args = ['--audit', '--restarted-at', NOW, '--fail-on', 'none'];

  it('pods in the first file, owners in the last: the same outputs as one file with the owners first', async () => {
    const one = ['-f', file('one.yaml', list([...namespaces, ...webhooks, ...owners, ...pods]))];
    const split = [
      '-f',
      file('a-pods.yaml', list(pods)),
      '-f',
      file('b-ns.yaml', list(namespaces)),
      '-f',
      file('c-owners.yaml', list([...owners, ...webhooks])),
    ];
    for (const format of ['json', 'markdown', 'prometheus']) {
      const a = await runCli([...args, '--summary', format, ...one]);
      const b = await runCli([...args, '--summary', format, ...split]);
      expect(b.stdout).toBe(a.stdout);
      expect(a.stdout).toContain('owner-drift');
    }
    const text = await runCli([...args, ...split]);
    expect(text.stderr).toBe((await runCli([...args, ...one])).stderr);
    expect(text.stderr).toContain('warning: owner-drift: Pod shop/drift-7d9f8c6b5-x2k4q (owner: ReplicaSet/drift-7d9f8c6b5 <- Deployment/drift)');
  });

  it('-q leaves only errors on stderr: no finding lines, no summary; the exit code still follows --fail-on', async () => {
    const snap = ['-f', file('q.yaml', list([...namespaces, ...owners, ...pods]))];
    const loud = await runCli(['--audit', ...snap]);
    expect(loud.stderr).toContain('error: missing: Pod shop/missing-7d9f8c6b5-x2k4q');
    const quiet = await runCli(['--audit', '-q', ...snap]);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(1);
    expect((await runCli(['--audit', '-q', '--summary', 'json', ...snap])).stdout).toBe((await runCli(['--audit', '--summary', 'json', ...snap])).stdout);
    const d = workload('Deployment', 'shop', 'web', appTemplate('web'));
    delete (d as JsonObject).status;
    const bad = await runCli(['--audit', '-q', '-f', file('bad.yaml', list([d]))]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('items[0] (Deployment shop/web) has no status');
  });
});
