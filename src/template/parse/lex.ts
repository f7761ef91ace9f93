/**
 * The lexer of Go's `text/template` (a port of Go 1.19's `text/template/parse/lex.go`): a state
 * machine of `stateFn`s (`lexText`, `lexLeftDelim`, `lexComment`, `lexRightDelim`,
 * `lexInsideAction`, `lexSpace`, `lexIdentifier`, `lexField`, `lexVariable`, `lexChar`, `lexNumber`,
 * `lexQuote`, `lexRawQuote`) that turns template text into items. Trim markers (`{{- ` and ` -}}`)
 * are handled here entirely; the parser never sees them. Go runs the lexer in a goroutine; here
 * `nextItem` runs states until one item is ready, which yields the same item sequence.
 *
 * Positions (`pos`) are UTF-16 offsets into the JS string; `Tree.errorContext` converts them to the
 * byte columns Go prints. It does not build trees (see `parse.ts`).
 */
import { isPrint, quoteGo } from '../fmt.js';

export const ITEM = {
  error: 'error',
  bool: 'bool',
  char: 'char',
  charConstant: 'charConstant',
  comment: 'comment',
  complex: 'complex',
  assign: 'assign',
  declare: 'declare',
  eof: 'EOF',
  field: 'field',
  identifier: 'identifier',
  leftDelim: 'leftDelim',
  leftParen: 'leftParen',
  number: 'number',
  pipe: 'pipe',
  rawString: 'rawString',
  rightDelim: 'rightDelim',
  rightParen: 'rightParen',
  space: 'space',
  string: 'string',
  text: 'text',
  variable: 'variable',
  // Keywords appear after all the rest.
  block: 'block',
  break: 'break',
  continue: 'continue',
  dot: 'dot',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  nil: 'nil',
  range: 'range',
  template: 'template',
  with: 'with',
} as const;

export type ItemType = (typeof ITEM)[keyof typeof ITEM];

const KEYWORD_TYPES: ReadonlySet<ItemType> = new Set<ItemType>([
  ITEM.block,
  ITEM.break,
  ITEM.continue,
  ITEM.dot,
  ITEM.define,
  ITEM.else,
  ITEM.end,
  ITEM.if,
  ITEM.nil,
  ITEM.range,
  ITEM.template,
  ITEM.with,
]);

/** Go's `key` table: keyword spelling -> item type. */
const KEY: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', ITEM.dot],
  ['block', ITEM.block],
  ['break', ITEM.break],
  ['continue', ITEM.continue],
  ['define', ITEM.define],
  ['else', ITEM.else],
  ['end', ITEM.end],
  ['if', ITEM.if],
  ['range', ITEM.range],
  ['nil', ITEM.nil],
  ['template', ITEM.template],
  ['with', ITEM.with],
]);

export function isKeyword(t: ItemType): boolean {
  return KEYWORD_TYPES.has(t);
}

export interface Item {
  readonly typ: ItemType;
  /** Start offset of the item in the input. */
  readonly pos: number;
  readonly val: string;
  /** Line number at the start of the item. */
  readonly line: number;
}

/** Go's `item.String()`, used in parse error messages. */
export function itemString(i: Item): string {
  if (i.typ === ITEM.eof) return 'EOF';
  if (i.typ === ITEM.error) return i.val;
  if (isKeyword(i.typ)) return `<${i.val}>`;
  if ([...i.val].length > 10) return quoteShort([...i.val].slice(0, 10).join('')) + '...';
  return quoteShort(i.val);
}

function quoteShort(s: string): string {
  return quoteGo(s);
}

const EOF = -1;
const SPACE_CHARS = ' \t\r\n';
const TRIM_MARKER = '-';
const TRIM_MARKER_LEN = 2;
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

type StateFn = ((l: Lexer) => StateFn) | null;

export class Lexer {
  readonly name: string;
  readonly input: string;
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly emitComment: boolean;
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  readonly breakOK: boolean;
  readonly continueOK: boolean;
  private queue: Item[] = [];
  private state: StateFn = lexText;

  constructor(name: string, input: string, left: string, right: string, emitComment: boolean, breakOK: boolean, continueOK: boolean) {
    this.name = name;
    this.input = input;
    this.leftDelim = left === '' ? LEFT_DELIM : left;
    this.rightDelim = right === '' ? RIGHT_DELIM : right;
    this.emitComment = emitComment;
    this.breakOK = breakOK;
    this.continueOK = continueOK;
  }

