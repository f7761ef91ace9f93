/**
 * Istio conformance: every case of ../shared/istio-conformance runs through the CLI (the drop-in
 * istioctl kube-inject command line) and is compared with Istio's golden. The suite fails when
 * the pass count drops below conformance/pass-count (webhook emulation:
 * conformance/webhook-pass-count), when a case fails that
 * conformance/known-differences.yaml does not list, or when a listed case passes (stale entry).
 *
 * "One truth": for each case the built-in profile supports (only the sidecar template), the
 * built-in renderer, given the corpus values and mesh as raw overlays, must produce the same
 * documents as the template path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  builtinSupports,
  checkCase,
  compareManifests,
  corpusAvailable,
  loadCases,
  quantityValue,
  REPO_ROOT,
  runCase,
  splitDocuments,
  type CaseResult,
  type ConformanceCase,
} from '../../scripts/conformance.js';

interface KnownDifferences {
  differences?: { case: string; reason: string }[];
  pending?: { case: string; owner: string; cause: string }[];
  oneTruthPending?: { case: string; owner: string; cause: string }[];
}

const known = parse(readFileSync(join(REPO_ROOT, 'conformance/known-differences.yaml'), 'utf8')) as KnownDifferences;
const recordedPassCount = Number(readFileSync(join(REPO_ROOT, 'conformance/pass-count'), 'utf8').trim());
const recordedWebhookPassCount = Number(readFileSync(join(REPO_ROOT, 'conformance/webhook-pass-count'), 'utf8').trim());

describe('conformance comparator', () => {
  it('compares quantities by value and JSON annotations as JSON', () => {
    expect(quantityValue('2000m')).toBe(quantityValue('2'));
    expect(quantityValue('1024Mi')).toBe(quantityValue('1Gi'));
    expect(quantityValue('100m')).not.toBe(quantityValue('1'));
    const golden = `kind: Pod
metadata:
  annotations:
    sidecar.istio.io/status: '{"a":1,"b":[1,2]}'
  creationTimestamp: null
spec:
  containers:
  - name: c
    resources:
      limits: {cpu: "2"}
status: {}
`;
    const actual = `kind: Pod
metadata:
  annotations:
    sidecar.istio.io/status: '{"b":[1,2],"a":1}'
    inject-sidecar.dev/original-metadata: '{}'
spec:
  containers:
  - name: c
    resources:
      limits: {cpu: 2000m}
`;
    expect(compareManifests(golden, actual)).toEqual([]);
  });

  it('reports scalar type, list order and value differences', () => {
    const golden = 'kind: Pod\nspec:\n  containers:\n  - name: a\n    args: ["15001"]\n  - name: b\n';
    expect(compareManifests(golden, 'kind: Pod\nspec:\n  containers:\n  - name: a\n    args: [15001]\n  - name: b\n')).toHaveLength(1);
    expect(compareManifests(golden, 'kind: Pod\nspec:\n  containers:\n  - name: b\n  - name: a\n    args: ["15001"]\n').length).toBeGreaterThan(0);
    expect(compareManifests(golden, `${golden}---\nkind: Service\n`)[0]).toMatch(/document count/);
  });

  it('ignores the status annotation only when asked (webhook-only goldens)', () => {
    const a = "kind: Pod\nmetadata:\n  annotations:\n    sidecar.istio.io/status: '{\"a\":1}'\n";
    const b = "kind: Pod\nmetadata:\n  annotations:\n    sidecar.istio.io/status: '{\"a\":2}'\n";
    expect(compareManifests(a, b)).toHaveLength(1);
    expect(compareManifests(a, b, { ignoreStatus: true })).toEqual([]);
  });

  it('splits streams and drops empty documents', () => {
    expect(splitDocuments('---\na: 1\n---\n---\nb: 2\n---\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe.skipIf(!corpusAvailable())('Istio conformance corpus', () => {
  let cases: ConformanceCase[] = [];
  const results = new Map<string, CaseResult>();

  beforeAll(async () => {
    cases = loadCases();
    for (const c of cases) results.set(c.name, await checkCase(c));
  }, 300_000);

  it('known-differences.yaml lists only real cases, each once', () => {
    const names = new Set(cases.map((c) => c.name));
    const listed = [...(known.differences ?? []), ...(known.pending ?? [])].map((d) => d.case);
    expect(listed.filter((n) => !names.has(n))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
    for (const d of known.differences ?? []) expect(d.reason.length).toBeGreaterThan(80);
  });

  it(`passes at least the recorded number of cases`, () => {
    const passed = [...results.values()].filter((r) => r.pass).length;
    expect(passed).toBeGreaterThanOrEqual(recordedPassCount);
  });

  it('every failing case is a known, argued difference (or a pending, explained defect)', () => {
    const listed = new Set([...(known.differences ?? []), ...(known.pending ?? [])].map((d) => d.case));
    const unexplained = [...results.values()]
      .filter((r) => !r.pass && !listed.has(r.name))
      .map((r) => `${r.name}:\n  ${r.problems.slice(0, 12).join('\n  ')}`);
    expect(unexplained, unexplained.join('\n')).toEqual([]);
  });

  it('no listed case passes (stale entries are removed)', () => {
    const stale = [...(known.differences ?? []), ...(known.pending ?? [])].filter((d) => results.get(d.case)?.pass).map((d) => d.case);
    expect(stale).toEqual([]);
  });

  it('webhook emulation (namespace labelled istio-injection=enabled) gives the same pods', async () => {
    // Istio checks every case that is not kube-inject-only through its webhook too, against the
    // same goldens (ignoring the status annotation).
    const listed = new Set([...(known.differences ?? []), ...(known.pending ?? [])].map((d) => d.case));
    let passed = 0;
    const unexplained: string[] = [];
    for (const c of cases.filter((x) => !x.kubeInjectOnly)) {
      const r = await checkCase(c, undefined, false, 'webhook');
      if (r.pass) passed++;
      else if (!listed.has(c.name)) unexplained.push(`${c.name}:\n  ${r.problems.slice(0, 12).join('\n  ')}`);
    }
    expect(unexplained, unexplained.join('\n')).toEqual([]);
    expect(passed).toBeGreaterThanOrEqual(recordedWebhookPassCount);
  }, 600_000);

  it('one truth: the built-in profile renders what the template path renders', async () => {
    const pendingOneTruth = new Set((known.oneTruthPending ?? []).map((d) => d.case));
    const mismatches: string[] = [];
    const stale: string[] = [];
    let compared = 0;
    for (const c of cases.filter((x) => builtinSupports(x))) {
      compared++;
      const templates = await runCase(c, 'templates');
      const builtin = await runCase(c, 'builtin');
      let problems: string[] = [];
      if ((templates.exitCode === 0) !== (builtin.exitCode === 0)) {
        problems = [`exit codes differ: templates ${templates.exitCode}, built-in ${builtin.exitCode}: ${builtin.stderr.trim()}`];
      } else if (templates.exitCode === 0) {
        // Exact data: no quantity or JSON normalisation between our own two paths.
        const a = splitDocuments(templates.stdout);
        const b = splitDocuments(builtin.stdout);
        if (JSON.stringify(sortKeys(a)) !== JSON.stringify(sortKeys(b))) {
          problems = compareManifests(templates.stdout, builtin.stdout);
          if (problems.length === 0) problems = ['same documents after normalisation, different data (quantity or JSON text)'];
        }
      }
      if (problems.length && !pendingOneTruth.has(c.name)) mismatches.push(`${c.name}:\n  ${problems.slice(0, 8).join('\n  ')}`);
      if (!problems.length && pendingOneTruth.has(c.name)) stale.push(c.name);
    }
    expect(compared).toBeGreaterThan(60);
    expect(mismatches, mismatches.join('\n')).toEqual([]);
    expect(stale, 'oneTruthPending entries that now match').toEqual([]);
  }, 600_000);
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
