/**
 * The contract between the template evaluator and the function libraries (Go's builtins, sprig,
 * Istio's injection functions): how a function declares its Go signature, how it fails, and how a
 * library offers sample calls to the differential corpus. It holds no functions itself.
 *
 * Go checks a function's signature when the template runs, and its messages depend on it:
 * `wrong number of args for NAME: want N got M`, `wrong type for value; expected int; got float64`,
 * `error calling NAME: MSG`. A `FuncDescriptor` carries that signature. The evaluator converts and
 * checks every argument before the call, following Go's `evalArg`/`validateType`:
 *
 * - `interface {}` parameters receive any GoValue; a missing value (`<no value>`) arrives as `null`.
 * - `string` parameters receive a JS string, `bool` a boolean, `float64` a number; an integer
 *   type (`int`, `int64`, ...) receives a `GoInt` of exactly that type. A constant such as `3` is
 *   converted to the parameter's type; a value of another type is Go's "wrong type" error
 *   (a float64 from `.Values` is *not* accepted by an `int` parameter, as in Go).
 * - `[]interface {}` receives a JS array, `map[string]interface {}` a plain object; typed containers
 *   (`[]string`, `map[string]string`) receive `GoSlice` / `GoMap` of that type; struct type names
 *   (`v1.ObjectMeta`) receive a `GoStruct` whose `type.name` matches; a `CustomType` decides itself.
 * - Interface-typed results (`interface {}`) may be any GoValue; return `null` for Go's nil.
 *
 * A function fails by throwing: `GoFuncError` for a Go `error` return (or any thrown Error, which Go
 * would see as a recovered panic). The evaluator reports `error calling NAME: MSG`.
 *
 * A plain JS function (`GoFunc`) is treated as `func(...interface{}) interface{}`: no arity check.
 * Prefer descriptors (see `defineFunc`) so arity and type errors match Go.
 *
 * Corpus hook: a library module under `src/template/funcs/` may export
 * `corpusSamples: FuncCorpusSamples`; the differential harness (`test/template/go-harness.ts`)
 * imports `sprig.ts` and `istio.ts` if present, takes sprig's map from `sprigFuncs()` (the name
 * sprig.ts exports), and adds the sample calls to the Go comparison, rendered in Go with
 * `sprig.TxtFuncMap()` (Debian's golang-github-masterminds-sprig-dev). Samples marked
 * `goHas: false` (Istio's functions, which Go's side lacks) are not compared.
 *
 * Builtins (`funcs/builtins.ts`) use the pseudo parameter type `reflect.Value`, which receives
 * arguments unconverted; it is internal to the engine, not for library functions.
 */
import type { GoType, GoValue } from '../value.js';

/** A template function without a declared signature: `func(...interface{}) interface{}`. */
export type GoFunc = (...args: GoValue[]) => GoValue;

/** A template function with its Go signature. */
export interface FuncDescriptor {
  readonly fn: (...args: GoValue[]) => GoValue;
  /** Types of the fixed parameters, e.g. `['int', 'string']` for sprig's `trunc`. */
  readonly params: readonly GoType[];
  /** Element type of a final variadic parameter (`...interface {}` is `'interface {}'`). */
  readonly variadic?: GoType;
  /** Go signature `(T, error)`: the function may fail with `GoFuncError`. Informational. */
  readonly returnsError?: boolean;
  /** Go result type (informational; used by `%T`-like diagnostics only). */
  readonly result?: GoType;
}

/** A function map entry, as `template.FuncMap` values. */
export type FuncMap = Record<string, GoFunc | FuncDescriptor>;

/** An error a function returns (Go's `error` result). Reported as `error calling NAME: MESSAGE`. */
export class GoFuncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoFuncError';
  }
}

/** Declares a function with its Go signature. */
export function defineFunc(
  params: readonly GoType[],
  fn: (...args: GoValue[]) => GoValue,
  opts: { variadic?: GoType; returnsError?: boolean; result?: GoType } = {},
): FuncDescriptor {
  return { fn, params, ...opts };
}

/** Is a function map entry a descriptor? */
export function isFuncDescriptor(f: GoFunc | FuncDescriptor): f is FuncDescriptor {
  return typeof f === 'object' && f !== null && typeof f.fn === 'function';
}

/** Normalises an entry to a descriptor (`GoFunc` becomes `func(...interface {}) interface {}`). */
export function toDescriptor(f: GoFunc | FuncDescriptor): FuncDescriptor {
  return isFuncDescriptor(f) ? f : { fn: f, params: [], variadic: 'interface {}' };
}

/**
 * Sample calls for the differential corpus. Each `args` entry is a list of template argument
 * source snippets, e.g. `['3', '"abcdef"']` or `['.Values.list', '(list 1 2)']`; the generator
 * renders `{{NAME ARGS...}}`, and the last argument piped (`{{ARG | NAME ...}}`) as well.
 * `data` (optional) is JSON data for the case; `goHas: false` marks functions Go's side lacks.
 */
export interface FuncCorpusSample {
  readonly name: string;
  readonly args: ReadonlyArray<readonly string[]>;
  readonly data?: unknown;
  readonly goHas?: boolean;
}

export type FuncCorpusSamples = readonly FuncCorpusSample[];
