/**
 * Fuzz inputs: the seed texts (Istio's golden inputs when the shared corpus is present, this
 * repo's golden fixtures and examples, the function-config examples) and fast-check arbitraries
 * that mutate them: character and line edits, YAML tokens (anchors, aliases, tags, markers,
 * directives, flow brackets), special scalars, CRLF, a byte-order mark, control bytes, truncation,
 * splices of other seeds, ResourceList wrapping, and purely random text. Every mutation is a
 * value fast-check can print and shrink, so a failure comes with a small reproducible case. It
 * does not run anything (see harness.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CORPUS_DIR = resolve(REPO_ROOT, '../shared/istio-conformance');

export interface Seed {
  name: string;
  text: string;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

function load(paths: string[]): Seed[] {
  return paths.map((p) => ({ name: p.slice(REPO_ROOT.length + 1).replace(/^\.\.\/shared\//, ''), text: readFileSync(p, 'utf8') }));
}

/** Manifests to mutate (stream and ResourceList inputs). */
export function manifestSeeds(): Seed[] {
  return load([
    ...yamlFiles(join(CORPUS_DIR, 'inputs')),
    ...yamlFiles(join(REPO_ROOT, 'test/golden/cases')).filter((p) => !p.endsWith('expected.yaml')),
    ...yamlFiles(join(REPO_ROOT, 'examples')),
  ]);
}

/** Function configs to mutate (`--config`). */
export function configSeeds(): Seed[] {
  return load([...yamlFiles(join(REPO_ROOT, 'fn-config')), join(REPO_ROOT, 'examples/shop/inject-sidecar.yaml')]);
}

/** Istio's injector configuration, when the shared corpus is present. */
export function injectConfigSeed(): Seed | undefined {
  const p = join(CORPUS_DIR, 'config/inject-config.yaml');
  return existsSync(p) ? load([p])[0] : undefined;
}

/** Wraps a YAML stream's documents as the items of a ResourceList (text-level, comments kept). */
export function asResourceList(stream: string, functionConfig?: string): string {
  const docs = stream
    .split(/^---[^\n]*\n/m)
    .map((d) => d.replace(/\s+$/, ''))
    .filter((d) => /^[^#\s]/m.test(d));
  let out = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';
  for (const d of docs)
    out +=
      d
        .split('\n')
        .map((l, i) => (i === 0 ? `- ${l}` : l ? `  ${l}` : l))
        .join('\n') + '\n';
  if (docs.length === 0) out = out.replace('items:\n', 'items: []\n');
  if (functionConfig)
    out +=
      'functionConfig:\n' +
      functionConfig
        .replace(/\s+$/, '')
        .split('\n')
        .map((l) => (l ? `  ${l}` : l))
        .join('\n') +
      '\n';
  return out;
}

/** Characters and snippets that matter to a YAML reader. */
const TOKENS = [
  ':',
  ': ',
  '- ',
  '-',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  ' #',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a',
  '!',
  '!!str ',
  '!!binary ',
  '!!map ',
  '!!int ',
  '|',
  '|-',
  '>',
  '>+',
  '"',
  "'",
  '\\',
  '%YAML 1.2\n',
  '%TAG ! tag:x,2000:\n',
  '---\n',
  '--- ',
  '...\n',
  '\t',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '  ',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\ud800',
  '\u{1f600}',
  'é',
  'null',
  '~',
  'true',
  'yes',
  'on',
  '0x1F',
  '0o17',
  '1e400',
  '-.inf',
  '.nan',
  '12:30:00',
  '2001-12-14',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '{{',
  '}}',
  '{{ .Values }}',
  '$(',
  '`',
  '${HOME}',
  '/etc/passwd',
];

/** Replacements for a scalar after `key: `. */
/** Hostile YAML values for the one entry point's limits: alias bombs (many aliases, or a few to a big node), deep nesting, escaped control characters. */
const HOSTILE_SCALARS = [
  (() => {
    let s = '[&a0 [x,x,x,x,x,x,x,x,x]';
    for (let i = 1; i < 9; i++)
      s += `, &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`;
    return `${s}]`;
  })(),
  `[&w "${'x'.repeat(100_000)}", ${Array(60).fill('*w').join(', ')}]`,
  '['.repeat(300) + ']'.repeat(300),
  '{a: '.repeat(250) + '1' + '}'.repeat(250),
  '"\\x7f"',
  '"\\e"',
  '"a\\U0000007Fb"',
  '"\\0"',
  '*nowhere',
];

const SCALARS = [
  ...HOSTILE_SCALARS,
  'null',
  '~',
  '""',
  "''",
  '[]',
  '{}',
  '0',
  '-1',
  '99999999999999999999999',
  '1.5',
  '1e400',
  '.nan',
  'true',
  'yes',
  'no',
  '"true"',
  '|',
  '>-',
  '*a',
  '&a x',
  '!!binary aGk=',
  '!!int "1"',
  '"\\u0000"',
  '"\\ud800"',
  '[a, {b: c}]',
  '{a: [b]}',
  '"' + 'x'.repeat(300) + '"',
  '__proto__',
  '{__proto__: {polluted: 1}}',
  '{constructor: {prototype: {polluted: 1}}}',
  'sidecar.istio.io/inject',
  '"80,http"',
  '"-1"',
  '"65536"',
  '"a,b,,c"',
  '"10.0.0.0/33"',
  '"{{ fail \\"x\\" }}"',
];

export type Op =
  | { op: 'insert'; at: number; s: string }
  | { op: 'delete'; at: number; n: number }
  | { op: 'dupLine'; at: number }
  | { op: 'dropLine'; at: number }
  | { op: 'swapLines'; at: number; to: number }
  | { op: 'indent'; at: number; d: number }
  | { op: 'scalar'; at: number; s: string }
  | { op: 'truncate'; at: number }
  | { op: 'splice'; at: number; from: number; start: number; n: number }
  | { op: 'crlf' }
  | { op: 'bom' }
  | { op: 'repeat'; at: number; n: number; times: number };

const pos = fc.nat({ max: 1_000_000 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pos, s: fc.constantFrom(...TOKENS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pos, s: fc.string({ maxLength: 8, unit: 'binary' }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pos, n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dupLine' as const), at: pos }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dropLine' as const), at: pos }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapLines' as const), at: pos, to: pos }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('indent' as const), at: pos, d: fc.integer({ min: -4, max: 4 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('scalar' as const), at: pos, s: fc.constantFrom(...SCALARS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('splice' as const), at: pos, from: pos, start: pos, n: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crlf' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('repeat' as const), at: pos, n: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 2, max: 50 }) }),
  },
);

