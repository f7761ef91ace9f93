/**
 * Go's predefined template functions (a port of Go 1.19's `text/template/funcs.go`): `and`, `or`,
 * `not`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `len`, `index`, `slice`, `call`, `print`, `printf`,
 * `println`, `html`, `js`, `urlquery`, with Go's error messages. Functions Go declares with
 * `reflect.Value` parameters use the pseudo type `reflect.Value`: they receive the argument as is
 * (`undefined` for Go's invalid value, `null` for a nil interface). `and`/`or` are evaluated lazily
 * by the evaluator itself (their `fn` is never called). Not responsible for sprig or Istio functions.
 */
import { isPrint, sprint, sprintf, sprintln } from '../fmt.js';
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  compareGoStrings,
  isMap,
  isTrue,
  kindOf,
  mapGet,
  reflectKind,
  sliceItems,
  typeName,
  utf8Bytes,
  utf8Decode,
  utf8Length,
  zeroValue,
  type GoValue,
} from '../value.js';
import { GoFuncError, type FuncDescriptor } from './types.js';

/** The pseudo type of Go's `reflect.Value` parameters. */
export const REFLECT_VALUE = 'reflect.Value';

/**
 * An interface-typed value (Go's `reflect.Value` of kind Interface): an element of a
 * `[]interface{}` or a value of a `map[string]interface{}`, as dot, a variable or a field
 * result. Only the evaluator and the `reflect.Value` builtins see it: Go reports such a value's
 * type as `interface {}` in a few messages, and a nil one as a nil pointer.
 */
export class Iface {
  constructor(readonly v: GoValue) {}
}

/** A builtin's `reflect.Value` argument: a GoValue, or an interface-typed one. */
type RValue = GoValue | Iface;

// ---- helpers mirroring reflect ---------------------------------------------------------------

/** Go's `indirectInterface`: a nil interface becomes the invalid value. */
function indirectInterface(v: RValue): GoValue {
  if (v instanceof Iface) v = v.v;
  return v === null ? undefined : v;
}

/** Go's `truth`. */
export function truth(v: RValue): boolean {
  return isTrue(indirectInterface(v));
}

type Kind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

/** Go's `basicKind` in text/template's funcs.go: the kind of a comparable basic value, else `invalid`. */
function basicKind(v: GoValue): Kind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'uint' || k === 'float' || k === 'string' ? k : 'invalid';
}

function basicValue(v: GoValue): GoValue {
  return v instanceof GoStruct && v.type.underlying ? v.type.underlying(v) : v;
}

const errBadComparisonType = 'invalid type for comparison';
/** Go 1.22+ names both types: "incompatible types for comparison: string and float64". */
const errBadComparison = (a: GoValue, b: GoValue): string => `incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`;
const errNoComparison = 'missing argument for comparison';

/** reflect.Kind, coarse: used by canCompare. */
function isNilValue(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof GoStruct) return v.isNilPointer;
  if (v instanceof GoMap) return v.isNilMap;
  if (v instanceof GoSlice) return v.isNilSlice;
  return false;
}

function comparable(v: GoValue): boolean {
  if (Array.isArray(v) || v instanceof GoSlice || isMap(v)) return false;
  return true;
}

function structEqual(a: GoStruct, b: GoStruct): boolean {
  if (a.type.name !== b.type.name) return false;
  if (a.type.pointer) return a.data === b.data;
  return JSON.stringify(a.data) === JSON.stringify(b.data);
}

// ---- comparison -------------------------------------------------------------------------------

/** Go's `eq`: arg1 == arg2 || arg1 == arg3 || ... */
export function eq(a1: RValue, ...arg2: RValue[]): boolean {
  const arg1 = indirectInterface(a1);
  if (arg2.length === 0) throw new GoFuncError(errNoComparison);
  const k1 = basicKind(arg1);
  for (const a of arg2) {
    const arg = indirectInterface(a);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      // Special case: Can compare integer values regardless of type's sign.
      if (k1 === 'int' && k2 === 'uint') {
        const a = (basicValue(arg1) as GoInt).value;
        t = a >= 0n && a === (basicValue(arg) as GoInt).value;
      } else if (k1 === 'uint' && k2 === 'int') {
        const b = (basicValue(arg) as GoInt).value;
        t = b >= 0n && (basicValue(arg1) as GoInt).value === b;
      } else if (arg1 !== undefined && arg !== undefined) {
        throw new GoFuncError(errBadComparison(arg1, arg));
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'float':
        case 'string':
          t = basicValue(arg1) === basicValue(arg);
          break;
        case 'int':
        case 'uint':
          t = (basicValue(arg1) as GoInt).value === (basicValue(arg) as GoInt).value;
          break;
        default: {
          const rk1 = reflectKind(arg1);
          const rk2 = reflectKind(arg);
          if (!(rk1 === rk2 || rk1 === 'invalid' || rk2 === 'invalid')) {
            throw new GoFuncError(`non-comparable types ${sprintf('%s', arg1)}: ${typeName(arg1)}, ${typeName(arg)}: ${sprintf('%v', arg)}`);
          }
          if (isNilValue(arg1) || isNilValue(arg)) {
            t = isNilValue(arg) === isNilValue(arg1);
          } else {
            if (!comparable(arg)) throw new GoFuncError(`non-comparable type ${sprintf('%s', arg)}: ${typeName(arg)}`);
            if (arg1 instanceof GoStruct && arg instanceof GoStruct) t = structEqual(arg1, arg);
            else t = false;
          }
        }
      }
    }
    if (t) return true;
  }
  return false;
}

