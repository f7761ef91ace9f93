/**
 * Istio conformance: every case of ../shared/istio-conformance (Istio's master) runs through the
 * CLI (the drop-in istioctl kube-inject command line) in both emulations and is compared with
 * Istio's golden (corpus-suite.ts: recorded counts in conformance/pass-counts.yaml, argued
 * differences in conformance/known-differences.yaml); the release corpora are checked the same
 * way by releases-1.test.ts and releases-2.test.ts.
 *
 * "One truth": for each case the built-in profile supports (only the sidecar template), the
 * built-in renderer, given the corpus values and mesh as raw overlays, must produce the same
 * documents as the template path.
 */
import { describe, expect, it } from 'vitest';
import {
  builtinSupports,
  checkOneTruth,
  compareManifests,
  corpusAvailable,
  entriesFor,
  listCorpora,
  loadCases,
  loadKnownDifferences,
  loadPassCounts,
  quantityValue,
  splitDocuments,
  type ConformanceCase,
} from '../../scripts/conformance.js';
import { defineCorpusSuite } from './corpus-suite.js';

const known = loadKnownDifferences();

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
    const a = 'kind: Pod\nmetadata:\n  annotations:\n    sidecar.istio.io/status: \'{"a":1}\'\n';
    const b = 'kind: Pod\nmetadata:\n  annotations:\n    sidecar.istio.io/status: \'{"a":2}\'\n';
    expect(compareManifests(a, b)).toHaveLength(1);
    expect(compareManifests(a, b, { ignoreStatus: true })).toEqual([]);
  });

  it('splits streams and drops empty documents', () => {
    expect(splitDocuments('---\na: 1\n---\n---\nb: 2\n---\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('conformance expectations', () => {
  it('every corpus has recorded pass counts, and every recorded corpus is present', () => {
    const corpora = listCorpora().map((c) => c.name);
    expect(Object.keys(loadPassCounts()).sort()).toEqual([...corpora].sort());
  });

  it('known-differences.yaml: each entry once per corpus, argued, naming real corpora', () => {
    const corpora = listCorpora().map((c) => c.name);
    const all = [...(known.differences ?? []), ...(known.pending ?? [])];
    expect(all.flatMap((d) => d.corpora ?? []).filter((c) => !corpora.includes(c))).toEqual([]);
    for (const corpus of corpora) {
      const listed = [...entriesFor(known.differences, corpus), ...entriesFor(known.pending, corpus)].map((d) => d.case);
      expect(new Set(listed).size, corpus).toBe(listed.length);
    }
    for (const d of known.differences ?? []) expect(d.reason?.length ?? 0).toBeGreaterThan(80);
  });
});

const master = listCorpora().find((c) => c.name === 'master');
if (master) defineCorpusSuite(master);

describe.skipIf(!corpusAvailable())('one truth (master corpus)', () => {
  const cases: ConformanceCase[] = corpusAvailable() ? loadCases() : [];

  it('one truth: the built-in profile renders what the template path renders', async () => {
    const pendingOneTruth = new Set(entriesFor(known.oneTruthPending, 'master').map((d) => d.case));
    const mismatches: string[] = [];
    const stale: string[] = [];
    let compared = 0;
    for (const c of cases.filter((x) => builtinSupports(x))) {
      compared++;
      const { problems } = await checkOneTruth(c);
      if (problems.length && !pendingOneTruth.has(c.name)) mismatches.push(`${c.name}:\n  ${problems.slice(0, 8).join('\n  ')}`);
      if (!problems.length && pendingOneTruth.has(c.name)) stale.push(c.name);
    }
    expect(compared).toBeGreaterThan(60);
    expect(mismatches, mismatches.join('\n')).toEqual([]);
    expect(stale, 'oneTruthPending entries that now match').toEqual([]);
  }, 600_000);
});
