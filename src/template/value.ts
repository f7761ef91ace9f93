/**
 * The Go value model of the template engine: how the values Go's `text/template` sees through
 * `reflect` are represented in JavaScript, plus Go's truthiness, kinds and type names. It is what
 * the evaluator (`exec.ts`), the formatter (`fmt.ts`) and every template function (`funcs/*`) agree
 * on. It does not parse or evaluate templates and does not format values (see `fmt.ts`).
 *
 * Representation (a "GoValue"):
 *
 * | Go                                   | JavaScript                                                |
 * |--------------------------------------|-----------------------------------------------------------|
 * | invalid `reflect.Value` (a missing map key under `missingkey=default`; prints `<no value>`) | `undefined` |
 * | `nil` (nil interface, untyped nil)   | `null`                                                    |
 * | `bool`                               | `boolean`                                                 |
 * | `string` (bytes; `len` counts UTF-8 bytes) | `string`                                            |
 * | `float64` (every JSON/YAML number)   | `number`                                                  |
 * | `int`, `int64`, `uint8`, ...         | `GoInt` (a `bigint` plus its Go type name)                 |
 * | `[]interface{}`                      | a JS array                                                |
 * | `map[string]interface{}`             | a plain object (prototype `Object.prototype` or `null`); keys are read with own-property lookups only |
 * | typed slices (`[]string`, ...)       | `GoSlice`                                                 |
 * | typed maps (`map[string]string`, ...) | `GoMap`                                                  |
 * | structs, pointers to structs, named types with methods (protobuf messages, enums, wrappers) | `GoStruct` |
 *
 * Functions never receive `undefined`: Go passes a missing value to an `interface{}` parameter as
 * `nil`, so the evaluator converts it to `null` first (and reports Go's error for typed parameters).
 *
 * Keys such as `__proto__` or `constructor` are ordinary data: never index a map with `obj[key]`
 * without `Object.hasOwn`; build maps with `newGoMap()` / `mapSet()` (null-prototype objects).
 *
 * Note to the function-library engineer: this file only grows additively. Published API:
 * GoValue, GoInt, goInt, GoSlice, GoMap, GoStruct, StructType, GoKind, kindOf, reflectKind, typeName, isTrue,
 * isNil, isMap, isSlice, mapKeys, mapGet, mapHas, mapEntries, sliceItems, newGoMap, mapSet,
 * toGoInt, toGoFloat, goFloat, compareGoStrings, utf8Length.
 */

/** Go integer types (`int`, `int64`, ...). */
export type IntTypeName = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';

const INT_BITS: Readonly<Record<IntTypeName, { bits: number; signed: boolean }>> = {
  int: { bits: 64, signed: true },
  int8: { bits: 8, signed: true },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
  int64: { bits: 64, signed: true },
  uint: { bits: 64, signed: false },
  uint8: { bits: 8, signed: false },
  uint16: { bits: 16, signed: false },
  uint32: { bits: 32, signed: false },
  uint64: { bits: 64, signed: false },
  uintptr: { bits: 64, signed: false },
};

/** A Go integer of a given type. The value is wrapped to the type's width on construction (Go overflow semantics). */
export class GoInt {
  readonly value: bigint;
  constructor(
    value: bigint | number,
    readonly type: IntTypeName = 'int',
  ) {
    const b = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    const { bits, signed } = INT_BITS[type];
    this.value = signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b);
  }
  get unsigned(): boolean {
    return !INT_BITS[this.type].signed;
  }
  /** The value as a JS number (may lose precision beyond 2^53). */
  toNumber(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
}

/** Constructs a Go integer (`int` unless a type is given). */
export function goInt(value: bigint | number, type: IntTypeName = 'int'): GoInt {
  return new GoInt(value, type);
}

/** Constructs a Go float64 (identity; documents intent). */
export function goFloat(value: number): number {
  return value;
}

/**
 * A Go type a function parameter or a container element can have, written as Go prints it
 * (`reflect.Type.String()`): `interface {}`, `string`, `int`, `float64`, `[]string`,
 * `map[string]string`, `v1.ObjectMeta`, `*v1alpha1.ProxyConfig`, ... A `CustomType` accepts values by predicate
 * (an interface type such as `proto.Message`).
 */
