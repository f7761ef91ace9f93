/**
 * Go's `fmt.Sprintf`, `fmt.Sprint` and `fmt.Sprintln` over GoValues (see `value.ts`), ported from
 * Go 1.19's `fmt/print.go` and `fmt/format.go`, plus the `strconv` pieces they need (`Quote`,
 * `QuoteRune`, `FormatFloat` with round-half-even on the exact binary value). Verbs: %v %+v %#v
 * (partial) %T %s %q %x %X %d %b %o %O %c %U %t %e %E %f %F %g %G, flags `+ - # 0 space`, width,
 * precision, `*` and explicit argument indexes `%[n]d`, and Go's error notations (`%!d(string=x)`,
 * `%!v(MISSING)`, `%!(EXTRA ...)`, `%!(NOVERB)`, `%!(BADINDEX)`, `%!(BADWIDTH)`, `%!(BADPREC)`).
 * It is not responsible for template semantics such as `<no value>` (that is `exec.ts`); `%p` and
 * hexadecimal floats are approximations (Go prints memory addresses there).
 */
import { chargeBytes, chargeSteps } from './budget.js';
import { GoInt, GoMap, GoSlice, GoStruct, isMap, mapEntries, sliceItems, typeName, utf8Bytes, type GoValue } from './value.js';

interface Flags {
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
}

