/**
 * Go's `encoding/json` as the template functions see it: `json.Marshal` / `MarshalIndent` of
 * GoValues (sorted map keys, HTML-safe escaping, Go's float formatting, nil slices and maps as
 * `null`, `[]byte` as base64, Kubernetes structs in their Go field order) and `json.Unmarshal` into
 * `interface{}` (numbers become float64). Used by sprig's `toJson`/`fromJson` family and by Istio's
 * `toJSON`, `structToJSON`, `toJsonMap`, `fromJSON` and `toYaml` (which goes through JSON). It
 * does not know which function swallows which error; callers decide.
 */
import { chargeBytes, chargeSteps } from '../budget.js';
import { formatFloat, quoteGo } from '../fmt.js';
import { GoInt, GoMap, GoSlice, GoStruct, fromJSON as jsonToGo, mapGet, mapKeys, type GoPlainMap, type GoValue } from '../value.js';
import { GoFuncError } from './types.js';

/** A JSON document as Go would produce it: numbers keep Go's text, objects keep their key order. */
export type JsonNode =
  | { readonly k: 'null' }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'num'; readonly text: string }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'arr'; readonly items: readonly JsonNode[] }
  | { readonly k: 'obj'; readonly entries: ReadonlyArray<readonly [string, JsonNode]> };

const NULL: JsonNode = { k: 'null' };

/** Go's float64 text in JSON: shortest round-trip, `e` notation below 1e-6 and from 1e21 (`1e-7`, `1e+21`). */
export function jsonFloatText(f: number): string {
  if (!Number.isFinite(f)) throw new GoFuncError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  if (Object.is(f, -0)) return '-0';
  // JavaScript's Number#toString uses the same thresholds and shortest digits as Go's encoder.
  return String(f);
}

/**
 * Kubernetes structs the templates serialise, in Go field order: JSON name, whether `omitempty`,
 * and the Go field name (for struct views that expose getters rather than JSON data).
 */
const STRUCT_LAYOUTS: Readonly<Record<string, ReadonlyArray<readonly [string, boolean, string]>>> = {
  'v1.ContainerPort': [
    ['name', true, 'Name'],
    ['hostPort', true, 'HostPort'],
    ['containerPort', false, 'ContainerPort'],
    ['protocol', true, 'Protocol'],
    ['hostIP', true, 'HostIP'],
  ],
};

function rawToNode(v: unknown): JsonNode {
  if (v === undefined || v === null) return NULL;
  switch (typeof v) {
    case 'boolean':
      return { k: 'bool', v };
    case 'string':
      return { k: 'str', v };
    case 'number':
      return { k: 'num', text: jsonFloatText(v) };
    case 'bigint':
      return { k: 'num', text: v.toString() };
    default:
      break;
  }
  if (v instanceof GoInt || v instanceof GoSlice || v instanceof GoMap || v instanceof GoStruct) {
    return toJsonNode(v);
  }
  if (Array.isArray(v)) return { k: 'arr', items: v.map(rawToNode) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return { k: 'obj', entries: Object.keys(o).map((key) => [key, rawToNode(o[key])] as const) };
  }
  return NULL;
}

function isZeroRaw(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (v instanceof GoInt) return v.value === 0n;
  return false;
}

function structToNode(s: GoStruct): JsonNode {
  if (s.type.pointer && s.data === null) return NULL;
  if (s.type.underlying) return toJsonNode(s.type.underlying(s));
  const name = s.type.name.replace(/^\*/, '');
  const layout = STRUCT_LAYOUTS[name];
  const data = s.data;
  const isObj = typeof data === 'object' && data !== null && !Array.isArray(data);
  if (layout) {
    const entries: Array<[string, JsonNode]> = [];
    for (const [json, omitempty, goName] of layout) {
      let v: unknown;
      if (isObj && Object.hasOwn(data, json)) v = (data as Record<string, unknown>)[json];
      else if (!isObj && s.type.fields?.[goName]) v = s.type.fields[goName](s);
      if (omitempty && isZeroRaw(v)) continue;
      entries.push([json, v === undefined || v === null ? { k: 'num', text: '0' } : rawToNode(v)]);
    }
    return { k: 'obj', entries };
  }
  return rawToNode(data);
}

