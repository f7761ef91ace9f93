import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { parseStream, InputError } from '../../src/io/index.js';
import { audit, type AuditReport } from '../../src/audit/audit.js';
import { isEnvironmentObject } from '../../src/core/run.js';
import type { JsonObject } from '../../src/kube/types.js';
import { appTemplate, stored, cronJob, goldenTemplate, injected, job, list, namespace, pod, replicaSet, workload, type Obj } from './snapshot.js';

const goldens = new URL('../../../shared/istio-conformance/goldens', import.meta.url).pathname;
const NOW = '2026-12-07T02:00:00Z';

function runAudit(text: string, spec: JsonObject = {}): AuditReport {
  const config = loadConfig({ apiVersion: 'inject-sidecar.dev/v1alpha1', kind: 'SidecarInjection', metadata: { name: 'c' }, spec: { mode: 'audit', ...spec } });
  return audit(parseStream(text, 'snapshot.yaml', { keep: isEnvironmentObject }), config, { restartedAt: NOW });
}

const kindsOf = (r: AuditReport, name: string) =>
  r.findings
    .filter((f) => f.subject.name === name)
    .map((f) => f.kind)
    .sort();

/** Deployment -> ReplicaSet -> Pod, all with the same template. */
function deployed(ns: string, name: string, hash: string, suffix: string, template: JsonObject, podTemplate = template, proxy = {}) {
  const d = workload('Deployment', ns, name, template);
  const rs = replicaSet(d, hash, podTemplate);
  const p = pod(`${name}-${hash}-${suffix}`, ns, (rs.spec as JsonObject).template as JsonObject, rs, proxy);
  return [d, rs, p] as Obj[];
}

