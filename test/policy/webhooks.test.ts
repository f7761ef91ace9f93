/**
 * Webhooks as data: the standard list for revisions and tags, reading real
 * MutatingWebhookConfigurations (incl. a KubeSphere-style customisation, deactivated
 * webhooks, invalid selectors), and revision/tag routing through decide().
 */
import { describe, expect, it } from 'vitest';
import { callingWebhooks, standardWebhooks, webhooksFromConfigurations } from '../../src/policy/index.js';
import type { LabelSelector } from '../../src/policy/index.js';
import { expectDecision, run, wh } from './helpers.js';

const INJ = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';

type Entry = { name: string; namespaceSelector?: LabelSelector; objectSelector?: LabelSelector; [k: string]: unknown };

/** A MutatingWebhookConfiguration object shaped like the chart's output. */
function mwc(name: string, labels: Record<string, string>, webhooks: Entry[], apiVersion = 'admissionregistration.k8s.io/v1') {
  return {
    apiVersion,
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: { app: 'sidecar-injector', ...labels } },
    webhooks: webhooks.map((w) => ({
      clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      reinvocationPolicy: 'Never',
      ...w,
    })),
  };
}

const notFalse = { key: INJ, operator: 'NotIn', values: ['false'] };
/** The default revision's configuration, written out by hand from the chart. */
const DEFAULT_MWC = mwc('istio-sidecar-injector', { [REV]: 'default' }, [
  {
    name: wh('rev.namespace.'),
    namespaceSelector: {
      matchExpressions: [
        { key: REV, operator: 'In', values: ['default'] },
        { key: 'istio-injection', operator: 'DoesNotExist' },
      ],
    },
    objectSelector: { matchExpressions: [notFalse] },
  },
  {
    name: wh('rev.object.'),
    namespaceSelector: {
      matchExpressions: [
        { key: REV, operator: 'DoesNotExist' },
        { key: 'istio-injection', operator: 'DoesNotExist' },
      ],
    },
    objectSelector: { matchExpressions: [notFalse, { key: REV, operator: 'In', values: ['default'] }] },
  },
  {
    name: wh('namespace.'),
    namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
    objectSelector: { matchExpressions: [notFalse] },
  },
  {
    name: wh('object.'),
    namespaceSelector: {
      matchExpressions: [
        { key: 'istio-injection', operator: 'DoesNotExist' },
        { key: REV, operator: 'DoesNotExist' },
      ],
    },
    objectSelector: {
      matchExpressions: [
        { key: INJ, operator: 'In', values: ['true'] },
        { key: REV, operator: 'DoesNotExist' },
      ],
    },
  },
]);

describe('standardWebhooks', () => {
  it('default revision: four entries in chart order, revision ""', () => {
    const list = standardWebhooks([{ revision: '', tags: [] }]);
    expect(list.map((w) => w.name)).toEqual([wh('rev.namespace.'), wh('rev.object.'), wh('namespace.'), wh('object.')]);
    expect(new Set(list.map((w) => w.configuration))).toEqual(new Set(['istio-sidecar-injector']));
    expect(list.every((w) => w.revision === '' && !w.deactivated)).toBe(true);
  });
  it('matches the chart-shaped configuration read back from an object', () => {
    const read = webhooksFromConfigurations([DEFAULT_MWC]);
    expect(read.results).toEqual([]);
    const strip = (ws: readonly { name: string; configuration: string; revision: string; namespaceSelector: unknown; objectSelector: unknown }[]) =>
      ws.map((w) => ({ name: w.name, configuration: w.configuration, revision: w.revision, ns: w.namespaceSelector, obj: w.objectSelector }));
    expect(strip(read.webhooks)).toEqual(strip(standardWebhooks([{ revision: 'default', tags: [] }])));
  });
  it('enableNamespacesByDefault adds auto. excluding the system namespaces', () => {
    const list = standardWebhooks([{ revision: '', tags: [] }], { enableNamespacesByDefault: true });
    const auto = list.find((w) => w.name === wh('auto.'));
    expect(auto?.namespaceSelector.matchExpressions).toContainEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'],
    });
  });
  it('a non-default revision gets only rev.* entries with its own name', () => {
    const list = standardWebhooks([{ revision: 'canary', tags: [] }], { enableNamespacesByDefault: true });
    expect(list.map((w) => `${w.configuration}/${w.name}`)).toEqual([
      `istio-sidecar-injector-canary/${wh('rev.namespace.')}`,
      `istio-sidecar-injector-canary/${wh('rev.object.')}`,
    ]);
    expect(list[0]?.namespaceSelector.matchExpressions?.[0]).toEqual({ key: REV, operator: 'In', values: ['canary'] });
  });
  it('tags get their own configuration calling the tagged revision; the default tag also gets namespace./object.', () => {
    const list = standardWebhooks([
      { revision: '', tags: [] },
      { revision: '1-24', tags: ['prod', 'default'] },
    ]);
    const prod = list.filter((w) => w.configuration === 'istio-revision-tag-prod');
    expect(prod.map((w) => w.name)).toEqual([wh('rev.namespace.'), wh('rev.object.')]);
    expect(prod.every((w) => w.revision === '1-24' && w.tag === 'prod')).toBe(true);
    const def = list.filter((w) => w.configuration === 'istio-revision-tag-default');
    expect(def.map((w) => w.name)).toEqual([wh('rev.namespace.'), wh('rev.object.'), wh('namespace.'), wh('object.')]);
    // `istioctl tag set default` deactivated the default revision's own webhooks
    const own = list.filter((w) => w.configuration === 'istio-sidecar-injector');
    expect(own.length).toBe(4);
    expect(own.every((w) => w.deactivated)).toBe(true);
  });
  it('configurations come in name order, as the API server calls them', () => {
    const list = standardWebhooks([
      { revision: 'zeta', tags: ['alpha'] },
      { revision: '', tags: [] },
    ]);
    expect([...new Set(list.map((w) => w.configuration))]).toEqual(['istio-revision-tag-alpha', 'istio-sidecar-injector', 'istio-sidecar-injector-zeta']);
  });
});

