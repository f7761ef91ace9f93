/**
 * The printer of new scalars in text patching (src/io/patch.ts) decides quoting itself for one-line
 * strings; these tests hold its result against the `yaml` Document path it replaces, for generated
 * strings heavy in characters YAML gives meaning to and for every string in the golden outputs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { BAIL } from '../../src/io/bail.js';
import { IoContext } from '../../src/io/context.js';
import { patchText, scalarTextFast, scalarTextYaml } from '../../src/io/patch.js';

const repo = resolve(new URL('.', import.meta.url).pathname, '../..');
const istio = resolve(repo, '../shared/istio-conformance');

/** Every string (keys and values) in the YAML documents of the files picked. */
function stringsIn(files: string[]): Set<string> {
  const strings = new Set<string>();
  const walk = (n: unknown): void => {
    if (isScalar(n)) {
      if (typeof n.value === 'string') strings.add(n.value);
    } else if (isMap(n) || isSeq(n)) {
      for (const it of n.items as unknown[]) {
        if (isPair(it)) {
          walk(it.key);
          walk(it.value);
        } else walk(it);
      }
    }
  };
  for (const f of files) for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) walk(doc.contents as Node | null);
  return strings;
}

/** Compares every string; all but the multi-line ones must take the fast path. */
function allSame(strings: Set<string>): void {
  let fast = 0;
  for (const v of strings) if (same(v).value !== undefined) fast++;
  const multiLine = [...strings].filter((v) => v.includes('\n')).length;
  expect(fast).toBe(strings.size - multiLine);
}

/** Checks both key and value forms; returns the fast results (undefined where it defers to `yaml`). */
function same(v: string): { value: string | undefined; key: string | undefined } {
  const value = scalarTextFast(v, false);
  const key = scalarTextFast(v, true);
  if (value !== undefined) expect(value, `value ${JSON.stringify(v)}`).toBe(scalarTextYaml(v, false));
  if (key !== undefined) expect(key, `key ${JSON.stringify(v)}`).toBe(scalarTextYaml(v, true));
  return { value, key };
}

const SIGNIFICANT = [
  ':',
  '#',
  '-',
  '?',
  ',',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  ' ',
  '\t',
  '\\',
  '=',
  '<<',
  '.',
  '0',
  '1',
  '9',
  'x',
  'e',
  'E',
  '+',
  '_',
  'o',
  '~',
  '---',
  '...',
  'é',
  '\u00a0',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u0000',
  '\u0007',
  '\u000b',
  '\u001b',
  '\u0001',
  '\u007f',
  '\u009f',
  '\ud800',
  '\udc00',
  '😀',
  '\ufeff',
  'a',
  'Z',
  'true',
  'null',
  'Null',
  'NULL',
  'yes',
  'on',
  'off',
  '0x1F',
  '0o17',
  '1e3',
  '.inf',
  '.NaN',
  '12:30',
  '2024-01-02',
  'u0000',
  '\\u0000',
];
const pieces = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SIGNIFICANT) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) },
);
const yamlish = fc.array(pieces, { maxLength: 8 }).map((a) => a.join(''));

const LOOKALIKES = [
  '',
  ' ',
  '  ',
  'a ',
  ' a',
  '\ta',
  'a\t',
  '-',
  '--',
  '- a',
  '-a',
  '?',
  '? a',
  '?a',
  ':',
  'a:',
  'a: b',
  'a:b',
  'a :b',
  '#',
  'a #b',
  'a#b',
  '[',
  'a,b',
  '{a}',
  '&a',
  '*a',
  '!a',
  '|',
  '>',
  "'",
  '"',
  "a'b",
  'a"b',
  `a"'b`,
  '%a',
  '@a',
  '`a',
  'true',
  'True',
  'TRUE',
  'false',
  'null',
  '~',
  'yes',
  'no',
  'y',
  'n',
  'on',
  'off',
  '<<',
  '=',
  '0',
  '-1',
  '+1',
  '012',
  '0x1F',
  '0X1F',
  '0o17',
  '0b101',
  '1_000',
  '1e3',
  '1E3',
  '1.5',
  '.5',
  '5.',
  '-.inf',
  '.nan',
  '1:30',
  '2024-01-02',
  '2024-01-02T03:04:05Z',
  '---',
  '---a',
  '--- a',
  '...',
  '...a',
  'a---',
  '--concurrency',
  '--proxyLogLevel=warning',
  '{"discoveryAddress":"istiod.istio-system.svc:15012","tracing":{"zipkin":{"address":"zipkin:9411"}}}',
  '[]',
  '{}',
  'a\\b',
  '\\u0041',
  'x'.repeat(1024),
  'x'.repeat(1025),
  '"'.repeat(520),
  `${'é'.repeat(1100)}`,
  '\u0000'.repeat(300),
  'a\u00a0b',
  '\u2028',
  'a\u0085',
  'a\u007f',
  '\ud83d',
  'a\udc00b',
  '😀',
];