export const opsArb = fc.array(opArb, { minLength: 1, maxLength: 6 });

function lines(text: string): string[] {
  return text.split('\n');
}

/** Applies one mutation; `others` are texts a splice may take from. */
export function applyOp(text: string, op: Op, others: readonly Seed[]): string {
  const len = text.length;
  const at = (n: number) => (len === 0 ? 0 : n % (len + 1));
  switch (op.op) {
    case 'insert':
      return text.slice(0, at(op.at)) + op.s + text.slice(at(op.at));
    case 'delete':
      return text.slice(0, at(op.at)) + text.slice(at(op.at) + op.n);
    case 'truncate':
      return text.slice(0, at(op.at));
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'bom':
      return '\ufeff' + text;
    case 'repeat': {
      const s = at(op.at);
      return text.slice(0, s) + text.slice(s, s + op.n).repeat(op.times) + text.slice(s);
    }
    case 'splice': {
      if (!others.length) return text;
      const src = others[op.from % others.length]!.text;
      const s = src.length ? op.start % src.length : 0;
      return text.slice(0, at(op.at)) + src.slice(s, s + op.n) + text.slice(at(op.at));
    }
    default:
      break;
  }
  const ls = lines(text);
  const i = op.at % ls.length;
  switch (op.op) {
    case 'dupLine':
      ls.splice(i, 0, ls[i]!);
      break;
    case 'dropLine':
      ls.splice(i, 1);
      break;
    case 'swapLines': {
      const j = op.to % ls.length;
      [ls[i], ls[j]] = [ls[j]!, ls[i]!];
      break;
    }
    case 'indent':
      ls[i] = op.d >= 0 ? ' '.repeat(op.d) + ls[i] : ls[i]!.replace(new RegExp(`^ {0,${-op.d}}`), '');
      break;
    case 'scalar': {
      // the value of the first `key: value` line at or after line i
      for (let k = 0; k < ls.length; k++) {
        const j = (i + k) % ls.length;
        const m = /^(\s*(?:- )?[^\s:#][^:#]*:)[ \t]+\S.*$/.exec(ls[j]!);
        if (m) {
          ls[j] = `${m[1]} ${op.s}`;
          break;
        }
      }
      break;
    }
  }
  return ls.join('\n');
}

export function mutate(text: string, ops: readonly Op[], others: readonly Seed[]): string {
  let t = text;
  for (const op of ops) t = applyOp(t, op, others);
  // keep inputs bounded (the "very large input" case is a catalogue test of its own)
  return t.length > 400_000 ? t.slice(0, 400_000) : t;
}

/** Printable YAML-ish junk: random strings over an alphabet rich in YAML syntax. */
export const junkArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc
    .array(fc.constantFrom(...TOKENS, 'a', 'b', 'kind', 'apiVersion', 'metadata', 'spec', 'items', 'ResourceList', 'Deployment'), { maxLength: 60 })
    .map((a) => a.join('')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
);