describe('revisions and tags in decide()', () => {
  it('namespace istio.io/rev=canary: a canary run injects, a default run reports other-revision', () => {
    expectDecision(run({ ns: { [REV]: 'canary' }, revision: 'canary' }), { inject: true, reason: 'revision-label', rule: 'webhook', revision: 'canary' });
    const d = run({ ns: { [REV]: 'canary' }, revision: '' });
    expectDecision(d, { inject: false, reason: 'other-revision', rule: 'webhook', revision: 'canary', severity: 'info' });
    expect(d.revisions).toEqual(['canary']);
  });
  it('"default" as the run revision means the default revision', () => {
    expectDecision(run({ ns: { 'istio-injection': 'enabled' }, revision: 'default' }), {
      inject: true,
      reason: 'namespace-label',
      rule: 'webhook',
      revision: '',
    });
  });
  it('a namespace on a tag is injected by the run for the tagged revision', () => {
    const installs = [
      { revision: '', tags: [] },
      { revision: '1-24', tags: ['prod'] },
    ];
    const d = run({ installs, ns: { [REV]: 'prod' }, revision: '1-24', tags: ['prod'] });
    expectDecision(d, { inject: true, reason: 'revision-label', rule: 'webhook', webhook: wh('rev.namespace.'), configuration: 'istio-revision-tag-prod' });
    expectDecision(run({ installs, ns: { [REV]: 'prod' } }), { inject: false, reason: 'other-revision', rule: 'webhook', revision: '1-24' });
  });
  it('pod istio.io/rev on a tag goes through the tag configuration', () => {
    const installs = [{ revision: '1-24', tags: ['prod'] }];
    expectDecision(run({ installs, labels: { [REV]: 'prod' }, revision: '1-24' }), {
      inject: true,
      reason: 'revision-label',
      rule: 'webhook',
      webhook: wh('rev.object.'),
      configuration: 'istio-revision-tag-prod',
    });
  });
  it('with a default tag, istio-injection=enabled calls the tagged revision and the old default webhooks are skipped', () => {
    const installs = [
      { revision: '', tags: [] },
      { revision: 'canary', tags: ['default'] },
    ];
    const d = run({ installs, ns: { 'istio-injection': 'enabled' }, revision: 'canary' });
    expectDecision(d, { inject: true, reason: 'namespace-label', rule: 'webhook', webhook: wh('namespace.'), configuration: 'istio-revision-tag-default' });
    expect(d.trail.filter((s) => s.configuration === 'istio-sidecar-injector').every((s) => s.verdict === 'skipped')).toBe(true);
    expectDecision(run({ installs, ns: { 'istio-injection': 'enabled' }, revision: '' }), {
      inject: false,
      reason: 'other-revision',
      rule: 'webhook',
      revision: 'canary',
    });
  });
  it('a revision label naming nothing installed → revision-not-installed (warning)', () => {
    expectDecision(run({ ns: { [REV]: 'stable' } }), { inject: false, reason: 'revision-not-installed', rule: 'revision', severity: 'warning' });
    expectDecision(run({ labels: { [REV]: 'stable' } }), { inject: false, reason: 'revision-not-installed', rule: 'revision' });
  });
  it('no webhooks at all → no-webhooks (warning)', () => {
    expectDecision(run({ webhooks: [], ns: { 'istio-injection': 'enabled' } }), {
      inject: false,
      reason: 'no-webhooks',
      rule: 'revision',
      severity: 'warning',
    });
  });
  it('two matching webhooks → inject with a multiple-webhooks warning', () => {
    const extra = webhooksFromConfigurations([
      mwc('istio-sidecar-injector-canary', { [REV]: 'canary' }, [{ name: wh('everything.'), namespaceSelector: {}, objectSelector: {} }]),
    ]).webhooks;
    const webhooks = [...standardWebhooks([{ revision: '', tags: [] }]), ...extra];
    const d = run({ webhooks, ns: { 'istio-injection': 'enabled' } });
    expectDecision(d, { inject: true, reason: 'multiple-webhooks', rule: 'revision', severity: 'warning' });
    expect(d.revisions).toEqual(['', 'canary']);
    expect(d.rule).toContain('2 webhooks');
  });
  it('stage B still decides when several webhooks match', () => {
    const webhooks = [...standardWebhooks([{ revision: '', tags: [] }]), ...standardWebhooks([{ revision: '', tags: [] }])];
    expectDecision(run({ webhooks, ns: { 'istio-injection': 'enabled' }, hostNetwork: true }), { inject: false, reason: 'host-network', rule: 'host-network' });
  });
});

