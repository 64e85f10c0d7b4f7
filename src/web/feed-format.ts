/**
 * Papers as RSS 2.0 or Atom 1.0, written with the escaping `xml` tag: titles and abstracts are text,
 * never markup. Atom says so with `type="text"`; RSS has no such attribute and readers take an item's
 * description as HTML, so there the abstract is HTML-escaped first (a reader shows "<think>" as those
 * seven characters). We left the `feed` library because it wraps every title and summary in CDATA with
 * `type="html"`, which turns stored text into live markup, and passes control characters through.
 *
 * GUIDs and Atom ids are the arXiv abstract URL without version: stable across re-imports, new versions
 * and app nodes. Links point at our paper page. Authors are Atom `<author><name>` elements, one per
 * person; in RSS one `<dc:creator>` carries the whole list ("A, B, C", as arXiv's own feeds do), because
 * feed readers built on feedparser show only the last of repeated author elements.
 */
import { absUrl, pdfUrl } from '../catalog/arxiv-id.ts';
import type { Paper } from '../catalog/paper.ts';
import { escapeHtml } from './html.ts';
import { xml, type Xml } from './xml.ts';

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
  itemDate?: (paper: Paper) => string | null;
  /**
   * When the feed was last updated if it has no items: the last change of the catalog it is computed
   * from (an empty feed must still carry a real date; the Unix epoch tells readers nothing).
   */
  emptyUpdated?: string | null;
}

function toDate(s: string | null | undefined): Date | null {
  if (!s) return null;
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Append a suffix to a path that may carry a query string. */
export function withExt(path: string, ext: string): string {
  const i = path.indexOf('?');
  return i < 0 ? `${path}.${ext}` : `${path.slice(0, i)}.${ext}${path.slice(i)}`;
}

interface Item {
  paper: Paper;
  date: Date;
}

interface FeedDoc {
  spec: FeedSpec;
  items: Item[];
  updated: Date;
  base: string;
}

const SITE = 'Paperboy';
const RIGHTS = 'Metadata from arXiv, Hugging Face and the Paperboy community';

function rss(d: FeedDoc): Xml {
  const self = `${d.base}${withExt(d.spec.feedPath, 'rss')}`;
  return xml`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${d.spec.title}</title>
<link>${d.base}${d.spec.htmlPath}</link>
<description>${d.spec.description}</description>
<language>en</language>
<copyright>${RIGHTS}</copyright>
<lastBuildDate>${d.updated.toUTCString()}</lastBuildDate>
<generator>${SITE}</generator>
<docs>https://www.rssboard.org/rss-specification</docs>
<atom:link href="${self}" rel="self" type="application/rss+xml"/>
${d.items.map(({ paper: p, date }) => xml`<item>
<title>${p.title}</title>
<link>${d.base}/papers/${p.arxivId}</link>
<guid isPermaLink="false">${absUrl(p.arxivId)}</guid>
<pubDate>${date.toUTCString()}</pubDate>
${p.authors.length ? xml`<dc:creator>${p.authors.join(', ')}</dc:creator>\n` : ''}${p.categories.map((c) => xml`<category>${c}</category>\n`)}<description>${p.abstract ? escapeHtml(p.abstract) : ''}</description>
</item>
`)}</channel>
</rss>
`;
}

function atom(d: FeedDoc): Xml {
  const self = `${d.base}${withExt(d.spec.feedPath, 'atom')}`;
  return xml`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>${self}</id>
<title type="text">${d.spec.title}</title>
<subtitle type="text">${d.spec.description}</subtitle>
<updated>${d.updated.toISOString()}</updated>
<link rel="self" type="application/atom+xml" href="${self}"/>
<link rel="alternate" type="text/html" href="${d.base}${d.spec.htmlPath}"/>
<author><name>${SITE}</name><uri>${d.base}/</uri></author>
<generator uri="${d.base}/">${SITE}</generator>
<rights type="text">${RIGHTS}</rights>
${d.items.map(({ paper: p, date }) => xml`<entry>
<id>${absUrl(p.arxivId)}</id>
<title type="text">${p.title}</title>
<link rel="alternate" type="text/html" href="${d.base}/papers/${p.arxivId}"/>
<link rel="related" type="text/html" title="arXiv" href="${absUrl(p.arxivId)}"/>
<link rel="related" type="application/pdf" title="PDF" href="${pdfUrl(p.arxivId)}"/>
<updated>${date.toISOString()}</updated>
${p.publishedAt && toDate(p.publishedAt) ? xml`<published>${toDate(p.publishedAt)!.toISOString()}</published>\n` : ''}${p.authors.map((a) => xml`<author><name>${a}</name></author>\n`)}${p.categories.map((c) => xml`<category term="${c}" label="${c}"/>\n`)}${p.abstract ? xml`<summary type="text">${p.abstract}</summary>\n` : ''}</entry>
`)}</feed>
`;
}

/**
 * Render a feed.
 * @example renderFeed('atom', { title: 'Daily papers', description: '…', htmlPath: '/', feedPath: '/feeds/daily' }, rows, 'https://papers.example.org')
 */
export function renderFeed(format: FeedFormat, spec: FeedSpec, papers: Paper[], baseUrl: string): string {
  const items = papers.map((paper): Item => {
    const date = toDate(spec.itemDate?.(paper)) ?? toDate(paper.publishedAt) ?? toDate(paper.modifiedAt) ?? new Date(0);
    return { paper, date };
  });
  // `updated` is the newest item's date, so an unchanged list renders byte-identically (stable ETags).
  const newest = items.reduce<Date | null>((max, i) => (!max || i.date > max ? i.date : max), null);
  const updated = newest ?? toDate(spec.emptyUpdated) ?? new Date();
  const doc: FeedDoc = { spec, items, updated, base: baseUrl };
  return (format === 'rss' ? rss(doc) : atom(doc)).value;
}
