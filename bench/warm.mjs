// Time per workload in one process that has already run the same code (`npm run bench` runs it):
// the bundled CLI's `cli()` is loaded through the built loader and fed the bench inputs in turn,
// each input several times, and every run's CPU time per workload is printed as JSON. It shows
// what the code costs once V8 has compiled and optimised it, apart from the warm-up every fresh
// process pays (the cold scaling row).
// Usage: node bench/warm.mjs <dist/inject-sidecar.js> <input>...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const loader = require(process.argv[2]);
const { cli } = loader.load(loader.ENTRY);
const io = (text) => ({ readStdin: async () => text, stdout: () => {}, stderr: () => {}, stdinIsTTY: false });
const files = process.argv.slice(3);
const inputs = files.map((f) => readFileSync(f, 'utf8'));
const count = (text) => (text.match(/^  kind: (Deployment|StatefulSet|DaemonSet)$/gm) ?? []).length;
const runs = [];
// warm up on every input once, then measure each input in turn
for (const text of inputs) await cli([], io(text));
for (let round = 0; round < 2; round++) {
  for (const [i, text] of inputs.entries()) {
    const t0 = process.cpuUsage();
    const code = await cli([], io(text));
    const d = process.cpuUsage(t0);
    if (code !== 0) throw new Error(`${files[i]}: exit ${code}`);
    runs.push({ file: files[i], workloads: count(text), msPerWorkload: (d.user + d.system) / 1000 / count(text) });
  }
}
process.stdout.write(JSON.stringify(runs));
