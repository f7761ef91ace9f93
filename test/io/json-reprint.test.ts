// A ResourceList read as JSON is written as block YAML. Its items are printed by the text printer
// (patch.ts `newItemText` with block-styled empty collections) where that gives what `yaml` gives
// for `makeNode(value, false)`, and by `yaml` elsewhere: both must write the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Json } from '../../src/kube/types.js';
import { makeNode } from '../../src/io/edit.js';
import { emitResourceList, parseResourceList } from '../../src/io/index.js';
import { IoContext } from '../../src/io/context.js';
import { newItemText } from '../../src/io/patch.js';
import { PRINT_OPTIONS } from '../../src/io/resource.js';

/** What `yaml` prints for the value as an item of a compact `items:` list (the reference). */
function yamlItem(v: Json, indentSeq = false): string {
  const doc = new Document(null, { schema: 'core' });
  const map = new YAMLMap();
  const seq = new YAMLSeq();
  seq.items.push(makeNode(v, false));
  map.items.push(new Pair(new Scalar('items'), seq));
  doc.contents = map as typeof doc.contents;
  const text = doc.toString({ ...PRINT_OPTIONS, indentSeq });
  return indentSeq ? text.slice('items:\n'.length).replace(/^ {2}/gm, '') : text.slice('items:\n'.length);
}

const HEAD = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';

/** A JSON ResourceList of these items; the number NEG_ZERO is written as `-0` (JSON.stringify cannot). */
const NEG_ZERO = 424242.125;
const jsonList = (items: Json[]): string =>
  JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items }).replaceAll(String(NEG_ZERO), '-0');

/** The CLI's output path for a JSON ResourceList (no results) and the yaml reference for it. */
function both(items: Json[]): [string, string] {
  const json = jsonList(items);
  const read = (JSON.parse(json) as { items: Json[] }).items;
  return [emitResourceList(parseResourceList(json), []), HEAD + read.map((v) => yamlItem(v)).join('')];
}

const key = fc.oneof(
  fc.constantFrom('a', 'b-c', 'x.y/z', '---a', '...b', '%k', '- k', 'k: v', 'true', '0o17', '', ' k', 'k ', '"q"', "'q'", '#k', 'é'),
  fc.string({ maxLength: 6 }),
);
const scalar = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, NEG_ZERO, 1.5, -2, 1e21, 0.1, 12345678901234567000, '', '---x', '...', 'yes', 'on', '0x1F', '1e3'),
  fc.constantFrom<Json>('a\nb', 'a\nb\n', 'a\n\nb\n', ' a\nb', 'a \nb', 'a\tb\nc', 'x: y\n  {}\n', 'é\nü'),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const { value } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ) as fc.Arbitrary<Json>,
}));

describe('JSON ResourceList items written as block YAML', () => {
  it('newItemText with block empties prints what yaml prints for makeNode(v, false)', () => {
    const v: Json = { a: {}, b: [], c: [{}, [], [[]], 'x', { d: [], e: {} }], f: { g: {}, h: [] }, i: 'x\ny\n' };
    const expected =
      '- a:\n    {}\n  b:\n  []\n  c:\n  - {}\n  - []\n  - - []\n  - x\n  - d:\n    []\n    e:\n      {}\n  f:\n    g:\n      {}\n    h:\n    []\n  i: |\n    x\n    y\n';
    expect(newItemText(v, 0, false, new IoContext(), true)).toBe(expected);
    expect(yamlItem(v)).toBe(expected);
    // without the option, empty collections stay on the key's line (patching, results)
    expect(newItemText({ a: {}, b: [] }, 0, false, new IoContext())).toBe('- a: {}\n  b: []\n');
    // indented sequences: an empty list value goes two columns in, like a map
    expect(newItemText({ b: [], c: [[]] }, 0, true, new IoContext(), true)).toBe(yamlItem({ b: [], c: [[]] }, true));
  });

  it('gives the same bytes as yaml for generated items, fast or not', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (data) => {
        const items: Json[] = data.map((d, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: d }));
        const [out, reference] = both(items);
        expect(out).toBe(reference);
        for (const v of (JSON.parse(jsonList(items)) as { items: Json[] }).items) {
          const quick = newItemText(v, 0, false, new IoContext(), true);
          if (quick !== undefined && quick === yamlItem(v)) fast++;
        }
      }),
      { numRuns: 1000, seed: 20261207 },
    );
    // most generated items take the text printer
    expect(fast).toBeGreaterThan(500);
  });

  it('leaves to yaml what the text printer writes otherwise (-0, keys starting with a document marker)', () => {
    for (const data of [{ n: NEG_ZERO }, { m: { '---a': 1 } }, { '...b': { c: 1 } }, { l: [{ x: [NEG_ZERO] }] }] as Json[]) {
      const item: Json = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data };
      const read = (JSON.parse(jsonList([item])) as { items: Json[] }).items[0]!;
      expect(newItemText(read, 0, false, new IoContext(), true)).not.toBe(yamlItem(read));
      const [out, reference] = both([item]);
      expect(out).toBe(reference);
    }
  });
});
