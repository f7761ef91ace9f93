/**
 * The Go reflection and conversion helpers sprig's functions share: `strval` (how sprig turns any
 * value into a string), `empty` (sprig's notion of an empty value, used by `default`, `coalesce`,
 * `compact`, ...), spf13/cast's `ToInt64`/`ToInt`/`ToFloat64` (used by the math and conversion
 * functions), `reflect.Kind` names for sprig's error messages, `reflect.DeepEqual`, and Go's
 * string helpers whose Unicode rules differ from JavaScript's (`strings.ToUpper`, `strings.Title`,
 * `strings.Trim`, ...). It defines no template functions (see `sprig.ts`) and does not format
 * values (see `../fmt.ts`).
 */
import { chargeBytes, chargeSteps } from '../budget.js';
import { underscoreOK } from '../strconv.js';
import { sprint } from '../fmt.js';
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  isMap,
  isSlice,
  mapGet,
  mapHas,
  mapKeys,
  sliceItems,
  utf8Bytes,
  utf8Decode,
  type GoPlainMap,
  type GoValue,
} from '../value.js';
import { GoFuncError } from './types.js';

/** sprig's `strval`: strings as they are, everything else as `fmt.Sprintf("%v", v)`. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  return sprint(v === undefined ? null : v);
}

/**
 * sprig's `empty`: nil, zero numbers, false, and empty strings, slices and maps are empty; structs
 * never are; pointers are empty only when nil.
 */
export function isEmpty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case 'boolean':
      return !v;
    case 'string':
      return v.length === 0;
    case 'number':
      return v === 0;
    default:
      break;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GoSlice) return v.items.length === 0;
  if (v instanceof GoMap) return v.entries.size === 0;
  if (v instanceof GoStruct) {
    if (v.type.underlying) return isEmpty(v.type.underlying(v));
    if (v.type.pointer) return v.data === null;
    return false;
  }
  return Object.keys(v).length === 0;
}

/** The error Go reports when code calls a method on `reflect.TypeOf(nil)` (sprig does, for nil lists). */
export function nilDereference(): GoFuncError {
  return new GoFuncError('runtime error: invalid memory address or nil pointer dereference');
}

/** The items of a slice-kinded value, or `undefined` if `v` is not a slice. */
export function listItems(v: GoValue): GoValue[] | undefined {
  if (isSlice(v)) return sliceItems(v);
  return undefined;
}

/** What a map or list header costs in the allocation budget (its entries are charged apart). */
export const COMPOSITE_BYTES = 32;

/** Charges the bytes of joining `parts` with `sep` before the string is built (see `budget.ts`). */
export function chargeJoin(parts: readonly string[], sep: string): void {
  let n = sep.length * parts.length;
  for (const p of parts) n += p.length;
  chargeBytes(n);
}

/**
 * What a function building its result one character at a time costs per character in the
 * allocation budget (JavaScript's intermediate strings and arrays, measured: a 15 MB string through
 * `swapcase` peaked at 824 MB): charged before the walk, so a huge string fails at once.
 */
const RUNE_WALK_BYTES = 32;

/** Charges a character-by-character walk over `s` (see `RUNE_WALK_BYTES`). */
export function chargeRuneWalk(s: string): void {
  chargeBytes(RUNE_WALK_BYTES * s.length);
}

/** Charges `indent`'s result (a pad of `spaces` before each of the lines of `s`) before it is built. */
export function chargeIndent(spaces: number, s: string): void {
  let lines = 1;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) lines++;
  chargeBytes(s.length + Math.abs(spaces) * lines);
}

/** What a part of `goSplit`'s result costs in the allocation budget (slot and string header). */
const SPLIT_PART_BYTES = 16;

/** Builds a Go `[]string`. */
export function stringSlice(items: string[], isNil = false): GoSlice {
  return new GoSlice('string', items, isNil);
}

/** Builds a `map[string]string`. */
export function stringMap(entries: Iterable<[string, string]> = []): GoMap {
  return new GoMap('string', new Map(entries));
}

