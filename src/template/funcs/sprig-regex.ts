/**
 * Go's `regexp` package (RE2 syntax, leftmost-first matching) on top of JavaScript's RegExp, for
 * sprig's `regex*` functions. A Go pattern is tokenised and rewritten into an equivalent JS
 * pattern (`u` flag): `.` excludes only `\n`, `^`/`$` mean text (or, under `(?m)`, line)
 * boundaries without JS's extra line terminators, `\s` is Go's ASCII set, `\A`/`\z`, `\Q..\E`,
 * `(?P<name>..)`, POSIX classes and `\pL`/`\p{Greek}` are translated, and what RE2 rejects
 * (backreferences, lookaround, `\e`-style escapes) is rejected here too. The match loops of
 * `FindAll`, `ReplaceAll` and `Split` are ported from Go, since Go's handling of empty matches
 * differs from `String#matchAll`/`replace`. Known gaps: `(?i)` anywhere but at the start, `(?U)`,
 * negated POSIX classes, and `\S`/`\W`-style negations inside a bracket; they are errors or
 * approximations here. It does not define template functions (see `sprig.ts`).
 */
import { canBackquote, quoteGo } from '../fmt.js';
import { GoFuncError } from './types.js';

const SYNTAX_CHARS = new Set([...'^$\\.*+?()[]{}|/']);
const CLASS_SPECIAL = new Set([...'\\]^-[']);

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Any'.split(
    ' ',
  ),
);

/** A compiled Go regular expression. */
export interface GoRegexp {
  readonly expr: string;
  /** Global JS RegExp equivalent (use `lastIndex` to search from a position). */
  readonly re: RegExp;
}

function goQuoteExpr(s: string): string {
  return canBackquote(s) ? '`' + s + '`' : quoteGo(s);
}

class ParseError extends Error {
  constructor(
    readonly code: string,
    readonly fragment: string,
  ) {
    super(`${code}: \`${fragment}\``);
  }
}

function literal(ch: string, inClass: boolean): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (inClass ? CLASS_SPECIAL.has(ch) : SYNTAX_CHARS.has(ch)) return '\\' + ch;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp === 0x2028 || cp === 0x2029) return '\\u' + cp.toString(16);
  return ch;
}

function unicodeClass(name: string, negated: boolean): string {
  let neg = negated;
  let n = name;
  if (n.startsWith('^')) {
    neg = !neg;
    n = n.slice(1);
  }
  const prop = GENERAL_CATEGORIES.has(n) ? n : `Script=${n}`;
  try {
    new RegExp(`\\p{${prop}}`, 'u');
  } catch {
    throw new ParseError('invalid character class range', `\\p{${name}}`);
  }
  return `\\${neg ? 'P' : 'p'}{${prop}}`;
}