export type GoType = string | CustomType;

export interface CustomType {
  /** The name Go prints for the type. */
  readonly name: string;
  /** Whether a value is assignable to the type. */
  accepts(v: GoValue): boolean;
  /** Whether the zero value of the type is nil (interfaces, pointers, maps, slices): default true. */
  readonly nillable?: boolean;
}

export function goTypeName(t: GoType): string {
  return typeof t === 'string' ? t : t.name;
}

/** A typed Go slice, e.g. `[]string` or `[]v1.Container`. Plain JS arrays are `[]interface {}`. */
export class GoSlice {
  constructor(
    /** Element type, e.g. `string`. */
    readonly elem: GoType,
    readonly items: GoValue[],
    /** A nil slice (prints `[]`, is false, has length 0, but compares equal to nil). */
    readonly isNilSlice = false,
  ) {}
  private name: string | undefined = undefined;
  get typeName(): string {
    return (this.name ??= `[]${goTypeName(this.elem)}`);
  }
}

/** A typed Go map with string keys, e.g. `map[string]string`. Plain objects are `map[string]interface {}`. */
export class GoMap {
  constructor(
    /** Element type, e.g. `string`. */
    readonly elem: GoType,
    readonly entries: Map<string, GoValue> = new Map(),
    /** A nil map (reads as empty, prints `map[]`, is nil for `eq`/`default`). */
    readonly isNilMap = false,
  ) {}
  private name: string | undefined = undefined;
  get typeName(): string {
    return (this.name ??= `map[string]${goTypeName(this.elem)}`);
  }
}

/**
 * A method of a struct-like value. `params` are Go types of the arguments after the receiver;
 * `returnsError` mirrors a Go `(T, error)` signature (throw `GoFuncError` to return an error).
 */
export interface GoMethod {
  readonly fn: (self: GoStruct, ...args: GoValue[]) => GoValue;
  readonly params?: readonly GoType[];
  readonly variadic?: GoType;
  readonly returnsError?: boolean;
}

/**
 * The type of a struct-like value: a Go struct (or pointer to one), or a named non-struct type that
 * has methods (a protobuf enum). `fields` are read by `.Field`; `methods` are called by `.Method`
 * (methods win over fields, as in Go). Method and field names are Go's (PascalCase).
 */
export interface StructType {
  /** Go's name for the type as `%T` prints it, e.g. `*v1alpha1.ProxyConfig`, `v1.ObjectMeta`. */
  readonly name: string;
  /** True if the value is a pointer (then `data === null` is a nil pointer). */
  readonly pointer?: boolean;
  /** Exported fields in declaration order: name -> getter. Missing fields are Go errors. */
  readonly fields?: Readonly<Record<string, (self: GoStruct) => GoValue>>;
  readonly methods?: Readonly<Record<string, GoMethod>>;
  /**
   * `fmt.Stringer` / `error`: how fmt's `%v`/`%s` print the value. Without it, structs print as
   * Go does: `{f1 f2}` (with `&` for pointers), nil pointers as `<nil>`.
   */
  readonly format?: (self: GoStruct) => string;
  /**
   * For named non-struct types (an enum is a named `int32`): the underlying basic value, used by
   * truthiness, comparisons and `%d`. Absent for real structs.
   */
  readonly underlying?: (self: GoStruct) => GoValue;
}

/** A struct-like Go value: a `StructType` plus the JS data it wraps (`null` for a nil pointer). */
export class GoStruct {
  /**
   * Field values a lazy view has already converted, by field name, for getters that keep them
   * (a field read twice is then the same Go value, as in Go). Not used by the engine itself.
   */
  fieldCache: Map<string, GoValue> | undefined = undefined;
  constructor(
    readonly type: StructType,
    readonly data: unknown,
  ) {}
  get isNilPointer(): boolean {
    return this.type.pointer === true && this.data === null;
  }
}

/** Every value the engine handles. */
export type GoValue = undefined | null | boolean | string | number | GoInt | GoValue[] | GoPlainMap | GoSlice | GoMap | GoStruct;