function clearFlags(): Flags {
  return {
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';

/** The printer state, as Go's `pp`. */
class Printer {
  buf: string[] = [];
  f: Flags = clearFlags();
  arg: GoValue = null;
  /** Whether `arg` is meaningful (Go's `p.arg != nil` vs `p.value.IsValid()`). */
  erroring = false;
  reordered = false;
  goodArgNum = true;

  write(s: string): void {
    chargeBytes(s.length);
    this.buf.push(s);
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    chargeBytes(n);
    this.buf.push((this.f.zero ? '0' : ' ').repeat(n));
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.write(s);
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.write(s);
    } else {
      this.write(s);
      this.writePadding(width);
    }
  }

  truncateString(s: string): string {
    if (this.f.precPresent) {
      let n = this.f.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  fmtInteger(u: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const f = this.f;
    const negative = isSigned && u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let s = u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (f.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = '0' + digits[16] + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (f.plus) s = '+' + s;
    else if (f.space) s = ' ' + s;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(s);
    f.zero = oldZero;
  }

  fmtC(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
    this.pad(String.fromCodePoint(r));
  }

  fmtQc(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n) r = 0xfffd;
    this.pad(quoteRune(r, this.f.plus));
  }

  fmtUnicode(u: bigint): void {
    u = BigInt.asUintN(64, u);
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = 'U+' + s;
    if (this.f.sharp && u <= 0x10ffffn && u >= 0n && isPrint(Number(u))) {
      s += " '" + String.fromCodePoint(Number(u)) + "'";
    }
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  fmtSx(s: string, digits: string): void {
    const b = utf8Bytes(s);
    let length = b.length;
    const f = this.f;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    let out = '';
    if (f.sharp) out += '0' + digits[16];
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        out += ' ';
        if (f.sharp) out += '0' + digits[16];
      }
      const c = b[i] ?? 0;
      out += (digits[c >> 4] ?? '') + (digits[c & 0xf] ?? '');
    }
    this.write(out);
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quoteGo(s, this.f.plus));
  }

  fmtFloatF(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep
    } else num = '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const ch = body[i];
        if (ch === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (ch === 'p' || ch === 'P' || ((ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        }
        if (ch !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && f.widPresent && f.wid > num.length) {
        this.write(num[0] ?? '');
        this.writePadding(f.wid - num.length);
        this.write(num.slice(1));
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  badVerb(verb: string, value: GoValue, hasValue: boolean): void {
    this.erroring = true;
    this.write('%!' + verb + '(');
    if (hasValue && value !== null && value !== undefined) {
      this.write(typeName(value) + '=');
      this.printArg(value, 'v');
    } else {
      this.write('<nil>');
    }
    this.write(')');
    this.erroring = false;
  }

  /** Go's handleMethods: Stringer/error formatting for verbs that accept strings. */
  handleMethods(v: GoValue, verb: string): boolean {
    if (this.erroring) return false;
    if (!(v instanceof GoStruct) || !v.type.format) return false;
    if (this.f.sharpV) return false;
    if (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q') {
      this.fmtString(v.type.format(v), verb, v);
      return true;
    }
    return false;
  }

  fmtString(s: string, verb: string, orig: GoValue): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case 's':
        this.fmtS(s);
        return;
      case 'x':
        this.fmtSx(s, LDIGITS);
        return;
      case 'X':
        this.fmtSx(s, UDIGITS);
        return;
      case 'q':
        this.fmtQ(s);
        return;
      default:
        this.badVerb(verb, orig, true);
    }
  }

  fmtIntegerVerb(v: GoInt, verb: string): void {
    const signed = !v.unsigned;
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) {
          this.fmt0x64(v.value, true);
        } else this.fmtInteger(v.value, 10, signed, verb, LDIGITS);
        return;
      case 'd':
        this.fmtInteger(v.value, 10, signed, verb, LDIGITS);
        return;
      case 'b':
        this.fmtInteger(v.value, 2, signed, verb, LDIGITS);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(v.value, 8, signed, verb, LDIGITS);
        return;
      case 'x':
        this.fmtInteger(v.value, 16, signed, verb, LDIGITS);
        return;
      case 'X':
        this.fmtInteger(v.value, 16, signed, verb, UDIGITS);
        return;
      case 'c':
        this.fmtC(v.value);
        return;
      case 'q':
        this.fmtQc(v.value);
        return;
      case 'U':
        this.fmtUnicode(v.value);
        return;
      default:
        this.badVerb(verb, v, true);
    }
  }

  fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtInteger(v, 16, false, 'v', LDIGITS);
    this.f.sharp = sharp;
  }

  fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloatF(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloatF(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloatF(v, verb, 6);
        return;
      case 'F':
        this.fmtFloatF(v, 'f', 6);
        return;
      default:
        this.badVerb(verb, v, true);
    }
  }

  printArg(arg: GoValue, verb: string): void {
    if (arg === null || arg === undefined) {
      if (arg === undefined && verb !== 'T') {
        // A Go reflect.Value{} passed to fmt.
        this.write('<invalid reflect.Value>');
        return;
      }
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null, false);
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeName(arg));
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, 'p');
      return;
    }
    this.printValue(arg, verb, 0);
  }

  fmtPointer(v: GoValue, verb: string): void {
    const pointerish = Array.isArray(v) || v instanceof GoSlice || v instanceof GoMap || (v instanceof GoStruct && v.type.pointer) || isMap(v);
    if (!pointerish) {
      this.badVerb(verb, v, true);
      return;
    }
    const isNilPtr = (v instanceof GoStruct && v.isNilPointer) || (v instanceof GoMap && v.isNilMap) || (v instanceof GoSlice && v.isNilSlice);
    const u = isNilPtr ? 0n : 0xc000010000n;
    if (verb === 'v') {
      if (u === 0n) this.pad('<nil>');
      else this.fmt0x64(u, !this.f.sharp);
    } else if (verb === 'p') this.fmt0x64(u, !this.f.sharp);
    else this.badVerb(verb, v, true);
  }

  printValue(v: GoValue, verb: string, depth: number): void {
    chargeSteps(1);
    if (depth > 0 && v !== undefined && v !== null) {
      if (this.handleMethods(v, verb)) return;
    } else if (depth === 0 && this.handleMethods(v, verb)) {
      return;
    }
    if (v === undefined || v === null) {
      // A nil interface inside a container.
      if (this.f.sharpV) this.write('interface {}(nil)');
      else this.write('<nil>');
      return;
    }
    switch (typeof v) {
      case 'boolean':
        if (verb === 't' || verb === 'v') this.fmtBoolean(v);
        else this.badVerb(verb, v, true);
        return;
      case 'number':
        this.fmtFloatVerb(v, verb);
        return;
      case 'string':
        this.fmtString(v, verb, v);
        return;
      default:
        break;
    }
    if (v instanceof GoInt) {
      this.fmtIntegerVerb(v, verb);
      return;
    }
    if (v instanceof GoStruct) {
      if (v.type.underlying) {
        this.printValue(v.type.underlying(v), verb, depth + 1);
        return;
      }
      if (v.isNilPointer) {
        this.fmtPointer(v, verb);
        return;
      }
      if (v.type.pointer) {
        if (depth === 0) this.write('&');
        else {
          this.fmtPointer(v, verb);
          return;
        }
      }
      if (this.f.sharpV) this.write(v.type.name.replace(/^\*/, ''));
      this.write('{');
      const fields = v.type.fields ? Object.keys(v.type.fields) : [];
      fields.forEach((name, i) => {
        if (i > 0) this.write(this.f.sharpV ? ', ' : ' ');
        if (this.f.plusV || this.f.sharpV) this.write(name + ':');
        const getter = v.type.fields?.[name];
        this.printValue(getter ? getter(v) : null, verb, depth + 1);
      });
      this.write('}');
      return;
    }
    if (Array.isArray(v) || v instanceof GoSlice) {
      if (v instanceof GoSlice && v.elem === 'uint8' && (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')) {
        const bytes = Uint8Array.from(v.items.map((x) => (x instanceof GoInt ? Number(x.value) : 0)));
        const s = new TextDecoder().decode(bytes);
        this.fmtString(s, verb, v);
        return;
      }
      const items = sliceItems(v);
      if (this.f.sharpV) {
        this.write(typeName(v));
        if (v instanceof GoSlice && v.isNilSlice) {
          this.write('(nil)');
          return;
        }
        this.write('{');
        items.forEach((x, i) => {
          if (i > 0) this.write(', ');
          this.printValue(x, verb, depth + 1);
        });
        this.write('}');
        return;
      }
      this.write('[');
      items.forEach((x, i) => {
        if (i > 0) this.write(' ');
        this.printValue(x, verb, depth + 1);
      });
      this.write(']');
      return;
    }
    if (isMap(v)) {
      if (this.f.sharpV) {
        this.write(typeName(v));
        if (v instanceof GoMap && v.isNilMap) {
          this.write('(nil)');
          return;
        }
        this.write('{');
      } else this.write('map[');
      mapEntries(v).forEach(([k, x], i) => {
        if (i > 0) this.write(this.f.sharpV ? ', ' : ' ');
        this.printValue(k, verb, depth + 1);
        this.write(':');
        this.printValue(x, verb, depth + 1);
      });
      this.write(this.f.sharpV ? '}' : ']');
      return;
    }
    this.write('?');
  }

  doPrintf(format: string, a: readonly GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.write(format.slice(lasti, i));
      if (i >= end) break;
      i++;
      this.f = clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i] ?? '';
        switch (c) {
          case '#':
            this.f.sharp = true;
            break;
          case '0':
            this.f.zero = !this.f.minus;
            break;
          case '+':
            this.f.plus = true;
            break;
          case '-':
            this.f.minus = true;
            this.f.zero = false;
            break;
          case ' ':
            this.f.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.f.sharpV = this.f.sharp;
                this.f.sharp = false;
                this.f.plusV = this.f.plus;
                this.f.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i < end && format[i] === '*') {
        i++;
        [this.f.wid, this.f.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.f.widPresent) this.write('%!(BADWIDTH)');
        if (this.f.wid < 0) {
          this.f.wid = -this.f.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        [this.f.wid, this.f.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.f.widPresent) this.goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.f.prec, this.f.precPresent, argNum] = intFromArg(a, argNum);
          if (this.f.prec < 0) {
            this.f.prec = 0;
            this.f.precPresent = false;
          }
          if (!this.f.precPresent) this.write('%!(BADPREC)');
          afterIndex = false;
        } else {
          [this.f.prec, this.f.precPresent, i] = parsenum(format, i, end);
          if (!this.f.precPresent) {
            this.f.prec = 0;
            this.f.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i >= end) {
        this.write('%!(NOVERB)');
        break;
      }
      const cp = format.codePointAt(i) ?? 0;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') {
        this.write('%');
      } else if (!this.goodArgNum) {
        this.write('%!' + verb + '(BADINDEX)');
      } else if (argNum >= a.length) {
        this.write('%!' + verb + '(MISSING)');
      } else {
        if (verb === 'v') {
          this.f.sharpV = this.f.sharp;
          this.f.sharp = false;
          this.f.plusV = this.f.plus;
          this.f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!this.reordered && argNum < a.length) {
      this.f = clearFlags();
      this.write('%!(EXTRA ');
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.write(', ');
        if (arg === null || arg === undefined) this.write('<nil>');
        else {
          this.write(typeName(arg) + '=');
          this.printArg(arg, 'v');
        }
      });
      this.write(')');
    }
  }

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let newi = start;
  for (; newi < end && (s[newi] ?? '') >= '0' && (s[newi] ?? '') <= '9'; newi++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(newi) - 48);
    isnum = true;
  }
  return [num, isnum, newi];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