/** Translates a Go RE2 pattern into JS source and flags. Throws `ParseError`. */
function translate(expr: string): { source: string; flags: string } {
  const chars = [...expr];
  let i = 0;
  let out = '';
  let depth = 0;
  let dotAll = false;
  let multiLine = false;
  let caseInsensitive = false;
  let sawContent = false;
  const flagStack: Array<{ s: boolean; m: boolean; i: boolean }> = [];

  const peek = (k = 0): string | undefined => chars[i + k];

  const rest = (): string => chars.slice(i).join('');

  /** Parses an escape at `i` (which points at the backslash); returns JS source. */
  const escape = (inClass: boolean): string => {
    const start = i;
    const c = chars[i + 1];
    if (c === undefined) throw new ParseError('trailing backslash at end of expression', '');
    i += 2;
    switch (c) {
      case 'A':
        if (inClass) break;
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) break;
        return '(?![\\s\\S])';
      case 'b':
      case 'B':
        if (inClass) break;
        return '\\' + c;
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return '\\' + c;
      case 's':
        return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      case 'S':
        return inClass ? '\\S' : '[^\\t\\n\\f\\r ]';
      case 'p':
      case 'P': {
        let name: string;
        if (chars[i] === '{') {
          const end = chars.indexOf('}', i);
          if (end < 0) throw new ParseError('invalid character class range', chars.slice(start).join(''));
          name = chars.slice(i + 1, end).join('');
          i = end + 1;
        } else {
          name = chars[i] ?? '';
          if (name === '') throw new ParseError('invalid character class range', chars.slice(start).join(''));
          i++;
        }
        return unicodeClass(name, c === 'P');
      }
      case 'Q': {
        if (inClass) break;
        let end = -1;
        for (let k = i; k + 1 < chars.length; k++) {
          if (chars[k] === '\\' && chars[k + 1] === 'E') {
            end = k;
            break;
          }
        }
        const lit = chars.slice(i, end < 0 ? chars.length : end);
        i = end < 0 ? chars.length : end + 2;
        return lit.map((ch) => literal(ch, false)).join('');
      }
      case 'x': {
        let hex: string;
        if (chars[i] === '{') {
          const end = chars.indexOf('}', i);
          hex = end < 0 ? '' : chars.slice(i + 1, end).join('');
          if (!/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
            throw new ParseError('invalid escape sequence', chars.slice(start, end < 0 ? chars.length : end + 1).join(''));
          }
          i = end + 1;
        } else {
          hex = chars.slice(i, i + 2).join('');
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new ParseError('invalid escape sequence', chars.slice(start, i + 2).join(''));
          i += 2;
        }
        return `\\u{${parseInt(hex, 16).toString(16)}}`;
      }
      case 'a':
        return '\\x07';
      case 'f':
        return '\\f';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 't':
        return '\\t';
      case 'v':
        return '\\v';
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      // A single non-zero digit is a backreference (unsupported); otherwise up to three octal digits.
      if (c !== '0' && !(peek() !== undefined && /[0-7]/.test(peek() as string))) {
        throw new ParseError('invalid escape sequence', `\\${c}`);
      }
      let digits = c;
      while (digits.length < 3 && peek() !== undefined && /[0-7]/.test(peek() as string)) digits += chars[i++];
      return `\\u{${parseInt(digits, 8).toString(16)}}`;
    }
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return literal(c, inClass);
    throw new ParseError('invalid escape sequence', `\\${c}`);
  };

  const parseClass = (): string => {
    const start = i;
    i++; // [
    let body = '';
    let negated = false;
    if (peek() === '^') {
      negated = true;
      i++;
    }
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new ParseError('missing closing ]', chars.slice(start).join(''));
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && peek(1) === ':') {
        const end = chars.indexOf(']', i + 2);
        const name = end > 0 && chars[end - 1] === ':' ? chars.slice(i + 2, end - 1).join('') : undefined;
        if (name !== undefined) {
          const set = POSIX_CLASSES[name];
          if (set === undefined) {
            throw new ParseError('invalid character class range', chars.slice(i, end + 1).join(''));
          }
          body += set;
          i = end + 1;
          continue;
        }
      }
      let lo: string;
      if (c === '\\') {
        const e = escape(true);
        // Class escapes (\d, \pL, ...) cannot start a range.
        if (/^\\[dDwWsSpP]/.test(e) || e.startsWith('\\t\\n')) {
          body += e;
          continue;
        }
        lo = e;
      } else {
        lo = literal(c, true);
        i += 1;
      }
      if (peek() === '-' && peek(1) !== undefined && peek(1) !== ']') {
        i++;
        let hi: string;
        if (peek() === '\\') hi = escape(true);
        else {
          hi = literal(peek() as string, true);
          i++;
        }
        body += lo + '-' + hi;
      } else body += lo;
    }
    i++; // ]
    if (body === '' && !negated) return '[]';
    return (negated ? '[^' : '[') + body + ']';
  };

  const parseFlags = (): void => {
    // At "(?": flags like "i", "-s", "im-s", followed by ")" or ":".
    const start = i;
    i += 2;
    let neg = false;
    const set = { s: dotAll, m: multiLine, i: caseInsensitive };
    let any = false;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new ParseError('missing closing )', chars.slice(start).join(''));
      if (c === 'i' || c === 'm' || c === 's') {
        set[c] = !neg;
        any = true;
        i++;
      } else if (c === 'U') {
        throw new ParseError('invalid or unsupported Perl syntax', '(?U');
      } else if (c === '-') {
        if (neg) throw new ParseError('invalid or unsupported Perl syntax', chars.slice(start, i + 1).join(''));
        neg = true;
        i++;
      } else if (c === ')' || c === ':') {
        if (!any && neg) throw new ParseError('invalid or unsupported Perl syntax', chars.slice(start, i + 1).join(''));
        i++;
        if (set.i !== caseInsensitive) {
          if (sawContent || c === ':') throw new ParseError('unsupported case-insensitive group (this engine)', chars.slice(start, i).join(''));
        }
        if (c === ':') {
          flagStack.push({ s: dotAll, m: multiLine, i: caseInsensitive });
          out += '(?:';
          depth++;
        }
        dotAll = set.s;
        multiLine = set.m;
        caseInsensitive = set.i;
        return;
      } else {
        throw new ParseError('invalid or unsupported Perl syntax', chars.slice(start, i + 1).join(''));
      }
    }
  };

  while (i < chars.length) {
    const c = chars[i] as string;
    switch (c) {
      case '\\':
        out += escape(false);
        sawContent = true;
        break;
      case '[':
        out += parseClass();
        sawContent = true;
        break;
      case '(': {
        if (peek(1) === '?') {
          const n2 = peek(2);
          if (n2 === 'P' || (n2 === '<' && peek(3) !== '=' && peek(3) !== '!')) {
            const nameStart = n2 === 'P' ? i + 4 : i + 3;
            if (n2 === 'P' && peek(3) !== '<') throw new ParseError('invalid named capture', chars.slice(i, i + 4).join(''));
            const end = chars.indexOf('>', nameStart);
            const name = end < 0 ? '' : chars.slice(nameStart, end).join('');
            if (!/^[A-Za-z0-9_]+$/.test(name)) {
              throw new ParseError('invalid named capture', chars.slice(i, end < 0 ? chars.length : end + 1).join(''));
            }
            out += `(?<${name}>`;
            i = end + 1;
            flagStack.push({ s: dotAll, m: multiLine, i: caseInsensitive });
            depth++;
            break;
          }
          if (n2 === '=' || n2 === '!' || n2 === '<' || n2 === '>' || n2 === '#') {
            throw new ParseError('invalid or unsupported Perl syntax', chars.slice(i, i + 3).join(''));
          }
          if (n2 === ':') {
            out += '(?:';
            i += 3;
            flagStack.push({ s: dotAll, m: multiLine, i: caseInsensitive });
            depth++;
            break;
          }
          parseFlags();
          break;
        }
        out += '(';
        i++;
        flagStack.push({ s: dotAll, m: multiLine, i: caseInsensitive });
        depth++;
        break;
      }
      case ')': {
        if (depth === 0) throw new ParseError('unexpected )', expr);
        const f = flagStack.pop();
        if (f) {
          dotAll = f.s;
          multiLine = f.m;
          caseInsensitive = f.i;
        }
        depth--;
        out += ')';
        i++;
        break;
      }
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        sawContent = true;
        i++;
        break;
      case '^':
        out += multiLine ? '(?<![^\\n])' : '(?<![\\s\\S])';
        sawContent = true;
        i++;
        break;
      case '$':
        out += multiLine ? '(?![^\\n])' : '(?![\\s\\S])';
        sawContent = true;
        i++;
        break;
      case '*':
      case '+':
      case '?':
        out += c;
        i++;
        if (peek() === '?') {
          out += '?';
          i++;
        }
        break;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(rest());
        if (m) {
          const lo = Number(m[1]);
          const hi = m[3] === undefined || m[3] === '' ? lo : Number(m[3]);
          if (lo > 1000 || hi > 1000 || (m[3] !== undefined && m[3] !== '' && hi < lo)) {
            throw new ParseError('invalid repeat count', m[0]);
          }
          out += m[0];
          i += m[0].length;
          if (peek() === '?') {
            out += '?';
            i++;
          }
        } else {
          out += '\\{';
          sawContent = true;
          i++;
        }
        break;
      }
      case '|':
        out += '|';
        i++;
        break;
      default:
        out += literal(c, false);
        sawContent = true;
        i++;
    }
  }
  if (depth > 0) throw new ParseError('missing closing )', expr);
  return { source: out, flags: caseInsensitive ? 'gui' : 'gu' };
}