/** sprig's `strslice`: a slice's elements as strings (nil elements dropped); a non-slice as a one-element list. */
export function strslice(v: GoValue): string[] {
  if (v instanceof GoSlice && v.elem === 'string') return v.items as string[];
  const items = listItems(v);
  if (items) {
    chargeSteps(items.length);
    return items.filter((x) => x !== null && x !== undefined).map(strval);
  }
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

// ---------------------------------------------------------------------------------------------
// spf13/cast (as sprig's toInt64 / toInt / toFloat64 use it; errors become 0)

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `int64(f)` for a float64, with amd64's result for NaN and out-of-range values. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f)) return INT64_MIN;
  const t = BigInt(Math.trunc(f));
  if (t < INT64_MIN || t > INT64_MAX) return INT64_MIN;
  return t;
}

/** cast's `trimZeroDecimal`: `12.00` -> `12`, `12.10` stays. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/**
 * Go's `strconv.ParseInt(s, base, 64)`; base 0 follows Go literal syntax (`0x`, `0o`, `0b`, a
 * leading `0` for octal, underscores between digits). `undefined` on a syntax error; a range
 * error returns the clamped value with `range: true`.
 */
export function parseGoInt(s: string, base: number): { value: bigint; range: boolean } | undefined {
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body === '') return undefined;
  const s0 = body;
  let b = base;
  if (base === 0) {
    b = 10;
    if (body[0] === '0') {
      const p = body[1]?.toLowerCase();
      if (body.length >= 3 && (p === 'x' || p === 'o' || p === 'b')) {
        b = p === 'x' ? 16 : p === 'o' ? 8 : 2;
        body = body.slice(2);
      } else {
        b = 8;
        body = body.slice(1);
      }
    }
  }
  let v = 0n;
  let underscores = false;
  for (const ch of body) {
    if (ch === '_' && base === 0) {
      underscores = true;
      continue;
    }
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= b) return undefined;
    v = v * BigInt(b) + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  if (neg) v = -v;
  if (v > INT64_MAX) return { value: INT64_MAX, range: true };
  if (v < INT64_MIN) return { value: INT64_MIN, range: true };
  return { value: v, range: false };
}

/** Go's `strconv.ParseFloat(s, 64)`; `undefined` on a syntax error. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  if (/^0x/.test(body)) {
    // Hexadecimal floats (rare in templates): mantissa and mandatory p exponent.
    const m = /^0x_?([0-9a-f_]*)(?:\.([0-9a-f_]*))?p([+-]?\d+)$/.exec(body.replace(/_/g, ''));
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const mant = parseInt((m[1] ?? '') + (m[2] ?? '') || '0', 16);
    return sign * mant * 2 ** (Number(m[3]) - 4 * (m[2] ?? '').length);
  }
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(body)) return undefined;
  return sign * Number(body);
}

/** cast.ToInt64E, errors as 0 (what sprig's `int64`, `add`, `sub`, ... see). */
export function castToInt64(v: GoValue): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return floatToInt64(v);
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  if (typeof v === 'string') {
    const r = parseGoInt(trimZeroDecimal(v), 0);
    return r && !r.range ? r.value : 0n;
  }
  // Named types (enums), maps, slices, structs: cast reports an error, sprig sees 0.
  return 0n;
}

/** cast.ToFloat64E, errors as 0. */
export function castToFloat64(v: GoValue): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return Number(v.value);
  if (typeof v === 'string') {
    // strconv.ParseFloat reports a range error for "1e400" (cast then returns 0); "Inf" is valid.
    const f = parseGoFloat(v) ?? 0;
    return Number.isFinite(f) || /inf/i.test(v) ? f : 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// reflect.DeepEqual

/** `reflect.DeepEqual` over GoValues: same dynamic types, same contents; nil and empty containers differ. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  chargeSteps(1);
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') {
    if (typeof a === 'number' && typeof b === 'number') return a === b;
    return a === b;
  }
  if (a instanceof GoInt || b instanceof GoInt) {
    return a instanceof GoInt && b instanceof GoInt && a.type === b.type && a.value === b.value;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof GoSlice || b instanceof GoSlice) {
    if (!(a instanceof GoSlice && b instanceof GoSlice) || a.typeName !== b.typeName) return false;
    if (a.isNilSlice !== b.isNilSlice || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => deepEqual(x, b.items[i]));
  }
  if (a instanceof GoStruct || b instanceof GoStruct) {
    if (!(a instanceof GoStruct && b instanceof GoStruct) || a.type.name !== b.type.name) return false;
    return JSON.stringify(a.data) === JSON.stringify(b.data);
  }
  if (a instanceof GoMap || b instanceof GoMap) {
    if (!(a instanceof GoMap && b instanceof GoMap) || a.typeName !== b.typeName) return false;
    if (a.isNilMap !== b.isNilMap) return false;
  }
  const am = a as GoPlainMap | GoMap;
  const bm = b as GoPlainMap | GoMap;
  const ak = mapKeys(am);
  const bk = mapKeys(bm);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => mapHas(bm, k) && deepEqual(mapGet(am, k), mapGet(bm, k)));
}

/** A deep copy of maps and slices (copystructure.Copy for template data). */
export function deepCopy(v: GoValue): GoValue {
  chargeSteps(1);
  if (v === undefined || v === null || typeof v !== 'object') return v;
  if (v instanceof GoInt || v instanceof GoStruct) return v;
  chargeBytes(COMPOSITE_BYTES);
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof GoSlice) return new GoSlice(v.elem, v.items.map(deepCopy), v.isNilSlice);
  if (v instanceof GoMap) {
    return new GoMap(v.elem, new Map([...v.entries].map(([k, x]) => [k, deepCopy(x)])), v.isNilMap);
  }
  if (isMap(v)) {
    const out = Object.create(null) as GoPlainMap;
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, { value: deepCopy(v[k]), writable: true, enumerable: true, configurable: true });
    }
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Go string functions with Go's Unicode rules