describe('webhooksFromConfigurations', () => {
  it('takes the revision from istio.io/rev and the tag from istio.io/tag', () => {
    const { webhooks, results } = webhooksFromConfigurations([
      mwc('istio-revision-tag-prod', { [REV]: '1-24', 'istio.io/tag': 'prod' }, [
        { name: wh('rev.namespace.'), namespaceSelector: { matchLabels: { [REV]: 'prod' } } },
      ]),
    ]);
    expect(results).toEqual([]);
    expect(webhooks).toEqual([
      {
        name: wh('rev.namespace.'),
        configuration: 'istio-revision-tag-prod',
        revision: '1-24',
        tag: 'prod',
        namespaceSelector: { matchLabels: { [REV]: 'prod' } },
        objectSelector: {},
        deactivated: false,
      },
    ]);
  });
  it('ignores other kinds, other API versions and webhooks of other products', () => {
    const { webhooks } = webhooksFromConfigurations([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      mwc('old', { [REV]: 'default' }, [{ name: wh('namespace.') }], 'admissionregistration.k8s.io/v1beta1'),
      mwc('mixed', { [REV]: 'default' }, [{ name: 'pods.cert-manager.io' }, { name: 'validation.istio.io' }, { name: wh('object.') }]),
      null,
      'text',
    ]);
    expect(webhooks.map((w) => `${w.configuration}/${w.name}`)).toEqual([`mixed/${wh('object.')}`]);
  });
  it('an absent selector is {} (matches everything)', () => {
    const { webhooks } = webhooksFromConfigurations([mwc('c', { [REV]: 'default' }, [{ name: wh('x.') }])]);
    expectDecision(run({ webhooks, ns: {} }), { inject: true, reason: 'enabled-by-default', rule: 'webhook', webhook: wh('x.') });
  });
  it('recognises deactivated (never-match) webhooks', () => {
    const never = { matchLabels: { 'istio.io/deactivated': 'never-match' } };
    const { webhooks } = webhooksFromConfigurations([
      mwc('istio-sidecar-injector', { [REV]: 'default' }, [{ name: wh('namespace.'), namespaceSelector: never, objectSelector: never }]),
    ]);
    expect(webhooks[0]?.deactivated).toBe(true);
    const d = run({ webhooks, ns: { 'istio-injection': 'enabled' } });
    expectDecision(d, { inject: false, reason: 'no-webhooks', rule: 'revision' });
    expect(d.trail[0]?.verdict).toBe('skipped');
    // even when the namespace is unknown, a deactivated webhook is certain not to match
    expectDecision(run({ webhooks, ns: null }), { inject: false, reason: 'no-webhooks', rule: 'revision' });
  });
  it('an invalid selector is an error result with its field path, and the entry is left out', () => {
    const { webhooks, results } = webhooksFromConfigurations([
      mwc('bad', { [REV]: 'default' }, [
        { name: wh('namespace.'), namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'Equals', values: ['enabled'] }] } },
        { name: wh('object.'), objectSelector: { matchExpressions: [{ key: INJ, operator: 'Exists', values: ['true'] }] } },
        { name: wh('rev.object.') },
      ]),
    ]);
    expect(webhooks.map((w) => w.name)).toEqual([wh('rev.object.')]);
    expect(results.map((r) => [r.severity, r.field?.path, r.resourceRef?.name])).toEqual([
      ['error', 'webhooks[0].namespaceSelector.matchExpressions[0].operator', 'bad'],
      ['error', 'webhooks[1].objectSelector.matchExpressions[0].values', 'bad'],
    ]);
  });
  it('a configuration without istio.io/rev is taken as the default revision, with a warning', () => {
    const { webhooks, results } = webhooksFromConfigurations([mwc('custom', {}, [{ name: wh('namespace.') }, { name: wh('object.') }])]);
    expect(webhooks.map((w) => w.revision)).toEqual(['', '']);
    expect(results).toHaveLength(1);
    expect(results[0]?.severity).toBe('warning');
    expect(results[0]?.field?.path).toBe('metadata.labels.istio.io/rev');
  });
  it('warns that matchConditions are not evaluated', () => {
    const { webhooks, results } = webhooksFromConfigurations([
      mwc('c', { [REV]: 'default' }, [{ name: wh('namespace.'), matchConditions: [{ name: 'x', expression: 'true' }] }]),
    ]);
    expect(webhooks).toHaveLength(1);
    expect(results.map((r) => [r.severity, r.field?.path])).toEqual([['warning', 'webhooks[0].matchConditions']]);
  });
});

