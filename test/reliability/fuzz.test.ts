/**
 * Bounded fuzzing in the normal test run (fixed seed): mutated golden inputs, examples, function
 * configs and Istio injector configs, and random junk, through the in-process CLI in stream, KRM
 * and template modes. Every run must end with valid output and exit 0, or with a clear error, a
 * non-zero exit and no partial stream, and never with a raw exception or a stack trace.
 * `npm run fuzz` runs the same cases 100,000 times.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRun, crashText, runCli } from './harness.js';
import { fuzzCaseArb, fuzzContext, runFuzzCase } from './fuzz-cases.js';

const RUNS = 1000;
const ctx = fuzzContext();
afterAll(() => rmSync(ctx.dir, { recursive: true, force: true }));

describe('fuzzing the CLI', () => {
  it('has seeds to mutate', () => {
    expect(ctx.seeds.length).toBeGreaterThan(10);
    expect(ctx.configs.length).toBeGreaterThan(2);
  });

  it(`${RUNS} mutated and random inputs end cleanly`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzCaseArb(ctx), async (c) => {
        const o = await runFuzzCase(c, ctx);
        if (o.problem) throw new Error(`${o.problem}\nargv: ${JSON.stringify(o.argv)}`);
      }),
      { numRuns: RUNS, seed: 424242 },
    );
  }, 120_000);

  it('the checker catches what it must', () => {
    const run = { code: 1, stdout: 'kind: A\n', stderr: 'inject-sidecar: x\n', warnings: [], ms: 0 };
    expect(checkRun(run, 'stream')).toMatch(/partial stream/);
    expect(checkRun({ ...run, stdout: '', stderr: 'TypeError: x\n    at f (a.js:1:1)\n' }, 'stream')).toMatch(/crash text/);
    expect(checkRun({ ...run, code: 0, stdout: 'a: [\n' }, 'stream')).toMatch(/does not parse/);
    expect(checkRun({ ...run, code: 1, stdout: 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n' }, 'krm')).toMatch(/no error result/);
    expect(checkRun({ ...run, threw: new TypeError('boom') }, 'stream')).toMatch(/threw/);
    expect(checkRun({ ...run, stdout: '', warnings: ['YAMLWarning'] }, 'stream')).toMatch(/process warning/);
    expect(crashText('Cannot read properties of undefined')).toBeDefined();
  });

  it('a run that works passes the checker', async () => {
    const r = await runCli(['-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    expect(checkRun(r, 'stream')).toBeUndefined();
    expect(r.code).toBe(0);
  });
});
