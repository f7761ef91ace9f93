/**
 * The one scanner of the fast YAML layer (the reader in fast.ts, for manifests and for template
 * output, the text patcher in patch.ts, and the line walks that split streams, ResourceLists and
 * Lists in stream.ts and layout.ts): character codes, and the searches they
 * make in the text (end and start of a line, the next content line, a comment, the `:` ending an
 * implicit key, a sequence entry's `-`, the closing quote of a quoted scalar or flow collection).
 * Every search takes the end of the range it may look at, the line or node being read, so a
 * missing needle costs the length of that range and never a scan to the end of the whole input
 * (which made comment-free inputs quadratic). It builds no values and knows no YAML structure;
 * positions past `end` read as the end of the text.
 */

export const SP = 0x20;
export const NL = 0x0a;
export const CR = 0x0d;
export const HASH = 0x23;
export const COLON = 0x3a;
export const DASH = 0x2d;
export const COMMA = 0x2c;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const BACKSLASH = 0x5c;

/** `,` `[` `]` `{` `}`. */
export function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Space, line break or the end (NaN): what must follow a `:`, `-` or `?` indicator. */
export function isBlank(c: number): boolean {
  return c === SP || c === NL || Number.isNaN(c);
}

/** The character code at `i`, or NaN at or past `end`. */
function at(s: string, i: number, end: number): number {
  return i < end ? s.charCodeAt(i) : NaN;
}

/**
 * `s.indexOf(needle, from)` bounded to `end` (the end of the line or node being read): -1 when
 * the needle does not start before `end`.
 */
export function indexWithin(s: string, needle: string, from: number, end: number): number {
  const c0 = needle.charCodeAt(0);
  const last = end - needle.length;
  for (let i = from; i <= last; i++) if (s.charCodeAt(i) === c0 && (needle.length === 1 || s.startsWith(needle, i))) return i;
  return -1;
}

/** The offset of the `\n` ending the line that holds `from`, or `end`. */
export function lineEnd(s: string, from: number, end: number): number {
  const nl = s.indexOf('\n', from);
  return nl === -1 || nl > end ? end : nl;
}

/** The first offset at or after `p` (before `end`) that is not a space. */
export function skipSpaces(s: string, p: number, end: number): number {
  while (p < end && s.charCodeAt(p) === SP) p++;
  return p;
}

/** Where a comment (` #`) starts in [from, end), or -1. */
export function commentStart(s: string, from: number, end: number): number {
  return indexWithin(s, ' #', from, end);
}

/**
 * From the line start `ls`, skips blank lines (a CRLF one too) and comment lines; the start of the
 * next line with content, or -1 when there is none before `end`.
 */
export function nextContentLine(s: string, ls: number, end: number): number {
  while (ls < end) {
    const q = skipSpaces(s, ls, end);
    if (q >= end) return -1;
    const c = s.charCodeAt(q);
    if (c === NL) ls = q + 1;
    else if (c === CR && at(s, q + 1, end) === NL) ls = q + 2;
    else if (c === HASH) ls = lineEnd(s, q, end) + 1;
    else return ls;
  }
  return -1;
}

/**
 * The `:` ending a plain implicit key that starts at `p`: the first `:` on the line followed by a
 * blank; -1 when the line ends (at `\n` or `end`) or a comment starts first.
 */
export function plainKeyColon(s: string, p: number, end: number): number {
  for (let i = p; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === NL) return -1;
    if (c === COLON && isBlank(at(s, i + 1, end))) return i;
    if (c === SP && at(s, i + 1, end) === HASH) return -1;
  }
  return -1;
}

/**
 * The offset of the quote closing the quoted scalar that opens at `p` (`''` and `\"` do not close
 * it), or -1 when it is not closed before `end`.
 */
export function quotedEnd(s: string, p: number, end: number): number {
  return quoteClose(s, s.charCodeAt(p), p + 1, end);
}

/**
 * The offset of the quote closing a quoted scalar opened by `quote` (a `'`; anything else reads as
 * `"`), looking from `from` (inside the scalar: after its opening quote, or at the start of a line
 * it continues on) up to `end`: `''` and `\x` do not close it. -1 when it is not closed before `end`.
 */
export function quoteClose(s: string, quote: number, from: number, end: number): number {
  if (quote === SQUOTE) {
    let k = indexWithin(s, "'", from, end);
    while (k !== -1 && at(s, k + 1, end) === SQUOTE) k = indexWithin(s, "'", k + 2, end);
    return k;
  }
  for (let k = from; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === BACKSLASH) k++;
    else if (c === DQUOTE) return k;
  }
  return -1;
}

/** A `-` at `q` that is a block sequence indicator: followed by a space, a line break or `end`. */
export function isDashAt(s: string, q: number, end: number): boolean {
  return q < end && s.charCodeAt(q) === DASH && isBlank(at(s, q + 1, end));
}

/** The offset just after the last character before `p` that is not a space, and not before `start`. */
export function trimSpacesBack(s: string, start: number, p: number): number {
  while (p > start && s.charCodeAt(p - 1) === SP) p--;
  return p;
}

/** The start of the line that holds `p`, not before `start` (a search back bounded to that line). */
export function lineStart(s: string, p: number, start: number): number {
  for (let i = p - 1; i >= start; i--) if (s.charCodeAt(i) === NL) return i + 1;
  return start;
}

const AMPERSAND = 0x26;
const ASTERISK = 0x2a;
const BANG = 0x21;

/** Where a flow collection (or a quoted scalar) being followed over lines stands at a line's end. */
export interface FlowState {
  /** Open `[` and `{`. */
  depth: number;
  /** The character code of the open quote, 0 outside quotes. */
  quote: number;
}

/** What `flowClose` returns at a character it does not follow (the caller leaves the text to `yaml`). */
export const FLOW_UNFOLLOWED = -2;

/**
 * Follows a flow collection or a quoted scalar (started with `st` at depth 0, no quote, `from` on
 * its opening character) through [from, end), one line of it: nesting of `[{` and `}]`, quoted
 * scalars inside. Returns the offset just after the bracket or quote that closes it; -1 when the
 * range ends first (`st` then says where it stands, to go on on the next line from its start);
 * FLOW_UNFOLLOWED at a comment inside it, an anchor, alias or tag inside a collection, or a closing
 * bracket with nothing open.
 */
export function flowClose(s: string, from: number, end: number, st: FlowState): number {
  let k = from;
  if (st.quote !== 0) {
    const q = quoteClose(s, st.quote, k, end);
    if (q === -1) return -1;
    st.quote = 0;
    if (st.depth === 0) return q + 1;
    k = q + 1;
  }
  for (; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === DQUOTE || c === SQUOTE) {
      const q = quoteClose(s, c, k + 1, end);
      if (q === -1) {
        st.quote = c;
        return -1;
      }
      if (st.depth === 0) return q + 1;
      k = q;
    } else if (c === LBRACE || c === LBRACKET) st.depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--st.depth === 0) return k + 1;
      if (st.depth < 0) return FLOW_UNFOLLOWED;
    } else if (c === HASH && s.charCodeAt(k - 1) === SP) return FLOW_UNFOLLOWED;
    else if ((c === AMPERSAND || c === ASTERISK || c === BANG) && st.depth > 0) return FLOW_UNFOLLOWED;
  }
  return -1;
}

const TAB = 0x09;

/** The first offset at or after `p` (before `end`) that is neither a space nor a tab. */
export function skipSpacesAndTabs(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c !== SP && c !== TAB) break;
    p++;
  }
  return p;
}
