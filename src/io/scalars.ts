/**
 * The scalar rules of the YAML layer, in one place for every reader and printer: how an untagged
 * plain scalar resolves (two schemas, chosen by a parameter: the YAML 1.2 core schema that `yaml`
 * applies to manifests, and go-yaml v2's rules, which Istio applies to what its templates print
 * through `sigs.k8s.io/yaml`), and the double-quoted escapes in both directions (reading `"\t"`,
 * printing a string the way `yaml` prints it). Values that JSON cannot hold (`.inf`, `.nan`) make
 * a resolver give up with a `Bail` (bail.ts): the fast readers then leave the text to `yaml`, and
 * the general paths turn it into their own error. It does not scan text or know about documents.
 */
import type { Json } from '../kube/types.js';
import { bail } from './bail.js';

/** Which rules resolve plain scalars: `yaml`'s YAML 1.2 core schema, or go-yaml v2 (YAML 1.1-ish). */
export type ScalarSchema = 'yaml-1.2' | 'go-yaml-v2';

/** Resolves the text of an untagged plain scalar; throws a `Bail` for a value JSON cannot hold. */
export type PlainResolver = (text: string) => Json;

// ---------------------------------------------------------------- YAML 1.2 core schema

const CORE_NULL = /^(?:~|[Nn]ull|NULL)$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_OCT = /^0o[0-7]+$/;
const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar with the YAML 1.2 core schema, as `yaml` resolves it with `schema: 'core'`. */
export function resolveCore(s: string): Json {
  const c = s.charCodeAt(0);
  // Only these first characters can start a non-string: ~ n N t T f F digits + - . (or nothing)
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70))
    return s === '' ? null : s;
  if (CORE_NULL.test(s)) return null;
  if (CORE_BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (CORE_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (CORE_INT.test(s)) return parseInt(s, 10);
  if (CORE_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (CORE_NAN_INF.test(s)) bail(`unsupported value ${s} (not representable in JSON)`);
  if (CORE_EXP.test(s)) return parseFloat(s);
  if (CORE_FLOAT.test(s)) return parseFloat(s);
  return s;
}

// ---------------------------------------------------------------- go-yaml v2

const GO_BOOL_NULL: ReadonlyMap<string, Json> = new Map<string, Json>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as [string, Json]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as [string, Json]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as [string, Json]),
]);

/** Decimal integers up to 15 digits without a leading zero: exact as doubles. */
const GO_PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/** ASCII characters a plain scalar must start with to be anything but a string in go-yaml v2. */
const GO_SPECIAL_START: readonly boolean[] = Array.from({ length: 0x80 }, (_, c) => /[0-9+\-.~yYnNtTfFoO]/.test(String.fromCharCode(c)));

const GO_SPECIAL_FLOATS = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);

const GO_YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

// go-yaml v2 tries these layouts on plain scalars starting with a digit; into interface{} a
// match stays a string, so recognising them only keeps them away from the number parsing.
const GO_TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/;

/**
 * Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` (after underscores were removed); undefined if
 * not an integer. Base 0 takes Go's literal prefixes, `0o`/`0O` and `0b`/`0B` included (Go 1.13+),
 * so go-yaml v2 reads `0o17` as 15 although YAML 1.1 has no such form.
 */
function parseGoInt(s: string): number | undefined {
  const v = parseGoBigInt(s);
  return v === undefined ? undefined : Number(v);
}

function parseGoBigInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  v *= sign;
  if (v < -(2n ** 63n) || v >= 2n ** 64n) return undefined;
  return v;
}

/** go-yaml v2's `resolve()` of an untagged plain scalar, then sigs.k8s.io/yaml's JSON view of it. */
export function resolveGoYamlV2(text: string): Json {
  // Shortcuts for the common cases (the full rules below give the same answers): a decimal
  // integer that fits a double exactly, and text whose first character starts no special value.
  const first = text.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39 && GO_PLAIN_DECIMAL.test(text)) return Number(text);
  if (first < 0x80 && !GO_SPECIAL_START[first]) return text;
  // the booleans, nulls and special floats are at most 5 characters long (`false`, `+.inf`)
  if (text.length <= 5) {
    const known = GO_BOOL_NULL.get(text);
    if (known !== undefined) return known;
    if (GO_SPECIAL_FLOATS.has(text)) bail(`unsupported value ${text} (not representable in JSON)`);
  }
  const c = text.charAt(0);
  if (c === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
    return text;
  }
  if ((c >= '0' && c <= '9') || c === '-' || c === '+') {
    if (c >= '0' && c <= '9' && GO_TIMESTAMP.test(text)) return text;
    const plain = text.replace(/_/g, '');
    const i = parseGoInt(plain);
    if (i !== undefined) return i;
    if (GO_YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  }
  return text;
}