describe('audit: findings on a live snapshot', () => {
  const fresh = injected(appTemplate('web'));
  const freshNative = injected(appTemplate('api'), { nativeSidecars: true });

  it('an up-to-date injected pod (classic) has no finding; its owner chain is resolved by uid', () => {
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', fresh)]));
    expect(r.results.filter((x) => x.severity === 'error')).toEqual([]);
    expect(r.pods).toBe(1);
    expect(r.findings).toEqual([]);
  });

  it('missing: no sidecar where the namespace label calls for one; names owner chain and rule', () => {
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'))]));
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f).toMatchObject({ kind: 'missing', severity: 'error', rule: 'namespace-label', namespace: 'shop' });
    expect(f.subject).toMatchObject({ kind: 'Pod', name: 'web-7d9f8c6b5-x2k4q' });
    expect(f.owners.map((o) => `${o.kind}/${o.name}`)).toEqual(['ReplicaSet/web-7d9f8c6b5', 'Deployment/web']);
    expect(r.restarts.map((x) => x.command)).toEqual(['kubectl rollout restart deployment/web -n shop']);
  });

  it('unwanted: a sidecar (native) in a namespace that no longer asks for one', () => {
    const r = runAudit(list([namespace('shop'), ...deployed('shop', 'api', '5c6d7e8f9', 'q1w2e', freshNative)]));
    expect(kindsOf(r, 'api-5c6d7e8f9-q1w2e')).toEqual(['unwanted']);
    expect(r.findings[0]!.severity).toBe('warning');
  });

  it('stale: injected with another proxy image; names the differing field', () => {
    const old = JSON.parse(JSON.stringify(fresh).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0'));
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'), old)]));
    const stale = r.findings.find((f) => f.kind === 'stale')!;
    expect(stale.fields![0]).toMatch(/^spec\.containers\[istio-proxy\]\.image: .*proxyv2:1\.19\.0, expected /);
  });

  it("owner-drift: the pod predates its Deployment's current (injected) template", () => {
    const old = JSON.parse(JSON.stringify(fresh).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0'));
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', fresh, old)]));
    expect(kindsOf(r, 'web-7d9f8c6b5-x2k4q')).toEqual(['owner-drift', 'stale']);
    const drift = r.findings.find((f) => f.kind === 'owner-drift')!;
    // The proxy image first (with the values), then the init container's image (the same proxyv2).
    expect(drift.fields).toEqual([
      expect.stringMatching(/^spec\.containers\[istio-proxy\]\.image: \S+:1\.19\.0, expected /),
      'spec.initContainers[istio-init].image',
    ]);
    expect(drift.message).toContain('(and 1 more field)');
    expect(drift.message).toContain('Deployment shop/web');
  });

  it('stale by injected settings: names the differing fields of the proxy container and the status annotation', () => {
    const old = structuredClone(fresh) as { metadata: { annotations: Record<string, string> }; spec: { containers: JsonObject[] } };
    const proxy = old.spec.containers.find((c) => c.name === 'istio-proxy')!;
    ((proxy.resources as JsonObject).requests as JsonObject).cpu = '50m';
    const status = JSON.parse(old.metadata.annotations['sidecar.istio.io/status']!);
    status.volumes = [...status.volumes, 'istio-extra'];
    old.metadata.annotations['sidecar.istio.io/status'] = JSON.stringify(status);
    const r = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', fresh, old as unknown as JsonObject)]),
    );
    expect(kindsOf(r, 'web-7d9f8c6b5-x2k4q')).toEqual(['owner-drift', 'stale']);
    for (const f of r.findings) {
      expect(f.fields).toEqual(['metadata.annotations["sidecar.istio.io/status"].volumes', 'spec.containers[istio-proxy].resources.requests.cpu']);
      expect(f.message).toContain('metadata.annotations["sidecar.istio.io/status"].volumes (and 1 more field)');
    }
  });

  it('live pods as the API server stores them (defaults, token mount, ports and probes), injected by a webhook or at render time: no finding', () => {
    const app = appTemplate('web');
    ((app.spec as JsonObject).containers as JsonObject[])[0]!.livenessProbe = { httpGet: { path: '/healthz', port: 8080 } };
    const webhook = injected(stored(app));
    const rendered = injected(app);
    expect(JSON.stringify(webhook)).not.toBe(JSON.stringify(rendered));
    for (const [owner, podTemplate] of [
      [app, webhook],
      [rendered, rendered],
    ] as const) {
      const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', owner, podTemplate)]));
      expect(r.results.filter((x) => x.severity === 'error')).toEqual([]);
      expect(r.findings).toEqual([]);
    }
  });

  it('stale by revision: injected for canary, the namespace now selects the default revision', () => {
    const canary = injected(appTemplate('web'), { revision: 'canary' });
    const r = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'), canary)]),
    );
    const stale = r.findings.find((f) => f.kind === 'stale')!;
    expect(stale.fields![0]).toBe('metadata.annotations["sidecar.istio.io/status"].revision: canary, expected default');
  });

  it('orphan-revision: a namespace and a pod selecting revisions/tags nobody serves; a served tag is fine', () => {
    const r = runAudit(
      list([
        namespace('gone', { 'istio.io/rev': '1-19' }),
        namespace('tagged', { 'istio.io/rev': 'prod' }),
        namespace('plain'),
        pod('loner', 'plain', appTemplate('loner', { 'istio.io/rev': 'old-tag' })),
      ]),
      { revisionTags: ['prod'] },
    );
    const orphans = r.findings.filter((f) => f.kind === 'orphan-revision');
    expect(orphans.map((f) => `${f.subject.kind}/${f.subject.name}`).sort()).toEqual(['Namespace/gone', 'Pod/loner']);
    expect(orphans.every((f) => f.severity === 'error')).toBe(true);
  });

  it("orphan-revision with the snapshot's webhooks: revisions and tags an MWC serves are not orphans", () => {
    const mwc = (name: string, labels: Record<string, string>, rev: string): Obj =>
      ({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name, labels, uid: `uid-${name}`, resourceVersion: '9', generation: 1 },
        webhooks: [
          {
            name: 'rev.namespace.sidecar-injector.istio.io',
            admissionReviewVersions: ['v1'],
            clientConfig: { service: { name: 'istiod-canary', namespace: 'istio-system', path: '/inject', port: 443 } },
            namespaceSelector: {
              matchExpressions: [
                { key: 'istio.io/rev', operator: 'In', values: [rev] },
                { key: 'istio-injection', operator: 'DoesNotExist' },
              ],
            },
            objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
            sideEffects: 'None',
          },
        ],
      }) as unknown as Obj;
    const r = runAudit(
      list([
        mwc('istio-sidecar-injector-canary', { 'istio.io/rev': 'canary' }, 'canary'),
        mwc('istio-revision-tag-prod', { 'istio.io/rev': 'canary', 'istio.io/tag': 'prod' }, 'prod'),
        namespace('a', { 'istio.io/rev': 'canary' }),
        namespace('b', { 'istio.io/rev': 'prod' }),
        namespace('c', { 'istio.io/rev': 'stable' }),
        namespace('d', { 'istio.io/rev': 'default' }),
      ]),
    );
    expect(r.findings.map((f) => `${f.kind} ${f.subject.name}`)).toEqual(['orphan-revision c']);
  });

  it('not-ready: classic proxy restarting, native proxy not ready', () => {
    const classic = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', fresh, fresh, { restartCount: 3 })]),
    );
    const native = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'api', '5c6d7e8f9', 'q1w2e', freshNative, freshNative, { ready: false })]),
      { nativeSidecars: true },
    );
    expect(kindsOf(classic, 'web-7d9f8c6b5-x2k4q')).toEqual(['not-ready']);
    expect(kindsOf(native, 'api-5c6d7e8f9-q1w2e')).toEqual(['not-ready']);
    expect(classic.findings[0]!.message).toContain('restarted 3 times');
    expect(native.findings[0]!.message).toContain('not ready');
    expect([...classic.restarts, ...native.restarts]).toEqual([]);
  });

  it('stale: a native sidecar where the configuration now renders a classic one names the moved containers', () => {
    const r = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'api', '5c6d7e8f9', 'q1w2e', appTemplate('api'), freshNative)]),
    );
    const stale = r.findings.find((f) => f.kind === 'stale')!;
    expect(stale.fields).toContain('spec.containers[istio-proxy]');
    expect(stale.fields).toContain('spec.initContainers[istio-proxy]');
  });

  it('Job pods: owner chain Pod -> Job -> CronJob; no rollout restart for them', () => {
    const cj = cronJob('shop', 'report', appTemplate('report'));
    const j = job('shop', 'report-29012345', appTemplate('report'), cj);
    const p = pod('report-29012345-abcde', 'shop', appTemplate('report'), j);
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), cj, j, p]));
    const f = r.findings.find((x) => x.subject.name === 'report-29012345-abcde')!;
    expect(f.kind).toBe('missing');
    expect(f.owners.map((o) => o.kind)).toEqual(['Job', 'CronJob']);
    expect(r.restarts).toEqual([]);
  });

  it('finished pods and pods being deleted are not audited', () => {
    const done = pod('batch-1-abcde', 'shop', appTemplate('batch'));
    (done.status as JsonObject).phase = 'Succeeded';
    const going = pod('old-1-fghij', 'shop', appTemplate('old'));
    going.metadata.deletionTimestamp = '2026-12-01T11:00:00Z';
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), done, going, pod('live-1-klmno', 'shop', appTemplate('live'))]));
    expect(r.pods).toBe(1);
    expect(r.findings.map((f) => f.subject.name)).toEqual(['live-1-klmno']);
  });

  it('a webhook-injected cluster: the owner template has no sidecar, an up-to-date pod is not stale', () => {
    const r = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'), fresh)]),
    );
    expect(r.findings).toEqual([]);
  });

  it('StatefulSet pods and pods with no owner', () => {
    const s = workload('StatefulSet', 'shop', 'db', appTemplate('db'));
    const r = runAudit(
      list([namespace('shop', { 'istio-injection': 'enabled' }), s, pod('db-0', 'shop', appTemplate('db'), s), pod('debug', 'shop', appTemplate('debug'))]),
    );
    expect(r.findings.find((f) => f.subject.name === 'db-0')!.owners.map((o) => o.kind)).toEqual(['StatefulSet']);
    expect(r.findings.find((f) => f.subject.name === 'debug')!.owners).toEqual([]);
    expect(r.restarts.map((x) => x.command)).toEqual(['kubectl rollout restart statefulset/db -n shop']);
  });

  it('a snapshot in several Lists (namespaces, pods and owners apart): owners and namespaces are found across them', () => {
    const [d, rs, p] = deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'));
    const r = runAudit([list([p!]), list([namespace('shop', { 'istio-injection': 'enabled' })]), list([d!, rs!])].join('---\n'));
    expect(r.findings.map((f) => `${f.kind} ${f.owners.map((o) => o.kind).join('<-')}`)).toEqual(['missing ReplicaSet<-Deployment']);
    expect(r.restarts.map((x) => x.command)).toEqual(['kubectl rollout restart deployment/web -n shop']);
  });

  it('owners resolve by kind and name when the uid does not match', () => {
    const [d, rs, p] = deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'));
    (p!.metadata.ownerReferences as JsonObject[])[0]!.uid = 'not-a-known-uid';
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), d!, rs!, p!]));
    expect(r.findings[0]!.owners.map((o) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
  });

  it('native sidecars up to date (the configuration renders native ones): no finding', () => {
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), ...deployed('shop', 'api', '5c6d7e8f9', 'q1w2e', freshNative)]), {
      nativeSidecars: true,
    });
    expect(r.results.filter((x) => x.severity === 'error')).toEqual([]);
    expect(r.findings).toEqual([]);
  });

  it('revisions and tags: a pod injected for canary in a namespace selecting canary by its tag is up to date; by the old revision it is stale', () => {
    const spec = { revision: 'canary', revisionTags: ['prod'] };
    const canary = injected(appTemplate('web'), { revision: 'canary' });
    const old = injected(appTemplate('web'), { revision: '1-19' });
    const ok = runAudit(
      list([namespace('shop', { 'istio.io/rev': 'prod' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'), canary)]),
      spec,
    );
    expect(ok.results.filter((x) => x.severity === 'error')).toEqual([]);
    expect(ok.findings).toEqual([]);
    const stale = runAudit(
      list([namespace('shop', { 'istio.io/rev': 'prod' }), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'), old)]),
      spec,
    );
    const f = stale.findings.find((x) => x.kind === 'stale')!;
    expect(f.fields![0]).toBe('metadata.annotations["sidecar.istio.io/status"].revision: 1-19, expected canary');
    expect(f.rule).toBe('revision-label');
  });

  it('a pod with no owner is compared with a fresh injection of itself', () => {
    const bare = injected(appTemplate('debug'), {}, 'shop', 'debug', true);
    const old = JSON.parse(JSON.stringify(injected(appTemplate('debug'), {}, 'shop', 'debug-old', true)).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0'));
    const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), pod('debug', 'shop', bare), pod('debug-old', 'shop', old)]));
    expect(r.findings.map((f) => `${f.kind} ${f.subject.name}`)).toEqual(['stale debug-old']);
    expect(r.findings[0]!.owners).toEqual([]);
    expect(r.findings[0]!.message).toContain('a fresh injection of the pod differs: spec.containers[istio-proxy].image');
    expect(r.restarts).toEqual([]);
  });

  it('every finding names the pod (or namespace), its owners, the rule, and for stale/owner-drift the differing fields', () => {
    const old = JSON.parse(JSON.stringify(fresh).replaceAll(/proxyv2:[^"]+/g, 'proxyv2:1.19.0'));
    const r = runAudit(
      list([
        namespace('shop', { 'istio-injection': 'enabled' }),
        namespace('ops'),
        namespace('gone', { 'istio.io/rev': '1-19' }),
        ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', fresh, old, { ready: false }),
        ...deployed('shop', 'cart', '6a7b8c9d0', 'p0o9i', appTemplate('cart')),
        ...deployed('ops', 'api', '5c6d7e8f9', 'q1w2e', injected(appTemplate('api'), {}, 'ops')),
      ]),
    );
    expect([...new Set(r.findings.map((f) => f.kind))].sort()).toEqual(['missing', 'not-ready', 'orphan-revision', 'owner-drift', 'stale', 'unwanted']);
    for (const f of r.findings) {
      expect(f.subject.name).toMatch(/^(gone|[a-z]+-[0-9a-f]{9}-[a-z0-9]{5})$/);
      expect(f.rule).not.toBe('');
      if (f.subject.kind === 'Pod') expect(f.owners.map((o) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
      if (f.kind === 'stale' || f.kind === 'owner-drift') expect(f.fields!.length).toBeGreaterThan(0);
      else expect(f.fields).toBeUndefined();
    }
  });

  // hello: native proxy (istio-proxy in initContainers); hello-old-version: classic (in containers).
  for (const [golden, where] of [
    ['hello.yaml.injected', 'initContainers'],
    ['native-sidecar.yaml.injected', 'initContainers'],
    ['hello-old-version.yaml.injected', 'containers'],
  ] as const) {
    it(`a pod injected by Istio itself (${golden}) is recognised as injected, and stale against this configuration's proxy image`, () => {
      const t = goldenTemplate(goldens, golden);
      const r = runAudit(list([namespace('shop', { 'istio-injection': 'enabled' }), pod('hello-6b7c8d9e0f-zz9yx', 'shop', t)]));
      const kinds = kindsOf(r, 'hello-6b7c8d9e0f-zz9yx');
      expect(kinds).not.toContain('missing');
      expect(kinds).toContain('stale');
      expect(JSON.stringify((t.spec as JsonObject)[where])).toContain('"name":"istio-proxy"');
      expect(r.findings.find((f) => f.kind === 'stale')!.fields!.some((x) => x.startsWith(`spec.${where}[istio-proxy].image:`))).toBe(true);
    });
  }
});

describe('audit: bad snapshots', () => {
  it('not a List', () => {
    const r = runAudit('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: []\n');
    expect(r.results[0]!.message).toMatch(/not a snapshot: expected a kind: List .* got Pod/);
  });

  it('a workload without status (a manifest, not a live object) names the item', () => {
    const d = workload('Deployment', 'shop', 'web', appTemplate('web'));
    delete (d as JsonObject).status;
    const r = runAudit(list([namespace('shop'), d]));
    expect(r.results[0]!.message).toContain('items[1] (Deployment shop/web) has no status');
    expect(r.results[0]!.field!.path).toBe('items[1].status');
  });

  it('truncated YAML is an input error with a position', () => {
    const text = list([namespace('shop'), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'))]);
    const cut = text.slice(0, text.indexOf('containerStatuses') + 30) + '\n  - {name: [';
    expect(() => runAudit(cut)).toThrow(InputError);
  });

  it('a pod without status, and an item that is not an object, name the item', () => {
    const p = pod('web-1', 'shop', appTemplate('web'));
    delete (p as JsonObject).status;
    const r = runAudit(list([namespace('shop'), p, 'oops' as unknown as Obj]));
    expect(r.results.map((x) => x.message)).toEqual([
      expect.stringContaining('items[1] (Pod shop/web-1) has no status'),
      'items[2] is not a Kubernetes object (kind and metadata.name expected)',
    ]);
    expect(r.findings).toEqual([]);
  });

  it('cut off before its closing kind: List (kubectl prints it last): says so', () => {
    const text = list([namespace('shop'), ...deployed('shop', 'web', '7d9f8c6b5', 'x2k4q', appTemplate('web'))]);
    const cut = text.slice(0, text.indexOf('\nkind: List'));
    const r = runAudit(cut);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.message).toMatch(/^snapshot has items but no kind: List after them: was it cut off\?/);
    expect(r.findings).toEqual([]);
    expect(runAudit('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\nfoo: 1\n').results[0]!.message).toMatch(/got Pod, \(no kind\)$/);
  });

  it('unknown kinds pass silently', () => {
    const other = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop', uid: 'u-w' }, spec: { a: 1 } } as unknown as Obj;
    const r = runAudit(list([namespace('shop'), other]));
    expect(r.results.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(r.findings).toEqual([]);
  });
});
