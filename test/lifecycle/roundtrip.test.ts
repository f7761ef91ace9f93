/**
 * uninject(inject(x)) == x over every golden input and every example: byte-identical for this
 * tool's own output (x the pristine source), and semantically when x already carried an
 * injection (then the source is uninject(x)).
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { argvFor, runCli, sources } from './helpers.js';

const all = sources();

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown);

describe('uninject(inject(x)) == x', () => {
  it('runs over the golden inputs and the examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
    expect(all.some((s) => s.name === 'examples/shop')).toBe(true);
  });
  for (const src of all) {
    it(src.name, async () => {
      // The pristine source: uninject is a no-op on manifests without a sidecar.
      const pristine = await runCli(argvFor(src, ['--uninject']), src.text);
      if (src.name === 'golden/workload-path-missing') {
        // A configured kind without its pod template is an error in every mode.
        expect(pristine.code).toBe(1);
        expect(pristine.stderr).toContain('no pod template');
        return;
      }
      expect(pristine.code, pristine.stderr).toBe(0);
      const alreadyInjected = src.text.includes('sidecar.istio.io/status');
      if (!alreadyInjected) expect(pristine.stdout).toBe(src.text);

      const injected = await runCli(argvFor(src), pristine.stdout);
      if (injected.code !== 0) {
        // Cases whose injection is an error (invalid annotation, missing pod template) write nothing.
        expect(injected.stderr).toMatch(/^error: /m);
        expect(injected.stdout).toBe('');
        return;
      }
      const back = await runCli(argvFor(src, ['--uninject']), injected.stdout);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toBe(pristine.stdout);
      expect(docs(back.stdout)).toEqual(docs(pristine.stdout));

      // From the input as given (maybe injected before, by this tool or by Istio).
      const direct = await runCli(argvFor(src), src.text);
      if (direct.code !== 0) return;
      const directBack = await runCli(argvFor(src, ['--uninject']), direct.stdout);
      expect(docs(directBack.stdout)).toEqual(docs(pristine.stdout));
    });
  }
});
