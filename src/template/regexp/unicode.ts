/**
 * The Unicode data Go's `regexp/syntax` takes from package `unicode`, derived from the JavaScript
 * runtime instead of shipped tables: simple case-folding orbits (`unicode.SimpleFold`) and the
 * code point ranges of general categories and scripts (`\pL`, `\p{Greek}`). Both are computed
 * lazily, once per process, from fixed (never user-controlled) JS regular expressions, and
 * cached. Classes are flat sorted range lists `[lo0, hi0, lo1, hi1, ...]`, as Go's `[]rune`.
 */

export const MAX_RUNE = 0x10ffff;
/** Smallest and largest code points that take part in case folding (Go's minFold/maxFold). */
export const MIN_FOLD = 0x41;
export const MAX_FOLD = 0x1e943;

let orbits: Map<number, readonly number[]> | undefined;
let foldable: number[] | undefined;

function single(s: string): number | undefined {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === (cp > 0xffff ? 2 : 1) ? cp : undefined;
}

/**
 * Builds the simple case-folding orbits: code points joined by single-code-point lower/upper case
 * mappings, then split by the runtime's own simple case folding (a `u`+`i` RegExp canonicalises
 * with CaseFolding.txt's simple mappings, as Go's tables do), so `ı` stays apart from `i`.
 */
function buildOrbits(): Map<number, readonly number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  for (let cp = MIN_FOLD; cp <= MAX_FOLD; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      const o = single(t);
      if (o !== undefined && o !== cp) union(cp, o);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const r = find(cp);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(cp);
  }
  const out = new Map<number, readonly number[]>();
  for (const g of groups.values()) {
    g.sort((a, b) => a - b);
    const parts: Array<{ re: RegExp; members: number[] }> = [];
    for (const cp of g) {
      const s = String.fromCodePoint(cp);
      const part = parts.find((p) => p.re.test(s));
      if (part) part.members.push(cp);
      else parts.push({ re: new RegExp(`^\\u{${cp.toString(16)}}$`, 'iu'), members: [cp] });
    }
    for (const p of parts) {
      if (p.members.length < 2) continue;
      for (const cp of p.members) out.set(cp, p.members);
    }
  }
  return out;
}

function orbitTable(): Map<number, readonly number[]> {
  orbits ??= buildOrbits();
  return orbits;
}

/** The sorted case-folding orbit of `r` (including `r`), or undefined when `r` folds to nothing else. */
export function foldOrbit(r: number): readonly number[] | undefined {
  if (r < MIN_FOLD || r > MAX_FOLD) return undefined;
  return orbitTable().get(r);
}

/** Go's `unicode.SimpleFold`: the next code point of `r`'s orbit, cyclically. */
export function simpleFold(r: number): number {
  const o = foldOrbit(r);
  if (!o) return r;
  const i = o.indexOf(r);
  return o[(i + 1) % o.length] as number;
}

/** Go's `minFoldRune`. */
export function minFoldRune(r: number): number {
  const o = foldOrbit(r);
  return o ? (o[0] as number) : r;
}

/** Every code point that has an orbit, ascending. */
function foldableRunes(): readonly number[] {
  if (!foldable) foldable = [...orbitTable().keys()].sort((a, b) => a - b);
  return foldable;
}

/** Adds to `out` the fold-equivalents of the code points in [lo, hi] (not lo..hi themselves). */
export function foldedExtras(lo: number, hi: number, out: number[]): void {
  if (hi < MIN_FOLD || lo > MAX_FOLD) return;
  const f = foldableRunes();
  let a = 0;
  let b = f.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if ((f[m] as number) < lo) a = m + 1;
    else b = m;
  }
  for (let i = a; i < f.length && (f[i] as number) <= hi; i++) {
    for (const x of orbitTable().get(f[i] as number) ?? []) {
      if (x < lo || x > hi) out.push(x, x);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// \p{...} tables

/** Go's general categories (unicode.Categories), keyed by their canonical lookup name. */
const CATEGORIES = new Set('C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '));

/**
 * The scripts Go 1.26 finds by name: its lookup canonicalises the name (first letter upper case,
 * the rest lower case, no `_`, `-` or spaces), which only single-word script names survive.
 */
const SCRIPTS = new Set(
  (
    'Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille ' +
    'Buginese Buhid Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret ' +
    'Devanagari Dogra Duployan Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati ' +
    'Gurmukhi Han Hangul Hanunoo Hatran Hebrew Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi ' +
    'Kharoshthi Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Lisu Lycian Lydian Mahajani Makasar Malayalam ' +
    'Mandaic Manichaean Marchen Medefaidrin Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari ' +
    'Newa Nko Nushu Ogham Oriya Osage Osmanya Palmyrene Phoenician Rejang Runic Samaritan Saurashtra Sharada ' +
    'Shavian Siddham Sinhala Sogdian Soyombo Sundanese Syriac Tagalog Tagbanwa Takri Tamil Tangsa Tangut ' +
    'Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Yezidi Yi'
  ).split(' '),
);

/** Unicode's long category names (unicode.CategoryAliases), canonicalised, to the short name. */
const CATEGORY_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    Casedletter: 'LC',
    Closepunctuation: 'Pe',
    Combiningmark: 'M',
    Connectorpunctuation: 'Pc',
    Control: 'Cc',
    Currencysymbol: 'Sc',
    Dashpunctuation: 'Pd',
    Decimalnumber: 'Nd',
    Enclosingmark: 'Me',
    Finalpunctuation: 'Pf',
    Format: 'Cf',
    Initialpunctuation: 'Pi',
    Letter: 'L',
    Letternumber: 'Nl',
    Lineseparator: 'Zl',
    Lowercaseletter: 'Ll',
    Mark: 'M',
    Mathsymbol: 'Sm',
    Modifierletter: 'Lm',
    Modifiersymbol: 'Sk',
    Nonspacingmark: 'Mn',
    Number: 'N',
    Openpunctuation: 'Ps',
    Other: 'C',
    Otherletter: 'Lo',
    Othernumber: 'No',
    Otherpunctuation: 'Po',
    Othersymbol: 'So',
    Paragraphseparator: 'Zp',
    Privateuse: 'Co',
    Punctuation: 'P',
    Separator: 'Z',
    Spaceseparator: 'Zs',
    Spacingmark: 'Mc',
    Surrogate: 'Cs',
    Symbol: 'S',
    Titlecaseletter: 'Lt',
    Unassigned: 'Cn',
    Uppercaseletter: 'Lu',
    Cntrl: 'Cc',
    Digit: 'Nd',
    Punct: 'P',
  }),
);

