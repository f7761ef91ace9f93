/**
 * Pieces of Go's strconv shared by the template parser (number literals) and sprig's conversions.
 */

/**
 * Go's `underscoreOK`: underscores may only separate digits (a base prefix counts as a digit), as
 * in Go number literals and `strconv.ParseInt(s, 0, ...)`.
 */
export function underscoreOK(s: string): boolean {
  // saw tracks the last character (class) we saw: ^ beginning, 0 digit or prefix, _ underscore, ! other.
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0') {
    const c = (s[1] ?? '').toLowerCase();
    if (c === 'b' || c === 'o' || c === 'x') {
      hex = c === 'x';
      i = 2;
      saw = '0'; // base prefix counts as a digit for "underscore as digit separator"
    }
  }
  for (; i < s.length; i++) {
    const ch = s[i] ?? '';
    if ((ch >= '0' && ch <= '9') || (hex && /[a-fA-F]/.test(ch))) {
      saw = '0';
      continue;
    }
    if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}
