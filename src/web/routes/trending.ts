/**
 * `/trending`: the one trending ranking (catalog/trending.ts) as a page, each paper with why it is
 * trending. The ranking is computed once per catalog change and day (seq-cache), as /api/trending is.
 */
import type { FastifyPluginAsync } from 'fastify';
import { pageNumber } from '../list-params.ts';
import { prepare, sendPrepared } from '../prepared.ts';
import { seqCache } from '../seq-cache.ts';
import { viewerOf } from '../viewer.ts';
import { FEEDS, feedLinks } from '../views/feed-links.ts';
import { trendingPage } from '../views/trending.ts';

const PAGE_SIZE = 30;
const HTML = 'text/html; charset=utf-8';

export const trendingRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const head = feedLinks(FEEDS.trending);
  server.get<{ Querystring: { p?: string } }>(
    '/trending',
    { schema: { hide: true, querystring: { type: 'object', properties: { p: { type: 'string', maxLength: 10 } } } } },
    async (req, reply) => {
      const page = Math.max(1, pageNumber(req.query.p, 1));
      const today = new Date().toISOString().slice(0, 10);
      const cache = seqCache(app);
      const ranking = () => cache.get(`trending:${today}:`, () => app.catalog.trending({ today }));
      if (req.user) {
        const data = await ranking();
        const viewer = await viewerOf(req, reply, data.ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((r) => r.paper));
        if (viewer) return reply.type(HTML).send(trendingPage({ ...data, page, pageSize: PAGE_SIZE }, head, viewer).value);
      }
      reply.header('cache-control', 'public, max-age=60');
      const prepared = await cache.get(`page:trending:${today}:${page}`, async () => prepare(trendingPage({ ...(await ranking()), page, pageSize: PAGE_SIZE }, head).value, HTML));
      return sendPrepared(req, reply, prepared, { varyCookie: true });
    },
  );
};