/** Go's `regexp.Compile`. Throws `GoFuncError` with Go's `error parsing regexp: ...` message. */
export function compileGo(expr: string): GoRegexp {
  try {
    const { source, flags } = translate(expr);
    return { expr, re: new RegExp(source, flags) };
  } catch (e) {
    if (e instanceof ParseError) throw new GoFuncError(`error parsing regexp: ${e.message}`);
    const msg = (e as Error).message.replace(/^Invalid regular expression: /, '');
    throw new GoFuncError(`error parsing regexp: ${msg}: ${goQuoteExpr(expr)}`);
  }
}

/** Go's `regexp.MustCompile`: the panic message sprig's functions surface. */
export function mustCompileGo(expr: string): GoRegexp {
  try {
    return compileGo(expr);
  } catch (e) {
    throw new GoFuncError(`regexp: Compile(${goQuoteExpr(expr)}): ${(e as Error).message}`);
  }
}

interface Match {
  readonly start: number;
  readonly end: number;
  readonly groups: ReadonlyArray<string | undefined>;
  readonly named: Readonly<Record<string, string | undefined>>;
}

function execAt(g: GoRegexp, s: string, pos: number): Match | undefined {
  g.re.lastIndex = pos;
  const m = g.re.exec(s);
  if (!m) return undefined;
  return { start: m.index, end: m.index + m[0].length, groups: [...m], named: m.groups ?? {} };
}