  /** Returns the next rune (code point) or EOF. */
  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) ?? 0;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 10) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      let w = 1;
      const c = this.input.charCodeAt(this.pos - 1);
      if (c >= 0xdc00 && c <= 0xdfff && this.pos >= 2) {
        const h = this.input.charCodeAt(this.pos - 2);
        if (h >= 0xd800 && h <= 0xdbff) w = 2;
      }
      this.pos -= w;
      if (c === 10) this.line--;
    }
  }

  emit(t: ItemType): void {
    this.queue.push({ typ: t, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(msg: string): StateFn {
    this.queue.push({ typ: ITEM.error, pos: this.start, val: msg, line: this.startLine });
    return null;
  }

  /** Returns the next item from the input. */
  nextItem(): Item {
    while (this.queue.length === 0) {
      if (this.state === null) {
        // Go's closed channel yields the zero item.
        return { typ: ITEM.error, pos: 0, val: '', line: 0 };
      }
      this.state = this.state(this);
    }
    return this.queue.shift() as Item;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    const rest = this.input.slice(this.pos);
    if (hasRightTrimMarker(rest) && this.input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)) {
      return { delim: true, trimSpaces: true };
    }
    if (rest.startsWith(this.rightDelim)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
      default:
        break;
    }
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function rightTrimLength(s: string): number {
  let i = s.length;
  while (i > 0 && SPACE_CHARS.includes(s[i - 1] ?? 'x')) i--;
  return s.length - i;
}

function leftTrimLength(s: string): number {
  let i = 0;
  while (i < s.length && SPACE_CHARS.includes(s[i] ?? 'x')) i++;
  return i;
}

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

export function isAlphaNumeric(r: number): boolean {
  if (r === EOF) return false;
  if (r === 0x5f) return true;
  if ((r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)) return true;
  if (r < 0x80) return false;
  const ch = String.fromCodePoint(r);
  return LETTER.test(ch) || DIGIT.test(ch);
}

function hasLeftTrimMarker(s: string): boolean {
  return s.length >= 2 && s[0] === TRIM_MARKER && isSpace(s.charCodeAt(1));
}

function hasRightTrimMarker(s: string): boolean {
  return s.length >= 2 && isSpace(s.charCodeAt(0)) && s[1] === TRIM_MARKER;
}

/** `%#U` of a rune, as in Go's lexer errors: `U+0021 '!'`. */
function hashU(r: number): string {
  let s = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  if (isPrint(r)) s += " '" + String.fromCodePoint(r) + "'";
  return s;
}

// lexText scans until an opening action delimiter, "{{".
function lexText(l: Lexer): StateFn {
  const x = l.input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    const ldn = l.leftDelim.length;
    l.pos = x;
    let trimLength = 0;
    if (hasLeftTrimMarker(l.input.slice(l.pos + ldn))) {
      trimLength = rightTrimLength(l.input.slice(l.start, l.pos));
    }
    l.pos -= trimLength;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input.slice(l.start, l.pos));
      l.emit(ITEM.text);
    }
    l.pos += trimLength;
    l.ignore();
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input.slice(l.start, l.pos));
    l.emit(ITEM.text);
  }
  l.emit(ITEM.eof);
  return null;
}

// lexLeftDelim scans the left delimiter, which is known to be present, possibly with a trim marker.
function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input.slice(l.pos));
  const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit(ITEM.leftDelim);
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
}

// lexComment scans a comment. The left comment marker is known to be present.
function lexComment(l: Lexer): StateFn {
  l.pos += LEFT_COMMENT.length;
  const i = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (i < 0) return l.errorf('unclosed comment');
  l.pos = i + RIGHT_COMMENT.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (l.emitComment) l.emit(ITEM.comment);
  if (trimSpaces) l.pos += TRIM_MARKER_LEN;
  l.pos += l.rightDelim.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input.slice(l.pos));
  l.ignore();
  return lexText;
}

