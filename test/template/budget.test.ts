/**
 * The execution budget of a template (issue 12, finding 3): steps, allocations and output are
 * bounded per execution, a hostile injection template ends with Go's execution error naming the
 * template, line and column, Istio's real templates stay far inside the bounds, and sprig's set
 * functions are linear (`uniq`, `without`) with Go's `reflect.DeepEqual` semantics.
 * The memory of the hostile cases is measured in child processes in `budget-rss.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CORPUS_DIR, corpusAvailable, corpusConfigFlags } from '../../scripts/conformance.js';
import { INJECTION_TEMPLATE_LIMITS } from '../../src/istio/renderer.js';
import { injectionFuncs } from '../../src/istio/templates.js';
import { DEFAULT_LIMITS, Template, type ExecLimits, type ExecUsage } from '../../src/template/index.js';
import { runCli } from '../support/run-cli.js';
import { HOSTILE } from './fixtures/hostile.js';

const newUsage = (): ExecUsage => ({ steps: 0, allocBytes: 0, outputBytes: 0, rangeIterations: 0 });

function run(text: string, limits: Partial<ExecLimits> = INJECTION_TEMPLATE_LIMITS, usage = newUsage()): string {
  return new Template('sidecar', { funcs: [injectionFuncs()], missingKey: 'default', limits }).parse(text).execute({}, undefined, usage);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('a hostile injection template ends with a Go-style error naming template, line and column', () => {
  it.each(Object.entries(HOSTILE))('%s', (_, { template, error }) => {
    expect(errorOf(() => run(template))).toMatch(error);
  });

  it('has is charged per element compared: has over a list, in a range over it, runs out of steps', () => {
    expect(errorOf(() => run('{{$l := until 5000}}{{range $l}}{{if has . $l}}{{end}}{{end}}'))).toMatch(
      /^template: sidecar:1:\d+: executing "sidecar" at <has \. \$l>: execution steps exceed the limit of 1000000$/,
    );
  });

  it('a string argument is charged by its length: a loop passing a 100 KB string to contains runs out of budget', () => {
    expect(errorOf(() => run('{{$s := repeat 100000 "x"}}{{range until 10000}}{{$x := contains "y" $s}}{{end}}'))).toMatch(
      /^template: sidecar:1:\d+: executing "sidecar" at <contains "y" \$s>: allocations exceed the limit of 33554432 bytes$/,
    );
    const usage = newUsage();
    run('{{$s := repeat 1000 "x"}}{{$x := contains "y" $s}}', INJECTION_TEMPLATE_LIMITS, usage);
    expect(usage.allocBytes).toBeGreaterThanOrEqual(1000 + 16 * 1000);
    expect(usage.steps).toBeGreaterThanOrEqual(1000 / 256);
  });

  it('the same budget under the default limits, with their numbers', () => {
    expect(errorOf(() => run('{{$l := until 1000}}{{range until 10000}}{{range $l}}{{end}}{{end}}', { ...DEFAULT_LIMITS, maxRangeIterations: 1e9 }))).toMatch(
      /execution steps exceed the limit of 10000000$/,
    );
    expect(errorOf(() => run('{{$a := until 10000000}}', DEFAULT_LIMITS))).toMatch(/allocations exceed the limit of 268435456 bytes$/);
  });

  it('reports what an execution used', () => {
    const usage = newUsage();
    expect(run('{{range until 3}}{{printf "%03d" .}}{{end}}', INJECTION_TEMPLATE_LIMITS, usage)).toBe('000001002');
    expect(usage.rangeIterations).toBe(3);
    expect(usage.outputBytes).toBe(9);
    expect(usage.steps).toBeGreaterThan(3);
    expect(usage.allocBytes).toBeGreaterThanOrEqual(3 * 160);
  });
});

describe('uniq and without: Go semantics, linear work', () => {
  it('uniq keeps the first of reflect.DeepEqual values: types matter, composites compare deeply', () => {
    expect(run('{{ list 1 "1" 1 1.5 1.5 nil nil (list 1) (list 1) (int64 1) (dict "a" 1) (dict "a" 1) true true | uniq }}')).toBe(
      '[1 1 1.5 <nil> [1] 1 map[a:1] true]',
    );
    expect(run('{{ without (list 1 2 3 "3" (list 1) 2) 2 "3" (list 1) }}')).toBe('[1 3]');
  });

  it('uniq of 20000 distinct ints costs a step per element, not per pair', () => {
    const usage = newUsage();
    expect(run('{{ until 20000 | uniq | len }}', DEFAULT_LIMITS, usage)).toBe('20000');
    expect(usage.steps).toBeLessThan(100_000);
  });

  it('without of 20000 ints minus the same 20000 ints is linear too', () => {
    const usage = newUsage();
    expect(run('{{ $l := until 20000 }}{{ len (without $l 0 1 2 3 4 5 6 7 8 9) }}', DEFAULT_LIMITS, usage)).toBe('19990');
    expect(usage.steps).toBeLessThan(100_000);
  });
});

describe.skipIf(!corpusAvailable())("Istio's real templates stay far inside the injection limits", () => {
  it('every pod of the conformance corpus: each measure at most 1/100 of its limit', async () => {
    const usages: ExecUsage[] = [];
    const execute = Template.prototype.execute;
    const spy = vi.spyOn(Template.prototype, 'execute').mockImplementation(function (this: Template, data, limits) {
      const usage = newUsage();
      usages.push(usage);
      return execute.call(this, data, limits, usage);
    });
    try {
      const inputs = readdirSync(join(CORPUS_DIR, 'inputs'))
        .filter((f) => f.endsWith('.yaml'))
        .slice(0, 8);
      for (const f of inputs) {
        await runCli(['-f', join(CORPUS_DIR, 'inputs', f), ...corpusConfigFlags(), '--emulate', 'kube-inject']);
      }
    } finally {
      spy.mockRestore();
    }
    expect(usages.length).toBeGreaterThanOrEqual(5);
    const max = (k: keyof ExecUsage): number => Math.max(...usages.map((u) => u[k]));
    expect(max('steps') * 100).toBeLessThan(INJECTION_TEMPLATE_LIMITS.maxSteps);
    expect(max('allocBytes') * 100).toBeLessThan(INJECTION_TEMPLATE_LIMITS.maxAllocBytes);
    expect(max('outputBytes') * 100).toBeLessThan(INJECTION_TEMPLATE_LIMITS.maxOutputBytes);
    expect(max('rangeIterations') * 100).toBeLessThan(INJECTION_TEMPLATE_LIMITS.maxRangeIterations);
    // and they do work: a real pod costs hundreds of steps
    expect(max('steps')).toBeGreaterThan(100);
  });
});