describe('KubeSphere-customised selectors from the input', () => {
  // KubeSphere scopes injection to workspaces: the namespace must belong to one, and must not opt out.
  const KS = mwc('istio-sidecar-injector', { [REV]: 'default' }, [
    {
      name: wh('namespace.'),
      namespaceSelector: {
        matchExpressions: [
          { key: 'kubesphere.io/workspace', operator: 'Exists' },
          { key: 'istio-injection', operator: 'NotIn', values: ['disabled'] },
        ],
      },
      objectSelector: { matchExpressions: [notFalse] },
    },
  ]);
  const { webhooks } = webhooksFromConfigurations([KS]);

  it('a workspace namespace without istio-injection is injected', () => {
    const d = run({ webhooks, ns: { 'kubesphere.io/workspace': 'team-a' } });
    expectDecision(d, { inject: true, reason: 'namespace-label', rule: 'webhook', webhook: wh('namespace.') });
    expect(d.rule).toContain('namespace label kubesphere.io/workspace=team-a');
  });
  it('istio-injection=enabled outside a workspace is not', () => {
    expectDecision(run({ webhooks, ns: { 'istio-injection': 'enabled' } }), { inject: false, reason: 'no-webhook-matched', rule: 'revision' });
  });
  it('a workspace namespace with istio-injection=disabled is not', () => {
    expectDecision(run({ webhooks, ns: { 'kubesphere.io/workspace': 'team-a', 'istio-injection': 'disabled' } }), {
      inject: false,
      reason: 'namespace-disabled',
      rule: 'revision',
    });
  });
  it('a pod label inject=false opts out', () => {
    expectDecision(run({ webhooks, ns: { 'kubesphere.io/workspace': 'team-a' }, labels: { [INJ]: 'false' } }), {
      inject: false,
      reason: 'pod-label',
      rule: 'webhook',
      webhook: wh('namespace.'),
    });
  });
  it('the standard selectors would have decided the other way', () => {
    expectDecision(run({ ns: { 'kubesphere.io/workspace': 'team-a' } }), { inject: false, reason: 'no-webhook-matched', rule: 'revision' });
  });
});

describe('callingWebhooks (coexistence with a live webhook)', () => {
  const standard = standardWebhooks(
    [
      { revision: '', tags: [] },
      { revision: 'canary', tags: ['prod'] },
    ],
    { enableNamespacesByDefault: true },
  );
  it('a rendered pod in a namespace still labelled for injection would be injected again', () => {
    const calls = callingWebhooks(standard, { name: 'shop', labels: { 'istio-injection': 'enabled' } }, { app: 'web' });
    expect(calls.map((m) => `${m.webhook.configuration}/${m.webhook.name}`)).toEqual([`istio-sidecar-injector/${wh('namespace.')}`]);
  });
  it('the label sidecar.istio.io/inject=false keeps every standard webhook away, in any namespace', () => {
    const namespaces: Record<string, string>[] = [{ 'istio-injection': 'enabled' }, { [REV]: 'canary' }, { [REV]: 'prod' }, {}];
    for (const labels of namespaces) {
      expect(callingWebhooks(standard, { name: 'shop', labels }, { [INJ]: 'false', [REV]: 'canary' })).toEqual([]);
    }
    expect(callingWebhooks(standard, { name: 'shop', labels: undefined }, { [INJ]: 'false' })).toEqual([]);
  });
  it('reports webhooks that might call when the namespace is unknown', () => {
    const calls = callingWebhooks(standard, { name: 'shop', labels: undefined }, {});
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((m) => m.verdict === 'unknown')).toBe(true);
  });
});