// lexRightDelim scans the right delimiter, which is known to be present, possibly with a trim marker.
function lexRightDelim(l: Lexer): StateFn {
  const trimSpace = hasRightTrimMarker(l.input.slice(l.pos));
  if (trimSpace) {
    l.pos += TRIM_MARKER_LEN;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  l.emit(ITEM.rightDelim);
  if (trimSpace) {
    l.pos += leftTrimLength(l.input.slice(l.pos));
    l.ignore();
  }
  return lexText;
}

// lexInsideAction scans the elements inside action delimiters.
function lexInsideAction(l: Lexer): StateFn {
  const { delim } = l.atRightDelim();
  if (delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup(); // Put space back in case we have " -}}".
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      l.emit(ITEM.assign);
      return lexInsideAction;
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      l.emit(ITEM.declare);
      return lexInsideAction;
    case 0x7c: // |
      l.emit(ITEM.pipe);
      return lexInsideAction;
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
    case 0x28: // (
      l.emit(ITEM.leftParen);
      l.parenDepth++;
      return lexInsideAction;
    case 0x29: // )
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf('unexpected right paren');
      l.emit(ITEM.rightParen);
      return lexInsideAction;
    default:
      break;
  }
  if (r === 0x2e) {
    // '.' can start a number.
    if (l.pos < l.input.length) {
      const c = l.input.charCodeAt(l.pos);
      if (c < 0x30 || c > 0x39) return lexField;
    }
    l.backup();
    return lexNumber;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r !== 0x7f) {
    l.emit(ITEM.char);
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${hashU(r)}`);
}

// lexSpace scans a run of space characters.
function lexSpace(l: Lexer): StateFn {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpace(r)) break;
    l.next();
    numSpaces++;
  }
  // Be careful about a trim-marked closing delimiter, which has a minus after a space.
  if (hasRightTrimMarker(l.input.slice(l.pos - 1)) && l.input.startsWith(l.rightDelim, l.pos - 1 + TRIM_MARKER_LEN)) {
    l.backup(); // Before the space.
    if (numSpaces === 1) return lexRightDelim; // On the delim, so go right to that.
  }
  l.emit(ITEM.space);
  return lexInsideAction;
}

// lexIdentifier scans an alphanumeric.
function lexIdentifier(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${hashU(r)}`);
    const kw = KEY.get(word);
    if (kw !== undefined && isKeyword(kw)) {
      if ((kw === ITEM.break && !l.breakOK) || (kw === ITEM.continue && !l.continueOK)) l.emit(ITEM.identifier);
      else l.emit(kw);
    } else if (word[0] === '.') l.emit(ITEM.field);
    else if (word === 'true' || word === 'false') l.emit(ITEM.bool);
    else l.emit(ITEM.identifier);
    return lexInsideAction;
  }
}

// lexField scans a field: .Alphanumeric.
function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, ITEM.field);
}

// lexVariable scans a Variable: $Alphanumeric.
function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) {
    l.emit(ITEM.variable);
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, ITEM.variable);
}

function lexFieldOrVariable(l: Lexer, typ: ItemType): StateFn {
  if (l.atTerminator()) {
    if (typ === ITEM.variable) l.emit(ITEM.variable);
    else l.emit(ITEM.dot);
    return lexInsideAction;
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${hashU(r)}`);
  l.emit(typ);
  return lexInsideAction;
}

// lexChar scans a character constant. The initial quote is already scanned.
function lexChar(l: Lexer): StateFn {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF && r !== 0x0a) continue;
      return l.errorf('unterminated character constant');
    }
    if (r === EOF || r === 0x0a) return l.errorf('unterminated character constant');
    if (r === 0x27) break;
  }
  l.emit(ITEM.charConstant);
  return lexInsideAction;
}

// lexNumber scans a number: decimal, octal, hex, float, or imaginary.
function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${quoteShort(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quoteShort(l.input.slice(l.start, l.pos))}`);
    }
    l.emit(ITEM.complex);
  } else l.emit(ITEM.number);
  return lexInsideAction;
}

// lexQuote scans a quoted string.
function lexQuote(l: Lexer): StateFn {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF && r !== 0x0a) continue;
      return l.errorf('unterminated quoted string');
    }
    if (r === EOF || r === 0x0a) return l.errorf('unterminated quoted string');
    if (r === 0x22) break;
  }
  l.emit(ITEM.string);
  return lexInsideAction;
}

// lexRawQuote scans a raw quoted string.
function lexRawQuote(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) break;
  }
  l.emit(ITEM.rawString);
  return lexInsideAction;
}

/** Go's `lex`: creates a lexer for the input. */
export function lex(name: string, input: string, left: string, right: string, emitComment: boolean, breakOK: boolean, continueOK: boolean): Lexer {
  return new Lexer(name, input, left, right, emitComment, breakOK, continueOK);
}
