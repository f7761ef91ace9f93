// How much of the Istio-templates path is lost to interleaving: the CLI runs from source on the
// given arguments (a run with `--injectConfigFile` ...), timing the CPU of every template render
// (`TemplateRenderer.render`: execution, reading the output, its checks) and of the executions
// inside it; then the last renders are run again back to back on the same template data (fresh Go
// views, so nothing is memoised) and timed the same way. The gap between the two is what the rest
// of the pipeline costs the engine between renders (caches it evicts), i.e. what rendering the
// workloads in batches could win.
// Usage: node --import tsx bench/render-batch.ts <inject-sidecar arguments>   (stdin as the CLI's)
import { main } from '../src/cli/main.js';
import type { SidecarTemplateData } from '../src/inject/types.js';
import { TemplateRenderer } from '../src/istio/renderer.js';
import { Template } from '../src/template/template.js';

const REPLAYED = 2000;

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const render = TemplateRenderer.prototype.render;
const execute = Template.prototype.execute;
let renderMs = 0;
let executeMs = 0;
let renders = 0;
const kept: Array<[TemplateRenderer, SidecarTemplateData]> = [];

TemplateRenderer.prototype.render = function (this: TemplateRenderer, data: SidecarTemplateData) {
  const t0 = process.cpuUsage();
  try {
    return render.call(this, data);
  } finally {
    renderMs += cpuMs(t0);
    renders++;
    kept.push([this, data]);
    if (kept.length > REPLAYED) kept.shift();
  }
};
Template.prototype.execute = function (this: Template, ...args: Parameters<Template['execute']>) {
  const t0 = process.cpuUsage();
  try {
    return execute.apply(this, args);
  } finally {
    executeMs += cpuMs(t0);
  }
};

const us = (ms: number, n: number): string => `${((1000 * ms) / n).toFixed(0)} µs`;

process.on('exit', () => {
  if (renders === 0) {
    process.stderr.write('render-batch: no template was rendered (no --injectConfigFile?)\n');
    return;
  }
  const lines = [`in the run:    ${renders} renders, ${us(renderMs, renders)} per render, ${us(executeMs, renders)} executing`];
  for (let round = 1; round <= 2; round++) {
    renderMs = 0;
    executeMs = 0;
    const t0 = process.cpuUsage();
    for (const [renderer, data] of kept) render.call(renderer, data);
    const total = cpuMs(t0);
    lines.push(`back to back ${round}: ${kept.length} renders, ${us(total, kept.length)} per render, ${us(executeMs, kept.length)} executing`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
});

await main();
