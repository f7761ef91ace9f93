import { describe, expect, it } from 'vitest';
import { IoContext } from '../../src/io/context.js';
import { blockLayout, type LayoutRules } from '../../src/io/layout.js';
import { SourceText } from '../../src/io/resource.js';
import { segmentStream } from '../../src/io/stream.js';

const STRICT: LayoutRules = { crlf: false, tabs: false, sequenceAtColumn0: false };
const LENIENT: LayoutRules = { crlf: true, tabs: true, sequenceAtColumn0: true };

function layout(text: string, rules: LayoutRules) {
  const src = new SourceText(text, undefined, new IoContext());
  const seg = segmentStream(text, src.bom)[0]!;
  return blockLayout(src, seg, rules);
}

describe('blockLayout', () => {
  it('returns the keys, the items and the skeleton without the item lines', () => {
    const text = 'kind: List\nitems:\n  - a: 1\n    b: 2\n  # between\n  - c\nmetadata:\n  x: y\n';
    const l = layout(text, STRICT)!;
    expect([...l.keys]).toEqual([
      ['kind', 0],
      ['items', 11],
      ['metadata', text.indexOf('metadata')],
    ]);
    expect(l.seqIndent).toBe(2);
    expect(l.items.map((it) => text.slice(it.start, it.end))).toEqual(['  - a: 1\n    b: 2\n', '  - c\n']);
    expect(l.items.map((it) => text[it.dash])).toEqual(['-', '-']);
    expect(l.itemsEnd).toBe(text.indexOf('metadata'));
    expect(l.top).toEqual({ kind: 'List', items: null, metadata: { x: 'y' } });
  });

  it('reads CRLF line ends only when the rules allow them', () => {
    const text = 'kind: List\r\nitems: # the objects\r\n- a\r\n- b\r\n';
    expect(layout(text, STRICT)).toBeUndefined();
    const l = layout(text, LENIENT)!;
    expect(l.items.map((it) => text.slice(it.start, it.end))).toEqual(['- a\r\n', '- b\r\n']);
  });

  it('reads a tab starting an item line only when the rules allow it', () => {
    const text = 'items:\n- a:\n  \t b\n';
    expect(layout(text, STRICT)).toBeUndefined();
    expect(layout(text, LENIENT)?.items).toHaveLength(1);
    const afterItems = 'items: \t# c\n- a\n';
    expect(layout(afterItems, STRICT)).toBeUndefined();
    expect(layout(afterItems, LENIENT)?.items).toHaveLength(1);
  });

  it('reads a column-0 sequence under another key only when the rules allow it', () => {
    const text = 'foo:\n- 1\nitems:\n- a\n';
    expect(layout(text, STRICT)).toBeUndefined();
    expect(layout(text, LENIENT)?.top).toEqual({ foo: [1], items: null });
  });

  it('refuses other shapes with either rules', () => {
    for (const text of ['items:\n', 'kind: List\n', 'items: [a]\n', '"items":\n- a\n', 'items:\n- a\nitems:\n- b\n', 'items:\n  a: 1\n']) {
      expect(layout(text, STRICT)).toBeUndefined();
      expect(layout(text, LENIENT)).toBeUndefined();
    }
  });
});
