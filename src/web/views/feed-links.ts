/**
 * `<link rel="alternate">` tags that let browsers and feed readers discover a page's feeds.
 * Pass the result as the layout's `head`.
 */
import { withExt } from '../feed-format.ts';
import { html, type Html } from '../html.ts';
import { authorUrl } from './author-url.ts';

export interface FeedLink {
  /** Human title, e.g. "Daily papers". */
  title: string;
  /** Feed path without extension, e.g. `/feeds/daily` or `/feeds/search?q=graph` — both formats are linked. */
  path: string;
}

/**
 * Render RSS and Atom alternates for each feed.
 * @example layout({ title: 'Today', head: feedLinks({ title: 'Daily papers', path: '/feeds/daily' }), body })
 */
export function feedLinks(...feeds: FeedLink[]): Html {
  return html`${feeds.map(
    (f) => html`<link rel="alternate" type="application/rss+xml" title="${f.title} (RSS)" href="${withExt(f.path, 'rss')}">
<link rel="alternate" type="application/atom+xml" title="${f.title} (Atom)" href="${withExt(f.path, 'atom')}">
`,
  )}`;
}

/** Feed paths for the lists other pages show, so every page links the same URLs. */
export const FEEDS = {
  daily: { title: 'Daily papers', path: '/feeds/daily' },
  trending: { title: 'Trending papers', path: '/feeds/trending' },
  category: (c: string): FeedLink => ({ title: `Newest in ${c}`, path: `/feeds/category/${encodeURIComponent(c)}` }),
  search: (q: string): FeedLink => ({ title: `Search: ${q}`, path: `/feeds/search?q=${encodeURIComponent(q)}` }),
  /** An author's papers, newest first: the author page's feed (routes/authors.ts). */
  author: (name: string): FeedLink => ({ title: `Papers by ${name}`, path: `${authorUrl(name)}/feed` }),
  /** A collection's feed (the collection routes serve it, with renderFeed). */
  collection: (slug: string, title: string): FeedLink => ({ title: `Collection: ${title}`, path: `/feeds/collections/${encodeURIComponent(slug)}` }),
} as const;

/**
 * The feeds a paper page advertises: the daily list when the paper is on it, its categories, and its
 * first authors (a reader subscribes to "more from these people" from the paper in front of them).
 */
export function paperFeeds(p: { dailyDate: string | null; categories: string[]; authors: string[] }): FeedLink[] {
  return [
    ...(p.dailyDate ? [FEEDS.daily] : []),
    ...p.categories.slice(0, 3).map(FEEDS.category),
    ...p.authors.slice(0, 3).map(FEEDS.author),
  ];
}
