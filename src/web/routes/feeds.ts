/**
 * RSS 2.0 and Atom feeds: the daily list, trending, a category, a search query; and /feeds, the page
 * that lists them. Search goes through an injected `searchPapers(q, limit, app)` so the search service
 * replaces the substring fallback without touching this file's callers.
 * (Collection feeds wait for collections, which do not exist yet.)
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { Paper } from '../../catalog/paper.ts';
import { AppError } from '../../errors.ts';
import { TRENDING_FORMULA } from '../../catalog/trending.ts';
import { cacheFor } from '../cache.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { seqCache } from '../seq-cache.ts';
import { FEED_TYPES, renderFeed, type FeedFormat, type FeedSpec } from '../feed-format.ts';
import { html } from '../html.ts';
import { FEEDS, feedLinks } from '../views/feed-links.ts';
import { layout } from '../views/layout.ts';

/** Search hook: the papers matching `q`, best first. */
export type SearchPapers = (q: string, limit: number, app: App) => Promise<Paper[]>;

export const FEED_ITEMS = 50;
const FEED_MAX_AGE = 300;
/** arXiv category names: `cs.CL`, `hep-th`, `cond-mat.stat-mech`, `q-bio.NC`. */
export const CATEGORY = /^[a-z][a-z-]{0,19}(\.[A-Za-z][A-Za-z-]{0,29})?$/;

const today = () => new Date().toISOString().slice(0, 10);

const feedResponse = {
  200: {
    description: 'the feed',
    content: { 'application/rss+xml': { schema: { type: 'string' } }, 'application/atom+xml': { schema: { type: 'string' } } },
  },
};

/**
 * A feed encoded once per catalog change (bytes, gzip, brotli, ETag): cache hits send ready bytes.
 * An empty feed is dated by the catalog's last change (one indexed read, only when it is empty).
 */
async function rendered(app: App, format: FeedFormat, spec: FeedSpec, papers: Paper[]): Promise<Prepared> {
  const emptyUpdated = papers.length ? null : await app.catalog.lastChange();
  return prepare(renderFeed(format, { ...spec, emptyUpdated }, papers, app.config.baseUrl), FEED_TYPES[format]);
}

function send(req: FastifyRequest, reply: FastifyReply, r: Prepared): FastifyReply {
  return sendPrepared(req, cacheFor(reply, FEED_MAX_AGE), r);
}

/**
 * Build the feed routes with a search implementation.
 * @example server.register(createFeedRoutes({ searchPapers: (q, n, app) => app.search.papers(q, n) }))
 */