/** `unicode.IsSpace`. */
export function isGoSpace(r: number): boolean {
  if (r <= 0xff) return r === 0x20 || (r >= 0x09 && r <= 0x0d) || r === 0x85 || r === 0xa0;
  return /^\p{White_Space}$/u.test(String.fromCodePoint(r));
}

/** Per-rune simple case mapping, as Go's `unicode.ToUpper`/`ToLower` (no multi-rune expansions). */
function mapRunes(s: string, f: (ch: string) => string): string {
  chargeRuneWalk(s);
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

/**
 * Simple upper (and title) case of the Greek letters with ypogegrammeni, which JavaScript only
 * maps fully (`ᾳ` -> `ΑΙ`); Go's `unicode.ToUpper` maps them to one rune with prosgegrammeni (`ᾼ`).
 */
function greekIotaUpper(ch: string): string | undefined {
  const c = ch.codePointAt(0) ?? 0;
  if ((c >= 0x1f80 && c <= 0x1f87) || (c >= 0x1f90 && c <= 0x1f97) || (c >= 0x1fa0 && c <= 0x1fa7)) return String.fromCodePoint(c + 8);
  if (c === 0x1fb3 || c === 0x1fc3 || c === 0x1ff3) return String.fromCodePoint(c + 9);
  return undefined;
}

/** `unicode.ToUpper` of one rune. */
function toUpperRune(ch: string): string {
  return greekIotaUpper(ch) ?? (ch === 'ß' ? ch : ch.toUpperCase());
}

/** `strings.ToUpper`. */
export function goToUpper(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s.toUpperCase();
  return mapRunes(s, toUpperRune);
}

/** `strings.ToLower`. */
export function goToLower(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase();
  return mapRunes(s, (ch) => (ch === '\u0130' ? 'i' : ch.toLowerCase()));
}

const TITLE_CASE: Readonly<Record<string, string>> = {
  '\u01c4': '\u01c5',
  '\u01c5': '\u01c5',
  '\u01c6': '\u01c5',
  '\u01c7': '\u01c8',
  '\u01c8': '\u01c8',
  '\u01c9': '\u01c8',
  '\u01ca': '\u01cb',
  '\u01cb': '\u01cb',
  '\u01cc': '\u01cb',
  '\u01f1': '\u01f2',
  '\u01f2': '\u01f2',
  '\u01f3': '\u01f2',
};

/** `unicode.ToTitle` of one rune. */
export function toTitleRune(ch: string): string {
  const t = TITLE_CASE[ch];
  if (t !== undefined) return t;
  const u = toUpperRune(ch);
  return [...u].length === 1 ? u : ch;
}

function isLetterOrDigit(ch: string): boolean {
  return /^[\p{L}\p{Nd}]$/u.test(ch);
}

/** `strings.Title` (deprecated in Go, but what sprig's `title` calls). */
export function goTitle(s: string): string {
  chargeRuneWalk(s);
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const r = prev.codePointAt(0) ?? 0;
    let sep: boolean;
    if (r <= 0x7f) sep = !/[0-9A-Za-z_]/.test(prev);
    else if (isLetterOrDigit(prev)) sep = false;
    else sep = isGoSpace(r);
    out += sep ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

/** `strings.Trim(s, cutset)` and friends: `cutset` is a set of runes. */
export function goTrim(s: string, cutset: string, left = true, right = true): string {
  const set = new Set([...cutset]);
  const runes = [...s];
  let a = 0;
  let b = runes.length;
  if (left) while (a < b && set.has(runes[a] as string)) a++;
  if (right) while (b > a && set.has(runes[b - 1] as string)) b--;
  return runes.slice(a, b).join('');
}

/** `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  const runes = [...s];
  let a = 0;
  let b = runes.length;
  while (a < b && isGoSpace(runes[a]?.codePointAt(0) ?? 0)) a++;
  while (b > a && isGoSpace(runes[b - 1]?.codePointAt(0) ?? 0)) b--;
  return runes.slice(a, b).join('');
}

/** `strings.Split(s, sep)` (an empty separator splits into runes). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  // charged before splitting: at most one part per character (per separator's length), each a
  // list slot and a string header
  chargeBytes(SPLIT_PART_BYTES * (Math.floor(s.length / Math.max(sep.length, 1)) + 1));
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n >= runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || n >= parts.length) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/**
 * Decodes UTF-8 bytes as Go's `for range` / `utf8.DecodeRune` walk them: every byte of an invalid
 * or truncated sequence becomes its own U+FFFD (what Go's JSON encoder and `[]rune(s)` show for a
 * string cut mid-rune; the WHATWG decoder would merge a truncated sequence into one U+FFFD).
 */
export function goUtf8Decode(b: Uint8Array): string {
  let valid = true;
  for (const x of b) if (x >= 0x80) valid = false;
  if (valid) return utf8Decode(b);
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need === 0) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (need < 0 || i + need >= b.length) {
      out += '\ufffd';
      i++;
      continue;
    }
    // Second-byte ranges per Go's utf8 acceptance table; following bytes are 0x80..0xBF.
    const b1 = b[i + 1] as number;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    let ok = b1 >= lo && b1 <= hi;
    for (let k = 2; ok && k <= need; k++) {
      const x = b[i + k] as number;
      ok = x >= 0x80 && x <= 0xbf;
    }
    if (!ok) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += utf8Decode(b.subarray(i, i + need + 1));
    i += need + 1;
  }
  return out;
}