/** A `map[string]interface{}` as a plain object. */
export interface GoPlainMap {
  [key: string]: GoValue;
}

/** Go's basic kinds, as `text/template` distinguishes them (plus containers). */
export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'uint' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'ptr';

function isPlainObject(v: unknown): v is GoPlainMap {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Is `v` a Go map (plain object or `GoMap`)? */
export function isMap(v: GoValue): v is GoPlainMap | GoMap {
  return v instanceof GoMap || isPlainObject(v);
}

/** Is `v` a Go slice (JS array or `GoSlice`)? */
export function isSlice(v: GoValue): v is GoValue[] | GoSlice {
  return Array.isArray(v) || v instanceof GoSlice;
}

/** Go's `reflect.Kind` names, as `Kind.String()` prints them (the kinds these values can have). */
export type ReflectKind = IntTypeName | 'invalid' | 'bool' | 'float64' | 'string' | 'slice' | 'map' | 'struct' | 'ptr';

/**
 * Go's `reflect.Kind` of `v`: `invalid` for a missing value and for nil, the integer type's own
 * name for a `GoInt`, `float64` for a number; a `GoStruct` of a named basic type (an enum is a
 * named int32) reports its underlying value's kind. This is the one type switch on Go values:
 * `kindOf`, `typeName` and the template builtins' comparison kinds are views of it.
 */
export function reflectKind(v: GoValue): ReflectKind {
  if (v === undefined || v === null) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    default:
      break;
  }
  if (v instanceof GoInt) return v.type;
  if (Array.isArray(v) || v instanceof GoSlice) return 'slice';
  if (v instanceof GoMap) return 'map';
  if (v instanceof GoStruct) {
    if (v.type.underlying) return reflectKind(v.type.underlying(v));
    return v.type.pointer ? 'ptr' : 'struct';
  }
  return 'map';
}

const GO_KIND: Readonly<Record<ReflectKind, GoKind>> = {
  invalid: 'invalid',
  bool: 'bool',
  int: 'int',
  int8: 'int',
  int16: 'int',
  int32: 'int',
  int64: 'int',
  uint: 'uint',
  uint8: 'uint',
  uint16: 'uint',
  uint32: 'uint',
  uint64: 'uint',
  uintptr: 'uint',
  float64: 'float',
  string: 'string',
  slice: 'slice',
  map: 'map',
  struct: 'struct',
  ptr: 'ptr',
};

/** The kind of a value, with the integer sizes folded (`int`, `uint`) and nil told apart from a missing value. */
export function kindOf(v: GoValue): GoKind {
  return v === null ? 'nil' : GO_KIND[reflectKind(v)];
}

/** Go's name of the dynamic type of `v` (`%T`), e.g. `float64`, `map[string]interface {}`, `<nil>` for nil. */
export function typeName(v: GoValue): string {
  if (v === undefined) return '<invalid reflect.Value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoSlice || v instanceof GoMap) return v.typeName;
  if (v instanceof GoStruct) return v.type.name;
  // A basic type's name is its kind; what is left of the maps is a plain object.
  const kind = reflectKind(v);
  return kind === 'map' ? 'map[string]interface {}' : kind;
}

/** Is `v` nil (nil interface, nil pointer, nil map/slice)? A missing value is not nil (it is invalid). */
export function isNil(v: GoValue): boolean {
  if (v === null) return true;
  if (v instanceof GoStruct) return v.isNilPointer;
  if (v instanceof GoMap) return v.isNilMap;
  if (v instanceof GoSlice) return v.isNilSlice;
  return false;
}

/**
 * Go's `template.IsTrue`: false for the zero value of its type (false, 0, "", nil, empty
 * slice/map); structs are always true; a missing value is false.
 */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    default:
      break;
  }
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoSlice) return v.items.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (v instanceof GoStruct) {
    if (v.type.underlying) return isTrue(v.type.underlying(v));
    return !v.isNilPointer;
  }
  return Object.keys(v).length > 0;
}

