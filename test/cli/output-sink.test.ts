// The CLI's one buffered output (files.ts outputSink): parts go out in chunks of about 64 KiB
// characters, small parts joined, long ones cut (never inside a surrogate pair), so no buffer of
// a whole file is made and each chunk encodes on its own. Both ResourceList writers (YAML and
// JSON input) give it their parts in KRM mode.
import { describe, expect, it } from 'vitest';
import { cli } from '../../src/cli/cli.js';
import { outputSink, WRITE_CHUNK, writeChunked } from '../../src/cli/files.js';
import { resourceList } from '../../bench/generate.js';
import { parse } from 'yaml';

const MiB = 1 << 20;
const bytesOf = (list: Iterable<string>): Buffer => Buffer.concat([...list].map((s) => Buffer.from(s, 'utf8')));

/** What `writeChunked` gives `out` for these parts. */
function chunked(parts: Iterable<string>): string[] {
  const out: string[] = [];
  writeChunked((c) => void out.push(c), parts);
  return out;
}

describe('outputSink', () => {
  it('joins small parts and cuts long ones, adding up to the same text and bytes', () => {
    const small = Array.from({ length: 3000 }, (_, i) => `part ${i}: ${'x'.repeat(i % 900)}\n`);
    const long = 'y'.repeat(3 * MiB + 123);
    const parts = [...small, long, 'tail\n', '', ...small.slice(0, 10)];
    const out = chunked(parts);
    expect(out.join('')).toBe(parts.join(''));
    for (const c of out) expect(c.length).toBeLessThanOrEqual(WRITE_CHUNK);
    // far fewer writes than parts (each chunk about full), and the long part did not go out whole
    const total = parts.join('').length;
    expect(out.length).toBeLessThan(Math.ceil(total / WRITE_CHUNK) + 5);
    expect(out.length).toBeLessThan(parts.length / 10);
    expect(out.length).toBeGreaterThan(total / WRITE_CHUNK);
  });

  it('holds what is written until a chunk is full or it is flushed, and takes writes after a flush', () => {
    const out: string[] = [];
    const sink = outputSink((c) => void out.push(c));
    const part = 'z'.repeat(1000);
    for (let i = 0; i * part.length < WRITE_CHUNK - part.length; i++) sink.write(part);
    expect(out).toEqual([]);
    sink.write(part);
    expect(out.length).toBe(1);
    expect(out[0]!.length).toBeLessThanOrEqual(WRITE_CHUNK);
    sink.flush();
    expect(out.length).toBe(2);
    sink.flush();
    expect(out.length).toBe(2);
    sink.write('after\n');
    sink.flush();
    expect(out.length).toBe(3);
    expect(out[2]).toBe('after\n');
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    for (const shift of [0, 1, 2]) {
      // a 4-byte character straddling each chunk boundary
      const text = 'a'.repeat(WRITE_CHUNK - 1 + shift) + '😀'.repeat(MiB / 2) + 'é';
      const out = chunked([text]);
      expect(out.length).toBeGreaterThan(1);
      expect(bytesOf(out).equals(Buffer.from(text, 'utf8'))).toBe(true);
      for (const c of out) expect(Buffer.from(c, 'utf8').includes(Buffer.from('\uFFFD', 'utf8'))).toBe(false);
    }
  });
});

describe('KRM mode writes through the sink', () => {
  /** The CLI on a ResourceList: its stdout writes. */
  async function writes(stdin: string): Promise<{ code: number; writes: string[] }> {
    const out: string[] = [];
    const code = await cli(['-q'], { readStdin: async () => stdin, stdout: (t) => void out.push(t), stderr: () => {} });
    return { code, writes: out };
  }

  it('joins the items of a YAML and a JSON ResourceList into chunks, not a write per item', async () => {
    const yaml = resourceList(300);
    const json = JSON.stringify(parse(yaml), null, 2);
    for (const input of [yaml, json]) {
      const items = (parse(input) as { items: unknown[] }).items.length;
      const r = await writes(input);
      expect(r.code).toBe(0);
      const total = r.writes.join('').length;
      expect(r.writes.join('')).toContain('istio-proxy');
      for (const w of r.writes) expect(w.length).toBeLessThanOrEqual(WRITE_CHUNK);
      expect(r.writes.length).toBeLessThan(Math.ceil(total / WRITE_CHUNK) + 5);
      expect(r.writes.length).toBeLessThan(items / 10);
    }
  });
});
