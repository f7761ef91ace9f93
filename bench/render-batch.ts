// How much of the Istio-templates path is lost to interleaving: the CLI runs from source on the
// given arguments (a run with `--injectConfigFile` ...), timing the CPU of every template render
// (`TemplateRenderer.render`: execution, reading the output, its checks) and of the executions
// inside it; then the last renders are run again back to back on the same template data (fresh Go
// views, so nothing is memoised) and timed the same way. The gap between the two is what the rest
// of the pipeline costs the engine between renders (caches it evicts), i.e. what rendering the
// workloads in batches could win. A third pass runs the same renders with a synthetic eviction of
// V8's megamorphic (stub) cache between them (reads of five keys on 4,000 objects of distinct
// shapes): if it costs the renders what the run does, the penalty is that cache, which any
// megamorphic property access in the rest of the pipeline evicts.
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

// Objects of 4,000 shapes, and keys some of them have: reading them fills the megamorphic cache.
const SHAPES: Array<Record<string, number>> = [];
for (let i = 0; i < 4000; i++) SHAPES.push({ [`p${i % 97}`]: 1, [`q${i}`]: 2, [`r${i % 13}`]: 3 });
const KEYS = ['p1', 'q5', 'r3', 'p50', 'x'];
let sink = 0;
const evictMegamorphicCache = (): void => {
  for (const o of SHAPES) for (const k of KEYS) sink += o[k] ?? 0;
};

const us = (ms: number, n: number): string => `${((1000 * ms) / n).toFixed(0)} µs`;

process.on('exit', () => {
  if (renders === 0) {
    process.stderr.write('render-batch: no template was rendered (no --injectConfigFile?)\n');
    return;
  }
  const lines = [`in the run:    ${renders} renders, ${us(renderMs, renders)} per render, ${us(executeMs, renders)} executing`];
  for (const round of ['back to back 1', 'back to back 2', 'cache evicted']) {
    const evict = round === 'cache evicted';
    executeMs = 0;
    let total = 0;
    for (const [renderer, data] of kept) {
      if (evict) evictMegamorphicCache();
      const t0 = process.cpuUsage();
      render.call(renderer, data);
      total += cpuMs(t0);
    }
    lines.push(`${round}: ${kept.length} renders, ${us(total, kept.length)} per render, ${us(executeMs, kept.length)} executing`);
  }
  if (sink < 0) lines.push('');
  process.stderr.write(`${lines.join('\n')}\n`);
});

await main();