/** Go's `canonicalName`: leading upper-case letter, the rest lower case, without `_`, `-` and spaces. */
export function canonicalName(name: string): string {
  let out = '';
  let first = true;
  for (const ch of name) {
    if (ch === '_' || ch === '-' || ch === ' ') continue;
    if (first) {
      out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
      first = false;
    } else out += ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
  }
  return out;
}

/**
 * A constant memo of static data: the range list of a Unicode property is a function of its name,
 * and only the names of `CATEGORIES`, `SCRIPTS` and the aliases below reach it (`unicodeTable`
 * checks a pattern's name first), so it holds at most those few hundred lists and cannot change
 * output. `allRunes` is the text every list is cut from, made once.
 */
const tableCache = new Map<string, readonly number[]>();
let allRunes: string | undefined;

/** The code points of a JS property expression (`L`, `Script=Greek`) as a clean range list. */
function propertyRanges(prop: string): readonly number[] {
  const cached = tableCache.get(prop);
  if (cached) return cached;
  // Every code point once, in order, without the surrogates (two of them would pair up).
  allRunes ??= chunkedRunes(0, 0xd7ff) + chunkedRunes(0xe000, MAX_RUNE);
  const out: number[] = [];
  if (new RegExp(`^\\p{${prop}}$`, 'u').test('\ud800')) out.push(0xd800, 0xdfff);
  const re = new RegExp(`\\p{${prop}}+`, 'gu');
  for (let m = re.exec(allRunes); m; m = re.exec(allRunes)) {
    const text = m[0];
    const lo = allRunes.codePointAt(m.index) as number;
    const lastUnit = text.charCodeAt(text.length - 1);
    const hi = text.codePointAt(lastUnit >= 0xdc00 && lastUnit <= 0xdfff ? text.length - 2 : text.length - 1) as number;
    out.push(lo, hi);
  }
  out.sort((a, b) => a - b);
  tableCache.set(prop, out);
  return out;
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let c = lo; c <= hi; c++) out.push(c);
  return out;
}

function chunkedRunes(lo: number, hi: number): string {
  let s = '';
  for (let c = lo; c <= hi; c += 0x4000) s += String.fromCodePoint(...range(c, Math.min(hi, c + 0x3fff)));
  return s;
}

/**
 * Go's `unicodeTable`: the ranges named by a `\p{...}` name, and whether they are to be negated
 * (`Assigned` is "not Cn"). Undefined for a name Go does not know.
 */
export function unicodeTable(name: string): { ranges: readonly number[]; negate: boolean } | undefined {
  const n = canonicalName(name);
  switch (n) {
    case 'Any':
      return { ranges: [0, MAX_RUNE], negate: false };
    case 'Assigned':
      return { ranges: propertyRanges('Cn'), negate: true };
    case 'Ascii':
      return { ranges: [0, 0x7f], negate: false };
    case 'Lc':
      return { ranges: propertyRanges('LC'), negate: false };
  }
  if (CATEGORIES.has(n)) return { ranges: propertyRanges(n), negate: false };
  if (SCRIPTS.has(n)) return { ranges: propertyRanges(`Script=${n}`), negate: false };
  const alias = CATEGORY_ALIASES[n];
  if (alias !== undefined) return { ranges: propertyRanges(alias), negate: false };
  return undefined;
}
