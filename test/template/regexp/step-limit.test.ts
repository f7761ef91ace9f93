/**
 * How the template functions report the matcher's step limit: as the function's error, never as
 * "no match" (regexMatch swallows compile errors only), and the budget all calls through one
 * function map share, which a loop cannot multiply. The limits are lowered (100,000 steps per call,
 * 1,000,000 per map) so the tests take milliseconds instead of seconds.
 */
import { describe, expect, it, vi } from 'vitest';
import { Template } from '../../../src/template/index.js';
import { sprigFuncs } from '../../../src/template/funcs/sprig.js';
import type { GoValue } from '../../../src/template/value.js';

vi.mock('../../../src/template/regexp/exec.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/template/regexp/exec.js')>()),
  MAX_STEPS: 100_000,
  MAX_SHARED_STEPS: 1_000_000,
}));

function render(text: string, data: unknown): string {
  return new Template('t', { funcs: [sprigFuncs()] }).parse(text).execute(data as GoValue);
}

describe('regex template functions at the step limit', () => {
  const data = { p: '(?:a?){1000}b', s: 'a'.repeat(1_000) };
  for (const call of ['regexMatch .p .s', 'regexFind .p .s', 'regexFindAll .p .s -1', 'regexReplaceAll .p .s "x"', 'regexSplit .p .s -1']) {
    const name = call.split(' ')[0] as string;
    it(`${name} fails with the limit`, () => {
      expect(() => render(`{{ ${call} }}`, data)).toThrow(
        `error calling ${name}: regexp: matching needs more than 100000 steps (pattern too large for this input)`,
      );
    });
  }

  it('answers below the limit', () => {
    expect(render('{{ regexMatch .p .s }}', { p: data.p, s: 'aab' })).toBe('true');
  });

  it('stops a loop of calls, each under the per-call limit, at the shared budget of the function map', () => {
    // Each call takes tens of thousands of steps: under 100,000, but 100 of them are not.
    const loop = '{{ range until 100 }}{{ regexMatch $.p $.s }}{{ end }}';
    const few = '{{ range until 3 }}{{ regexMatch $.p $.s }}{{ end }}';
    const d = { p: data.p, s: 'a'.repeat(20) };
    expect(render(few, d)).toBe('falsefalsefalse');
    expect(() => render(loop, d)).toThrow(
      'error calling regexMatch: regexp: matching needs more than 1000000 steps in all regular expression calls of this run',
    );
    // A new function map (a new run) starts with a full budget.
    expect(render(few, d)).toBe('falsefalsefalse');
  });
});
