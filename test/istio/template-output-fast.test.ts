/**
 * The fast reader (src/io/fast.ts) reading template output against the yaml-based reader it
 * stands in front of: on every text it handles it must give the same data (compared as JSON
 * text, so key order counts), and it must handle Istio's real template outputs (otherwise it
 * buys nothing). Three sources of text: every output rendered while running the conformance
 * corpus (captured by wrapping parseTemplateOutput), generated YAML (fast-check, with and
 * without random edits), and hand-written edge cases.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { corpusAvailable, loadCases, REPO_ROOT, runCase } from '../../scripts/conformance.js';
import { BAIL } from '../../src/io/bail.js';
import { fastParse, fastParseDocument } from '../../src/io/fast.js';
import type { ScalarSchema } from '../../src/io/scalars.js';
import type { JsonObject } from '../../src/kube/types.js';
import { fastParseTemplateOutput, parseTemplateOutput, parseTemplateOutputWithYaml } from '../../src/io/template-output.js';

const captured = vi.hoisted(() => ({ texts: [] as string[] }));

vi.mock('../../src/io/template-output.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/io/template-output.js')>();
  return {
    ...mod,
    parseTemplateOutput: (text: string) => {
      captured.texts.push(text);
      return mod.parseTemplateOutput(text);
    },
  };
});
// ---- a generator of YAML in (and around) the subset ------------------------------------------
// Block maps and lists (compact and nested, varied indentation), flow maps and lists on one or
// many lines (trailing commas, closing brackets at varied columns), plain and quoted scalars
// (escapes, folded line breaks), block scalars (chomping, indentation indicators), go-yaml v2's
// special plain scalars, comments, blank lines and document markers; optionally random edits
// that often make the text invalid. It does not know the expected value: the tests compare the
// fast reader with the yaml-based one on the same text.

type Tree = { k: 'map'; entries: [string, Tree][] } | { k: 'seq'; items: Tree[] } | { k: 'str'; v: string } | { k: 'null' };

const SPECIAL_SCALARS = [
  'yes',
  'no',
  'on',
  'off',
  'Y',
  'n',
  'True',
  'FALSE',
  'On',
  'OFF',
  '~',
  'null',
  'Null',
  'NULL',
  '',
  '0777',
  '0x1F',
  '0o17',
  '0b101',
  '-0b11',
  '08',
  '0',
  '-0',
  '1_000',
  '1__0',
  '_1',
  '.5',
  '-.5',
  '1e3',
  '1.5e3',
  '1E-2',
  '-1',
  '+1',
  '1.',
  '0.',
  '1.2.3',
  '2001-12-14',
  '2001-12-14T21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5',
  '2001-1-1t1:2:3Z',
  '1:30',
  '190:20:30',
  '15001',
  '9223372036854775807',
  '18446744073709551615',
  '18446744073709551616',
  '-9223372036854775809',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  '0x',
  '1e',
  '+',
  '.',
  '..',
  '.e3',
  'true',
  'false',
  'TRUE',
  'yes please',
  'no way',
];

const WORDS = [
  'a',
  'b',
  'x',
  'name',
  'istio-proxy',
  'REDIRECT',
  '$(POD_NAMESPACE).svc.cluster.local',
  'http://x:1/y',
  'a:b',
  'a b',
  'a  b',
  'a#b',
  'a # b',
  '-',
  '--- x',
  '---',
  '...',
  '*',
  '&x',
  '!x',
  'x, y',
  '[x]',
  '{x}',
  'x]',
  'x}',
  'é',
  'ü€𝄞',
  'a\\b',
  "it's",
  'say "hi"',
  ' lead',
  'trail ',
  'two\nlines',
  'line\n',
  '\n\nx\n\n',
  'x\n  y\n',
  'a\u00a0b',
  '<<',
  '__proto__',
  '?x',
  ':x',
  '-x',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  '#x',
  "'",
  '"',
  '\\',
  '\\n',
  'k: v',
  '- z',
  'a\tb',
  '{"a":1}',
  '[1, 2]',
  'misc:error',
  '15090,15021,15020',
  '/var/run/secrets',
  'default:info',
  '0.0.0.0/0',
  '*.svc',
  'x\u2028y',
  'x\ry',
];

const KEYS = [
  'a',
  'b',
  'c',
  'name',
  'value',
  '__proto__',
  '<<',
  '1',
  '10',
  '2',
  'true',
  'yes',
  '~',
  'null',
  '0x1F',
  '1e3',
  '.5',
  'a b',
  'a:b',
  'istio.io/rev',
  'sidecar.istio.io/status',
  'key with spaces',
  '',
  '-x',
  '?x',
  '.inf',
  "it's",
  '"q"',
  'é',
  'constructor',
  'toString',
  'hasOwnProperty',
  '[k]',
];

const scalarArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_SCALARS) },
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom('a', 'b', ' ', '\n', ':', '#', '"', "'", '\\', '-', ',', '{', ']', '1', '.'), { maxLength: 10 }).map((a) => a.join('')),
  },
);

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; map: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalarArb.map((v): Tree => ({ k: 'str', v })) },
    { weight: 1, arbitrary: fc.constant<Tree>({ k: 'null' }) },
    { weight: 2, arbitrary: tie('map') },
    { weight: 2, arbitrary: fc.array(tie('tree'), { maxLength: 4 }).map((items): Tree => ({ k: 'seq', items })) },
  ),
  map: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), scalarArb), tie('tree')), { maxLength: 5 }).map((entries): Tree => ({ k: 'map', entries })),
})).map;

/** A small deterministic random source for rendering choices. */
class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

