/**
 * Author lists as arXiv metadata spells them in one string: "A. Smith, B. Jones and C. Lee",
 * with affiliations in parentheses and line breaks from 80-column wrapping.
 */

/**
 * Split an arXiv authors string into names, in order.
 * @example splitAuthors('Ada Lovelace, Alan Turing (Manchester) and Grace Hopper') // ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']
 */
export function splitAuthors(s: string | null | undefined): string[] {
  if (!s) return [];
  // Drop parenthesised affiliations (they may contain commas and "and"), even nested ones.
  let flat = s.replace(/\s+/g, ' ');
  for (let prev = ''; prev !== flat; ) {
    prev = flat;
    flat = flat.replace(/\([^()]*\)/g, ' ');
  }
  const names: string[] = [];
  for (const part of flat.split(/,|;|\band\b|&/)) {
    const name = part.replace(/\s+/g, ' ').replace(/^(?:and\s+)?/, '').trim();
    // "et al." and suffixes such as "Jr." on their own are not separate authors.
    if (!name || /^et al\.?$/i.test(name)) continue;
    if (/^(?:Jr|Sr|II|III|IV)\.?$/.test(name) && names.length) {
      names[names.length - 1] += `, ${name}`;
      continue;
    }
    names.push(name);
  }
  return names;
}

/**
 * Names from the Kaggle snapshot's `authors_parsed` ([last, first, suffix] triples).
 * @example namesFromParsed([['Turing', 'Alan', '']]) // ['Alan Turing']
 */
export function namesFromParsed(parsed: unknown): string[] | null {
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  const names: string[] = [];
  for (const p of parsed) {
    if (!Array.isArray(p)) return null;
    const [last, first, suffix] = p.map((x) => (typeof x === 'string' ? x.trim() : ''));
    const name = [first, last, suffix].filter(Boolean).join(' ');
    if (name) names.push(name);
  }
  return names;
}
