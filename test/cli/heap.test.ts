// The heap policy for large inputs (main.ts smallHeap): V8 flags only past LARGE_INPUT, the young
// generation held while the input is read, let grow during the run, and held again at YOUNG_CAP.
import { describe, expect, it } from 'vitest';
import { type HeapControls, LARGE_INPUT, LOOK_EVERY, smallHeap, YOUNG_CAP } from '../../src/cli/main.js';

function fakeV8() {
  const flags: string[] = [];
  let young = 1 << 20;
  let loads = 0;
  const controls: HeapControls = {
    setFlagsFromString: (f: string) => void flags.push(f),
    getHeapSpaceStatistics: () =>
      [{ space_name: 'new_space', space_size: young, space_used_size: 0, space_available_size: 0, physical_space_size: young }] as ReturnType<
        HeapControls['getHeapSpaceStatistics']
      >,
  };
  return {
    flags,
    grow: (bytes: number) => {
      young = bytes;
    },
    loads: () => loads,
    load: async () => {
      loads++;
      return controls;
    },
  };
}

describe('smallHeap', () => {
  it('leaves a small input with V8 defaults (no flags, node:v8 not even loaded)', async () => {
    const v8 = fakeV8();
    const heap = smallHeap(v8.load);
    await heap.input(1000);
    await heap.input(LARGE_INPUT - 1000);
    for (let i = 0; i < 10 * LOOK_EVERY; i++) heap.done();
    expect(v8.flags).toEqual([]);
    expect(v8.loads()).toBe(0);
  });

  it('holds the young generation while a large input is read, lets it grow in the run, holds it at the cap', async () => {
    const v8 = fakeV8();
    const heap = smallHeap(v8.load);
    // parts that add up past the limit (files of a tree)
    await heap.input(LARGE_INPUT / 2);
    expect(v8.flags).toEqual([]);
    await heap.input(LARGE_INPUT / 2 + 1);
    expect(v8.flags).toEqual(['--heap-growing-percent=10', '--semi-space-growth-factor=1']);
    await heap.input(LARGE_INPUT); // told again: set once
    expect(v8.flags).toHaveLength(2);
    heap.done();
    expect(v8.flags.at(-1)).toBe('--semi-space-growth-factor=2');
    for (let i = 1; i < 3 * LOOK_EVERY; i++) heap.done();
    expect(v8.flags).toHaveLength(3); // below the cap: still growing
    v8.grow(YOUNG_CAP);
    for (let i = 0; i < LOOK_EVERY; i++) heap.done();
    expect(v8.flags.at(-1)).toBe('--semi-space-growth-factor=1');
    expect(v8.flags).toHaveLength(4);
    for (let i = 0; i < 10 * LOOK_EVERY; i++) heap.done();
    expect(v8.flags).toHaveLength(4);
    expect(v8.loads()).toBe(1);
  });

  it('holds the young generation during a walk, and gives V8 its default back when the files turn out small', async () => {
    const v8 = fakeV8();
    const heap = smallHeap(v8.load);
    await heap.walking();
    expect(v8.flags).toEqual(['--semi-space-growth-factor=1']);
    await heap.input(LARGE_INPUT - 1);
    expect(v8.flags).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
    // a small run after the walk: no more flags, however many documents
    v8.grow(YOUNG_CAP);
    for (let i = 0; i < 10 * LOOK_EVERY; i++) heap.done();
    expect(v8.flags).toHaveLength(2);
  });

  it('goes from a walk to a large input as from the start', async () => {
    const v8 = fakeV8();
    const heap = smallHeap(v8.load);
    await heap.walking();
    await heap.walking(); // told again: set once
    await heap.input(LARGE_INPUT + 1);
    expect(v8.flags).toEqual(['--semi-space-growth-factor=1', '--heap-growing-percent=10', '--semi-space-growth-factor=1']);
    heap.done();
    expect(v8.flags.at(-1)).toBe('--semi-space-growth-factor=2');
    expect(v8.loads()).toBe(1);
  });
});
