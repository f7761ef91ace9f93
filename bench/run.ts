/**
 * `npm run bench`: measures the bundled CLI (dist/inject-sidecar.js) against baselines taken in the
 * same run and prints one table: start-up against `node -e ""`, throughput against a Node process
 * that only parses and re-serialises the same input with `yaml` (bench/floor.mjs), time per workload
 * from 100 to 10,000 workloads (in fresh processes, and in one warmed process: bench/warm.mjs), and
 * peak RSS against the input size. Baseline and target runs are
 * interleaved so load on the machine hits both alike; every figure is a median. Inputs are generated
 * into bench/out/ (gitignored). It does not build the CLI (the npm script does) and it judges
 * nothing but the targets.
 *
 * Options (environment): BENCH_RUNS (start-up repetitions, default 21), BENCH_BIG_RUNS (at most this
 * many runs per 10,000-workload case, default 3), BENCH_BUDGET_S (stop repeating a big case after
 * this many seconds, default 60), BENCH_SIZES (default "100,1000,10000"), BENCH_ONLY (which cases to
 * run, a comma list of startup, builtin, istio; default all three).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceList, smallResourceList } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const out = join(here, 'out');
const cli = join(repo, 'dist/inject-sidecar.js');
const floor = join(here, 'floor.mjs');
const maxrss = join(here, 'maxrss.mjs');
const istioDir = resolve(repo, '../shared/istio-conformance/config');

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 3);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 60) * 1000;
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const BIG = Math.max(...SIZES);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'startup,builtin,istio').split(',').map((s) => s.trim()));

interface Sample {
  ms: number;
  /** Peak resident set size in bytes (0 when not measured). */
  rss: number;
}

const hasGnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;

