/**
 * Links from what a page shows to the search that finds more of it: an author's papers, a keyword's,
 * a category's. One place, so cards, paper pages and feeds agree on the queries.
 */

/** The search query that finds an author's papers (quotes keep a multi-word name together). */
export function authorQuery(name: string): string {
  return `author:"${name.replace(/"/g, '')}"`;
}

/** Search page for an author's papers, newest first. */
export function authorSearchHref(name: string): string {
  return `/search?q=${encodeURIComponent(authorQuery(name))}&sort=date`;
}

/** Search page for a keyword as a phrase. */
export function keywordSearchHref(keyword: string): string {
  return `/search?q=${encodeURIComponent(`"${keyword.replace(/"/g, '')}"`)}`;
}

/** Search page for an arXiv category, newest first. */
export function categorySearchHref(category: string): string {
  return `/search?q=${encodeURIComponent(`cat:${category}`)}&sort=date`;
}