const sp = (n: number): string => ' '.repeat(Math.max(0, n));

/** Off for comment-free documents (yaml.stringify, kubectl, kustomize output): comments and comment lines become nothing. */
let withComments = true;

function comment(r: Rand): string {
  const c = r.pick([' # c', ' #', ' # key: [x', ' #"x']);
  return withComments ? c : '';
}

function doubleQuoted(v: string, r: Rand, contIndent: number): string {
  let out = '"';
  for (const ch of v) {
    const roll = r.next();
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += roll < 0.7 ? '\\n' : `\n\n${sp(contIndent)}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === ' ' && roll < 0.15) out += `\n${sp(contIndent + r.int(2))}`;
    else if (ch === ' ' && roll < 0.2) out += `\\\n${sp(contIndent)} `;
    else if (roll < 0.05) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`;
    else if (roll < 0.1 && ch.codePointAt(0)! < 0x10000) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else if (roll < 0.12) out += `\\U${ch.codePointAt(0)!.toString(16).padStart(8, '0')}`;
    else if (roll < 0.13) out += r.pick(['\\/', '\\ ', '\\_', '\\N', '\\e', '\\0', '\\q', '\\x4', '\\L']) + ch;
    else out += ch;
  }
  if (r.chance(0.05)) out += ' ';
  return `${out}"`;
}

