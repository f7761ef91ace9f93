/**
 * Invariants over generated valid manifests (gen.ts, properties.ts), with a fixed seed and a
 * bounded number of runs so the suite stays fast; `npm run fuzz` runs the same properties longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamArb } from './gen.js';
import { krmInvariants, streamInvariants } from './properties.js';

const RUNS = 40;

async function holds(f: (docs: Parameters<typeof streamInvariants>[0]) => Promise<string | undefined>, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(streamArb, async (docs) => {
      const problem = await f(docs);
      if (problem) throw new Error(problem);
    }),
    { numRuns: RUNS, seed },
  );
}

describe('invariants over generated manifests', () => {
  it('stream mode: every document out, untouched ones byte-identical, output parses, f(f(x)) = f(x)', async () => {
    await holds(streamInvariants, 20261123);
  });

  it('KRM mode: every item out, untouched ones byte-identical, output parses, f(f(x)) = f(x)', async () => {
    await holds(krmInvariants, 20261124);
  });

  it('the generator produces injected workloads, untouched workloads and other kinds', async () => {
    // the invariants would hold vacuously if nothing were ever injected
    const samples = fc.sample(streamArb, { numRuns: 30, seed: 7 });
    let injected = 0;
    const kinds = new Set<string>();
    for (const docs of samples) {
      for (const d of docs) kinds.add(d.kind);
      const { runCli } = await import('./harness.js');
      const r = await runCli(['-f', '-'], docs.map((d) => d.text).join('---\n'));
      injected += (r.stdout.match(/name: istio-proxy/g) ?? []).length;
    }
    expect(injected).toBeGreaterThan(5);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['ConfigMap', 'CronJob', 'Deployment', 'Namespace', 'Pod', 'Service', 'StatefulSet']));
  });
});