export function createFeedRoutes(opts: { searchPapers: SearchPapers }): FastifyPluginAsync {
  return async (server) => {
    for (const format of ['rss', 'atom'] as const) {
      server.get(`/feeds/daily.${format}`, { schema: { tags: ['feeds'], summary: `Daily papers of the last 7 days (${format})`, response: feedResponse } }, async (req, reply) => {
        const day = today();
        const feed = await seqCache(server.app).get(`feed:daily.${format}:${day}`, async () => {
          const rows = await server.app.catalog.recentDaily({ today: day, days: 7, limit: 100 });
          const spec: FeedSpec = {
            title: 'Paperboy · Daily papers',
            description: 'The papers of the daily list, newest day first, most upvoted first within a day.',
            htmlPath: '/',
            feedPath: FEEDS.daily.path,
            itemDate: (p) => p.dailyDate,
          };
          return rendered(server.app, format, spec, rows);
        });
        return send(req, reply, feed);
      });

      server.get(`/feeds/trending.${format}`, { schema: { tags: ['feeds'], summary: `Trending papers (${format})`, response: feedResponse } }, async (req, reply) => {
        const day = today();
        const feed = await seqCache(server.app).get(`feed:trending.${format}:${day}`, async () => {
          const { ranked } = await server.app.catalog.trending({ today: day });
          const spec: FeedSpec = {
            title: 'Paperboy · Trending papers',
            description: `Daily papers ranked by ${TRENDING_FORMULA}.`,
            htmlPath: '/trending',
            feedPath: FEEDS.trending.path,
            itemDate: (p) => p.dailyDate,
          };
          return rendered(server.app, format, spec, ranked.slice(0, FEED_ITEMS).map((r) => r.paper));
        });
        return send(req, reply, feed);
      });

      server.get<{ Querystring: { q: string } }>(
        `/feeds/search.${format}`,
        {
          schema: {
            tags: ['feeds'],
            summary: `Papers matching a search query (${format})`,
            querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 200 } } },
            response: feedResponse,
          },
        },
        async (req, reply) => {
          const q = req.query.q.trim();
          if (!q) throw new AppError('INVALID_QUERY', 'q must contain a word to search for');
          const feed = await seqCache(server.app).get(`feed:search.${format}:${q}`, async () => {
            const rows = await opts.searchPapers(q, FEED_ITEMS, server.app);
            const spec: FeedSpec = {
              title: `Paperboy · Search: ${q}`,
              description: `Papers matching “${q}”.`,
              htmlPath: `/search?q=${encodeURIComponent(q)}`,
              feedPath: FEEDS.search(q).path,
            };
            return rendered(server.app, format, spec, rows);
          });
          return send(req, reply, feed);
        },
      );
    }

    server.get<{ Params: { file: string } }>(
      '/feeds/category/:file',
      {
        schema: {
          tags: ['feeds'],
          summary: 'Newest papers in an arXiv category: /feeds/category/cs.CL.rss or .atom',
          params: { type: 'object', required: ['file'], properties: { file: { type: 'string', pattern: '^.+\\.(rss|atom)$', examples: ['cs.CL.atom'] } } },
          response: feedResponse,
        },
      },
      async (req, reply) => {
        const m = /^(.+)\.(rss|atom)$/.exec(req.params.file)!;
        const category = m[1]!;
        const format = m[2] as FeedFormat;
        if (!CATEGORY.test(category)) throw new AppError('BAD_REQUEST', `not an arXiv category: ${JSON.stringify(category.slice(0, 40))} (e.g. cs.CL, hep-th)`);
        const feed = await seqCache(server.app).get(`feed:category.${format}:${category}`, async () => {
          const rows = await server.app.catalog.category(category, { limit: FEED_ITEMS });
          const spec: FeedSpec = {
            title: `Paperboy · Newest in ${category}`,
            description: `The newest papers listed in ${category}.`,
            htmlPath: `/feeds#category`,
            feedPath: FEEDS.category(category).path,
          };
          return rendered(server.app, format, spec, rows);
        });
        return send(req, reply, feed);
      },
    );

    // The human index of feeds; its <head> advertises the site-wide feeds.
    server.get('/feeds', { schema: { hide: true } }, async (_req, reply) => {
      const row = (title: string, path: string) =>
        html`<li>${title}: <a href="${path}.rss">RSS</a> · <a href="${path}.atom">Atom</a></li>`;
      const body = html`<section class="feeds"><h1>Feeds</h1>
<p>Follow Paperboy in any feed reader. Every item’s id is the paper’s arXiv abstract URL, so readers never show a paper twice.</p>
<ul>${row('Daily papers (last 7 days)', FEEDS.daily.path)}${row('Trending papers', FEEDS.trending.path)}</ul>
<h2 id="category">By category</h2>
<p>Replace the category in <code>/feeds/category/cs.CL.atom</code> (or <code>.rss</code>) with any arXiv category.</p>
<ul>${row('Newest in cs.CL', FEEDS.category('cs.CL').path)}${row('Newest in cs.LG', FEEDS.category('cs.LG').path)}</ul>
<h2>Search</h2>
<p>Any search has a feed: <code>/feeds/search.atom?q=your+words</code> (or <code>.rss</code>).</p>
<h2 id="author">By author</h2>
<p>An author’s papers, newest first: <code>/feeds/search.atom?q=author:"Laurens van der Maaten" sort:date</code>. Every paper page links the feeds of its first authors.</p>
</section>`;
      cacheFor(reply, FEED_MAX_AGE).type('text/html; charset=utf-8');
      return layout({ title: 'Feeds', body, head: feedLinks(FEEDS.daily, FEEDS.trending) }).value;
    });
  };
}

/** The search feed ranks by the node's search index; papers come from the catalog, in hit order. */
export const feedRoutes = createFeedRoutes({
  searchPapers: async (q, limit, app) => {
    const res = await app.search.search({ q, limit, bare: true });
    return app.catalog.papersByIds(res.hits.map((h) => h.arxivId));
  },
});