function intFromArg(a: readonly GoValue[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    if (v instanceof GoInt) {
      const n = v.value;
      if (n >= -(2n ** 63n) && n < 2n ** 63n) {
        num = Number(n);
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** Go's `fmt.Sprintf`. */
export function sprintf(format: string, ...args: GoValue[]): string {
  const fast = sprintfPlain(format, args);
  if (fast !== undefined) return fast;
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf.join('');
}

/**
 * `Sprintf` for the common templates' formats, without a `Printer`: only `%%`, and `%s`/`%v` of a
 * string or `%t`/`%v` of a bool (printed as they are), with exactly one operand per verb.
 * `undefined` for anything else (flags, widths, other verbs or operands, missing or extra ones).
 */
function sprintfPlain(format: string, args: readonly GoValue[]): string | undefined {
  let out = '';
  let last = 0;
  let argNum = 0;
  for (let i = format.indexOf('%'); i >= 0; i = format.indexOf('%', last)) {
    const verb = format.charCodeAt(i + 1);
    out += format.slice(last, i);
    last = i + 2;
    if (verb === 37 /* % */) {
      out += '%';
      continue;
    }
    if (argNum >= args.length) return undefined;
    const a = args[argNum++];
    if (typeof a === 'string' && (verb === 115 /* s */ || verb === 118) /* v */) out += a;
    else if (typeof a === 'boolean' && (verb === 116 /* t */ || verb === 118) /* v */) out += a ? 'true' : 'false';
    else return undefined;
  }
  if (argNum !== args.length) return undefined;
  return out + format.slice(last);
}

function isStringArg(v: GoValue): boolean {
  if (typeof v === 'string') return true;
  if (v instanceof GoStruct && v.type.underlying) return typeof v.type.underlying(v) === 'string';
  return false;
}

/** Go's `fmt.Sprint`: operands formatted with %v, a space between two operands when neither is a string. */
export function sprint(...args: GoValue[]): string {
  if (args.length === 1) {
    // Fast paths for one basic operand (what a template action prints), same text as below: %v
    // of a string is the string, of a bool true/false, of an int its decimal digits, and of a
    // float64 that is an integer below 1e6 in magnitude (not -0) its digits (%g switches to
    // exponent form from 1e+06).
    const a = args[0];
    switch (typeof a) {
      case 'string':
        return a;
      case 'boolean':
        return a ? 'true' : 'false';
      case 'number':
        if (Number.isInteger(a) && a > -1e6 && a < 1e6 && !Object.is(a, -0)) return String(a);
        break;
      default:
        if (a instanceof GoInt) return a.value.toString();
    }
  }
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, n) => {
    const isString = isStringArg(arg);
    if (n > 0 && !isString && !prevString) p.write(' ');
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.buf.join('');
}

/** Go's `fmt.Sprintln`: operands with %v separated by spaces, and a newline. */
export function sprintln(...args: GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, n) => {
    if (n > 0) p.write(' ');
    p.printArg(arg, 'v');
  });
  p.write('\n');
  return p.buf.join('');
}

// ---------------------------------------------------------------------------------------------
// strconv

/** Approximates Go's `unicode.IsPrint` / `strconv.IsPrint`. */
export function isPrint(r: number): boolean {
  if (r < 0x20) return false;
  if (r < 0x7f) return true;
  if (r < 0xa1) return false;
  if (r === 0xad) return false;
  const ch = String.fromCodePoint(r);
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCodePoint(r);
  } else if (isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
    default:
      break;
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + r.toString(16).padStart(2, '0');
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return '\\ufffd';
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

/** Go's `strconv.Quote` (or `QuoteToASCII` with `asciiOnly`). Lone surrogates print as `\ufffd`-like replacement. */
// Printable ASCII other than `"` and `\`: strconv.Quote writes it as it is.
const QUOTE_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function quoteGo(s: string, asciiOnly = false): string {
  if (QUOTE_PLAIN.test(s)) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r >= 0xd800 && r <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    out += escapeRune(r, 0x22, asciiOnly);
  }
  return out + '"';
}

/** Go's `strconv.QuoteRune`. */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  return "'" + escapeRune(r, 0x27, asciiOnly) + "'";
}

/** Go's `strconv.CanBackquote`. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r === 0xfeff) return false;
    if (r === 0x60) return false;
    if (r < 0x20 && r !== 0x09) return false;
    if (r === 0x7f) return false;
    if (r >= 0xd800 && r <= 0xdfff) return false;
  }
  return true;
}

/** Exact decimal expansion of a finite non-negative double: value = 0.d1d2... x 10^dp. */
function exactDecimal(v: number): { d: string; dp: number } {
  if (v === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  digits = digits.replace(/0+$/, '');
  return { d: digits, dp };
}

/** Rounds a decimal digit string to `nd` digits, half to even (Go's `decimal.Round`). */
function roundDecimal(dec: { d: string; dp: number }, nd: number): { d: string; dp: number } {
  const { d } = dec;
  if (nd < 0 || nd >= d.length) return nd < 0 ? { d: '', dp: dec.dp } : dec;
  const c = d.charCodeAt(nd);
  let up: boolean;
  if (c > 53) up = true;
  else if (c < 53) up = false;
  else if (nd + 1 < d.length) up = true;
  else up = nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return { d: d.slice(0, nd).replace(/0+$/, ''), dp: dec.dp };
  // round up
  const arr = d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && arr[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dec.dp + 1 };
  arr[i] = String.fromCharCode((arr[i] ?? '0').charCodeAt(0) + 1);
  return { d: arr.slice(0, i + 1).join(''), dp: dec.dp };
}

/** Shortest decimal that round-trips (Go's shortest `FormatFloat` digits). */
function shortestDecimal(v: number): { d: string; dp: number } {
  if (v === 0) return { d: '', dp: 0 };
  const s = v.toExponential(); // "d.ddde+x"
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return exactDecimal(v);
  const digits = ((m[1] ?? '') + (m[2] ?? '')).replace(/0+$/, '');
  return { d: digits, dp: Number(m[3]) + 1 };
}

function digitAt(d: string, i: number): string {
  return i >= 0 && i < d.length ? (d[i] ?? '0') : '0';
}

function fmtE(neg: boolean, dec: { d: string; dp: number }, prec: number, ch: string): string {
  let out = neg ? '-' : '';
  out += dec.d.length === 0 ? '0' : digitAt(dec.d, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(dec.d, i);
  }
  out += ch;
  let exp = dec.d.length === 0 ? 0 : dec.dp - 1;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, dec: { d: string; dp: number }, prec: number): string {
  let out = neg ? '-' : '';
  if (dec.dp > 0) {
    for (let i = 0; i < dec.dp; i++) out += digitAt(dec.d, i);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(dec.d, dec.dp + i - 1);
  }
  return out;
}

/**
 * Go's `strconv.FormatFloat(v, fmt, prec, 64)` for fmt `e E f g G` (prec -1 = shortest);
 * `b x X` fall back to an approximation.
 */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (fmt === 'b' || fmt === 'x' || fmt === 'X') return formatFloatHexish(v, fmt, prec);
  const shortest = prec < 0;
  let dec: { d: string; dp: number };
  if (shortest) {
    dec = shortestDecimal(a);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(dec.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(dec.d.length - dec.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = dec.d.length;
        break;
      default:
        break;
    }
  } else {
    const exact = exactDecimal(a);
    switch (fmt) {
      case 'e':
      case 'E':
        dec = roundDecimal(exact, prec + 1);
        break;
      case 'f':
        dec = roundDecimal(exact, exact.dp + prec);
        break;
      case 'g':
      case 'G':
        if (prec === 0) prec = 1;
        dec = roundDecimal(exact, prec);
        break;
      default:
        dec = exact;
    }
  }
  // Normalise: an empty digit string is zero.
  if (dec.d.length === 0) dec = { d: '', dp: 0 };
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, dec, prec, fmt);
    case 'f':
      return fmtF(neg, dec, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      const nd = dec.d.length;
      if (eprec > nd && nd >= dec.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = dec.dp - 1;
      if (nd !== 0 && (exp < -4 || exp >= eprec)) {
        if (prec > nd) prec = nd;
        return fmtE(neg, dec, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (nd === 0) {
        // zero: Go prints "0" for %g / %v.
        return (neg ? '-' : '') + (prec > 1 && !shortest ? '0' : '0');
      }
      if (prec > dec.dp) prec = nd;
      return fmtF(neg, dec, Math.max(prec - dec.dp, 0));
    }
    default:
      return String(v);
  }
}

function formatFloatHexish(v: number, fmt: string, prec: number): string {
  if (fmt === 'b') {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, v);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const bexp = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e = bexp - 1075;
    if (bexp === 0) e = -1074;
    else mant |= 1n << 52n;
    return (v < 0 ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + String(e);
  }
  // %x: -0x1.8p+01 style
  if (v === 0) return (Object.is(v, -0) ? '-' : '') + (fmt === 'X' ? '0X0P+00' : '0x0p+00');
  const neg = v < 0;
  let a = Math.abs(v);
  let exp = Math.floor(Math.log2(a));
  a = a / 2 ** exp;
  if (a >= 2) {
    a /= 2;
    exp++;
  }
  let frac = a - 1;
  let hex = '';
  const max = prec < 0 ? 13 : prec;
  for (let i = 0; i < max; i++) {
    frac *= 16;
    const dgt = Math.floor(frac);
    hex += dgt.toString(16);
    frac -= dgt;
  }
  if (prec < 0) hex = hex.replace(/0+$/, '');
  let out = (neg ? '-' : '') + '0x1' + (hex ? '.' + hex : '') + 'p' + (exp >= 0 ? '+' : '-') + String(Math.abs(exp)).padStart(2, '0');
  if (fmt === 'X') out = out.toUpperCase();
  return out;
}
