/**
 * Kubernetes resource quantities (`resource.Quantity` in apimachinery): parsing and the string
 * Go prints for a parsed quantity (`Quantity.String()`, i.e. the canonical form, or the input
 * itself when apimachinery keeps it because it is already canonical). Needed wherever the output
 * must equal what Go marshals (`proxy.istio.io/overrides`), and for comparing quantities by value.
 * Manifests themselves keep the quantities the user wrote; this module never rewrites them.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: value = `unscaled` × 10^`scale`. */
export interface Quantity {
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
  /** The input string when apimachinery would print it unchanged. */
  cached?: string;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e / 10, s]));
const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Parses a quantity as apimachinery's `ParseQuantity` does; `undefined` when it is not one. */
export function parseQuantity(input: string | number): Quantity | undefined {
  const str = typeof input === 'number' ? numberText(input) : input;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(str);
  if (!m) return undefined;
  const [, sign = '', num = '', denom = '', suffix = ''] = m;
  if (num === '' && denom === '') return undefined;
  const negative = sign === '-';

  let format: QuantityFormat;
  let base: 2 | 10;
  let exponent: number;
  if (suffix in decimalSuffixes) {
    format = 'DecimalSI';
    base = 10;
    exponent = decimalSuffixes[suffix] as number;
  } else if (suffix in binarySuffixes) {
    format = 'BinarySI';
    base = 2;
    exponent = binarySuffixes[suffix] as number;
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    base = 10;
    exponent = Number(suffix.slice(1));
  } else {
    return undefined;
  }

  // apimachinery's fast path: small values keep the input string when it is already canonical.
  const shifted = num + denom;
  let precision: number;
  if (base === 10) precision = 18 - shifted.length;
  else precision = denom === '' ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1;
  if (precision >= 0) {
    const scale = (base === 10 ? exponent : 0) - denom.length;
    if (scale >= NANO) {
      const value = BigInt(shifted);
      let result = base === 2 ? value << BigInt(exponent) : value;
      if (abs(result) <= MAX_INT64) {
        if (negative) result = -result;
        let canonical: boolean;
        if (base === 2) canonical = exponent % 10 === 0 && (value & 7n) !== 0n;
        else canonical = scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
        return canonical ? { unscaled: result, scale, format, cached: str } : { unscaled: result, scale, format };
      }
    }
  }

  // Slow path: exact decimal arithmetic.
  let unscaled = BigInt(shifted);
  let scale = -denom.length;
  if (base === 10) scale += exponent;
  else unscaled <<= BigInt(exponent);
  // Round non-zero values up (away from zero) to nano precision.
  if (unscaled !== 0n && scale < NANO) {
    const div = pow10(NANO - scale);
    const q = unscaled / div;
    unscaled = unscaled % div === 0n ? q : q + 1n;
    scale = NANO;
  }
  if (format === 'BinarySI' && compareAbs(unscaled, scale, MAX_INT64) > 0) {
    unscaled = MAX_INT64;
    scale = 0;
  }
  if (format === 'BinarySI' && unscaled !== 0n && compareAbs(unscaled, scale, 1n) < 0) format = 'DecimalSI';
  return { unscaled: negative ? -unscaled : unscaled, scale, format };
}

/** Compares |unscaled × 10^scale| with an integer. */
function compareAbs(unscaled: bigint, scale: number, other: bigint): number {
  const a = abs(unscaled);
  const [l, r] = scale >= 0 ? [a * pow10(scale), other] : [a, other * pow10(-scale)];
  return l === r ? 0 : l < r ? -1 : 1;
}

/** Go's `Quantity.String()`. */
export function formatQuantity(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = compareAbs(q.unscaled, q.scale, 1024n) < 0;
    const integral = q.scale >= 0 || q.unscaled % pow10(-q.scale) === 0n;
    if (small || !integral) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let value = q.scale >= 0 ? q.unscaled * pow10(q.scale) : q.unscaled / pow10(-q.scale);
    let times = 0;
    while (abs(value) >= 1024n && value % 1024n === 0n) {
      value /= 1024n;
      times++;
    }
    return `${value}${binaryByExponent.get(times) ?? ''}`;
  }
  // AsCanonicalBytes: factors of ten into the exponent, then down to a multiple of three.
  let value = q.unscaled;
  let exponent = q.scale;
  while (value % 10n === 0n) {
    value /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    value *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${value}` : `${value}e${exponent}`;
  // Beyond the largest suffix (E) the number grows instead.
  while (exponent > 18) {
    value *= 1000n;
    exponent -= 3;
  }
  return `${value}${decimalByExponent.get(exponent) ?? ''}`;
}

/** The string Go prints for this quantity, or `undefined` when it does not parse. */
export function canonicalQuantity(input: string | number): string | undefined {
  const q = parseQuantity(input);
  return q ? formatQuantity(q) : undefined;
}

/** Whether two quantities have the same value (`2000m` and `"2"`, `1024Mi` and `1Gi`). */
export function quantityEqual(a: string | number, b: string | number): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return false;
  const s = Math.min(x.scale, y.scale);
  return x.unscaled * pow10(x.scale - s) === y.unscaled * pow10(y.scale - s);
}

/** A JSON number as the YAML-to-JSON step would print it. */
function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}