function bytesToBase64(items: readonly GoValue[]): string {
  const bytes = Uint8Array.from(items.map((x) => (x instanceof GoInt ? Number(x.value) : 0)));
  return Buffer.from(bytes).toString('base64');
}

/** What a JSON node costs in the allocation budget besides its string (see `toJsonNode`). */
const JSON_NODE_BYTES = 8;

/** The JSON `json.Marshal` would produce for a GoValue, as a tree. Throws `GoFuncError` for NaN/Inf. */
export function toJsonNode(v: GoValue): JsonNode {
  // every node a step and its text (at least a few bytes) an allocation: a value sharing its parts
  // (a dict holding one dict twice, forty levels down) expands here, bounded by the budget
  chargeSteps(1);
  chargeBytes(JSON_NODE_BYTES);
  if (v === undefined || v === null) return NULL;
  switch (typeof v) {
    case 'boolean':
      return { k: 'bool', v };
    case 'string':
      chargeBytes(v.length);
      return { k: 'str', v };
    case 'number':
      return { k: 'num', text: jsonFloatText(v) };
    default:
      break;
  }
  if (v instanceof GoInt) return { k: 'num', text: v.value.toString() };
  if (Array.isArray(v)) return { k: 'arr', items: v.map(toJsonNode) };
  if (v instanceof GoSlice) {
    if (v.isNilSlice) return NULL;
    if (v.elem === 'uint8') return { k: 'str', v: bytesToBase64(v.items) };
    return { k: 'arr', items: v.items.map(toJsonNode) };
  }
  if (v instanceof GoStruct) return structToNode(v);
  if (v instanceof GoMap && v.isNilMap) return NULL;
  const m = v as GoPlainMap | GoMap;
  return { k: 'obj', entries: mapKeys(m).map((key) => [key, toJsonNode(mapGet(m, key))] as const) };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** Go's JSON string literal (`encodeState.string`). */
// Printable ASCII that encoding/json writes as it is (with and without HTML escaping).
const JSON_PLAIN_HTML = /^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function jsonQuote(s: string, escapeHTML = true): string {
  if ((escapeHTML ? JSON_PLAIN_HTML : JSON_PLAIN).test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += ch + (s[i + 1] as string);
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c < 0x20) {
      switch (ch) {
        case '\n':
          out += '\\n';
          break;
        case '\r':
          out += '\\r';
          break;
        case '\t':
          out += '\\t';
          break;
        case '\b':
          out += '\\b';
          break;
        case '\f':
          out += '\\f';
          break;
        default:
          out += '\\u00' + c.toString(16).padStart(2, '0');
      }
    } else if (escapeHTML && HTML_ESCAPES[ch] !== undefined) out += HTML_ESCAPES[ch];
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else out += ch;
  }
  return out + '"';
}

/** Serialises a JSON tree; `indent` gives `json.MarshalIndent(v, "", indent)` layout. */
export function writeJson(n: JsonNode, opts: { escapeHTML?: boolean; indent?: string } = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const ind = opts.indent;
  const walk = (node: JsonNode, depth: number): string => {
    if (ind !== undefined) chargeBytes(ind.length * depth);
    switch (node.k) {
      case 'null':
        return 'null';
      case 'bool':
        return node.v ? 'true' : 'false';
      case 'num':
        return node.text;
      case 'str':
        return jsonQuote(node.v, escapeHTML);
      case 'arr': {
        if (node.items.length === 0) return '[]';
        const parts = node.items.map((x) => walk(x, depth + 1));
        if (ind === undefined) return '[' + parts.join(',') + ']';
        const pad = '\n' + ind.repeat(depth + 1);
        return '[' + pad + parts.join(',' + pad) + '\n' + ind.repeat(depth) + ']';
      }
      case 'obj': {
        if (node.entries.length === 0) return '{}';
        const sep = ind === undefined ? ':' : ': ';
        const parts = node.entries.map(([k, x]) => jsonQuote(k, escapeHTML) + sep + walk(x, depth + 1));
        if (ind === undefined) return '{' + parts.join(',') + '}';
        const pad = '\n' + ind.repeat(depth + 1);
        return '{' + pad + parts.join(',' + pad) + '\n' + ind.repeat(depth) + '}';
      }
    }
  };
  return walk(n, 0);
}