/** Go's ordering of strings (byte-wise on UTF-8, i.e. by code point). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The keys of a map, sorted as Go's `fmt` and `range` sort them. */
export function mapKeys(m: GoPlainMap | GoMap): string[] {
  const keys = m instanceof GoMap ? [...m.entries.keys()] : Object.keys(m);
  return keys.sort(compareGoStrings);
}

/** Does the map hold `key` (own property only)? */
export function mapHas(m: GoPlainMap | GoMap, key: string): boolean {
  return m instanceof GoMap ? m.entries.has(key) : Object.hasOwn(m, key);
}

/** The value at `key`, or `undefined` (Go: invalid value) if absent. */
export function mapGet(m: GoPlainMap | GoMap, key: string): GoValue {
  if (m instanceof GoMap) return m.entries.get(key);
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

/** Entries in Go's sorted key order. */
export function mapEntries(m: GoPlainMap | GoMap): Array<[string, GoValue]> {
  return mapKeys(m).map((k) => [k, mapGet(m, k)]);
}

/** A new empty `map[string]interface{}` (null prototype, so `__proto__` is an ordinary key). */
export function newGoMap(): GoPlainMap {
  return Object.create(null) as GoPlainMap;
}

/** Sets a key on a map safely (`__proto__` included). */
export function mapSet(m: GoPlainMap | GoMap, key: string, value: GoValue): void {
  if (m instanceof GoMap) {
    m.entries.set(key, value);
    return;
  }
  // Without a prototype there is no `__proto__` setter to hit: a plain assignment makes the key.
  if (Object.getPrototypeOf(m) === null) (m as Record<string, GoValue>)[key] = value;
  else Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The elements of a slice. */
export function sliceItems(s: GoValue[] | GoSlice): GoValue[] {
  return Array.isArray(s) ? s : s.items;
}

/** The zero value of a Go type (used by `index` on a missing key, `missingkey=zero`). */
export function zeroValue(t: GoType): GoValue {
  if (typeof t !== 'string') return null;
  switch (t) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'float64':
    case 'float32':
      return 0;
    default:
      break;
  }
  if (t in INT_BITS) return new GoInt(0n, t as IntTypeName);
  if (t.startsWith('[]')) return new GoSlice(t.slice(2), [], true);
  if (t.startsWith('map[string]')) return new GoMap(t.slice('map[string]'.length), new Map(), true);
  return null;
}

/** Is `t` an integer type name? */
export function isIntTypeName(t: string): t is IntTypeName {
  return Object.hasOwn(INT_BITS, t);
}

/**
 * Converts a number-like value to a JS bigint (Go's `int` conversion of ints; floats truncate).
 * Returns `undefined` for non-numbers.
 */
export function toGoInt(v: GoValue): bigint | undefined {
  if (v instanceof GoInt) return v.value;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  if (v instanceof GoStruct && v.type.underlying) return toGoInt(v.type.underlying(v));
  return undefined;
}

/** Converts a number-like value to a JS number (float64). Returns `undefined` for non-numbers. */
export function toGoFloat(v: GoValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return Number(v.value);
  if (v instanceof GoStruct && v.type.underlying) return toGoFloat(v.type.underlying(v));
  return undefined;
}

const encoder = new TextEncoder();

/** Go's `len` of a string: its UTF-8 byte count. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of a string (Go's `[]byte(s)`). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD, as Go prints them). */
export function utf8Decode(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b);
}

/**
 * Converts JSON-shaped data (e.g. `.Values` decoded from JSON/YAML) into GoValues the way Go's
 * `encoding/json` decodes into `interface{}`: numbers become float64, objects
 * `map[string]interface{}` (null-prototype copies), arrays `[]interface{}`. Already-Go values pass through.
 */
export function fromJSON(v: unknown): GoValue {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    default:
      break;
  }
  if (v instanceof GoInt || v instanceof GoSlice || v instanceof GoMap || v instanceof GoStruct) return v;
  if (Array.isArray(v)) return v.map(fromJSON);
  if (typeof v === 'object') {
    const out = newGoMap();
    for (const k of Object.keys(v)) mapSet(out, k, fromJSON((v as Record<string, unknown>)[k]));
    return out;
  }
  return null;
}