function singleQuoted(v: string, r: Rand, contIndent: number): string {
  let out = "'";
  for (const ch of v) {
    if (ch === "'") out += "''";
    else if (ch === '\n') out += `\n${r.chance(0.3) ? sp(r.int(3)) : ''}\n${sp(contIndent)}`;
    else if (ch === ' ' && r.chance(0.15)) out += `\n${sp(contIndent + r.int(2))}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A scalar written inline; `contIndent` is the indentation of continuation lines. */
function inlineScalar(v: string, r: Rand, contIndent: number): string {
  const roll = r.next();
  if (roll < 0.45) return v;
  if (roll < 0.7) return doubleQuoted(v, r, contIndent);
  return singleQuoted(v, r, contIndent);
}

function blockScalar(v: string, r: Rand, col: number): string {
  const style = r.pick(['|', '>']);
  const chomp = r.pick(['', '-', '+']);
  const explicit = r.chance(0.3) ? 1 + r.int(4) : 0;
  const header = style + (r.chance(0.5) ? `${chomp}${explicit || ''}` : `${explicit || ''}${chomp}`) + (r.chance(0.2) ? comment(r) : r.chance(0.1) ? '  ' : '');
  const indent = explicit ? col + explicit : col + 1 + r.int(3) - (r.chance(0.05) ? 1 : 0);
  const lines = v.split('\n');
  if (r.chance(0.3)) lines.push('  more indented');
  if (r.chance(0.2)) lines.unshift('');
  let body = '';
  for (const l of lines) {
    if (l === '') body += `${r.chance(0.3) ? sp(r.int(indent + 3)) : ''}\n`;
    else body += `${sp(indent + (r.chance(0.1) ? r.int(3) : 0))}${l}\n`;
  }
  if (r.chance(0.3)) body += `${sp(r.int(indent + 2))}\n`;
  if (r.chance(0.1)) body += `${sp(r.int(indent + 1))}# not content?\n`;
  return `${header}\n${body}`;
}

function flowScalar(v: string, r: Rand, contIndent: number): string {
  return inlineScalar(v, r, contIndent);
}

function flowKey(k: string, r: Rand): string {
  const roll = r.next();
  if (roll < 0.6) return k;
  if (roll < 0.85) return JSON.stringify(k);
  return `'${k.replace(/'/g, "''")}'`;
}

/** A flow node; `col` is the enclosing block collection's column. */
function flow(t: Tree, r: Rand, col: number, multiline: boolean): string {
  if (t.k === 'str') return flowScalar(t.v, r, col + 1 + r.int(2));
  if (t.k === 'null') return r.pick(['~', 'null', '""']);
  const open = t.k === 'map' ? '{' : '[';
  const close = t.k === 'map' ? '}' : ']';
  const parts =
    t.k === 'map'
      ? t.entries.map(([k, v]) => {
          if (v.k === 'null' && r.chance(0.3)) return flowKey(k, r);
          const key = flowKey(k, r);
          const sep = key.startsWith('"') && r.chance(0.3) ? ':' : r.pick([': ', ':  ', ' : ']);
          return `${key}${sep}${flow(v, r, col, multiline && r.chance(0.3))}`;
        })
      : t.items.map((i) => flow(i, r, col, multiline && r.chance(0.3)));
  if (!multiline || parts.length === 0) {
    const body = parts.join(r.pick([', ', ',', ' , ']));
    return `${open}${r.chance(0.2) ? ' ' : ''}${body}${parts.length && r.chance(0.2) ? ',' : ''}${r.chance(0.2) ? ' ' : ''}${close}`;
  }
  const inner = col + r.pick([1, 2, 2, 3, 4, 0]);
  let out = open;
  if (r.chance(0.2)) out += comment(r);
  parts.forEach((p, i) => {
    out += `\n${sp(inner)}${p}`;
    if (i < parts.length - 1 || r.chance(0.7)) out += ',';
    if (r.chance(0.1)) out += comment(r);
    if (r.chance(0.1)) out += `\n${sp(r.int(inner + 2))}`;
  });
  out += `\n${sp(col + r.pick([0, 0, 1, 2, -1]))}${close}`;
  return out;
}

function key(k: string, r: Rand): string {
  const roll = r.next();
  if (roll < 0.7) return k;
  if (roll < 0.85) return JSON.stringify(k);
  return `'${k.replace(/'/g, "''")}'`;
}

function noise(r: Rand, col: number): string {
  let out = '';
  while (r.chance(0.15)) {
    const c = `${sp(r.int(col + 3))}#${r.pick([' c', '', ' - x', ' a: b'])}\n`;
    out += r.chance(0.5) ? `${sp(r.int(col + 3))}\n` : withComments ? c : '';
  }
  return out;
}

/** The text after `key:` or `-` for value `t` in a block collection at column `col` (ends with a newline). */
function blockValue(t: Tree, r: Rand, col: number, inSeq: boolean, lineCol: number): string {
  switch (t.k) {
    case 'null':
      return `${r.pick(['', ' ', ' ~', ' null'])}${r.chance(0.2) ? comment(r) : ''}\n`;
    case 'str': {
      if (r.chance(0.2)) return ` ${blockScalar(t.v, r, col)}`;
      if (r.chance(0.08)) return `\n${sp(col + 1 + r.int(3))}${inlineScalar(t.v, r, col + 1 + r.int(2))}\n`;
      return ` ${inlineScalar(t.v, r, col + 1 + r.int(2))}${r.chance(0.15) ? comment(r) : ''}\n`;
    }
    case 'map': {
      if (t.entries.length === 0 || r.chance(0.15))
        return `${r.chance(0.2) ? `\n${sp(col + r.int(3))}` : ' '}${flow(t, r, col, r.chance(0.5))}${r.chance(0.1) ? comment(r) : ''}\n`;
      if (inSeq && r.chance(0.6)) {
        const gap = 1 + r.int(3);
        return sp(gap) + blockMap(t, r, lineCol + gap, true);
      }
      return `${r.chance(0.15) ? comment(r) : ''}\n${noise(r, col)}${blockMap(t, r, col + 1 + r.int(4), false)}`;
    }
    case 'seq': {
      if (t.items.length === 0 || r.chance(0.15))
        return `${r.chance(0.2) ? `\n${sp(col + r.int(3))}` : ' '}${flow(t, r, col, r.chance(0.5))}${r.chance(0.1) ? comment(r) : ''}\n`;
      if (inSeq && r.chance(0.5)) {
        const gap = 1 + r.int(2);
        return sp(gap) + blockSeq(t, r, lineCol + gap, true);
      }
      const indent = inSeq ? col + 1 + r.int(3) : col + r.pick([0, 0, 1, 2, 4]);
      return `${r.chance(0.15) ? comment(r) : ''}\n${noise(r, col)}${blockSeq(t, r, indent, false)}`;
    }
  }
}

/** A block map at column `col`; with `continued` the first line's indentation is already written. */
function blockMap(t: Tree & { k: 'map' }, r: Rand, col: number, continued: boolean): string {
  let out = '';
  t.entries.forEach(([k, v], i) => {
    if (i > 0 || !continued) out += (i > 0 ? noise(r, col) : '') + sp(col + (r.chance(0.02) ? r.pick([-1, 1]) : 0));
    out += `${key(k, r)}${r.chance(0.05) ? ' ' : ''}:${blockValue(v, r, col, false, col)}`;
  });
  return out;
}

function blockSeq(t: Tree & { k: 'seq' }, r: Rand, col: number, continued: boolean): string {
  let out = '';
  t.items.forEach((v, i) => {
    if (i > 0 || !continued) out += (i > 0 ? noise(r, col) : '') + sp(col + (r.chance(0.02) ? r.pick([-1, 1]) : 0));
    out += `-${blockValue(v, r, col, true, col + 1)}`;
  });
  return out;
}

const EDITS = [
  ' ',
  '\n',
  ':',
  '-',
  '#',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  '|',
  '>',
  '  ',
  '- ',
  ': ',
  '\t',
  '&a ',
  '*a',
  '!!str ',
  '? ',
  '<<: ',
  '\r',
  '...\n',
  '---\n',
  '\\',
  'x',
];

function mutate(text: string, r: Rand): string {
  let out = text;
  const edits = 1 + r.int(3);
  for (let i = 0; i < edits; i++) {
    const at = r.int(out.length + 1);
    const roll = r.next();
    if (roll < 0.5) out = out.slice(0, at) + r.pick(EDITS) + out.slice(at);
    else if (roll < 0.85) out = out.slice(0, at) + out.slice(at + 1 + r.int(3));
    else {
      const lines = out.split('\n');
      const l = r.int(lines.length);
      lines.splice(l, 0, lines[l]!);
      out = lines.join('\n');
    }
  }
  return out;
}

/** Renders a document around the map `t` with the rendering choices drawn from `seed`. */
function renderDocument(t: Tree & { k: 'map' }, seed: number, edits: boolean): string {
  const r = new Rand(seed);
  let out = noise(r, 0);
  if (r.chance(0.15)) out += `---${r.chance(0.3) ? comment(r) : ''}\n${noise(r, 0)}`;
  const col = r.chance(0.1) ? 1 + r.int(2) : 0;
  if (r.chance(0.1)) out += `${sp(col)}${flow(t, r, r.pick([0, 0, -1, 1]), r.chance(0.6))}${r.chance(0.2) ? comment(r) : ''}\n`;
  else out += t.entries.length ? blockMap(t, r, col, false) : r.pick(['', '{}\n', '# only\n']);
  if (r.chance(0.1)) out += r.pick(['...\n', '---\n', '--- x\n', '...\nb: [\n', '---\n- a\n']);
  out += noise(r, 0);
  if (r.chance(0.1) && out.endsWith('\n')) out = out.slice(0, -1);
  return edits ? mutate(out, r) : out;
}

// ---- helpers -----------------------------------------------------------------------------------

function reference(text: string): string {
  try {
    return JSON.stringify(parseTemplateOutputWithYaml(text));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** The fast reader's answer as JSON text, or BAIL. */
let lastBailReason: string | undefined;

function fast(text: string): string | typeof BAIL {
  lastBailReason = undefined;
  const v = fastParseTemplateOutput(text, (reason) => (lastBailReason = reason));
  return v === BAIL ? BAIL : JSON.stringify(v);
}

/** Fails when the fast reader answers differently from the reference (bailing is allowed). */
function expectAgrees(text: string): boolean {
  expectAgreesWithCoreSchema(text);
  const f = fast(text);
  if (f === BAIL) return false;
  expect({ text, value: f }).toEqual({ text, value: reference(text) });
  return true;
}

/**
 * The same reader with the other schema and key rules, as the first document and as a node (the
 * way manifests are read), against the general reader with that schema. `unique` keys give up on
 * duplicates, which the general reader lets the last one win, so the references are the same.
 */
function expectAgreesWithCoreSchema(text: string): void {
  const refs = new Map<ScalarSchema, string>();
  const ref = (schema: ScalarSchema): string => {
    let r = refs.get(schema);
    if (r === undefined) {
      try {
        r = JSON.stringify(parseTemplateOutputWithYaml(text, schema));
      } catch (e) {
        r = `error: ${(e as Error).message}`;
      }
      refs.set(schema, r);
    }
    return r;
  };
  const start = /^[ ]*[^ \n#]/m.exec(text);
  for (const schema of ['yaml-1.2', 'go-yaml-v2'] as const) {
    for (const keys of ['unique', 'last-wins'] as const) {
      const options = { schema, keys };
      const read = [fastParseDocument(text, options)];
      // as a node: what manifests go through (the caller sends no tab, NEL, LS, PS, BOM or lone CR)
      if (start && !/[\t\u0085\u2028\u2029\uFEFF]|\r(?!\n)/.test(text)) {
        const at = start.index + start[0].length - 1;
        read.push(fastParse(text, at, text.length, at - (text.lastIndexOf('\n', at - 1) + 1), options) as JsonObject | typeof BAIL);
      }
      for (const f of read) {
        if (f === BAIL || f === null || typeof f !== 'object' || Array.isArray(f)) continue;
        expect({ text, options, value: JSON.stringify(f) }).toEqual({ text, options, value: ref(schema) });
      }
    }
  }
}

/** Fails unless the fast reader handles `text` and gives the reference's value. */
function expectHandled(text: string): void {
  const f = fast(text);
  expect({ text, bail: f === BAIL ? lastBailReason : undefined }).toEqual({ text, bail: undefined });
  expect({ text, value: f }).toEqual({ text, value: reference(text) });
}

// ---- 1. real template outputs ------------------------------------------------------------------

describe.skipIf(!corpusAvailable())('fast reader on the outputs of Istio templates over the conformance corpus', () => {
  it('agrees with the yaml-based reader on every text, and handles every rendered patch', async () => {
    captured.texts.length = 0;
    for (const c of loadCases()) {
      await runCase(c, 'templates', undefined, 'kube-inject');
      await runCase(c, 'templates', undefined, 'webhook');
    }
    const texts = [...new Set(captured.texts)];
    let patches = 0;
    let sidecars = 0;
    for (const text of texts) {
      const ref = reference(text);
      expectAgrees(text);
      // template outputs (patches: metadata/spec), unlike the config, values and mesh texts
      // read through the same function, must take the fast path
      if (ref.startsWith('{"metadata"') || ref.startsWith('{"spec"')) {
        patches++;
        if (text.includes('name: istio-proxy')) sidecars++;
        expectHandled(text);
      }
    }
    expect(patches).toBeGreaterThan(40);
    expect(sidecars).toBeGreaterThan(30);
  }, 300_000);

  it('handles the injector config file itself or leaves it to the general parser with the same result', () => {
    const text = readFileSync(resolve(REPO_ROOT, '../shared/istio-conformance/config/inject-config.yaml'), 'utf8');
    expect(parseTemplateOutput(text)).toEqual(parseTemplateOutputWithYaml(text));
    expectAgrees(text);
  });
});

// ---- 2. generated YAML -------------------------------------------------------------------------

const FUZZ_RUNS = Number(process.env.TEMPLATE_FAST_FUZZ_RUNS ?? 3000);
/**
 * The seed of the random runs: new each time unless TEMPLATE_FAST_FUZZ_SEED gives it. fast-check
 * names it in its failure message; the assertions outside the property name it themselves.
 */
const FUZZ_SEED = Number(process.env.TEMPLATE_FAST_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('fast reader on generated YAML', () => {
  it("gives the yaml-based reader's value whenever it does not bail", () => {
    let handled = 0;
    let valid = 0;
    fc.assert(
      fc.property(fc.tuple(treeArb, fc.integer(), fc.boolean()), ([t, seed, edits]) => {
        const doc = renderDocument(t.k === 'map' ? t : { k: 'map', entries: [['a', t]] }, seed, edits);
        if (!reference(doc).startsWith('error:')) valid++;
        if (expectAgrees(doc)) handled++;
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    // not vacuous: a good share of the generated documents takes the fast path
    expect({ seed: FUZZ_SEED, handled, enough: handled > valid * 0.3 }).toEqual({ seed: FUZZ_SEED, handled, enough: true });
  }, 600_000);

  it("gives the same on comment-free documents (sequences at the key's column and indented)", () => {
    withComments = false;
    try {
      let handled = 0;
      fc.assert(
        fc.property(fc.tuple(treeArb, fc.integer()), ([t, seed]) => {
          const doc = renderDocument(t.k === 'map' ? t : { k: 'map', entries: [['a', t]] }, seed, false);
          if (expectAgrees(doc)) handled++;
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / 3), seed: 20261207 },
      );
      expect(handled).toBeGreaterThan(0);
    } finally {
      withComments = true;
    }
  }, 600_000);

  it('gives go-yaml v2 values for special plain scalars in every position', () => {
    for (const s of SPECIAL_SCALARS) {
      if (s === '' || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s) || s === '.' || s === '..') continue;
      if (['~', 'null', 'Null', 'NULL', '18446744073709551615'].includes(s)) {
        // a null or uint64 key is an error in sigs.k8s.io/yaml: left to the general parser, which reports it
        expectHandled(`k: ${s}\nl:\n- ${s}\nn: [${s}, ${s}]\n`);
        expect(fast(`${s}: v\n`)).toBe(BAIL);
        expect(() => parseTemplateOutput(`${s}: v\n`)).toThrow(/unsupported map key/);
        continue;
      }
      expectHandled(`k: ${s}\nl:\n- ${s}\nm: {x: ${s}, ${s}: 1}\nn: [${s}, ${s}]\n${s}: v\n`);
    }
  });
});

// ---- 3. hand-written cases ---------------------------------------------------------------------

describe('fast reader edge cases', () => {
  it('reads an Istio-style multi-line flow map with trailing commas', () => {
    const text = [
      'metadata:',
      '  labels:',
      '    security.istio.io/tlsMode: "istio"',
      '  annotations: {',
      '    istio.io/rev: "default",',
      "    'kubectl.kubernetes.io/default-container': 'app',",
      '    sidecar.istio.io/status: \'{"initContainers":["istio-init"],"containers":["istio-proxy"]}\',',
      '  }',
      'spec:',
      '  containers:',
      '  ',
      '  - name: istio-proxy',
      '    args:',
      '    -  "1337" ',
      '    - --domain',
      '    - $(POD_NAMESPACE).svc.cluster.local',
      '    ports: [{containerPort: 15090, name: http-envoy-prom,},]',
      '    env:',
      '    - name: PROXY_CONFIG',
      '      value: |',
      '             {}',
      '    - name: ISTIO_META_POD_PORTS',
      '      value: |-',
      '        [',
      '            {"name":"http","containerPort":8080}',
      '        ]',
      '    # a comment between items',
      '    - name: EMPTY',
      '  volumes:',
      '  - emptyDir:',
      '    name: workload-socket',
      '  - emptyDir: {}',
      '    name: istio-data',
      '',
    ].join('\n');
    expectHandled(text);
    expect(parseTemplateOutput(text)).toEqual({
      metadata: {
        labels: { 'security.istio.io/tlsMode': 'istio' },
        annotations: {
          'istio.io/rev': 'default',
          'kubectl.kubernetes.io/default-container': 'app',
          'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"]}',
        },
      },
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            args: ['1337', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
            ports: [{ containerPort: 15090, name: 'http-envoy-prom' }],
            env: [
              { name: 'PROXY_CONFIG', value: '{}\n' },
              { name: 'ISTIO_META_POD_PORTS', value: '[\n    {"name":"http","containerPort":8080}\n]' },
              { name: 'EMPTY' },
            ],
          },
        ],
        volumes: [
          { emptyDir: null, name: 'workload-socket' },
          { emptyDir: {}, name: 'istio-data' },
        ],
      },
    });
  });

  it('keeps key order, lets the last duplicate win and keeps __proto__ as data', () => {
    const text = 'b: 1\na: 2\nb: 3\n__proto__: {polluted: true}\n10: x\n2: y\nm: {z: 1, w: 2, z: 3, __proto__: 4}\n';
    expectHandled(text);
    const out = fastParseTemplateOutput(text);
    expect(out).not.toBe(BAIL);
    const o = out as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['2', '10', 'b', 'a', '__proto__', 'm']);
    expect(o.b).toBe(3);
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o.m as object)).toEqual(['z', 'w', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('resolves plain scalars the go-yaml v2 way and keeps quoted and block scalars as strings', () => {
    const text =
      'a: yes\nb: "yes"\nc: \'0777\'\nd: 0777\ne: 0x1F\nf: 1_000\ng: .5\nh: 1e3\ni: ~\nj: 2001-12-14\nk: 1:30\nl: |\n  yes\nm: >-\n  1e3\n  x\no: Off\ntrue: bool key\n1e3: float key\n1e7: big float key\n';
    expectHandled(text);
    expect(fastParseTemplateOutput(text)).toEqual({
      a: true,
      b: 'yes',
      c: '0777',
      d: 511,
      e: 31,
      f: 1000,
      g: 0.5,
      h: 1000,
      i: null,
      j: '2001-12-14',
      k: '1:30',
      l: 'yes\n',
      m: '1e3 x',
      o: false,
      true: 'bool key',
      '1000': 'float key',
      '1e+07': 'big float key',
    });
  });

  it('reads quoted scalars with escapes and folded line breaks', () => {
    const cases = [
      'a: "tab\\there \\x41\\u00e9\\U0001d11e \\/ \\\\ \\" \\N\\_\\L\\P\\r\\n end"\n',
      'a: "one\n  two\n\n  three  \n   four"\n',
      'a: "joined\\\n     here"\n',
      "a: 'it''s\n  folded\n\n\n  twice'\n",
      '- a: \'x\'\n  b: "y"\n',
    ].map((t) => (t.startsWith('-') ? `k:\n${t}` : t));
    for (const t of cases) expectHandled(t);
    expect(fastParseTemplateOutput(cases[1]!)).toEqual({ a: 'one two\nthree four' });
    expect(fastParseTemplateOutput(cases[2]!)).toEqual({ a: 'joinedhere' });
    expect(fastParseTemplateOutput(cases[3]!)).toEqual({ a: "it's folded\n\ntwice" });
  });

  it('leaves escaped control characters to the general parser, which refuses them', () => {
    for (const esc of ['\\0', '\\a', '\\b', '\\e', '\\f', '\\v', '\\x7f', '\\u0001']) {
      const t = `a: "x${esc}y"\n`;
      expect(fastParseTemplateOutput(t)).toBe(BAIL);
      expect(() => parseTemplateOutput(t)).toThrow(/line 1, column 4: control character U\+00[0-7][0-9A-F] is not allowed/);
    }
  });

  it('reads block scalars with every chomping mode and indentation indicators', () => {
    const bodies = ['  a\n  b\n\n', '  a\n\n  b\n   c\n  d\n', '\n  a\n', '    a\n  \n', '  a\n  # not a comment\n', ''];
    for (const style of ['|', '>']) {
      for (const chomp of ['', '-', '+']) {
        for (const body of bodies) {
          expectHandled(`k: ${style}${chomp}\n${body}next: 1\n`);
          expectHandled(`k: ${style}${chomp}\n${body}`);
          expectHandled(`l:\n- ${style}${chomp}\n${body}- x\n`);
        }
        expectHandled(`k: ${style}2${chomp}\n    a\n   b\n  c\n`);
        expectHandled(`k: ${style}${chomp}1 # comment\n   a\n  b\n`);
        expectHandled(`l:\n- ${style}${chomp}2\n    a\n   b\n`);
        expectHandled(`s:\n  - - k: ${style}${chomp}\n        a\n        b\n`);
      }
    }
    expect(fastParseTemplateOutput('a: |+\n  x\n\n\nb: 1')).toEqual({ a: 'x\n\n\n', b: 1 });
    expect(fastParseTemplateOutput('a: >\n  a\n  b\n\n  c\n   d\n  e\n')).toEqual({ a: 'a b\nc\n d\ne\n' });
  });

  it('reads flow collections on one or many lines', () => {
    for (const t of [
      'a: {b: [1, {c: d}], "e": \'f\', g, "h":i, j: }\n',
      'a: [ ]\nb: { }\nc: [a, ]\nd: {a: 1, }\n',
      'a: [\n  x,  # comment\n\n  "y",\n  {z: 1},\n]\n',
      'a: [a\n  , b]\n',
      'a: {a :b, c : d}\n',
      'k:\n- {\n  a: 1,\n  }\n- [x,\n   y]\n',
      'a: ["x\n  y", \'p\n\n  q\']\n',
      'a: {"k"\n  : v}\n',
      // a flow node or scalar on its own line under a key or '-'
      'a:\n  [x, y]\nb:\n    "q"\nc:\n  plain\nd:\n-\n  {k: v}\n',
      // a flow map as the whole document (JSON)
      '{\n  "a": {"b": [1, "2", true]},\n"c": null\n}\n',
      '  {a: 1,\n b: 2} # c\n',
    ]) {
      expectHandled(t);
    }
  });

  it('handles comments, blank lines, document markers and empty input', () => {
    for (const t of ['', '\n', '# only a comment\n', '---\n', '--- # c\n', '---\n...\n', '  \n\n#c\n']) {
      expectHandled(t);
      expect(fastParseTemplateOutput(t)).toEqual({});
    }
    for (const t of [
      '# c\n---\na: 1\n',
      'a: 1\n...\n# trailing comment\n',
      'a: 1\n--- # c\n\n',
      'a: 1 # c\n  # indented comment\n# c\nb: 2\n',
      '  a: 1\n  b: 2\n',
      'a:\n- x\nb:\n  - y\n',
    ]) {
      expectHandled(t);
    }
  });

  it('bails on what it leaves to the general parser, which still gives the same result or error', () => {
    for (const t of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'base: {p: 1}\nm:\n  <<: {q: 2}\n',
      '? a\n: b\n',
      'a:\tb\n',
      'a: 1\r\nb: 2\r\n',
      // only the first document counts, but the general parser may report what follows as its errors
      'a: 1\n---\nb: 2\n',
      'a: 1\n...\n  bad: [\n',
      'a: 1\n... :\n',
      'a: b\n  c\n',
      'a: [b\n  c]\n',
      'a: b: c\n',
      '- a\n- b\n',
      'a: .inf\n',
      'a: [\n',
      'a: "x\ny"\n',
      '%YAML 1.1\n---\na: 1\n',
      'a: "x"#c\n',
      'a: |\n   \n  x\n',
      'a:\n  |\n  x\n',
      '[1, 2]\n',
      '{a: 1} x\n',
      '\ufeffa: 1\n',
      // yaml refuses a comment at column 0 after a value in a flow map
      'a: {a: a\n#\n}\n',
      // a blank line before text at column 0, or `#c`, lowers the indentation yaml's lexer asks of
      // a plain scalar's next lines: `x` takes the next line as its continuation
      'm:\n  a:\n  \n# c\n   x\n  b: 1\n',
      'm:\n  a:\n#c\n   x\n  b: 1\n',
      'm:\n  - \n  \n# c\n   x\n  - "k"\n',
    ]) {
      expect({ t, fast: fast(t) }).toEqual({ t, fast: BAIL });
      let viaFast: string;
      try {
        viaFast = JSON.stringify(parseTemplateOutput(t));
      } catch (e) {
        viaFast = `error: ${(e as Error).message}`;
      }
      expect(viaFast).toBe(reference(t));
    }
  });
});
