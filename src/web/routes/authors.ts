/**
 * Author pages: `/authors/:name` (the papers carrying that author name, newest first, paged), its
 * RSS/Atom feeds `/authors/:name/feed.rss|atom`, and the same list as JSON `/api/authors/:name` in
 * Hugging Face's paper shape. Anonymous pages and feeds are rendered once per catalog change.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { cleanText } from '../../catalog/paper.ts';
import { AppError } from '../../errors.ts';
import { cacheFor } from '../cache.ts';
import { errorSchema } from '../error-schema.ts';
import { FEED_TYPES, renderFeed, type FeedFormat } from '../feed-format.ts';
import { hfPaperJson, hfPaperSchema } from '../hf-json.ts';
import { pageNumber } from '../list-params.ts';
import { prepare, sendPrepared } from '../prepared.ts';
import { seqCache } from '../seq-cache.ts';
import { viewerOf } from '../viewer.ts';
import { authorPage } from '../views/author-page.ts';
import { authorUrl } from '../views/author-url.ts';
import { FEEDS } from '../views/feed-links.ts';

const PAGE_SIZE = 20;
const FEED_ITEMS = 50;
const HTML = 'text/html; charset=utf-8';
const nameParam = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 300, description: 'the author name as written on papers', examples: ['Quoc V. Le'] } } } as const;
const pageQuery = { type: 'object', properties: { p: { type: 'string', maxLength: 10 } } } as const;

type Req = FastifyRequest<{ Params: { name: string }; Querystring: { p?: string } }>;

/** The name as papers store it, or a clear 400. */
function authorName(req: Req): string {
  const name = cleanText(req.params.name);
  if (!name) throw new AppError('BAD_REQUEST', 'An author page needs a name: /authors/Quoc%20V.%20Le');
  return name;
}

export const authorRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const cache = seqCache(app);
  const load = (name: string, page: number, size: number) => cache.get(`data:author:${name}:${page}:${size}`, () => app.catalog.authorPapers(name, { page, pageSize: size }));

  server.get<{ Params: { name: string }; Querystring: { p?: string } }>('/authors/:name', { schema: { hide: true, params: nameParam, querystring: pageQuery } }, async (req, reply) => {
    const name = authorName(req);
    const page = Math.max(1, pageNumber(req.query.p, 1));
    const data = await load(name, page, PAGE_SIZE);
    const viewer = req.user ? await viewerOf(req, reply, data.papers) : undefined;
    if (viewer) return reply.type(HTML).send(authorPage({ name, ...data, page, pageSize: PAGE_SIZE, viewer }).value);
    reply.header('cache-control', 'public, max-age=60');
    const prepared = await cache.get(`page:author:${name}:${page}`, async () => prepare(authorPage({ name, ...data, page, pageSize: PAGE_SIZE }).value, HTML));
    return sendPrepared(req, reply, prepared, { varyCookie: true });
  });

  for (const format of ['rss', 'atom'] as const satisfies readonly FeedFormat[]) {
    server.get<{ Params: { name: string }; Querystring: { p?: string } }>(
      `/authors/:name/feed.${format}`,
      {
        config: { limit: 'feeds' },
        schema: {
          tags: ['feeds'],
          summary: `An author's newest papers (${format}): /authors/Quoc%20V.%20Le/feed.${format}`,
          params: nameParam,
          response: { 200: { description: 'the feed', content: { [FEED_TYPES[format].split(';')[0]!]: { schema: { type: 'string' } } } } },
        },
      },
      async (req, reply) => {
        const name = authorName(req);
        const feed = await cache.get(`feed:author.${format}:${name}`, async () => {
          const { papers } = await load(name, 1, FEED_ITEMS);
          const emptyUpdated = papers.length ? null : await app.catalog.lastChange();
          const spec = { title: `Paperboy · Papers by ${name}`, description: `The newest papers with ${name} among their authors.`, htmlPath: authorUrl(name), feedPath: FEEDS.author(name).path, emptyUpdated };
          return prepare(renderFeed(format, spec, papers, app.config.baseUrl), FEED_TYPES[format]);
        });
        return sendPrepared(req, cacheFor(reply, 300), feed);
      },
    );
  }

  server.get<{ Params: { name: string }; Querystring: { p?: string } }>(
    '/api/authors/:name',
    {
      schema: {
        tags: ['papers'],
        summary: "An author's papers (exact name as written on papers), newest first, 20 a page (p from 1)",
        params: nameParam,
        querystring: pageQuery,
        response: {
          200: { type: 'object', properties: { name: { type: 'string' }, total: { type: 'integer' }, page: { type: 'integer' }, pages: { type: 'integer' }, papers: { type: 'array', items: hfPaperSchema } } },
          400: errorSchema,
        },
      },
    },
    async (req) => {
      const name = authorName(req);
      const page = Math.max(1, pageNumber(req.query.p, 1));
      const { papers, total } = await load(name, page, PAGE_SIZE);
      return { name, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), papers: papers.map((p) => hfPaperJson(p, app.config.baseUrl)) };
    },
  );
};