/** Go's `ne`. */
export function ne(arg1: RValue, arg2: RValue): boolean {
  return !eq(arg1, arg2);
}

/** Go's `lt`. */
export function lt(a1: RValue, a2: RValue): boolean {
  const arg1 = indirectInterface(a1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new GoFuncError(errBadComparisonType);
  const arg2 = indirectInterface(a2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new GoFuncError(errBadComparisonType);
  const a = basicValue(arg1);
  const b = basicValue(arg2);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') {
      const x = (a as GoInt).value;
      return x < 0n || x < (b as GoInt).value;
    }
    if (k1 === 'uint' && k2 === 'int') {
      const y = (b as GoInt).value;
      return y >= 0n && (a as GoInt).value < y;
    }
    throw new GoFuncError(errBadComparison(arg1, arg2));
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new GoFuncError(errBadComparisonType);
    case 'float':
      return (a as number) < (b as number);
    case 'int':
    case 'uint':
      return (a as GoInt).value < (b as GoInt).value;
    case 'string':
      return compareGoStrings(a as string, b as string) < 0;
    default:
      throw new Error('invalid kind');
  }
}

/** Go's `le`. */
export function le(arg1: RValue, arg2: RValue): boolean {
  if (lt(arg1, arg2)) return true;
  return eq(arg1, arg2);
}

/** Go's `gt`. */
export function gt(arg1: RValue, arg2: RValue): boolean {
  return !le(arg1, arg2);
}

/** Go's `ge`. */
export function ge(arg1: RValue, arg2: RValue): boolean {
  return !lt(arg1, arg2);
}

// ---- len, index, slice, call ------------------------------------------------------------------

const zeroValuePanic = 'reflect: call of reflect.Value.Type on zero Value';

/** Go's `indirect`: through pointers; reports nil. */
function indirect(x: RValue): { v: GoValue; isNil: boolean } {
  const v = x instanceof Iface ? x.v : x;
  if (v === null) return { v, isNil: true };
  if (v instanceof GoStruct && v.type.pointer) {
    if (v.data === null) return { v, isNil: true };
    return { v: new GoStruct({ ...v.type, pointer: false, name: v.type.name.replace(/^\*/, '') }, v.data), isNil: false };
  }
  return { v, isNil: false };
}

/** Go's `length`. */
export function length(item: RValue): GoInt {
  const r = indirect(item);
  if (r.isNil) throw new GoFuncError('len of nil pointer');
  const v = r.v;
  if (v === undefined) throw new GoFuncError(zeroValuePanic);
  if (typeof v === 'string') return new GoInt(utf8Length(v));
  if (Array.isArray(v) || v instanceof GoSlice) return new GoInt(sliceItems(v).length);
  if (v instanceof GoMap) return new GoInt(v.entries.size);
  if (isMap(v)) return new GoInt(Object.keys(v).length);
  throw new GoFuncError(`len of type ${typeName(v)}`);
}

function indexArg(index: RValue, cap: number): number {
  let x: bigint;
  const b = index instanceof Iface ? index : basicValue(index);
  if (b instanceof GoInt) x = b.value;
  else if (index === undefined) throw new GoFuncError('cannot index slice/array with nil');
  else {
    const t = index instanceof Iface || index === null ? 'interface {}' : typeName(index);
    throw new GoFuncError(`cannot index slice/array with type ${t}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new GoFuncError(`index out of range: ${x}`);
  return Number(x);
}

function prepareArg(value: GoValue, argType: string): GoValue {
  if (value === undefined) throw new GoFuncError(`value is nil; should be of type ${argType}`);
  if (typeName(value) === argType) return value;
  throw new GoFuncError(`value has type ${value === null ? 'interface {}' : typeName(value)}; should be ${argType}`);
}

/** Go's `index`. */
export function index(it: RValue, ...indexes: RValue[]): GoValue {
  let item = indirectInterface(it);
  if (item === undefined) throw new GoFuncError('index of untyped nil');
  for (const ix of indexes) {
    const idx = indirectInterface(ix);
    const r = indirect(item);
    if (r.isNil) throw new GoFuncError('index of nil pointer');
    item = r.v;
    if (typeof item === 'string') {
      const bytes = utf8Bytes(item);
      const x = indexArg(idx, bytes.length);
      if (x >= bytes.length) throw new GoFuncError('reflect: string index out of range');
      item = new GoInt(bytes[x] ?? 0, 'uint8');
    } else if (Array.isArray(item) || item instanceof GoSlice) {
      const items = sliceItems(item);
      const x = indexArg(idx, items.length);
      if (x >= items.length) throw new GoFuncError('reflect: slice index out of range');
      const e = items[x];
      item = e === undefined ? null : e;
    } else if (isMap(item)) {
      const key = prepareArg(idx, 'string') as string;
      const x = mapGet(item, key);
      if (x !== undefined) item = x;
      else item = item instanceof GoMap ? zeroValue(item.elem) : null;
    } else {
      throw new GoFuncError(`can't index item of type ${typeName(item as GoValue)}`);
    }
  }
  return item;
}

