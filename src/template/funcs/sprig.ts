/**
 * Masterminds/sprig v3's text functions (`sprig.TxtFuncMap()`), the subset a render-time injector
 * can offer faithfully: strings, lists, dicts, defaults and flow control, type conversion and
 * reflection, encoding (base64/32, JSON, hashes), paths, regular expressions and math. Each entry
 * declares sprig's Go signature, so argument-count and type errors read as Go's, and follows
 * sprig's edge cases (`default`'s notion of empty, `quote` dropping nil, byte-based `trunc` and
 * `substr`, `indent` padding every line, errors swallowed where sprig swallows them).
 *
 * Deliberately absent, so that a template calling them fails at parse time naming the function:
 * anything that reads the process environment, the network, the clock or a random source
 * (`env`, `expandenv`, `getHostByName`, `now`, `date*`, `ago`, `uuidv4`, `rand*`, `shuffle`,
 * crypto key and certificate generators, `bcrypt`, `htpasswd`, `derivePassword`, `encryptAES`), and
 * functions whose upstream algorithms are not reproduced here (`snakecase`, `camelcase`,
 * `kebabcase`, `wrap`, `wrapWith`, `semver`, `semverCompare`, `urlParse`, `urlJoin`).
 * Where sprig's output depends on Go's random map order (`keys`, `values`), this port sorts.
 * Istio's own functions, some of which replace sprig's, live in `istio.ts`.
 */
import { createHash } from 'node:crypto';
import { chargeBytes, chargeSteps } from '../budget.js';
import { sprint, quoteGo } from '../fmt.js';
import {
  GoInt,
  GoMap,
  GoSlice,
  compareGoStrings,
  isMap,
  mapGet,
  mapHas,
  mapKeys,
  mapSet,
  newGoMap,
  reflectKind,
  typeName,
  utf8Bytes,
  utf8Length,
  type GoPlainMap,
  type GoValue,
} from '../value.js';
import { goJsonMarshal, goJsonUnmarshal } from './sprig-json.js';
import { sprigMathFuncs } from './sprig-math.js';
import { sprigRegexFuncs } from './sprig-regex.js';
import {
  byteSlice,
  castToFloat64,
  castToInt64,
  chargeIndent,
  chargeJoin,
  chargeRuneWalk,
  COMPOSITE_BYTES,
  deepCopy,
  deepEqual,
  goSplit,
  goTitle,
  goToLower,
  goToUpper,
  goTrim,
  goTrimSpace,
  goUtf8Decode,
  intArg,
  isEmpty,
  latin1Runes,
  isGoSpace,
  listItems,
  nilDereference,
  parseGoInt,
  sliceBoundsError,
  stringMap,
  stringSlice,
  strslice,
  strval,
  toTitleRune,
} from './sprig-values.js';
import { defineFunc, GoFuncError, type FuncMap } from './types.js';

/** copystructure.Copy(nil) panics in reflect (for deepCopy and mustDeepCopy alike). */
const DEEP_COPY_NIL = 'reflect: call of reflect.Value.Type on zero Value';

/** Longest string `repeat` builds (a template's whole output is capped by the engine too). */
const MAX_REPEAT_LENGTH = 16 * 1024 * 1024;

const ANY = 'interface {}';
const MAP = 'map[string]interface {}';

// ---------------------------------------------------------------------------------------------
// strings

/** sprig's `indent`: pads every line, the first included. */
export function sprigIndent(spaces: number, v: string): string {
  if (spaces < 0) throw new GoFuncError('strings: negative Repeat count');
  chargeIndent(spaces, v);
  const pad = ' '.repeat(spaces);
  return pad + v.replaceAll('\n', '\n' + pad);
}

