// The stream output is made in parts as they are asked for (no file or stream joined whole). The
// parts must add up to what joining each file's whole text gave: a file's start decides whether a
// `---` goes before it, its end whether a line break does, and a BOM is dropped after the first file.
import { describe, expect, it } from 'vitest';
import { emitFiles, emitStreamParts, parseStream, parseStreamFile, type ResourceHandle } from '../../src/io/index.js';

/** The stream as it was made before: each file's whole text, then the separators between files. */
function joinedWhole(docs: readonly ResourceHandle[]): string {
  const parts: string[] = [];
  let endsWithNl = true;
  for (const { text } of emitFiles(docs)) {
    if (text === '') continue;
    if (parts.length > 0) {
      if (!endsWithNl) parts.push('\n');
      if (!/^(?:\uFEFF)?---(?:[ \t\r\n]|$)/.test(text)) parts.push('---\n');
      parts.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } else parts.push(text);
    endsWithNl = text.endsWith('\n');
  }
  return parts.join('');
}

const files: Record<string, string> = {
  plain: 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n',
  twoDocs: 'kind: A\nmetadata:\n  name: b\n---\nkind: B\nmetadata:\n  name: c\n',
  marker: '---\nkind: A\nmetadata:\n  name: d\n',
  markerComment: '--- # first\nkind: A\nmetadata:\n  name: e\n',
  notAMarker: '---x: 1\nkind: A\n',
  bom: '\uFEFFkind: A\nmetadata:\n  name: f\n',
  bomMarker: '\uFEFF---\nkind: A\nmetadata:\n  name: g\n',
  noNewline: 'kind: A\nmetadata:\n  name: h',
  twoNoNewline: 'kind: A\nmetadata:\n  name: k\n---\nkind: B\nmetadata:\n  name: l',
  short: 'a: 1',
  tiny: '{}',
  empty: '',
  commentOnly: '# nothing here\n',
  bareMarker: '---',
  crlf: 'kind: A\r\nmetadata:\r\n  name: i\r\n---\r\nkind: B\r\n',
  trailingDocs: 'kind: A\nmetadata:\n  name: j\n---\n# tail\n...\n',
};

const names = Object.keys(files);

/** Reads every file; changes the `name` of every other document and drops every third. */
function scenario(order: readonly string[], seed: number): ResourceHandle[] {
  const kept: ResourceHandle[] = [];
  let n = seed;
  for (const name of order) {
    for (const d of parseStream(files[name]!, `${name}.yaml`)) {
      n++;
      if (n % 3 === 0) continue;
      if (n % 2 === 0 && typeof (d.value.metadata as { name?: unknown } | undefined)?.name === 'string') d.update(['metadata', 'name'], `renamed-${n}`);
      kept.push(d);
    }
  }
  return kept;
}

describe('stream output in parts', () => {
  it('adds up to the files joined whole, for every pair of file shapes, changed and dropped documents', () => {
    let cases = 0;
    for (const a of names) {
      for (const b of names) {
        for (const seed of [0, 1, 2]) {
          const expected = joinedWhole(scenario([a, b, 'plain'], seed));
          const parts = [...emitStreamParts(scenario([a, b, 'plain'], seed))];
          expect(parts.join(''), `${a} + ${b} (seed ${seed})`).toBe(expected);
          cases++;
        }
      }
    }
    expect(cases).toBe(names.length * names.length * 3);
  });

  it('never builds a string longer than one file part: untouched text is yielded as slices, not joined', () => {
    const big = Array.from({ length: 200 }, (_, i) => `kind: A\nmetadata:\n  name: n${i}\n`).join('---\n');
    const docs = parseStream(big, 'big.yaml');
    docs[100]!.update(['metadata', 'name'], 'changed');
    const parts = [...emitStreamParts([...docs, ...parseStream('kind: B\n', 'b.yaml')])];
    // before the changed document, the document itself, after it, then `---` and the second file
    expect(parts.length).toBe(5);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(big.length / 2 + 100);
    expect(parts.join('')).toBe(`${big.replace('name: n100\n', 'name: changed\n')}---\nkind: B\n`);
  });

  it('makes each part only when asked: a document is printed when the output reaches it', () => {
    const parsed = parseStreamFile('kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n', 'f.yaml');
    const [a, b] = parsed.resources;
    a!.update(['metadata', 'name'], 'x');
    b!.update(['metadata', 'name'], 'y');
    const it = parsed.parts();
    expect(it.next().value).toBe('');
    expect(it.next().value).toBe('kind: A\nmetadata:\n  name: x\n');
    // changed after the first document was given out: the second is printed with the change
    b!.update(['metadata', 'name'], 'z');
    expect([...it].join('')).toBe('---\nkind: B\nmetadata:\n  name: z\n');
  });
});