/** Shortest digits and decimal exponent of `f` that read back as the same float of `bits` bits. */
function shortestDigits(f: number, bits: 32 | 64): [string, number] {
  let e = f.toExponential();
  if (bits === 32) {
    for (let p = 0; p < 9; p++) {
      e = f.toExponential(p);
      if (Math.fround(Number(e)) === f) break;
    }
  }
  const [mant, exp] = e.split('e') as [string, string];
  return [
    mant
      .replace('-', '')
      .replace('.', '')
      .replace(/(?<=.)0+$/, ''),
    Number(exp),
  ];
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, bits)` (`%v` of a float64 with 64): the shortest digits,
 * in the exponent form when the decimal exponent is < -4 or >= 6 (so 1000000 prints `1e+06`).
 */
export function formatGoFloat(f: number, bits: 32 | 64): string {
  if (bits === 32) f = Math.fround(f);
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  const [digits, exp] = shortestDigits(Math.abs(f), bits);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a plain map key read by go-yaml v2: integers in decimal,
 * floats as Go's `%g` of a float32, booleans as `true`/`false`; a null key (and an integer beyond
 * int64) is an error there, so the fast readers bail on it.
 */
export function goYamlV2Key(text: string): string {
  const v = resolveGoYamlV2(text);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'number') bail(`unsupported map key ${text}`);
  const int = parseGoBigInt(text.replace(/_/g, ''));
  if (int === undefined) {
    const s = formatGoFloat(v, 32);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s;
  }
  if (int >= 2n ** 63n) bail(`unsupported map key ${text}`); // a uint64
  return String(int);
}

/** The JSON key of a plain map key read with the core schema (`yaml`'s `String()` of the value). */
function coreKey(text: string): string {
  const v = resolveCore(text);
  return typeof v === 'string' ? v : v === null ? 'null' : String(v);
}

/** The resolver of each schema. */
export const RESOLVERS: Readonly<Record<ScalarSchema, PlainResolver>> = {
  'yaml-1.2': resolveCore,
  'go-yaml-v2': resolveGoYamlV2,
};

/** How each schema turns a plain map key into a JSON key (may bail). */
export const KEY_STRINGS: Readonly<Record<ScalarSchema, (text: string) => string>> = {
  'yaml-1.2': coreKey,
  'go-yaml-v2': goYamlV2Key,
};

/** Whether a reader with `schema` reads the plain scalar `text` as this string (not a number, bool, null...). */
export function readsAsString(text: string, schema: ScalarSchema): boolean {
  try {
    return typeof RESOLVERS[schema](text) === 'string';
  } catch {
    return false; // `.inf` and the like: not a string either
  }
}

// ---------------------------------------------------------------- double-quoted escapes

/** YAML's double-quoted escapes: the character after `\` and what it stands for. */
const DQ_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** The other direction: the short escape `yaml` prints for a character JSON would write as `\uXXXX`. */
const SHORT_ESCAPE: ReadonlyMap<string, string> = new Map(
  Object.entries(DQ_ESCAPES)
    .filter(([k]) => /^[0-9A-Za-z_]$/.test(k))
    .map(([k, v]) => [v, `\\${k}`]),
);

function isWhite(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * The value of the double-quoted scalar whose text between the quotes is `s[from, to)`, as YAML
 * reads it (escapes, and line folding: one line break is a space, n+1 are n newlines, white space
 * around breaks goes, an escaped break joins the lines). Bails on an unknown or short escape.
 * Callers check quotes, indentation and control characters themselves.
 */
export function decodeDoubleQuoted(s: string, from: number, to: number): string {
  let res = '';
  let plain = from;
  for (let i = from; i < to; ++i) {
    const ch = s[i]!;
    if (ch !== '\\' && ch !== '\n' && !isWhite(ch)) continue;
    res += s.slice(plain, i);
    if (ch === '\n') {
      let fold = '';
      let next = s[i + 1];
      while (i + 1 < to && (isWhite(next) || next === '\n')) {
        if (next === '\n') fold += '\n';
        next = s[++i + 1];
      }
      res += fold || ' ';
    } else if (ch === '\\') {
      const next = s[++i];
      if (i >= to || next === undefined) bail('bad escape');
      const cc = DQ_ESCAPES[next];
      if (cc !== undefined) res += cc;
      else if (next === '\n') {
        while (i + 1 < to && isWhite(s[i + 1])) ++i;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = s.slice(i + 1, Math.min(i + 1 + length, to));
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) bail('bad escape');
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) bail('bad escape');
        res += String.fromCodePoint(code);
        i += length;
      } else bail('bad escape');
    } else {
      // white space before a line break goes
      const start = i;
      while (i + 1 < to && isWhite(s[i + 1])) ++i;
      if (i + 1 >= to || s[i + 1] !== '\n') res += s.slice(start, i + 1);
    }
    plain = i + 1;
  }
  return res + s.slice(plain, to);
}

/** The value of a single-quoted scalar whose text between the quotes is `raw` (`''` is one quote; lines fold). */
export function decodeSingleQuoted(raw: string): string {
  if (!raw.includes('\n')) return raw.includes("''") ? raw.replace(/''/g, "'") : raw;
  const parts = raw.split('\n');
  let res = parts[0]!.replace(/[ \t]+$/, '');
  let sep = ' ';
  for (let i = 1; i < parts.length - 1; i++) {
    const lm = parts[i]!.replace(/^[ \t]+|[ \t]+$/g, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
  }
  return (res + sep + parts[parts.length - 1]!.replace(/^[ \t]+/, '')).replace(/''/g, "'");
}

/** `yaml`'s double-quoted form of a one-line string: JSON, with YAML's shorter escapes for `\uXXXX`. */
export function doubleQuoted(v: string): string {
  const json = JSON.stringify(v);
  if (!json.includes('\\u')) return json;
  // each match is a whole escape, so an escaped backslash followed by `u` is left alone
  return json.replace(/\\(?:u([0-9a-fA-F]{4})|[^u])/g, (esc, code: string | undefined) => {
    if (code === undefined) return esc;
    return SHORT_ESCAPE.get(String.fromCharCode(parseInt(code, 16))) ?? (code.startsWith('00') ? '\\x' + code.slice(2) : esc);
  });
}
