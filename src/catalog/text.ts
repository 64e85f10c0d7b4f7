/**
 * Text normalization shared by every source. What is stored is what the source wrote (its line breaks
 * and spacing included), minus what can only do harm: NUL and the other C0/C1 control characters, which
 * break XML feeds, terminals and some clients. Tab and line feed stay in running text (abstracts,
 * comments: they are how the source laid it out); CR LF and lone CR become LF. Only edges are trimmed:
 * leading and trailing white space is the container's formatting (XML indentation, JSON padding), not
 * the author's.
 *
 * Collapsing white space is for display and matching only: `displayText`.
 */

// C0 controls except TAB (09) and LF (0A); CR (0D) is handled first. DEL and the C1 block (80–9F).
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Every control character, TAB and LF included: for one-line values (names, ids, URLs).
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * Running text as the source wrote it, without control characters; null when nothing is left.
 * @example sourceText('  A title\n  wrapped\u0000 ') // 'A title\n  wrapped'
 */
export function sourceText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(/\r\n?/g, '\n').replace(CONTROL_IN_TEXT, '').trim();
  return t.length ? t : null;
}

/**
 * A one-line value (a name, a keyword): every run of white space or control characters becomes one
 * space. Null when nothing is left.
 * @example cleanText('Ada\n  Lovelace') // 'Ada Lovelace'
 */
export function cleanText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(CONTROL_ANY, ' ').replace(/\s+/g, ' ').trim();
  return t.length ? t : null;
}

/**
 * A token (URL, identifier): control characters removed, edges trimmed. Null when empty.
 * @example cleanToken(' https://github.com/a/b\n') // 'https://github.com/a/b'
 */
export function cleanToken(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(CONTROL_ANY, '').trim();
  return t.length ? t : null;
}

/**
 * Stored text for one-line display (a card title, a feed title, a RIS field): white space collapsed.
 * @example displayText('Attention Is All\n  You Need') // 'Attention Is All You Need'
 */
export function displayText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
