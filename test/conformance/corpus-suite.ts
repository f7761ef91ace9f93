/**
 * The conformance checks of one golden corpus (master or a release), shared by the test files
 * that split the corpora between them (vitest runs files in parallel): every case in both
 * emulations, compared with Istio's golden; the suite fails when a count drops below
 * conformance/pass-counts.yaml, when the corpus' case count differs from the recorded one, when a
 * failing case is not listed in conformance/known-differences.yaml for this corpus, and when a
 * listed case passes (stale entry).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRelease } from '../../src/inject/builtin/releases.js';
import {
  builtinSupports,
  casesFor,
  checkCase,
  corpusMinor,
  entriesFor,
  listCorpora,
  loadCases,
  loadKnownDifferences,
  loadPassCounts,
  oneTruthProblems,
  runCase,
  type CaseResult,
  type Corpus,
  type Emulation,
} from '../../scripts/conformance.js';

const EMULATIONS: readonly [Emulation, 'kubeInject' | 'webhook'][] = [
  ['kube-inject', 'kubeInject'],
  ['webhook', 'webhook'],
];

/** The release corpora of shard `index` of `count` (master is checked by conformance.test.ts). */
export function releaseShard(index: number, count: number): Corpus[] {
  return listCorpora()
    .filter((c) => c.name !== 'master')
    .filter((_, i) => i % count === index);
}

export function defineCorpusSuite(corpus: Corpus): void {
  describe(`Istio conformance corpus ${corpus.name}`, () => {
    const known = loadKnownDifferences();
    const recorded = loadPassCounts()[corpus.name];
    const listed = new Set([...entriesFor(known.differences, corpus.name), ...entriesFor(known.pending, corpus.name)].map((d) => d.case));
    const cases = loadCases(corpus.dir);
    const results = new Map<Emulation, Map<string, CaseResult>>();

    beforeAll(async () => {
      for (const [emulate] of EMULATIONS) {
        const byName = new Map<string, CaseResult>();
        for (const c of casesFor(cases, emulate)) byName.set(c.name, await checkCase(c, corpus.dir, false, emulate));
        results.set(emulate, byName);
      }
    }, 600_000);

    it('has recorded pass counts for its current case list', () => {
      expect(recorded, `conformance/pass-counts.yaml has no entry for ${corpus.name}`).toBeDefined();
      for (const [emulate, key] of EMULATIONS) expect(recorded![key].cases, `${key} cases`).toBe(casesFor(cases, emulate).length);
    });

    it('lists only real cases of this corpus in known-differences.yaml', () => {
      const names = new Set(cases.map((c) => c.name));
      expect([...listed].filter((n) => !names.has(n))).toEqual([]);
    });

    for (const [emulate, key] of EMULATIONS) {
      it(`${emulate} emulation: passes at least the recorded count, and every failure is listed`, () => {
        const run = [...results.get(emulate)!.values()];
        const unexplained = run.filter((r) => !r.pass && !listed.has(r.name)).map((r) => `${r.name}:\n  ${r.problems.slice(0, 12).join('\n  ')}`);
        expect(unexplained, unexplained.join('\n')).toEqual([]);
        expect(run.filter((r) => r.pass).length).toBeGreaterThanOrEqual(recorded![key].pass);
      });
    }

    // One truth per release: the built-in profile at this release renders what the template path
    // renders with this release's templates (compared with the kube-inject runs above).
    const minor = corpusMinor(corpus.name);
    it.skipIf(minor === undefined || builtinRelease(minor) === undefined)(
      `one truth: the built-in profile at Istio ${minor} renders what its templates render`,
      async () => {
        const pending = new Set(entriesFor(known.oneTruthPending, corpus.name).map((d) => d.case));
        const mismatches: string[] = [];
        let compared = 0;
        for (const c of cases.filter((x) => builtinSupports(x, corpus.dir))) {
          compared++;
          const problems = oneTruthProblems(results.get('kube-inject')!.get(c.name)!.run, await runCase(c, 'builtin', corpus.dir, 'kube-inject', minor));
          if (problems.length && !pending.has(c.name)) mismatches.push(`${c.name}:\n  ${problems.slice(0, 8).join('\n  ')}`);
        }
        expect(compared).toBeGreaterThan(60);
        expect(mismatches, mismatches.join('\n')).toEqual([]);
      },
      600_000,
    );

    it('no listed case passes in both emulations (stale entries are removed)', () => {
      const stale = [...listed].filter((name) => EMULATIONS.every(([e]) => results.get(e)!.get(name)?.pass !== false));
      expect(stale).toEqual([]);
    });
  });
}
