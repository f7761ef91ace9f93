// Time per workload in one process that has already run the same code (`npm run bench` runs it
// for every shape and mode): the bundled CLI's `cli()` is loaded through the built loader and fed
// the cases in turn (each size once and then the smallest twice more first, not counted: V8
// compiles and optimises the code on them), and every counted run's CPU time per workload is
// printed as JSON. It shows how the code's cost grows with the input once warm, apart from the
// warm-up every fresh process pays (which makes a cold process's time per workload fall with size).
// Usage: node bench/warm.mjs <dist/inject-sidecar.js> <cases.json> [rounds]
// cases.json: [{ "args": [...], "stdin": "<file or absent>", "workloads": N }, ...], smallest first.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const loader = require(process.argv[2]);
const { cli } = loader.load(loader.ENTRY);
const cases = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const rounds = Number(process.argv[4] ?? 1);
const io = (text) => ({ readStdin: async () => text, stdout: () => {}, stderr: () => {}, stdinIsTTY: text === undefined });
const runCase = async (c) => {
  const text = c.stdin === undefined ? undefined : readFileSync(c.stdin, 'utf8');
  const t0 = process.cpuUsage();
  const code = await cli(c.args, io(text));
  const d = process.cpuUsage(t0);
  if (code !== 0) throw new Error(`${c.args.join(' ')} ${c.stdin ?? ''}: exit ${code}`);
  return (d.user + d.system) / 1000;
};
// Every size once (a larger input takes paths a small one does not: the spool's file, more
// collections of an older heap), then the smallest twice more.
for (const c of cases) await runCase(c);
for (let i = 0; i < 2; i++) await runCase(cases[0]);
const runs = [];
for (let round = 0; round < rounds; round++) {
  for (const c of cases) runs.push({ workloads: c.workloads, msPerWorkload: (await runCase(c)) / c.workloads });
}
process.stdout.write(JSON.stringify(runs));
