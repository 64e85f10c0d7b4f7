/**
 * Papers as RSS 2.0 or Atom 1.0, through the `feed` library. GUIDs and Atom ids are the arXiv abstract
 * URL without version: stable across re-imports, new versions and app nodes. Links point at our paper page.
 */
import { Feed } from 'feed';
import { absUrl } from '../catalog/arxiv-id.ts';
import { toPaper } from '../catalog/paper.ts';
import type { PaperRow } from '../store/schema.ts';

export type FeedFormat = 'rss' | 'atom';

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

export interface FeedSpec {
  title: string;
  description: string;
  /** Path of the HTML page this feed mirrors, e.g. `/` or `/search?q=x`. */
  htmlPath: string;
  /** Path of this feed without extension, e.g. `/feeds/daily`; `.rss` and `.atom` are appended. */
  feedPath: string;
  /** The date an item is listed under (defaults to its publication time). */
  itemDate?: (row: PaperRow) => string | null;
}

function toDate(s: string | null | undefined, fallback: Date): Date {
  if (!s) return fallback;
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? fallback : new Date(t);
}

/** Append a suffix to a path that may carry a query string. */
function withExt(path: string, ext: string): string {
  const i = path.indexOf('?');
  return i < 0 ? `${path}.${ext}` : `${path.slice(0, i)}.${ext}${path.slice(i)}`;
}

/**
 * Render a feed.
 * @example renderFeed('atom', { title: 'Daily papers', description: '…', htmlPath: '/', feedPath: '/feeds/daily' }, rows, 'https://papers.example.org')
 */
export function renderFeed(format: FeedFormat, spec: FeedSpec, rows: PaperRow[], baseUrl: string): string {
  const epoch = new Date(0);
  const dateOf = (r: PaperRow) => toDate(spec.itemDate?.(r) ?? r.published_at ?? r.modified_at, toDate(r.modified_at, epoch));
  // `updated` is the newest item's date, so an unchanged list renders byte-identically (stable ETags).
  const updated = rows.reduce((max, r) => (dateOf(r) > max ? dateOf(r) : max), epoch);
  const feed = new Feed({
    id: `${baseUrl}${withExt(spec.feedPath, format)}`,
    title: spec.title,
    description: spec.description,
    link: `${baseUrl}${spec.htmlPath}`,
    language: 'en',
    updated,
    generator: 'Paperboy',
    copyright: 'Metadata from arXiv and the Paperboy community',
    feedLinks: { rss: `${baseUrl}${withExt(spec.feedPath, 'rss')}`, atom: `${baseUrl}${withExt(spec.feedPath, 'atom')}` },
  });
  for (const row of rows) {
    const p = toPaper(row);
    const guid = absUrl(p.arxivId);
    feed.addItem({
      id: guid,
      guid,
      title: p.title,
      link: `${baseUrl}/papers/${p.arxivId}`,
      date: dateOf(row),
      published: p.publishedAt ? toDate(p.publishedAt, epoch) : undefined,
      description: p.abstract,
      author: p.authors.map((name) => ({ name })),
      category: p.categories.map((c) => ({ name: c, term: c })),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}