/** Runs one command with `input` on stdin; wall time, and peak RSS when `rss` is asked for. */
function runOnce(argv: string[], input: string, rss = false): Sample {
  const tmp = join(out, '.rss');
  let cmd = argv;
  let env = process.env;
  if (rss && hasGnuTime) cmd = ['/usr/bin/time', '-f', '%M', '-o', tmp, ...argv];
  else if (rss) env = { ...process.env, NODE_OPTIONS: `--import=${maxrss}`, BENCH_RSS_FILE: tmp };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { input, env, stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  let peak = 0;
  if (rss) peak = Number(readFileSync(tmp, 'utf8').trim().split('\n').pop()) * 1024;
  return { ms, rss: peak };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Interleaves the commands (A B A B ...) `runs` times or until the budget is spent. */
function measure(cmds: string[][], input: string, runs: number, budget = Infinity, rss = false): Sample[][] {
  const samples: Sample[][] = cmds.map(() => []);
  const start = Date.now();
  // one warm-up round (file cache, JIT of the runner), not counted
  if (runs > 3) cmds.forEach((c) => runOnce(c, input));
  for (let i = 0; i < runs; i++) {
    cmds.forEach((c, j) => samples[j]!.push(runOnce(c, input, rss)));
    if (Date.now() - start > budget) break;
  }
  return samples;
}

interface Row {
  target: string;
  measured: string;
  baseline: string;
  ratio: number;
  limit: string;
  holds: boolean;
  runs: number;
}

const rows: Row[] = [];
const fmtMs = (ms: number): string => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const fmtMB = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

mkdirSync(out, { recursive: true });
if (!existsSync(cli)) throw new Error('dist/inject-sidecar.js is missing: run `npm run build` (npm run bench does)');

const istioFlags = existsSync(join(istioDir, 'inject-config.yaml'))
  ? [
      '--injectConfigFile',
      join(istioDir, 'inject-config.yaml'),
      '--valuesFile',
      join(istioDir, 'values.json'),
      '--meshConfigFile',
      join(istioDir, 'mesh.yaml'),
    ]
  : undefined;

// ---- start-up
if (ONLY.has('startup')) {
  const input = smallResourceList();
  log(`start-up: ${RUNS} interleaved runs`);
  const [base, target] = measure([['node', '-e', ''], ['node', cli]], input, RUNS);
  const b = median(base!.map((s) => s.ms));
  const t = median(target!.map((s) => s.ms));
  rows.push({
    target: 'start-up: 1 small Deployment, KRM mode',
    measured: fmtMs(t),
    baseline: `node -e "" ${fmtMs(b)}`,
    ratio: t / b,
    limit: '≤ 1.30',
    holds: t / b <= 1.3,
    runs: base!.length,
  });
}

/** The throughput row (target against the floor) and the peak-RSS row of one big case. */
function throughputRows(what: string, profile: string, text: string, base: Sample[], target: Sample[]): Row[] {
  const b = median(base.map((s) => s.ms));
  const t = median(target.map((s) => s.ms));
  const peak = median(target.map((s) => s.rss));
  const input = Buffer.byteLength(text);
  const allowed = 3 * input + 100e6;
  return [
    {
      target: `throughput: ${what}, ${profile}`,
      measured: fmtMs(t),
      baseline: `yaml parse+toString ${fmtMs(b)}`,
      ratio: t / b,
      limit: '≤ 1.00',
      holds: t / b <= 1.0,
      runs: base.length,
    },
    {
      target: `memory: peak RSS, ${what.split(' + ')[0]}, ${profile}`,
      measured: fmtMB(peak),
      baseline: `3 × input ${fmtMB(input)} + 100 MB = ${fmtMB(allowed)} (floor process: ${fmtMB(median(base.map((s) => s.rss)))})`,
      ratio: peak / allowed,
      limit: '≤ 1.00',
      holds: peak <= allowed,
      runs: base.length,
    },
  ];
}

// ---- throughput and scaling (built-in profile), memory
const perWorkload: { n: number; ms: number; floorMs: number }[] = [];
// The one-Deployment run of each process, subtracted from its times to get a time per workload.
const [startupSamples, floorStartupSamples] = ONLY.has('builtin') ? measure([['node', cli], ['node', floor]], smallResourceList(), 7) : [[], []];
const startupMs = startupSamples!.length ? median(startupSamples!.map((s) => s.ms)) : 0;
const floorStartupMs = floorStartupSamples!.length ? median(floorStartupSamples!.map((s) => s.ms)) : 0;
const inputs = new Map<number, string>();
for (const n of ONLY.has('builtin') || ONLY.has('istio') ? SIZES : []) {
  const text = resourceList(n);
  inputs.set(n, text);
  writeFileSync(join(out, `resourcelist-${n}.yaml`), text);
}
for (const n of ONLY.has('builtin') ? SIZES : []) {
  const text = inputs.get(n)!;
  const big = n === BIG;
  const runs = big ? BIG_RUNS : n >= 1000 ? 5 : 9;
  log(`${n} workloads (${fmtMB(text.length)}), built-in profile: up to ${runs} interleaved runs`);
  const [base, target] = measure([['node', floor], ['node', cli]], text, runs, big ? BUDGET_MS : Infinity, big);
  const t = median(target!.map((s) => s.ms));
  const f = median(base!.map((s) => s.ms));
  perWorkload.push({ n, ms: (t - startupMs) / n, floorMs: (f - floorStartupMs) / n });
  if (big) rows.push(...throughputRows(`${n} workloads + ${n} Services/ConfigMaps`, 'built-in profile', text, base!, target!));
}
if (perWorkload.length > 1) {
  const mid = median(perWorkload.map((p) => p.ms));
  const worst = Math.max(...perWorkload.map((p) => Math.abs(p.ms / mid - 1)));
  rows.push({
    target: `scaling: time per workload, ${perWorkload.map((p) => p.n).join(' / ')} workloads`,
    measured: perWorkload.map((p) => `${p.ms.toFixed(2)}`).join(' / ') + ' ms',
    baseline: `median ${mid.toFixed(2)} ms (start-up ${fmtMs(startupMs)} subtracted; the floor: ${perWorkload.map((p) => p.floorMs.toFixed(2)).join(' / ')} ms)`,
    ratio: 1 + worst,
    limit: '≤ 1.20 (±20%)',
    holds: worst <= 0.2,
    runs: 0,
  });
}

// The same sizes in one process that has run them before: the code's cost once V8 has compiled and
// optimised it (bench/warm.mjs), apart from the warm-up a fresh process pays.
if (ONLY.has('builtin') && perWorkload.length > 1) {
  log(`${SIZES.join(' / ')} workloads in one warmed process`);
  const files = SIZES.map((n) => join(out, `resourcelist-${n}.yaml`));
  const r = spawnSync('node', [join(here, 'warm.mjs'), cli, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench/warm.mjs exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
  const runs = JSON.parse(r.stdout) as { workloads: number; msPerWorkload: number }[];
  const warm = SIZES.map((n) => median(runs.filter((x) => x.workloads === n).map((x) => x.msPerWorkload)));
  const mid = median(warm);
  const worst = Math.max(...warm.map((w) => Math.abs(w / mid - 1)));
  rows.push({
    target: `scaling, warmed process: time per workload, ${SIZES.join(' / ')} workloads`,
    measured: warm.map((w) => w.toFixed(2)).join(' / ') + ' ms',
    baseline: `median ${mid.toFixed(2)} ms (CPU time; each input run before)`,
    ratio: 1 + worst,
    limit: '≤ 1.20 (±20%)',
    holds: worst <= 0.2,
    runs: 2,
  });
}

// ---- throughput with Istio's templates
if (istioFlags && ONLY.has('istio')) {
  const text = inputs.get(BIG)!;
  log(`${BIG} workloads, Istio templates: up to ${BIG_RUNS} interleaved runs`);
  const [base, target] = measure([['node', floor], ['node', cli, ...istioFlags]], text, BIG_RUNS, BUDGET_MS, true);
  rows.push(...throughputRows(`${BIG} workloads + ${BIG} Services/ConfigMaps`, 'Istio templates', text, base!, target!));
} else if (ONLY.has('istio')) {
  log('Istio templates: ../shared/istio-conformance/config not found, case skipped');
}

// ---- report
const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${fmtMB(totalmem())} RAM, Node ${process.version}`;
const header = ['target', 'measured', 'baseline (same run)', 'ratio', 'limit', 'holds', 'runs'];
const table = [header, ...rows.map((r) => [r.target, r.measured, r.baseline, r.ratio.toFixed(2), r.limit, r.holds ? 'yes' : 'NO', String(r.runs || '-')])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]): string => '| ' + row.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
const lines = [line(table[0]!), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...table.slice(1).map(line)];
process.stdout.write(`Machine: ${machine}\n\n${lines.join('\n')}\n`);
writeFileSync(join(out, 'results.json'), JSON.stringify({ machine, date: new Date().toISOString(), rows, perWorkload }, null, 2));
