import { describe, expect, it } from 'vitest';
import { decodeUtf8, InputError, parseResourceList, parseStream } from '../../src/io/index.js';
import type { InputErrorCode } from '../../src/io/index.js';

function fail(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const rl = (items: string) => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}`;

const cases: { name: string; code: InputErrorCode; line: number; col: number; run: () => unknown }[] = [
  { name: 'malformed YAML', code: 'yaml-syntax', line: 4, col: 1, run: () => parseStream('kind: A\nmetadata:\n name: [x\n', 'f.yaml') },
  { name: 'unclosed quote', code: 'yaml-syntax', line: 3, col: 1, run: () => parseStream('kind: A\nname: "abc\n') },
  { name: 'bad indentation', code: 'yaml-syntax', line: 4, col: 1, run: () => parseStream('kind: A\nmetadata:\n  name: x\n labels: {}\n') },
  { name: 'document that is a sequence', code: 'not-an-object', line: 5, col: 1, run: () => parseStream('kind: A\n---\nkind: B\n---\n- a\n- b\n', 'f.yaml') },
  { name: 'document that is a string', code: 'not-an-object', line: 1, col: 1, run: () => parseStream('hello\n') },
  { name: 'duplicate key', code: 'duplicate-key', line: 4, col: 3, run: () => parseStream('kind: A\nmetadata:\n  name: a\n  name: b\n') },
  { name: 'duplicate key in a flow map', code: 'duplicate-key', line: 2, col: 16, run: () => parseStream('kind: A\nlabels: {a: 1, a: 2}\n') },
  { name: 'alias bomb (at the alias past the limit)', code: 'alias-limit', line: 4, col: 8, run: () => parseStream(bomb()) },
  { name: 'extreme nesting (block), at the node past the limit', code: 'too-deep', line: 201, col: 201, run: () => parseStream(deepBlock(300)) },
  {
    name: 'extreme nesting (flow), at the node past the limit',
    code: 'too-deep',
    line: 1,
    col: 203,
    run: () => parseStream('a: ' + '['.repeat(300) + ']'.repeat(300) + '\n'),
  },
  { name: 'NUL byte', code: 'binary', line: 2, col: 8, run: () => parseStream('kind: A\nname: a\u0000b\n') },
  { name: 'binary junk', code: 'binary', line: 1, col: 3, run: () => parseStream('\u0089P\u0001\u0002NG') },
  {
    name: 'ResourceList without items',
    code: 'missing-items',
    line: 1,
    col: 1,
    run: () => parseResourceList('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n'),
  },
  { name: 'ResourceList with items a map', code: 'items-not-a-list', line: 4, col: 3, run: () => parseResourceList(rl('  a: b\n')) },
  {
    name: 'ResourceList with items a string',
    code: 'items-not-a-list',
    line: 3,
    col: 8,
    run: () => parseResourceList('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: nope\n'),
  },
  { name: 'item that is not a map', code: 'item-not-an-object', line: 5, col: 3, run: () => parseResourceList(rl('- kind: A\n- just a string\n')) },
  { name: 'item that is empty', code: 'item-not-an-object', line: 4, col: 2, run: () => parseResourceList(rl('-\n- kind: A\n')) },
  { name: 'not a ResourceList', code: 'not-a-resource-list', line: 1, col: 1, run: () => parseResourceList('apiVersion: v1\nkind: List\nitems: []\n') },
  {
    name: 'wrong ResourceList version',
    code: 'not-a-resource-list',
    line: 1,
    col: 1,
    run: () => parseResourceList('apiVersion: config.kubernetes.io/v2\nkind: ResourceList\nitems: []\n'),
  },
  { name: 'two documents on stdin', code: 'multiple-documents', line: 6, col: 1, run: () => parseResourceList(rl('- kind: A\n---\nkind: B\n')) },
  { name: 'empty input', code: 'not-a-resource-list', line: 1, col: 1, run: () => parseResourceList('# nothing\n') },
  {
    name: 'malformed item in a ResourceList',
    code: 'yaml-syntax',
    line: 8,
    col: 1,
    run: () => parseResourceList(rl('- kind: A\n- kind: B\n  metadata:\n    name: "x\n')),
  },
  { name: 'duplicate key in a ResourceList item', code: 'duplicate-key', line: 5, col: 3, run: () => parseResourceList(rl('- kind: A\n  kind: B\n')) },
];

function bomb(): string {
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
    s += `${n}: &${n} [${Array(9)
      .fill('*' + prev)
      .join(',')}]\n`;
    prev = n;
  }
  return s;
}

function deepBlock(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ' '.repeat(i) + `k${i}:\n`;
  return s + ' '.repeat(n) + 'v: 1\n';
}

describe('bad input gives a typed InputError naming the place', () => {
  for (const c of cases) {
    it(c.name, () => {
      const e = fail(c.run);
      expect(e.code).toBe(c.code);
      expect([e.line, e.col]).toEqual([c.line, c.col]);
      expect(e.message).toContain(e.file !== undefined ? `${e.file}:${c.line}:${c.col}` : `line ${c.line}, column ${c.col}`);
    });
  }

  it('exact messages', () => {
    expect(fail(() => parseStream('kind: A\n---\n- a\n', 'app.yaml')).message).toBe('app.yaml:3:1: document 2 is a sequence, not a Kubernetes object');
    expect(fail(() => parseStream('kind: A\nmetadata:\n  name: a\n  name: b\n')).message).toBe('line 4, column 3: duplicate key "name" in a mapping');
    expect(fail(() => parseStream(bomb())).message).toBe(
      'line 4, column 8: more than 100 alias expansions in one document; refusing a possible "billion laughs" input',
    );
    expect(fail(() => parseStream('kind: A\nname: a\u0000b\n')).message).toBe(
      'line 2, column 8: control character U+0000 is not allowed in YAML (binary data?)',
    );
    expect(fail(() => parseResourceList(rl('- kind: A\n- 42\n'))).message).toBe('line 5, column 3: items[1] is a number, not a Kubernetes object');
  });
});

describe('accepted oddities', () => {
  it('a UTF-8 BOM is accepted and kept', () => {
    const text = '\uFEFFapiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n';
    expect(parseResourceList(text).items[0]!.value).toEqual({ kind: 'A' });
  });

  it('CRLF line endings are accepted', () => {
    const [d] = parseStream('kind: A\r\ndata:\r\n  s: |\r\n    x\r\n    y\r\n');
    expect(d!.value).toEqual({ kind: 'A', data: { s: 'x\ny\n' } });
  });
});

describe('decodeUtf8', () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const cases: [string, Buffer, number, number, string][] = [
    ['a byte that starts nothing', bytes('kind: A\nname: x', [0xff]), 2, 8, '0xFF at offset 15'],
    ['columns count characters, not bytes', bytes('a: é€', [0x80], '\n'), 1, 6, '0x80 at offset 8'],
    ['a sequence cut off by the end', bytes('a: b\nc: ', [0xe2, 0x82]), 2, 4, '0xE2 at offset 8'],
    ['a sequence cut off by ASCII', bytes('a: ', [0xe2, 0x82], 'x\n'), 1, 4, '0xE2 at offset 3'],
    ['an overlong encoding', bytes('a: ', [0xc0, 0x80]), 1, 4, '0xC0 at offset 3'],
    ['an encoded surrogate', bytes('a: ', [0xed, 0xa0, 0x80]), 1, 4, '0xED at offset 3'],
  ];
  for (const [name, b, line, col, detail] of cases) {
    it(name, () => {
      const e = fail(() => decodeUtf8(b, 'f.yaml'));
      expect([e.code, e.line, e.col]).toEqual(['invalid-utf8', line, col]);
      expect(e.message).toBe(`f.yaml:${line}:${col}: invalid UTF-8 (byte ${detail})`);
    });
  }
  it('keeps a byte-order mark and decodes valid text', () => {
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'a: é\n'), 'f.yaml')).toBe('\uFEFFa: é\n');
  });
});
