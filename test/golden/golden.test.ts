/**
 * Golden fixtures, auto-discovered: every directory under test/golden/cases/ is a case.
 *
 *   input.yaml            manifests (stream mode) or a ResourceList (KRM mode, detected by kind)
 *   args                  optional: extra command-line arguments, one per line
 *   config.yaml           optional: function config (--config in stream mode)
 *   expected.yaml         expected stdout
 *   expected-stderr.txt   expected stderr (the summary lines)
 *   expected-exit         optional: expected exit code when not 0
 *
 * Every case runs twice: the second run takes the first run's output as input and must give the
 * same output (idempotency). UPDATE_GOLDEN=1 rewrites the expected files; review the diff before
 * committing, as these files are the specification. Unknown files in a case directory fail the
 * test, so stale expectations cannot linger.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';

const root = new URL('./cases/', import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === '1';
const KNOWN = new Set(['input.yaml', 'args', 'config.yaml', 'expected.yaml', 'expected-stderr.txt', 'expected-exit', 'README.md']);

function readOpt(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

const cases = existsSync(root) ? readdirSync(root).sort() : [];

describe('golden fixtures', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const unknown = readdirSync(dir).filter((f) => !KNOWN.has(f));
      expect(unknown, `unexpected files in ${name}`).toEqual([]);
      const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
      const krm = /^kind:\s*ResourceList\s*$/m.test(input) && /^apiVersion:\s*config\.kubernetes\.io\//m.test(input);
      const extra = (readOpt(join(dir, 'args')) ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      const argv = [...extra];
      if (existsSync(join(dir, 'config.yaml'))) argv.push('--config', join(dir, 'config.yaml'));
      if (!krm) argv.push('-f', '-');
      const first = await runCli(argv, input);
      const exitPath = join(dir, 'expected-exit');
      const stderr = first.stderr.split(dir + '/').join('');
      if (update) {
        writeFileSync(join(dir, 'expected.yaml'), first.stdout);
        writeFileSync(join(dir, 'expected-stderr.txt'), stderr);
        if (first.code !== 0) writeFileSync(exitPath, `${first.code}\n`);
        else if (existsSync(exitPath)) unlinkSync(exitPath);
      }
      const expectedCode = Number((readOpt(exitPath) ?? '0').trim());
      expect(first.code).toBe(expectedCode);
      expect(first.stdout).toBe(readFileSync(join(dir, 'expected.yaml'), 'utf8'));
      expect(stderr).toBe(readFileSync(join(dir, 'expected-stderr.txt'), 'utf8'));
      if (first.code === 0) {
        const second = await runCli(argv, first.stdout);
        expect(second.code).toBe(0);
        expect(second.stdout, 'second run changed the output').toBe(first.stdout);
      }
    });
  }
});
