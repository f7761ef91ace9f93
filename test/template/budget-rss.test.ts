/**
 * The hostile injection templates of issue 12 (finding 3) end with their budget error and stay
 * under 500 MB of RSS, measured in a child process (`fixtures/hostile-run.ts`): the engine alone,
 * and through the CLI with the template in an injector ConfigMap in the input (exit 1, the error
 * names the workload, nothing is written). Before the budget these hung or aborted at 3-4.8 GB.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOSTILE } from './fixtures/hostile.js';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/hostile-run.ts');
const MAX_RSS = 500 * 1024 * 1024;

function runChild(mode: 'engine' | 'cli', names: string[]): Record<string, any> {
  // the timeout only keeps a regression from hanging the suite; it is not what is checked
  const r = spawnSync(process.execPath, ['--import', 'tsx', RUNNER, mode, ...names], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}

describe('hostile templates in a child process: the budget error, under 500 MB RSS', () => {
  it('the engine, all cases one after the other in one process', () => {
    const names = Object.keys(HOSTILE);
    const r = runChild('engine', names);
    expect(r.errors).toHaveLength(names.length);
    for (const [i, name] of names.entries()) expect(r.errors[i], name).toMatch(HOSTILE[name]!.error);
    expect(r.maxRssBytes).toBeLessThan(MAX_RSS);
  });

  it('the CLI, the template in an injector ConfigMap of the input: exit 1 naming the workload, nothing written', () => {
    const name = 'calls itself twice per level, 40 deep';
    const r = runChild('cli', [name]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const detail = HOSTILE[name]!.error.source.replace(/^\^/, '').replace(/\$$/, '');
    expect(r.stderr).toMatch(new RegExp(`error: Deployment shop/web: injection template "sidecar" failed: ${detail}`));
    expect(r.maxRssBytes).toBeLessThan(MAX_RSS);
  });
});
