/**
 * `<link rel="alternate">` tags that let browsers and feed readers discover a page's feeds.
 * Pass the result as the layout's `head`.
 */
import { html, type Html } from '../html.ts';

export interface FeedLink {
  /** Human title, e.g. "Daily papers". */
  title: string;
  /** Feed path without extension, e.g. `/feeds/daily` or `/feeds/search?q=graph` — both formats are linked. */
  path: string;
}

function withExt(path: string, ext: string): string {
  const i = path.indexOf('?');
  return i < 0 ? `${path}.${ext}` : `${path.slice(0, i)}.${ext}${path.slice(i)}`;
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
} as const;