/** Go's `slice`. */
export function slice(it: RValue, ...indexes: RValue[]): GoValue {
  const item = indirectInterface(it);
  if (item === undefined) throw new GoFuncError('slice of untyped nil');
  if (indexes.length > 3) throw new GoFuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new GoFuncError('cannot 3-index slice a string');
    len = cap = utf8Length(item);
  } else if (Array.isArray(item) || item instanceof GoSlice) {
    len = cap = sliceItems(item).length;
  } else {
    throw new GoFuncError(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((index, i) => {
    idx[i] = indexArg(index, cap);
  });
  const [i0, i1, i2] = idx as [number, number, number];
  if (i0 > i1) throw new GoFuncError(`invalid slice index: ${i0} > ${i1}`);
  if (indexes.length === 3 && i1 > i2) throw new GoFuncError(`invalid slice index: ${i1} > ${i2}`);
  if (typeof item === 'string') return utf8Decode(utf8Bytes(item).slice(i0, i1));
  if (Array.isArray(item)) return item.slice(i0, i1);
  return new GoSlice(item.elem, item.items.slice(i0, i1));
}

/**
 * Go's `call`: the data model has no function values, so this reports Go's errors. `name` is the
 * callee as the template wrote it (exec passes it, as Go's evalCall does since Go 1.21).
 */
export function call(name: string, f: RValue): GoValue {
  const fn = indirectInterface(f);
  if (fn === undefined) throw new GoFuncError('call of nil');
  throw new GoFuncError(`non-function ${name} of type ${typeName(fn)}`);
}

// ---- escaping ---------------------------------------------------------------------------------

/** Go's `evalArgs`: one string argument as is, else `fmt.Sprint` of printable values. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(...args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

/** Go's `HTMLEscapeString`. */
export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** Go's `JSEscapeString`. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
      default:
        break;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80) out += ch;
    else if (isPrint(r)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---- the table --------------------------------------------------------------------------------

const RV = REFLECT_VALUE;
const ANY = 'interface {}';

const unreachable = (): GoValue => {
  throw new Error('unreachable'); // and/or are implemented as a special case in evalCall
};

/** Go's `builtins()`. */
export const BUILTINS: Readonly<Record<string, FuncDescriptor>> = {
  and: { fn: unreachable, params: [RV], variadic: RV, result: RV },
  call: { fn: (f) => call('', f), params: [RV], variadic: RV, returnsError: true, result: RV },
  html: { fn: (...a) => htmlEscapeString(evalArgs(a)), params: [], variadic: ANY, result: 'string' },
  index: { fn: (item, ...ix) => index(item, ...ix), params: [RV], variadic: RV, returnsError: true, result: RV },
  slice: { fn: (item, ...ix) => slice(item, ...ix), params: [RV], variadic: RV, returnsError: true, result: RV },
  js: { fn: (...a) => jsEscapeString(evalArgs(a)), params: [], variadic: ANY, result: 'string' },
  len: { fn: (item) => length(item), params: [RV], returnsError: true, result: 'int' },
  not: { fn: (a) => !truth(a as RValue), params: [RV], result: 'bool' },
  or: { fn: unreachable, params: [RV], variadic: RV, result: RV },
  print: { fn: (...a) => sprint(...a), params: [], variadic: ANY, result: 'string' },
  printf: { fn: (f, ...a) => sprintf(f as string, ...a), params: ['string'], variadic: ANY, result: 'string' },
  println: { fn: (...a) => sprintln(...a), params: [], variadic: ANY, result: 'string' },
  urlquery: { fn: (...a) => queryEscape(evalArgs(a)), params: [], variadic: ANY, result: 'string' },
  eq: { fn: (a, ...b) => eq(a, ...b), params: [RV], variadic: RV, returnsError: true, result: 'bool' },
  ge: { fn: (a, b) => ge(a, b), params: [RV, RV], returnsError: true, result: 'bool' },
  gt: { fn: (a, b) => gt(a, b), params: [RV, RV], returnsError: true, result: 'bool' },
  le: { fn: (a, b) => le(a, b), params: [RV, RV], returnsError: true, result: 'bool' },
  lt: { fn: (a, b) => lt(a, b), params: [RV, RV], returnsError: true, result: 'bool' },
  ne: { fn: (a, b) => ne(a, b), params: [RV, RV], returnsError: true, result: 'bool' },
};
