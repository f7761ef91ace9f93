// BoundedMemo (kube/types.ts): the one bounded map of remembered strings (printed scalars in io/,
// result texts in core/run.ts).
import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/kube/types.js';

describe('BoundedMemo', () => {
  it('makes a value once per string and gives the same one back', () => {
    const memo = new BoundedMemo<string>(10);
    let made = 0;
    const make = (own: string) => {
      made++;
      return `<${own}>`;
    };
    expect(memo.get('a', make)).toBe('<a>');
    expect(memo.get('a', make)).toBe('<a>');
    expect(memo.get('b', make)).toBe('<b>');
    expect(made).toBe(2);
    expect(memo.size).toBe(2);
  });

  it('never holds more than its bound: it forgets everything and starts again', () => {
    const memo = new BoundedMemo<number>(3);
    for (let i = 0; i < 100; i++) {
      memo.get(`k${i}`, () => i);
      expect(memo.size).toBeLessThanOrEqual(3);
    }
    let made = 0;
    // k99 is still there (added after the last clear), k0 was forgotten and is made again
    memo.get('k99', () => made++);
    memo.get('k0', () => made++);
    expect(made).toBe(1);
  });

  it('hands `make` an equal string, and keeps the first value made for it', () => {
    const memo = new BoundedMemo<string>(4);
    const long = `${'x'.repeat(40)}-tail`;
    const slice = long.slice(3);
    const first = memo.get(slice, (own) => own);
    expect(first).toBe(slice);
    expect(memo.get(long.slice(3), (own) => `${own}!`)).toBe(first);
  });
});
