/**
 * Unit tests of the regexp port (src/template/regexp): Go's API behaviour, Go's syntax and error
 * texts, Unicode handling, the limits, and linear time on patterns that make backtracking engines
 * hang (checked in a child process with a generous timeout, so a regression fails instead of
 * hanging the run). The differential test (differential.test.ts) compares with Go itself.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Compile,
  MAX_CAPTURE_SLOTS,
  MAX_SIZE,
  MAX_STEPS,
  MatchString,
  MustCompile,
  QuoteMeta,
  StepLimitError,
  SyntaxError,
} from '../../../src/template/regexp/index.js';
import { Template } from '../../../src/template/index.js';
import { sprigFuncs } from '../../../src/template/funcs/sprig.js';
import type { GoValue } from '../../../src/template/value.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

function render(text: string, data: unknown = {}): string {
  return new Template('t', { funcs: [sprigFuncs()] }).parse(text).execute(data as GoValue);
}

describe('regexp: linear time', () => {
  it('answers regexMatch "^(a+)+$" on 40 a\'s and a b with false, in a child that must finish within 10 s', () => {
    const script = `
      const { Template } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'src/template/index.ts')).href)});
      const { sprigFuncs } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'src/template/funcs/sprig.ts')).href)});
      const t = new Template('t', { funcs: [sprigFuncs()] }).parse('{{ regexMatch "^(a+)+$" .s }} {{ regexFindAll "(x+x+)+y" .x -1 }}');
      process.stdout.write(t.execute({ s: 'a'.repeat(40) + 'b', x: 'x'.repeat(5000) }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      timeout: 10_000,
      encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('false []');
  }, 30_000);

  it('matches nested quantifiers in the engine directly', () => {
    expect(Compile('^(a+)+$').MatchString('a'.repeat(40) + 'b')).toBe(false);
    expect(Compile('^(a+)+$').MatchString('a'.repeat(40))).toBe(true);
    expect(Compile('(a|aa)*c').FindString('a'.repeat(60) + 'c')).toBe('a'.repeat(60) + 'c');
  });
});

describe('regexp: Go semantics', () => {
  it('picks the leftmost-first match, not the longest', () => {
    expect(Compile('a|ab').FindString('ab')).toBe('a');
    expect(Compile('(a|ab)(c|bcd)(d*)').FindStringSubmatch('abcd')).toEqual(['abcd', 'a', 'bcd', '']);
    expect(Compile('a+?').FindString('aaa')).toBe('a');
    expect(Compile('(?U)a+').FindString('aaa')).toBe('a');
    expect(Compile('(?U)a+?').FindString('aaa')).toBe('aaa');
  });

  it('handles empty matches as Go does in FindAll, ReplaceAll and Split', () => {
    expect(Compile('a*').FindAllString('baaac', -1)).toEqual(['', 'aaa', '']);
    expect(Compile('a*').ReplaceAllString('baaac', '-')).toBe('-b-c-');
    expect(Compile('x*').Split('axbxxc', -1)).toEqual(['a', 'b', 'c']);
    expect(Compile('').Split('abc', -1)).toEqual(['a', 'b', 'c']);
    expect(Compile(',').Split('a,b,,c', 2)).toEqual(['a', 'b,,c']);
    expect(Compile(',').Split('a,b', 0)).toBeNull();
    expect(Compile('z').FindAllString('abc', -1)).toBeNull();
    expect(Compile('.').FindAllString('😀é', -1)).toEqual(['😀', 'é']);
  });

  it('expands $1, ${1}, $name, ${name} and $$ in replacements', () => {
    const re = Compile('(?P<first>\\w+) (?<last>\\w+)');
    expect(re.ReplaceAllString('Jane Doe', '$last, $first')).toBe('Doe, Jane');
    expect(re.ReplaceAllString('Jane Doe', '${2}_$1x$$')).toBe('Doe_$');
    expect(re.ReplaceAllLiteralString('Jane Doe', '$1')).toBe('$1');
    expect(re.SubexpNames()).toEqual(['', 'first', 'last']);
    expect(re.SubexpIndex('last')).toBe(2);
    expect(re.NumSubexp()).toBe(2);
  });

  it("keeps ^, $, \\b and . to Go's definitions", () => {
    expect(MatchString('a$', 'a\n')).toBe(false);
    expect(MatchString('(?m)a$', 'a\nb')).toBe(true);
    expect(MatchString('^b', 'a\nb')).toBe(false);
    expect(MatchString('(?m)^b', 'a\nb')).toBe(true);
    expect(MatchString('a.c', 'a\nc')).toBe(false);
    expect(MatchString('(?s)a.c', 'a\nc')).toBe(true);
    expect(MatchString('\\bé', ' é')).toBe(false);
    expect(MatchString('\\s', '\u00a0')).toBe(false);
    expect(MatchString('\\Aa\\z', 'a')).toBe(true);
  });

  it('folds case with Unicode simple folding, inside groups too', () => {
    expect(Compile('(?i)k+').FindString('kK\u212a')).toBe('kK\u212a');
    expect(Compile('a(?i:b)c').FindAllString('aBc abC', -1)).toEqual(['aBc']);
    expect(Compile('(?i)ſ').MatchString('S')).toBe(true);
    expect(Compile('(?i)i').MatchString('ı')).toBe(false);
    expect(Compile('(?i)[[:^lower:]]').MatchString('a')).toBe(false);
  });

  it('knows Unicode categories, scripts, aliases and POSIX classes', () => {
    expect(Compile('\\pL+').FindAllString('héllo wörld 12', -1)).toEqual(['héllo', 'wörld']);
    expect(Compile('\\p{Greek}+').FindString('abc Ωμέγα')).toBe('Ωμέγα');
    expect(Compile('\\p{Letter}\\p{Nd}').MatchString('x1')).toBe(true);
    expect(Compile('[[:alpha:][:digit:]]+').FindString('--ab12--')).toBe('ab12');
    expect(Compile('[^[:^alpha:]]').FindString('1é2a')).toBe('a');
  });

  it('quotes metacharacters', () => {
    expect(QuoteMeta('a.b*c[]{}()|^$\\+?')).toBe('a\\.b\\*c\\[\\]\\{\\}\\(\\)\\|\\^\\$\\\\\\+\\?');
    expect(Compile(QuoteMeta('1.5+2')).MatchString('1.5+2')).toBe(true);
  });
});

describe('regexp: errors and limits', () => {
  const error = (p: string): string => {
    try {
      Compile(p);
    } catch (e) {
      expect(e).toBeInstanceOf(SyntaxError);
      return (e as Error).message;
    }
    throw new Error(`${p} compiled`);
  };

  it("reports Go's error texts", () => {
    expect(error('(')).toBe('error parsing regexp: missing closing ): `(`');
    expect(error('a**')).toBe('error parsing regexp: invalid nested repetition operator: `**`');
    expect(error('a(?=b)')).toBe('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(error('\\1')).toBe('error parsing regexp: invalid escape sequence: `\\1`');
    expect(error('[z-a]')).toBe('error parsing regexp: invalid character class range: `z-a`');
    expect(error('\\p{Klingon}')).toBe('error parsing regexp: invalid character class range: `\\p{Klingon}`');
    expect(error('x\ud800')).toBe('error parsing regexp: invalid UTF-8: `\ud800`');
    expect(() => MustCompile('a)')).toThrow('regexp: Compile(`a)`): error parsing regexp: unexpected ): `a)`');
  });

  it('limits repeat counts to 1000, nesting to 1000 levels and programs to MAX_SIZE instructions', () => {
    expect(error('a{1001}')).toBe('error parsing regexp: invalid repeat count: `{1001}`');
    expect(error('(?:a{40}){30}')).toBe('error parsing regexp: invalid repeat count: `{30}`');
    expect(error('('.repeat(1001) + ')'.repeat(1001))).toMatch(/^error parsing regexp: expression nests too deeply: /);
    Compile('('.repeat(400) + 'a' + ')'.repeat(400));
    const large = '[a-z]{1000}'.repeat(Math.ceil(MAX_SIZE / 1000) + 1);
    expect(error(large)).toBe(`error parsing regexp: expression too large: \`${large}\``);
  });

  it('stops a match that needs more instruction visits than its budget', () => {
    // About 2,000 live threads per rune: linear, but beyond a budget of a million visits.
    const re = Compile('(?:a?){1000}b', { maxSteps: 1_000_000 });
    expect(() => re.MatchString('a'.repeat(1_000))).toThrow(StepLimitError);
    expect(Compile('(?:a?){1000}b', { maxSteps: 1_000_000 }).MatchString('a'.repeat(100) + 'b')).toBe(true);
    // The template functions use MAX_STEPS (step-limit.test.ts checks how they report it).
    expect(MAX_STEPS).toBe(50_000_000);
  });

  it('bounds the memory of submatch tracking (threads × capture slots)', () => {
    const many = Compile('(a?)'.repeat(3000));
    expect(many.MatchString('aaa')).toBe(true);
    expect(() => many.FindStringSubmatch('aaa')).toThrow(
      `regexp: matching needs more than ${MAX_CAPTURE_SLOTS} capture slots (pattern too large for this input)`,
    );
    expect(() => render('{{ regexReplaceAll .p "aaa" "$1" }}', { p: '(a?)'.repeat(3000) })).toThrow(
      /error calling regexReplaceAll: regexp: matching needs more than 4000000 capture slots/,
    );
    expect(Compile('(a?)'.repeat(50)).FindStringSubmatch('aa')?.slice(0, 4)).toEqual(['aa', 'a', 'a', '']);
  });

  it('regexMatch still answers false for a pattern that does not compile', () => {
    expect(render('{{ regexMatch "(" "x" }}')).toBe('false');
  });
});
