/**
 * How the template functions report the matcher's step limit: as the function's error, never as
 * "no match" (regexMatch swallows compile errors only). The limit is lowered to 100,000 steps for
 * this file so the test takes milliseconds instead of the seconds 50,000,000 steps take.
 */
import { describe, expect, it, vi } from 'vitest';
import { Template } from '../../../src/template/index.js';
import { sprigFuncs } from '../../../src/template/funcs/sprig.js';
import type { GoValue } from '../../../src/template/value.js';

vi.mock('../../../src/template/regexp/exec.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/template/regexp/exec.js')>()),
  MAX_STEPS: 100_000,
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
});
