/**
 * sprig's math functions: integer math on int64 through spf13/cast (`add`, `sub`, `mul`, `div`,
 * `mod`, `add1`, `max`, `min`, `until`, `untilStep`, `seq`), float helpers (`floor`, `ceil`,
 * `round`, `maxf`, `minf`) and the `*f` functions that sprig computes with shopspring/decimal
 * (`addf`, `subf`, `mulf`, `divf`, `add1f`: exact decimal arithmetic on the shortest decimal form
 * of each float64, division rounded half away from zero at 16 places). Random functions
 * (`randInt`) are deliberately absent: render output must be a function of the input.
 */
import { chargeBytes } from '../budget.js';
import { GoInt, GoSlice, type GoValue } from '../value.js';
import { castToFloat64, castToInt64, intArg } from './sprig-values.js';
import { defineFunc, GoFuncError, type FuncMap } from './types.js';

const ANY = 'interface {}';

function int64(v: bigint): GoInt {
  return new GoInt(v, 'int64');
}

// ---------------------------------------------------------------------------------------------
// shopspring/decimal subset

interface Decimal {
  readonly m: bigint;
  readonly e: number;
}

function decimalFromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) {
    throw new GoFuncError(`Cannot create a Decimal from ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  }
  if (f === 0) return { m: 0n, e: 0 };
  const [mant = '0', exp = '0'] = f.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const m = BigInt(digits) * (neg ? -1n : 1n);
  return { m, e: Number(exp) - (digits.length - 1) };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

const DIVISION_PRECISION = 16;

function decimalDiv(a: Decimal, b: Decimal): Decimal {
  if (b.m === 0n) throw new GoFuncError('decimal division by 0');
  const k = a.e - b.e + DIVISION_PRECISION;
  let n = a.m;
  let d = b.m;
  if (k >= 0) n *= 10n ** BigInt(k);
  else d *= 10n ** BigInt(-k);
  let q = n / d;
  const rem = n - q * d;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (2n * abs(rem) >= abs(d)) q += a.m < 0n !== b.m < 0n ? -1n : 1n;
  return { m: q, e: -DIVISION_PRECISION };
}

type DecimalOp = (a: Decimal, b: Decimal) => Decimal;

const decimalOps: Readonly<Record<'add' | 'sub' | 'mul' | 'div', DecimalOp>> = {
  add: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x + y, e };
  },
  sub: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x - y, e };
  },
  mul: (a, b) => ({ m: a.m * b.m, e: a.e + b.e }),
  div: decimalDiv,
};

function execDecimalOp(a: GoValue, rest: readonly GoValue[], op: DecimalOp): number {
  let acc = decimalFromFloat(castToFloat64(a));
  for (const x of rest) acc = op(acc, decimalFromFloat(castToFloat64(x)));
  return Number(`${acc.m}e${acc.e}`);
}

// ---------------------------------------------------------------------------------------------
// integer sequences

/** sprig's `untilStep` (Go ints); guarded against sequences too large to materialise. */
/** sprig's `max`/`min`: the int64 value of the first argument that `better` prefers over all others. */
function int64Extreme(better: (v: bigint, acc: bigint) => boolean) {
  return defineFunc(
    [ANY],
    (a, ...xs) =>
      int64(
        xs.reduce<bigint>((acc, x) => {
          const v = castToInt64(x);
          return better(v, acc) ? v : acc;
        }, castToInt64(a)),
      ),
    { variadic: ANY, result: 'int64' },
  );
}

/** What one element of `until`/`untilStep`/`seq` costs: the number, the Go int made of it, a list slot. */
const SEQUENCE_ELEMENT_BYTES = 160;

export function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  const guard = (): void => {
    if (v.length > 10_000_000) throw new GoFuncError('sequence too long (over 10,000,000 elements)');
  };
  // charged before it is built (the count capped where the guard stops it)
  const count = step === 0 || stop < start !== step < 0 ? 0 : Math.ceil((stop - start) / step);
  chargeBytes(Math.min(count, 10_000_001) * SEQUENCE_ELEMENT_BYTES);
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) {
      v.push(i);
      guard();
    }
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) {
    v.push(i);
    guard();
  }
  return v;
}

function intSliceOf(items: number[]): GoSlice {
  return new GoSlice(
    'int',
    items.map((i) => new GoInt(i, 'int')),
  );
}

/** sprig's `seq`: like GNU seq, space separated. */
function seq(params: number[]): string {
  const join = (xs: number[]): string => xs.join(' ');
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1;
      const end = params[0] as number;
      const inc = end < start ? -1 : 1;
      return join(untilStep(start, end + inc, inc));
    }
    case 2: {
      const start = params[0] as number;
      const end = params[1] as number;
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const start = params[0] as number;
      const step = params[1] as number;
      const end = params[2] as number;
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      } else if (step < 0) return '';
      return join(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

/** Go's `math.Modf` fractional part. */
function modfFrac(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? NaN : 0;
  return x - Math.trunc(x);
}

/** sprig's math functions. */
export function sprigMathFuncs(): FuncMap {
  return {
    add1: defineFunc([ANY], (i) => int64(castToInt64(i) + 1n), { result: 'int64' }),
    add: defineFunc([], (...xs) => int64(xs.reduce<bigint>((a, x) => a + castToInt64(x), 0n)), {
      variadic: ANY,
      result: 'int64',
    }),
    sub: defineFunc([ANY, ANY], (a, b) => int64(castToInt64(a) - castToInt64(b)), { result: 'int64' }),
    div: defineFunc(
      [ANY, ANY],
      (a, b) => {
        const d = castToInt64(b);
        if (d === 0n) throw new GoFuncError('runtime error: integer divide by zero');
        return int64(castToInt64(a) / d);
      },
      { result: 'int64' },
    ),
    mod: defineFunc(
      [ANY, ANY],
      (a, b) => {
        const d = castToInt64(b);
        if (d === 0n) throw new GoFuncError('runtime error: integer divide by zero');
        return int64(castToInt64(a) % d);
      },
      { result: 'int64' },
    ),
    mul: defineFunc([ANY], (a, ...xs) => int64(xs.reduce<bigint>((acc, x) => acc * castToInt64(x), castToInt64(a))), {
      variadic: ANY,
      result: 'int64',
    }),
    max: int64Extreme((v, acc) => v > acc),
    min: int64Extreme((v, acc) => v < acc),
    // sprig registers `biggest` as another name of `max`.
    biggest: int64Extreme((v, acc) => v > acc),
    maxf: defineFunc([ANY], (a, ...xs) => xs.reduce<number>((acc, x) => Math.max(acc, castToFloat64(x)), castToFloat64(a)), {
      variadic: ANY,
      result: 'float64',
    }),
    minf: defineFunc([ANY], (a, ...xs) => xs.reduce<number>((acc, x) => Math.min(acc, castToFloat64(x)), castToFloat64(a)), {
      variadic: ANY,
      result: 'float64',
    }),
    floor: defineFunc([ANY], (a) => Math.floor(castToFloat64(a)), { result: 'float64' }),
    ceil: defineFunc([ANY], (a) => Math.ceil(castToFloat64(a)), { result: 'float64' }),
    round: defineFunc(
      [ANY, 'int'],
      (a, p, ...opt) => {
        const roundOn = opt.length > 0 ? (opt[0] as number) : 0.5;
        const val = castToFloat64(a);
        const pow = 10 ** intArg(p);
        const digit = pow * val;
        const r = modfFrac(digit) >= roundOn ? Math.ceil(digit) : Math.floor(digit);
        return r / pow;
      },
      { variadic: 'float64', result: 'float64' },
    ),
    add1f: defineFunc([ANY], (i) => execDecimalOp(i, [1], decimalOps.add), { result: 'float64' }),
    addf: defineFunc([], (...xs) => execDecimalOp(0, xs, decimalOps.add), { variadic: ANY, result: 'float64' }),
    subf: defineFunc([ANY], (a, ...xs) => execDecimalOp(a, xs, decimalOps.sub), { variadic: ANY, result: 'float64' }),
    mulf: defineFunc([ANY], (a, ...xs) => execDecimalOp(a, xs, decimalOps.mul), { variadic: ANY, result: 'float64' }),
    divf: defineFunc([ANY], (a, ...xs) => execDecimalOp(a, xs, decimalOps.div), { variadic: ANY, result: 'float64' }),
    until: defineFunc(
      ['int'],
      (n) => {
        const count = intArg(n);
        return intSliceOf(untilStep(0, count, count < 0 ? -1 : 1));
      },
      { result: '[]int' },
    ),
    untilStep: defineFunc(['int', 'int', 'int'], (a, b, c) => intSliceOf(untilStep(intArg(a), intArg(b), intArg(c))), {
      result: '[]int',
    }),
    seq: defineFunc([], (...ps) => seq(ps.map(intArg)), { variadic: 'int', result: 'string' }),
  };
}
