/**
 * The long reliability run behind `npm run fuzz`: the fuzz cases of test/reliability (mutated
 * golden inputs, examples, function and injector configs, junk; stream, KRM and template modes)
 * and the invariants over generated manifests, split over worker processes, each with its own
 * fixed seed so any failure is reproducible (`--seed`, and fast-check's reported path). Prints the
 * case count, the failures with their shrunk counterexample, and the time; exits 1 on a failure.
 *
 *   npm run fuzz                         # 100,000 fuzz cases + 2,000 property cases
 *   npm run fuzz -- --runs 5000 --properties 200 --seed 7 --workers 4
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';

interface Job {
  kind: 'fuzz' | 'stream' | 'krm';
  runs: number;
  seed: number;
}

interface Report {
  job: Job;
  failed: boolean;
  message?: string;
  ms: number;
}

async function work(job: Job): Promise<Report> {
  const t0 = Date.now();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let property: fc.IAsyncProperty<any>;
  let cleanup = () => {};
  if (job.kind === 'fuzz') {
    const { fuzzCaseArb, fuzzContext, runFuzzCase } = await import('../test/reliability/fuzz-cases.js');
    const ctx = fuzzContext();
    cleanup = () => rmSync(ctx.dir, { recursive: true, force: true });
    property = fc.asyncProperty(fuzzCaseArb(ctx), async (c) => {
      const o = await runFuzzCase(c, ctx);
      if (o.problem) throw new Error(`${o.problem}\nargv: ${JSON.stringify(o.argv)}`);
    });
  } else {
    const { streamArb } = await import('../test/reliability/gen.js');
    const { krmInvariants, streamInvariants } = await import('../test/reliability/properties.js');
    const f = job.kind === 'stream' ? streamInvariants : krmInvariants;
    property = fc.asyncProperty(streamArb, async (docs) => {
      const problem = await f(docs);
      if (problem) throw new Error(problem);
    });
  }
  try {
    const details = await fc.check(property, { numRuns: job.runs, seed: job.seed });
    const report: Report = { job, failed: details.failed, ms: Date.now() - t0 };
    if (details.failed) {
      report.message = `${fc.defaultReportMessage(details) ?? ''}\n${String((details.errorInstance as Error | undefined)?.message ?? '')}`.slice(0, 20_000);
    }
    return report;
  } finally {
    cleanup();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100000' },
      properties: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '20261123' },
      workers: { type: 'string', default: String(Math.max(1, availableParallelism())) },
      worker: { type: 'string' },
    },
  });
  if (values.worker !== undefined) {
    const report = await work(JSON.parse(values.worker) as Job);
    await new Promise<void>((resolve) => (process.send ? process.send(report, () => resolve()) : resolve()));
    process.disconnect?.();
    return report.failed ? 1 : 0;
  }
  const runs = Number(values.runs);
  const propRuns = Number(values.properties);
  const seed = Number(values.seed);
  const workers = Math.max(1, Number(values.workers));
  // Slices of at most 2,500 fuzz cases, each with its own seed, handed out to the workers.
  const jobs: Job[] = [];
  const slice = 2500;
  for (let i = 0, n = 0; n < runs; i++, n += slice) jobs.push({ kind: 'fuzz', runs: Math.min(slice, runs - n), seed: seed + i });
  for (let i = 0, n = 0; n < propRuns; i++, n += 250) {
    jobs.push({ kind: 'stream', runs: Math.min(250, propRuns - n), seed: seed + 10_000 + i });
    jobs.push({ kind: 'krm', runs: Math.min(250, propRuns - n), seed: seed + 20_000 + i });
  }
  const t0 = Date.now();
  const reports: Report[] = [];
  let next = 0;
  const runWorker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const report = await new Promise<Report>((resolve) => {
        const child = fork(new URL(import.meta.url), ['--worker', JSON.stringify(job)], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        let got: Report | undefined;
        child.on('message', (m) => (got = m as Report));
        child.on('exit', (code) => resolve(got ?? { job, failed: true, message: `worker exited with code ${code} without a report`, ms: 0 }));
      });
      reports.push(report);
      const done = reports.reduce((a, r) => a + r.job.runs, 0);
      process.stderr.write(
        `${report.failed ? 'FAIL' : 'ok  '} ${report.job.kind} seed ${report.job.seed}: ${report.job.runs} cases in ${(report.ms / 1000).toFixed(1)}s (${done} done, ${((Date.now() - t0) / 1000).toFixed(0)}s)\n`,
      );
      if (report.failed) process.stderr.write(`${report.message}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, runWorker));
  const total = (k: Job['kind'][]) => reports.filter((r) => k.includes(r.job.kind)).reduce((a, r) => a + r.job.runs, 0);
  const failed = reports.filter((r) => r.failed);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `fuzz: ${total(['fuzz'])} fuzz cases and ${total(['stream', 'krm'])} property cases in ${secs}s with ${workers} workers: ` +
      `${failed.length ? `${failed.length} slice(s) FAILED (seeds ${failed.map((r) => `${r.job.kind}:${r.job.seed}`).join(', ')})` : 'no failures'}\n`,
  );
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