describe('scalarTextFast against the yaml Document path', () => {
  it('gives the same text for YAML look-alikes, quoting as yaml does', () => {
    const styles = new Set<string>();
    for (const v of LOOKALIKES) {
      const r = same(v);
      for (const t of [r.value, r.key]) if (t !== undefined) styles.add(t[0] === '"' ? 'double' : t[0] === "'" ? 'single' : 'plain');
    }
    // the list reaches all three styles the fast path produces
    expect([...styles].sort()).toEqual(['double', 'plain', 'single']);
    // spot checks, so a shared mistake of both paths would still show
    expect(scalarTextFast('a: b', false)).toBe('"a: b"');
    expect(scalarTextFast('say "hi": now', false)).toBe(`'say "hi": now'`);
    expect(scalarTextFast('\u0000\u0007\u000b\u001b\u0001x', false)).toBe('"\\0\\a\\v\\e\\x01x"');
    expect(scalarTextFast('---a', true)).toBe('"---a"');
    expect(scalarTextFast('---a', false)).toBe('---a');
    expect(scalarTextFast('--concurrency', false)).toBe('--concurrency');
  });

  it('leaves to yaml only line breaks and keys too long to be implicit', () => {
    expect(scalarTextFast('a\nb', false)).toBeUndefined();
    expect(scalarTextFast('a\nb', true)).toBeUndefined();
    expect(scalarTextFast('x'.repeat(1025), true)).toBeUndefined();
    expect(scalarTextYaml('x'.repeat(1025), true).startsWith('? ')).toBe(true);
    expect(scalarTextFast('x'.repeat(1024), true)).toBe('x'.repeat(1024));
    expect(scalarTextFast('x'.repeat(5000), false)).toBe('x'.repeat(5000));
  });

  it('gives the same text for generated strings', () => {
    let handled = 0;
    let expected = 0;
    let plain = 0;
    fc.assert(
      fc.property(yamlish, (v) => {
        const r = same(v);
        if (!v.includes('\n')) expected += 2;
        handled += (r.value !== undefined ? 1 : 0) + (r.key !== undefined ? 1 : 0);
        if (r.value !== undefined && r.value[0] !== '"' && r.value[0] !== "'") plain++;
      }),
      { numRuns: 20000, seed: 20261123 },
    );
    // everything but line breaks takes the fast path (the strings are too short for the key limit)
    expect(handled).toBe(expected);
    expect(expected).toBeGreaterThan(30000);
    expect(plain).toBeGreaterThan(1000);
  });

  it('gives the same text for every string in the golden outputs', () => {
    const dir = join(repo, 'test/golden/cases');
    const files: string[] = [];
    for (const c of existsSync(dir) ? readdirSync(dir) : []) {
      for (const f of readdirSync(join(dir, c))) if (f.startsWith('expected') && f.endsWith('.yaml')) files.push(join(dir, c, f));
    }
    const strings = stringsIn(files);
    expect(strings.size).toBeGreaterThan(300);
    allSame(strings);
  });

  it.skipIf(!existsSync(join(istio, 'goldens')))('gives the same text for every string in the Istio goldens', () => {
    const dir = join(istio, 'goldens');
    const strings = stringsIn(
      readdirSync(dir)
        .filter((f) => f.endsWith('.injected'))
        .map((f) => join(dir, f)),
    );
    expect(strings.size).toBeGreaterThan(300);
    allSame(strings);
  });

  it('is what patching writes for new keys and values', () => {
    const io = new IoContext();
    const text = 'a: 1\n';
    const nu = { a: 1, '---x': 'it: is', b: '"hi" she said', c: ['--concurrency', '2', "it's"], d: 'plain text', e: `${'x: '.repeat(200)}y` };
    expect(patchText(text, 0, text.length, 0, { a: 1 }, nu, true, io)).toBe(
      `a: 1\n"---x": "it: is"\nb: '"hi" she said'\nc:\n  - --concurrency\n  - "2"\n  - it's\nd: plain text\ne: "${'x: '.repeat(200)}y"\n`,
    );
    // twice, so a remembered result is checked as well
    expect(patchText(text, 0, text.length, 0, { a: 1 }, nu, true, io)).toBe(patchText(text, 0, text.length, 0, { a: 1 }, nu, true, io));
    // a key yaml would write as `? key` is left to yaml, also when it looks plain
    expect(patchText(text, 0, text.length, 0, { a: 1 }, { a: 1, ['k'.repeat(1025)]: 'v' }, true, io)).toBe(BAIL);
  });
});