/** Go's byte slicing `s[a:b]` on the UTF-8 encoding (each byte of a cut rune shows as U+FFFD). */
export function byteSlice(s: string, a: number, b?: number): string {
  if (!/[^\x00-\x7f]/.test(s)) return s.slice(a, b);
  const bytes = utf8Bytes(s);
  return goUtf8Decode(bytes.subarray(a, b ?? bytes.length));
}

/**
 * goutils' byte walk: `rune(str[i])` for every byte, so a multi-byte character becomes its bytes
 * read as Latin-1 code points (what sprig's `nospace` and `initials` do with non-ASCII text).
 */
export function latin1Runes(s: string): string[] {
  chargeRuneWalk(s);
  return [...utf8Bytes(s)].map((x) => String.fromCharCode(x));
}

/** Go's "slice bounds out of range" panic for `s[a:b]`. */
export function sliceBoundsError(a: number | undefined, b: number | undefined, len: number): GoFuncError {
  if (b !== undefined && b > len) {
    return new GoFuncError(`runtime error: slice bounds out of range [:${b}] with length ${len}`);
  }
  if (a !== undefined && b !== undefined && a > b) {
    return new GoFuncError(`runtime error: slice bounds out of range [${a}:${b}]`);
  }
  if (a !== undefined && a > len) {
    return new GoFuncError(`runtime error: slice bounds out of range [${a}:${len}]`);
  }
  if (b !== undefined && b < 0) return new GoFuncError(`runtime error: slice bounds out of range [:${b}]`);
  return new GoFuncError(`runtime error: slice bounds out of range [${a ?? 0}:]`);
}

/** A Go `int` argument as a JS number (ints in templates are small; huge values saturate). */
export function intArg(v: GoValue): number {
  if (v instanceof GoInt) return Number(v.value);
  if (typeof v === 'number') return Math.trunc(v);
  return 0;
}
