/**
 * Differential test: renders the generated corpus with Go 1.19's text/template (via render.go)
 * and with the TypeScript port, and requires identical output, or both failing with the same
 * message. Skips when `go` is absent, except on CI (CI=true), where it fails.
 */
import { describe, expect, it } from 'vitest';
import { generateCorpus } from './corpus.js';
import { buildRenderer, hasGo, loadLibraries, renderWithGo, renderWithTs, type GoResult } from './go-harness.js';

const goAvailable = hasGo();
const onCI = process.env.CI === 'true';

function show(r: GoResult): string {
  return r.error !== undefined ? `ERROR ${JSON.stringify(r.error)}` : `OUTPUT ${JSON.stringify(r.output)}`;
}

describe('differential: Go text/template vs the TypeScript port', () => {
  it('has Go available on CI', () => {
    if (!goAvailable && !onCI) {
      console.warn('go is not installed: the differential test is skipped (install golang-go to run it)');
      return;
    }
    expect(goAvailable).toBe(true);
  });

  it.skipIf(!goAvailable)(
    'renders at least 2,000 cases identically',
    async () => {
      const { sprig: sprigBuilt } = buildRenderer();
      const libs = await loadLibraries();
      const cases = generateCorpus(libs.samples, sprigBuilt && libs.sprig !== undefined);
      const goResults = renderWithGo(cases);
      expect(goResults.length).toBe(cases.length);
      const mismatches: string[] = [];
      let outputs = 0;
      let errors = 0;
      cases.forEach((c, i) => {
        const g = goResults[i] as GoResult;
        const t = renderWithTs(c, libs.sprig);
        const same = g.error !== undefined ? t.error === g.error : t.output === g.output;
        if (g.error !== undefined) errors++;
        else outputs++;
        if (!same) {
          mismatches.push(
            `${c.name}: ${JSON.stringify(c.template)}${c.typed ? ` typed=${c.typed}` : ''}\n  go: ${show(g)}\n  ts: ${show(t)}`,
          );
        }
      });
      console.log(
        `differential: ${cases.length} cases compared with Go (${outputs} outputs, ${errors} errors; sprig ${sprigBuilt ? 'on' : 'off'}); ${mismatches.length} mismatches`,
      );
      if (mismatches.length > 0) console.log(mismatches.slice(0, 60).join('\n'));
      expect(cases.length).toBeGreaterThanOrEqual(2000);
      expect(mismatches).toEqual([]);
    },
    180_000,
  );
});