/** `json.Marshal(v)`; throws `GoFuncError` where Go returns an error. */
export function goJsonMarshal(v: GoValue, opts: { escapeHTML?: boolean; indent?: string } = {}): string {
  return writeJson(toJsonNode(v), opts);
}

/** Compact JSON of plain JSON-shaped data with object keys in their given order (Go escaping). */
export function rawJsonText(v: unknown): string {
  return writeJson(rawToNode(v));
}

/** encoding/json's `quoteChar`: the offending byte, read as a code point, in Go quote syntax. */
function quoteJsonChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const q = quoteGo(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

/**
 * encoding/json's `checkValid` scanner: the syntax error Go reports for the first invalid byte
 * (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`, ...),
 * or, for valid text, the first number literal outside float64's range (Go's later decode error).
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const b = Buffer.from(text, 'utf8');
  let i = 0;
  let tooBig: string | undefined;
  const EOF = 'unexpected end of JSON input';
  // At the end of input Go's scanner steps a space: literals and numbers then fail on ' '.
  const bad = (ctx: string): never => {
    throw new GoFuncError(`invalid character ${quoteJsonChar(b[i] ?? 0x20)} ${ctx}`);
  };
  const at = (): number => b[i] ?? 0x20;
  const eof = (): boolean => i >= b.length;
  const ws = (): void => {
    while (!eof() && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  };
  const need = (): number => {
    if (eof()) throw new GoFuncError(EOF);
    return b[i] as number;
  };
  const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
  const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (at() !== word.charCodeAt(k)) bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const str = (): void => {
    i++;
    for (;;) {
      const c = need();
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = need();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(need())) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) bad('in string escape code');
        i++;
        continue;
      }
      if (c < 0x20) bad('in string literal');
      i++;
    }
  };
  const num = (): void => {
    const start = i;
    if (b[i] === 0x2d) {
      i++;
      if (!isDigit(at())) bad('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (isDigit(b[i])) i++;
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(at())) bad('after decimal point in numeric literal');
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (at() === 0x2b || at() === 0x2d) i++;
      if (!isDigit(at())) bad('in exponent of numeric literal');
      while (isDigit(b[i])) i++;
    }
    const t = b.subarray(start, i).toString('latin1');
    if (tooBig === undefined && !Number.isFinite(Number(t))) tooBig = t;
  };
  const value = (): void => {
    ws();
    const c = need();
    if (c === 0x7b) {
      i++;
      ws();
      if (need() === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        if (need() !== 0x22) bad('looking for beginning of object key string');
        str();
        ws();
        if (need() !== 0x3a) bad('after object key');
        i++;
        value();
        ws();
        const d = need();
        i++;
        if (d === 0x7d) return;
        if (d !== 0x2c) {
          i--;
          bad('after object key:value pair');
        }
        ws();
      }
    }
    if (c === 0x5b) {
      i++;
      ws();
      if (need() === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        const d = need();
        i++;
        if (d === 0x5d) return;
        if (d !== 0x2c) {
          i--;
          bad('after array element');
        }
      }
    }
    if (c === 0x22) return str();
    if (c === 0x2d || isDigit(c)) return num();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    return bad('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (!eof()) bad('after top-level value');
  } catch (e) {
    if (e instanceof GoFuncError) return e.message;
    throw e;
  }
  return tooBig === undefined ? undefined : `json: cannot unmarshal number ${tooBig} into Go value of type float64`;
}

/**
 * `json.Unmarshal` into `interface{}`: objects become `map[string]interface{}`, numbers float64.
 * Throws `GoFuncError` with Go's message on invalid JSON or a number out of float64 range.
 */
export function goJsonUnmarshal(text: string): GoValue {
  const err = goJsonSyntaxError(text);
  if (err !== undefined) throw new GoFuncError(err);
  return jsonToGo(JSON.parse(text) as unknown);
}
