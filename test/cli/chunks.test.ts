// Output is written in chunks of about 64 KiB characters: small parts joined, long ones cut (never
// inside a surrogate pair), so no buffer of a whole file is made and each chunk encodes on its own.
import { describe, expect, it } from 'vitest';
import { chunks, WRITE_CHUNK } from '../../src/cli/files.js';

const MiB = 1 << 20;
const bytesOf = (list: Iterable<string>): Buffer => Buffer.concat([...list].map((s) => Buffer.from(s, 'utf8')));

describe('chunks', () => {
  it('joins small parts and cuts long ones, adding up to the same text and bytes', () => {
    const small = Array.from({ length: 3000 }, (_, i) => `part ${i}: ${'x'.repeat(i % 900)}\n`);
    const long = 'y'.repeat(3 * MiB + 123);
    const parts = [...small, long, 'tail\n', '', ...small.slice(0, 10)];
    const out = [...chunks(parts)];
    expect(out.join('')).toBe(parts.join(''));
    for (const c of out) expect(c.length).toBeLessThanOrEqual(WRITE_CHUNK);
    // far fewer writes than parts (each chunk about full), and the long part did not go out whole
    const total = parts.join('').length;
    expect(out.length).toBeLessThan(Math.ceil(total / WRITE_CHUNK) + 5);
    expect(out.length).toBeLessThan(parts.length / 10);
    expect(out.length).toBeGreaterThan(total / WRITE_CHUNK);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    for (const shift of [0, 1, 2]) {
      // a 4-byte character straddling each chunk boundary
      const text = 'a'.repeat(WRITE_CHUNK - 1 + shift) + '😀'.repeat(MiB / 2) + 'é';
      const out = [...chunks([text])];
      expect(out.length).toBeGreaterThan(1);
      expect(bytesOf(out).equals(Buffer.from(text, 'utf8'))).toBe(true);
      for (const c of out) expect(Buffer.from(c, 'utf8').includes(Buffer.from('\uFFFD', 'utf8'))).toBe(false);
    }
  });
});
