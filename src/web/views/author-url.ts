/**
 * Where an author's name links to: the author page, `/authors/<name>` (routes/authors.ts). One place,
 * so cards, paper pages, feeds and profiles agree on the address.
 */

/**
 * The author page of a name as it is written on papers (case and accents kept: the page lists the
 * papers carrying exactly that spelling).
 * @example authorUrl('Quoc V. Le') // '/authors/Quoc%20V.%20Le'
 */
export function authorUrl(name: string): string {
  return `/authors/${encodeURIComponent(name.trim())}`;
}