/** sprig's `trunc`: byte-based; a negative count keeps the tail. */
export function trunc(c: number, s: string): string {
  const len = utf8Length(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  const len = utf8Length(s);
  if (start < 0) {
    if (end > len || end < 0) throw sliceBoundsError(undefined, end, len);
    return byteSlice(s, 0, end);
  }
  if (end < 0 || end > len) {
    if (start > len) throw sliceBoundsError(start, undefined, len);
    return byteSlice(s, start);
  }
  if (start > end) throw sliceBoundsError(start, end, len);
  return byteSlice(s, start, end);
}

function abbreviate(str: string, offset: number, maxWidth: number): string {
  const len = utf8Length(str);
  if (str === '' || maxWidth < 4 || len <= maxWidth) return str;
  let off = Math.min(offset, len);
  if (len - off < maxWidth - 3) off = len - (maxWidth - 3);
  if (off <= 4) return byteSlice(str, 0, maxWidth - 3) + '...';
  if (maxWidth < 7) return str;
  if (off + maxWidth - 3 < len) return '...' + abbreviate(byteSlice(str, off), 0, maxWidth - 3);
  return '...' + byteSlice(str, len - (maxWidth - 3));
}

function mapWords(s: string, f: (ch: string) => string): string {
  chargeRuneWalk(s);
  let out = '';
  let gap = true;
  for (const ch of s) {
    const space = isGoSpace(ch.codePointAt(0) ?? 0);
    out += !space && gap ? f(ch) : ch;
    gap = space;
  }
  return out;
}

/**
 * goutils.SwapCase: upper and title case letters become lower case; a lower case letter becomes
 * title case at the start of a word (after whitespace or at the start) and upper case elsewhere.
 */
function swapCase(s: string): string {
  chargeRuneWalk(s);
  let out = '';
  let whitespace = true;
  for (const ch of s) {
    if (/^[\p{Lu}\p{Lt}]$/u.test(ch)) {
      out += goToLower(ch);
      whitespace = false;
    } else if (/^\p{Ll}$/u.test(ch)) {
      out += whitespace ? toTitleRune(ch) : goToUpper(ch);
      whitespace = false;
    } else {
      out += ch;
      whitespace = isGoSpace(ch.codePointAt(0) ?? 0);
    }
  }
  return out;
}

function initials(s: string): string {
  // goutils.Initials walks bytes, not runes: each byte is read as a Latin-1 code point.
  let out = '';
  let gap = true;
  for (const ch of latin1Runes(s)) {
    if (isGoSpace(ch.codePointAt(0) ?? 0)) gap = true;
    else if (gap) {
      out += ch;
      gap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace: a byte walk (bytes read as Latin-1 code points), unchanged when nothing is removed. */
function nospace(s: string): string {
  const runes = latin1Runes(s);
  const kept = runes.filter((ch) => !isGoSpace(ch.charCodeAt(0)));
  return kept.length === runes.length ? s : kept.join('');
}

function quoteAll(args: GoValue[], f: (s: string) => string): string {
  return joinCharged(
    args.filter((a) => a !== null && a !== undefined).map((a) => f(strval(a))),
    ' ',
  );
}

/** `parts.join(sep)`, charged to the execution budget before it is built. */
function joinCharged(parts: string[], sep: string): string {
  chargeJoin(parts, sep);
  return parts.join(sep);
}

function splitToMap(parts: string[]): GoMap {
  return stringMap(parts.map((p, i) => [`_${i}`, p] as [string, string]));
}

// ---------------------------------------------------------------------------------------------
// lists

/** A nil `[]interface {}`. */
const NIL_LIST = (): GoSlice => new GoSlice('[]interface {}', [], true);

function requireList(v: GoValue, what: string): GoValue[] {
  if (v === null || v === undefined) throw nilDereference();
  const items = listItems(v);
  if (!items) throw new GoFuncError(`${what} ${reflectKind(v)}`);
  return items;
}

/** Returns a function that panics (non-must) or errors (must) the same way; both surface as errors. */
function listFn(what: string, f: (items: GoValue[], ...rest: GoValue[]) => GoValue) {
  return (list: GoValue, ...rest: GoValue[]): GoValue => f(requireList(list, what), ...rest);
}

function inList(haystack: GoValue[], needle: GoValue): boolean {
  return haystack.some((x) => deepEqual(x, needle));
}

/**
 * A scalar's kind and primitive: two scalars are `reflect.DeepEqual` exactly when both match under
 * SameValueZero (same dynamic type, same value; NaN equals nothing, so it gets `null`). A
 * composite value gets `undefined`.
 */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function scalarKey(v: GoValue): [kind: string, value: unknown] | null | undefined {
  if (v === null || v === undefined) return ['nil', null];
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return [typeof v, v];
    case 'number':
      return Number.isNaN(v) ? null : ['float64', v];
    default:
      if (!(v instanceof GoInt)) return undefined;
      // a number hashes much faster than a bigint; beyond 2^53 the decimal text keeps values apart
      return [v.type, v.value >= -MAX_SAFE && v.value <= MAX_SAFE ? Number(v.value) : String(v.value)];
  }
}

/**
 * A set of values under `reflect.DeepEqual`, linear for scalars (hashed by `scalarKey`): composite
 * values are compared one by one, as sprig does for every value.
 */
class DeepEqualSet {
  private readonly scalars = new Map<string, Set<unknown>>();
  private readonly composites: GoValue[] = [];
  has(v: GoValue): boolean {
    const k = scalarKey(v);
    if (k === null) return false;
    if (k !== undefined) return this.scalars.get(k[0])?.has(k[1]) ?? false;
    return inList(this.composites, v);
  }
  add(v: GoValue): void {
    const k = scalarKey(v);
    if (k === null) return;
    if (k === undefined) {
      this.composites.push(v);
      return;
    }
    let set = this.scalars.get(k[0]);
    if (set === undefined) this.scalars.set(k[0], (set = new Set()));
    set.add(k[1]);
  }
}

function uniq(items: GoValue[]): GoValue[] {
  chargeSteps(items.length);
  const out: GoValue[] = [];
  const seen = new DeepEqualSet();
  for (const x of items) {
    if (seen.has(x)) continue;
    seen.add(x);
    out.push(x);
  }
  return out;
}

/** sprig's `without`: the items not deep-equal to any of `omit`. */
function without(items: GoValue[], omit: GoValue[]): GoValue[] {
  chargeSteps(items.length + omit.length);
  const drop = new DeepEqualSet();
  for (const x of omit) drop.add(x);
  return items.filter((x) => !drop.has(x));
}

function sliceList(list: GoValue, ...indices: GoValue[]): GoValue {
  const items = requireList(list, 'list should be type of slice or array but');
  if (items.length === 0) return null;
  const start = indices.length > 0 ? Number(castToInt64(indices[0] ?? null)) : 0;
  const end = indices.length < 2 ? items.length : Number(castToInt64(indices[1] ?? null));
  // reflect.Value.Slice panics with its own message (not the runtime's slice-bounds one).
  if (start < 0 || end > items.length || start > end) throw new GoFuncError('reflect.Value.Slice: slice index out of bounds');
  const sliced = items.slice(start, end);
  return list instanceof GoSlice ? new GoSlice(list.elem, sliced) : sliced;
}

/** Go's `int(f)` on amd64: NaN and out-of-range values become math.MinInt64. */
function goFloatToInt(f: number): number {
  return Number.isNaN(f) || f >= 2 ** 63 || f < -(2 ** 63) ? Number.MIN_SAFE_INTEGER : Math.trunc(f);
}

/** sprig's `mustChunk`, float arithmetic included (a size <= 0 fails in `make` as in Go). */
function chunk(size: number, list: GoValue): GoValue {
  const items = requireList(list, 'Cannot chunk type');
  const l = items.length;
  const makeslice = (n: number): void => {
    if (n < 0) throw new GoFuncError('runtime error: makeslice: len out of range');
  };
  const cs = goFloatToInt(Math.floor((l - 1) / size) + 1);
  makeslice(cs);
  const out: GoValue[] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = goFloatToInt(Math.floor(l % size));
      if (clen === 0) clen = size;
    }
    makeslice(clen);
    const part: GoValue[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * size + j;
      if (ix < 0 || ix >= l) throw new GoFuncError('reflect: slice index out of range');
      part.push(items[ix] ?? null);
    }
    out.push(part);
  }
  return new GoSlice('[]interface {}', out);
}

// ---------------------------------------------------------------------------------------------
// dicts

function asPlain(d: GoValue): GoPlainMap {
  if (d === null || d === undefined) return newGoMap();
  if (d instanceof GoMap) {
    const out = newGoMap();
    for (const [k, v] of d.entries) mapSet(out, k, v);
    return out;
  }
  return d as GoPlainMap;
}

function dict(args: GoValue[]): GoPlainMap {
  chargeBytes(COMPOSITE_BYTES * (1 + Math.ceil(args.length / 2)));
  const out = newGoMap();
  for (let i = 0; i < args.length; i += 2) {
    const key = strval(args[i] ?? null);
    mapSet(out, key, i + 1 >= args.length ? '' : (args[i + 1] ?? null));
  }
  return out;
}

/** mergo's emptiness test (`isEmptyValue`), as sprig's `merge` sees `interface{}` values. */
function mergoEmpty(v: GoValue): boolean {
  return isEmpty(v);
}

/** mergo.Merge (optionally WithOverride) of `map[string]interface{}` trees, in place on `dst`. */
export function mergeInto(dst: GoPlainMap, src: GoPlainMap, overwrite: boolean): void {
  const keys = mapKeys(src);
  chargeSteps(keys.length);
  for (const key of keys) {
    const s = mapGet(src, key);
    // mergo: a nil source element is skipped, or stored as nil when overwriting.
    if (s === null || s === undefined || (s instanceof GoMap && s.isNilMap) || (s instanceof GoSlice && s.isNilSlice)) {
      if (overwrite) mapSet(dst, key, s ?? null);
      continue;
    }
    const has = mapHas(dst, key);
    const d = has ? mapGet(dst, key) : undefined;
    const srcIsMap = isMap(s);
    const srcIsSlice = Array.isArray(s) || s instanceof GoSlice;
    if (srcIsMap && has && isMap(d) && !(d instanceof GoMap) && !(s instanceof GoMap)) {
      mergeInto(d as GoPlainMap, s as GoPlainMap, overwrite);
    }
    if (srcIsSlice && overwrite) {
      mapSet(dst, key, s);
      continue;
    }
    // mergo v1 (sprig 3.3): a non-empty destination keeps its value against a slice, and against
    // a map only when it is a map itself (merged above); a map overwrites anything else.
    if (has && !mergoEmpty(d) && (srcIsSlice || (srcIsMap && isMap(d)))) continue;
    if (overwrite || !has || mergoEmpty(d)) mapSet(dst, key, s);
  }
}

function merge(overwrite: boolean) {
  return (dst: GoValue, ...srcs: GoValue[]): GoValue => {
    const target = asPlain(dst);
    for (const src of srcs) mergeInto(target, asPlain(src), overwrite);
    return target;
  };
}

function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw new GoFuncError('dig needs at least three arguments');
  const last = args[args.length - 1] ?? null;
  const def = args[args.length - 2] ?? null;
  const keys = args.slice(0, -2);
  const assertMap = (v: GoValue): GoPlainMap => {
    if (!isMap(v) || v instanceof GoMap) {
      // Go's TypeAssertionError names a nil dynamic type "nil" (not fmt's "<nil>").
      const dyn = v === null || v === undefined ? 'nil' : typeName(v);
      throw new GoFuncError(`interface conversion: interface {} is ${dyn}, not map[string]interface {}`);
    }
    return v as GoPlainMap;
  };
  let cur = assertMap(last);
  for (const [i, k] of keys.entries()) {
    if (typeof k !== 'string') {
      throw new GoFuncError(`interface conversion: interface {} is ${typeName(k ?? null)}, not string`);
    }
    if (!mapHas(cur, k)) return def;
    const step = mapGet(cur, k) ?? null;
    if (i === keys.length - 1) return step;
    cur = assertMap(step);
  }
  return def;
}