function runeWidthAt(s: string, pos: number): number {
  const c = s.charCodeAt(pos);
  return c >= 0xd800 && c <= 0xdbff && pos + 1 < s.length ? 2 : 1;
}

/** Go's `allMatches`: successive non-overlapping matches; an empty match right after a match is skipped. */
export function findAll(g: GoRegexp, s: string, n: number): Match[] {
  const out: Match[] = [];
  const limit = n < 0 ? s.length + 1 : n;
  let pos = 0;
  let prevMatchEnd = -1;
  while (out.length < limit && pos <= s.length) {
    const m = execAt(g, s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevMatchEnd) accept = false;
      pos += pos < s.length ? runeWidthAt(s, pos) : 1;
    } else pos = m.end;
    prevMatchEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

/** `Regexp.MatchString`. */
export function matchString(g: GoRegexp, s: string): boolean {
  return execAt(g, s, 0) !== undefined;
}

/** `Regexp.FindString`. */
export function findString(g: GoRegexp, s: string): string {
  const m = execAt(g, s, 0);
  return m ? s.slice(m.start, m.end) : '';
}

/** Go's `Regexp.Expand` template syntax: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expandTemplate(template: string, m: Match): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const r = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i));
      if (r) {
        name = r[1];
        i += r[0].length;
      }
    } else {
      const r = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (r) {
        name = r[0];
        i += r[0].length;
      }
    }
    if (name === undefined) {
      // Malformed: Go copies the "$" literally.
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) {
      const idx = Number(name);
      out += idx < m.groups.length ? (m.groups[idx] ?? '') : '';
    } else out += m.named[name] ?? '';
  }
  return out;
}

/** Go's `Regexp.ReplaceAllString` (`literal`: `ReplaceAllLiteralString`). */
export function replaceAll(g: GoRegexp, src: string, repl: string, literalRepl: boolean): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = execAt(g, src, searchPos);
    if (!m) break;
    out += src.slice(lastMatchEnd, m.start);
    if (m.end > lastMatchEnd || m.start === 0) out += literalRepl ? repl : expandTemplate(repl, m);
    lastMatchEnd = m.end;
    const width = searchPos < src.length ? runeWidthAt(src, searchPos) : 0;
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + src.slice(lastMatchEnd);
}

/** Go's `Regexp.Split(s, n)`; `undefined` stands for Go's nil slice (n == 0). */
export function split(g: GoRegexp, s: string, n: number): string[] | undefined {
  if (n === 0) return undefined;
  if (g.expr.length > 0 && s.length === 0) return [''];
  const matches = findAll(g, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.start;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}