// ---------------------------------------------------------------------------------------------
// encoding

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Go's `base64.StdEncoding.DecodeString` (a port of `decodeQuantum`): strict padding, `\r` and
 * `\n` skipped anywhere. On bad input sprig returns the error text, whose offset counts bytes of
 * the input as Go does.
 */
function b64decode(v: string): string {
  chargeRuneWalk(v);
  const src = utf8Bytes(v);
  const bad = (i: number): string => `illegal base64 data at input byte ${i}`;
  const isNl = (c: number | undefined): boolean => c === 0x0a || c === 0x0d;
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: string | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return goUtf8Decode(Uint8Array.from(out));
        return bad(si - j);
      }
      const c = src[si] as number;
      si++;
      const d = c < 0x80 ? B64_ALPHABET.indexOf(String.fromCharCode(c)) : -1;
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (isNl(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) return bad(si - 1);
      if (j < 2) return bad(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) return bad(src.length);
        if (src[si] !== 0x3d) return bad(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) trailing = bad(si);
      dlen = j;
      break;
    }
    const val = ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    const bytes = [(val >>> 16) & 255, (val >>> 8) & 255, val & 255];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) return trailing;
  }
  return goUtf8Decode(Uint8Array.from(out));
}

const B32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32encode(s: string): string {
  chargeRuneWalk(s);
  const bytes = utf8Bytes(s);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32_ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** Go's base32.StdEncoding.DecodeString (newlines stripped first); errors are returned as text, as sprig does. */
function b32decode(s: string): string {
  chargeRuneWalk(s);
  // One char per input byte (offsets count bytes, as Go's do), newlines stripped first as Go does.
  const src = Buffer.from(utf8Bytes(s))
    .toString('latin1')
    .replace(/[\r\n]/g, '');
  const olen = src.length;
  const bad = (n: number): string => `illegal base32 data at input byte ${n}`;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < olen && !end) {
    const dbuf: number[] = [];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (p >= olen) return bad(olen - (olen - p) - j);
      const ch = src[p] as string;
      p++;
      const left = olen - p;
      if (ch === '=' && j >= 2 && left < 8) {
        if (left + j < 8 - 1) return bad(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (left > k && src[p + k] !== '=') return bad(olen - left + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return bad(olen - left - 1);
        break;
      }
      const d = B32_ALPHABET.indexOf(ch);
      if (d < 0) return bad(olen - left - 1);
      dbuf.push(d);
      j++;
    }
    let bits = 0;
    let value = 0;
    for (const d of dbuf.slice(0, dlen)) {
      value = (value << 5) | d;
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
      value &= (1 << bits) - 1;
    }
  }
  return goUtf8Decode(Uint8Array.from(out));
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of utf8Bytes(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function hashHex(algo: string, s: string): string {
  return createHash(algo).update(utf8Bytes(s)).digest('hex');
}

function swallow<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoFuncError) return fallback;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// paths (Go's `path` package; `filepath` is the same on Linux)

function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

function pathBase(p: string): string {
  if (p === '') return '.';
  const t = p.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

function pathDir(p: string): string {
  return pathClean(p.slice(0, p.lastIndexOf('/') + 1));
}

function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---------------------------------------------------------------------------------------------

function toDecimal(v: GoValue): GoInt {
  const r = parseGoInt(sprint(v ?? null), 8);
  return new GoInt(r && !r.range ? r.value : 0n, 'int64');
}

function atoi(a: string): GoInt {
  const ok = /^[+-]?\d+$/.test(a);
  if (!ok) return new GoInt(0n, 'int');
  const r = parseGoInt(a, 10);
  return new GoInt(r ? r.value : 0n, 'int');
}

/** sprig's `TxtFuncMap()` subset (see the module comment for what is left out). */
/** sprig's `has`/`mustHas`: is `needle` in the list `haystack` (nil: false). */
function hasIn(needle: GoValue, haystack: GoValue): boolean {
  if (haystack === null || haystack === undefined) return false;
  const items = listItems(haystack);
  if (!items) throw new GoFuncError(`Cannot find has on type ${reflectKind(haystack)}`);
  chargeSteps(items.length);
  return inList(items, needle);
}

export function sprigFuncs(): FuncMap {
  const s = (params: readonly string[], fn: (...a: GoValue[]) => GoValue, result = 'string') => defineFunc(params, fn, { result });
  const str = (v: GoValue): string => v as string;
  const fns: FuncMap = {
    // strings
    hello: s([], () => 'Hello!'),
    upper: s(['string'], (v) => goToUpper(str(v))),
    lower: s(['string'], (v) => goToLower(str(v))),
    title: s(['string'], (v) => goTitle(str(v))),
    untitle: s(['string'], (v) => mapWords(str(v), (ch) => goToLower(ch))),
    swapcase: s(['string'], (v) => swapCase(str(v))),
    initials: s(['string'], (v) => initials(str(v))),
    trim: s(['string'], (v) => goTrimSpace(str(v))),
    trimAll: s(['string', 'string'], (a, b) => goTrim(str(b), str(a))),
    trimall: s(['string', 'string'], (a, b) => goTrim(str(b), str(a))),
    trimPrefix: s(['string', 'string'], (a, b) => (str(b).startsWith(str(a)) ? str(b).slice(str(a).length) : str(b))),
    trimSuffix: s(['string', 'string'], (a, b) => (str(a) !== '' && str(b).endsWith(str(a)) ? str(b).slice(0, str(b).length - str(a).length) : str(b))),
    nospace: s(['string'], (v) => nospace(str(v))),
    trunc: s(['int', 'string'], (c, v) => trunc(intArg(c), str(v))),
    abbrev: s(['int', 'string'], (w, v) => (intArg(w) < 4 ? str(v) : abbreviate(str(v), 0, intArg(w)))),
    abbrevboth: s(['int', 'int', 'string'], (l, r, v) => {
      const left = intArg(l);
      const right = intArg(r);
      if (right < 4 || (left > 0 && right < 7)) return str(v);
      return abbreviate(str(v), left, right);
    }),
    substr: s(['int', 'int', 'string'], (a, b, v) => substr(intArg(a), intArg(b), str(v))),
    repeat: s(['int', 'string'], (n, v) => {
      if (intArg(n) < 0) throw new GoFuncError('strings: negative Repeat count');
      // Go only fails on int overflow; a JS string cannot get that long, so cap it clearly.
      if (intArg(n) * str(v).length > MAX_REPEAT_LENGTH) throw new GoFuncError('strings: Repeat output too long (over 16 MiB)');
      chargeBytes(intArg(n) * str(v).length);
      return str(v).repeat(intArg(n));
    }),
    contains: s(['string', 'string'], (sub, v) => str(v).includes(str(sub)), 'bool'),
    hasPrefix: s(['string', 'string'], (p, v) => str(v).startsWith(str(p)), 'bool'),
    hasSuffix: s(['string', 'string'], (p, v) => str(v).endsWith(str(p)), 'bool'),
    replace: s(['string', 'string', 'string'], (o, n, v) => {
      // at most one replacement per character (or per rune and one more for an empty old string)
      if (str(n).length > str(o).length) chargeBytes((str(v).length + 1) * (str(n).length - str(o).length));
      if (str(o) === '') {
        // strings.Replace with an empty old string inserts `new` around every rune.
        const runes = [...str(v)];
        return str(n) + runes.map((r) => r + str(n)).join('');
      }
      return str(v).replaceAll(str(o), str(n));
    }),
    plural: s(['string', 'string', 'int'], (one, many, c) => (intArg(c) === 1 ? str(one) : str(many))),
    indent: s(['int', 'string'], (n, v) => sprigIndent(intArg(n), str(v))),
    nindent: s(['int', 'string'], (n, v) => '\n' + sprigIndent(intArg(n), str(v))),
    quote: defineFunc([], (...a) => quoteAll(a, (x) => quoteGo(x)), { variadic: ANY, result: 'string' }),
    squote: defineFunc([], (...a) => quoteAll(a, (x) => `'${x}'`), { variadic: ANY, result: 'string' }),
    cat: defineFunc(
      [],
      (...a) =>
        joinCharged(
          a.filter((x) => x !== null && x !== undefined).map((x) => sprint(x ?? null)),
          ' ',
        ),
      {
        variadic: ANY,
        result: 'string',
      },
    ),
    split: s(['string', 'string'], (sep, v) => splitToMap(goSplit(str(v), str(sep))), 'map[string]string'),
    splitList: s(['string', 'string'], (sep, v) => stringSlice(goSplit(str(v), str(sep))), '[]string'),
    splitn: s(['string', 'int', 'string'], (sep, n, v) => splitToMap(intArg(n) === 0 ? [] : goSplit(str(v), str(sep), intArg(n))), 'map[string]string'),
    toString: s([ANY], (v) => strval(v)),
    toStrings: s([ANY], (v) => stringSlice(strslice(v)), '[]string'),
    join: s(['string', ANY], (sep, v) => joinCharged(strslice(v), str(sep))),
    sortAlpha: s(
      [ANY],
      (v) => {
        if (listItems(v)) return stringSlice([...strslice(v)].sort(compareGoStrings));
        return stringSlice([strval(v)]);
      },
      '[]string',
    ),
    sha1sum: s(['string'], (v) => hashHex('sha1', str(v))),
    sha256sum: s(['string'], (v) => hashHex('sha256', str(v))),
    adler32sum: s(['string'], (v) => String(adler32(str(v)))),

    // conversion and reflection
    atoi: s(['string'], (v) => atoi(str(v)), 'int'),
    int: s([ANY], (v) => new GoInt(castToInt64(v), 'int'), 'int'),
    int64: s([ANY], (v) => new GoInt(castToInt64(v), 'int64'), 'int64'),
    float64: s([ANY], (v) => castToFloat64(v), 'float64'),
    toDecimal: s([ANY], (v) => toDecimal(v), 'int64'),
    typeOf: s([ANY], (v) => typeName(v ?? null)),
    typeIs: s(['string', ANY], (t, v) => str(t) === typeName(v ?? null), 'bool'),
    typeIsLike: s(
      ['string', ANY],
      (t, v) => {
        const n = typeName(v ?? null);
        return str(t) === n || '*' + str(t) === n;
      },
      'bool',
    ),
    kindOf: s([ANY], (v) => reflectKind(v)),
    kindIs: s(['string', ANY], (k, v) => str(k) === reflectKind(v), 'bool'),
    deepEqual: s([ANY, ANY], (a, b) => deepEqual(a, b), 'bool'),

    // defaults and flow control
    default: defineFunc([ANY], (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : (given[0] ?? null)), {
      variadic: ANY,
      result: ANY,
    }),
    empty: s([ANY], (v) => isEmpty(v), 'bool'),
    coalesce: defineFunc([], (...vs) => vs.find((v) => !isEmpty(v)) ?? null, { variadic: ANY, result: ANY }),
    all: defineFunc([], (...vs) => vs.every((v) => !isEmpty(v)), { variadic: ANY, result: 'bool' }),
    any: defineFunc([], (...vs) => vs.some((v) => !isEmpty(v)), { variadic: ANY, result: 'bool' }),
    ternary: s([ANY, ANY, 'bool'], (t, f, c) => (c === true ? t : f), ANY),
    fail: defineFunc(
      ['string'],
      (msg) => {
        throw new GoFuncError(str(msg));
      },
      { returnsError: true, result: 'string' },
    ),
    deepCopy: s(
      [ANY],
      (v) => {
        if (v === null || v === undefined) throw new GoFuncError(DEEP_COPY_NIL);
        return deepCopy(v);
      },
      ANY,
    ),
    mustDeepCopy: defineFunc(
      [ANY],
      (v) => {
        if (v === null || v === undefined) throw new GoFuncError(DEEP_COPY_NIL);
        return deepCopy(v);
      },
      { returnsError: true, result: ANY },
    ),

    // encoding
    b64enc: s(['string'], (v) => Buffer.from(utf8Bytes(str(v))).toString('base64')),
    b64dec: s(['string'], (v) => b64decode(str(v))),
    b32enc: s(['string'], (v) => b32encode(str(v))),
    b32dec: s(['string'], (v) => b32decode(str(v))),
    toJson: s([ANY], (v) => swallow(() => goJsonMarshal(v ?? null), '')),
    toPrettyJson: s([ANY], (v) => swallow(() => goJsonMarshal(v ?? null, { indent: '  ' }), '')),
    toRawJson: s([ANY], (v) => goJsonMarshal(v ?? null, { escapeHTML: false })),
    fromJson: s(['string'], (v) => swallow(() => goJsonUnmarshal(str(v)), null), ANY),
    mustToJson: defineFunc([ANY], (v) => goJsonMarshal(v ?? null), { returnsError: true, result: 'string' }),
    mustToPrettyJson: defineFunc([ANY], (v) => goJsonMarshal(v ?? null, { indent: '  ' }), {
      returnsError: true,
      result: 'string',
    }),
    mustToRawJson: defineFunc([ANY], (v) => goJsonMarshal(v ?? null, { escapeHTML: false }), {
      returnsError: true,
      result: 'string',
    }),
    mustFromJson: defineFunc(['string'], (v) => goJsonUnmarshal(str(v)), { returnsError: true, result: ANY }),

    // paths
    base: s(['string'], (v) => pathBase(str(v))),
    dir: s(['string'], (v) => pathDir(str(v))),
    clean: s(['string'], (v) => pathClean(str(v))),
    ext: s(['string'], (v) => pathExt(str(v))),
    isAbs: s(['string'], (v) => str(v).startsWith('/'), 'bool'),
    osBase: s(['string'], (v) => pathBase(str(v))),
    osDir: s(['string'], (v) => pathDir(str(v))),
    osClean: s(['string'], (v) => pathClean(str(v))),
    osExt: s(['string'], (v) => pathExt(str(v))),
    osIsAbs: s(['string'], (v) => str(v).startsWith('/'), 'bool'),

    // lists
    list: defineFunc([], (...v) => v.map((x) => x ?? null), { variadic: ANY, result: '[]interface {}' }),
    tuple: defineFunc([], (...v) => v.map((x) => x ?? null), { variadic: ANY, result: '[]interface {}' }),
    append: s(
      [ANY, ANY],
      listFn('Cannot push on type', (items, v) => [...items, v ?? null]),
      '[]interface {}',
    ),
    push: s(
      [ANY, ANY],
      listFn('Cannot push on type', (items, v) => [...items, v ?? null]),
      '[]interface {}',
    ),
    mustAppend: s(
      [ANY, ANY],
      listFn('Cannot push on type', (items, v) => [...items, v ?? null]),
      '[]interface {}',
    ),
    mustPush: s(
      [ANY, ANY],
      listFn('Cannot push on type', (items, v) => [...items, v ?? null]),
      '[]interface {}',
    ),
    prepend: s(
      [ANY, ANY],
      listFn('Cannot prepend on type', (items, v) => [v ?? null, ...items]),
      '[]interface {}',
    ),
    mustPrepend: s(
      [ANY, ANY],
      listFn('Cannot prepend on type', (items, v) => [v ?? null, ...items]),
      '[]interface {}',
    ),
    first: s(
      [ANY],
      listFn('Cannot find first on type', (items) => (items.length === 0 ? null : (items[0] ?? null))),
      ANY,
    ),
    mustFirst: s(
      [ANY],
      listFn('Cannot find first on type', (items) => (items.length === 0 ? null : (items[0] ?? null))),
      ANY,
    ),
    last: s(
      [ANY],
      listFn('Cannot find last on type', (items) => (items.length === 0 ? null : (items[items.length - 1] ?? null))),
      ANY,
    ),
    mustLast: s(
      [ANY],
      listFn('Cannot find last on type', (items) => (items.length === 0 ? null : (items[items.length - 1] ?? null))),
      ANY,
    ),
    // An empty list gives a nil []interface{} (printed `[]`), not a nil interface.
    rest: s(
      [ANY],
      listFn('Cannot find rest on type', (items) => (items.length === 0 ? NIL_LIST() : items.slice(1))),
      ANY,
    ),
    mustRest: s(
      [ANY],
      listFn('Cannot find rest on type', (items) => (items.length === 0 ? NIL_LIST() : items.slice(1))),
      ANY,
    ),
    initial: s(
      [ANY],
      listFn('Cannot find initial on type', (items) => (items.length === 0 ? NIL_LIST() : items.slice(0, -1))),
      ANY,
    ),
    mustInitial: s(
      [ANY],
      listFn('Cannot find initial on type', (items) => (items.length === 0 ? NIL_LIST() : items.slice(0, -1))),
      ANY,
    ),
    reverse: s(
      [ANY],
      listFn('Cannot find reverse on type', (items) => [...items].reverse()),
      '[]interface {}',
    ),
    mustReverse: s(
      [ANY],
      listFn('Cannot find reverse on type', (items) => [...items].reverse()),
      '[]interface {}',
    ),
    uniq: s(
      [ANY],
      listFn('Cannot find uniq on type', (items) => uniq(items)),
      '[]interface {}',
    ),
    mustUniq: s(
      [ANY],
      listFn('Cannot find uniq on type', (items) => uniq(items)),
      '[]interface {}',
    ),
    compact: s(
      [ANY],
      listFn('Cannot compact on type', (items) => items.filter((x) => !isEmpty(x))),
      '[]interface {}',
    ),
    mustCompact: s(
      [ANY],
      listFn('Cannot compact on type', (items) => items.filter((x) => !isEmpty(x))),
      '[]interface {}',
    ),
    without: defineFunc(
      [ANY],
      listFn('Cannot find without on type', (items, ...omit) => without(items, omit)),
      { variadic: ANY, result: '[]interface {}' },
    ),
    mustWithout: defineFunc(
      [ANY],
      listFn('Cannot find without on type', (items, ...omit) => without(items, omit)),
      { variadic: ANY, result: '[]interface {}' },
    ),
    has: s([ANY, ANY], hasIn, 'bool'),
    mustHas: s([ANY, ANY], hasIn, 'bool'),
    slice: defineFunc([ANY], sliceList, { variadic: ANY, result: ANY }),
    mustSlice: defineFunc([ANY], sliceList, { variadic: ANY, result: ANY, returnsError: true }),
    concat: defineFunc(
      [],
      (...lists) => {
        const out: GoValue[] = [];
        for (const l of lists) {
          if (l === null || l === undefined) throw nilDereference();
          const items = listItems(l);
          if (!items) throw new GoFuncError(`Cannot concat type ${reflectKind(l)} as list`);
          chargeBytes(8 * items.length);
          for (const x of items) out.push(x);
        }
        return out;
      },
      { variadic: ANY, result: ANY },
    ),
    chunk: s(['int', ANY], (n, l) => chunk(intArg(n), l), '[][]interface {}'),
    mustChunk: s(['int', ANY], (n, l) => chunk(intArg(n), l), '[][]interface {}'),

    // dicts
    dict: defineFunc([], (...v) => dict(v), { variadic: ANY, result: MAP }),
    get: s([MAP, 'string'], (d, k) => (mapHas(asPlain(d), str(k)) ? (mapGet(asPlain(d), str(k)) ?? null) : ''), ANY),
    set: s(
      [MAP, 'string', ANY],
      (d, k, v) => {
        const m = asPlain(d);
        mapSet(m, str(k), v ?? null);
        return m;
      },
      MAP,
    ),
    unset: s(
      [MAP, 'string'],
      (d, k) => {
        const m = asPlain(d);
        if (mapHas(m, str(k))) delete m[str(k)];
        return m;
      },
      MAP,
    ),
    hasKey: s([MAP, 'string'], (d, k) => mapHas(asPlain(d), str(k)), 'bool'),
    pluck: defineFunc(['string'], (k, ...ds) => ds.filter((d) => mapHas(asPlain(d), str(k))).map((d) => mapGet(asPlain(d), str(k)) ?? null), {
      variadic: MAP,
      result: '[]interface {}',
    }),
    keys: defineFunc([], (...ds) => stringSlice(ds.flatMap((d) => mapKeys(asPlain(d)))), {
      variadic: MAP,
      result: '[]string',
    }),
    values: s([MAP], (d) => mapKeys(asPlain(d)).map((k) => mapGet(asPlain(d), k) ?? null), '[]interface {}'),
    pick: defineFunc(
      [MAP],
      (d, ...ks) => {
        const out = newGoMap();
        chargeBytes(COMPOSITE_BYTES * (1 + ks.length));
        for (const k of ks) if (mapHas(asPlain(d), str(k))) mapSet(out, str(k), mapGet(asPlain(d), str(k)) ?? null);
        return out;
      },
      { variadic: 'string', result: MAP },
    ),
    omit: defineFunc(
      [MAP],
      (d, ...ks) => {
        const drop = new Set(ks.map(str));
        const out = newGoMap();
        const keys = mapKeys(asPlain(d));
        chargeSteps(keys.length);
        chargeBytes(COMPOSITE_BYTES * (1 + keys.length));
        for (const k of keys) if (!drop.has(k)) mapSet(out, k, mapGet(asPlain(d), k) ?? null);
        return out;
      },
      { variadic: 'string', result: MAP },
    ),
    merge: defineFunc([MAP], merge(false), { variadic: MAP, result: ANY }),
    mergeOverwrite: defineFunc([MAP], merge(true), { variadic: MAP, result: ANY }),
    mustMerge: defineFunc([MAP], merge(false), { variadic: MAP, result: ANY, returnsError: true }),
    mustMergeOverwrite: defineFunc([MAP], merge(true), { variadic: MAP, result: ANY, returnsError: true }),
    dig: defineFunc([], (...ps) => dig(ps), { variadic: ANY, result: ANY, returnsError: true }),

    ...sprigRegexFuncs(),
    ...sprigMathFuncs(),
  };
  return fns;
}
