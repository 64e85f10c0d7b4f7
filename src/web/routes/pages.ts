/**
 * HTML pages: the daily / weekly / monthly lists and the paper page.
 */
import type { FastifyPluginAsync } from 'fastify';
import { parseDay, type PeriodKind } from '../../catalog/dates.ts';
import { markdownRequest, sendPaperMarkdown } from './api-papers.ts';
import { AppError } from '../../errors.ts';
import { FEEDS, feedLinks, paperFeeds } from '../views/feed-links.ts';
import { listingPage, periodHref } from '../views/listing.ts';
import { paperPage, similarPage, similarPlaceholder, similarSection } from '../views/paper-page.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { viewerOf } from '../viewer.ts';
import { community } from '../../community/index.ts';
import { discussionSection } from '../views/discussion.ts';
import { claimBox } from '../views/claims.ts';
import { html } from '../html.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { seqCache } from '../seq-cache.ts';

const PAGE_SIZE = 30;
const HTML = 'text/html; charset=utf-8';

interface ListQuery {
  date?: string;
  week?: string;
  month?: string;
  p?: string;
  /** The date picker: a day, and the kind of list to open around it. */
  on?: string;
  view?: PeriodKind;
}

const listQuerySchema = {
  type: 'object',
  properties: {
    date: { type: 'string', maxLength: 100 },
    week: { type: 'string', maxLength: 100 },
    month: { type: 'string', maxLength: 100 },
    p: { type: 'string', maxLength: 10 },
    on: { type: 'string', maxLength: 100 },
    view: { type: 'string', enum: ['day', 'week', 'month'] },
  },
} as const;

// Shared with the JSON API (api-papers.ts), which imports them from there: no import cycle.
export { pageNumber, periodFromQuery } from '../list-params.ts';
import { pageNumber, periodFromQuery } from '../list-params.ts';

export const pageRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const dailyFeeds = feedLinks(FEEDS.daily, FEEDS.trending);

  // A list page is a pure function of the catalog: render it once per change of the catalog's sequence.
  // A signed-in user's page adds their votes and forms, so it is rendered for them from the cached list.
  const list = async (req: FastifyRequest, reply: FastifyReply, q: ListQuery): Promise<FastifyReply> => {
    const { kind, value } = periodFromQuery(q);
    const page = Math.max(1, pageNumber(q.p, 1));
    const cache = seqCache(app);
    const data = () => cache.get(`data:list:${kind}:${value ?? ''}:${page}`, async () => {
      const listing = await app.catalog.listPeriod({ kind, value, page, pageSize: PAGE_SIZE });
      const nav = listing.period ? await app.catalog.periodNavigation(listing.period, listing) : null;
      return { listing, nav };
    });
    const viewer = req.user ? await viewerOf(req, reply, (await data()).listing.papers) : undefined;
    if (viewer) {
      const { listing, nav } = await data();
      return reply.type(HTML).send(listingPage(listing, kind, nav, dailyFeeds, viewer).value);
    }
    reply.header('cache-control', 'public, max-age=60');
    const prepared: Prepared = await cache.get(`page:list:${kind}:${value ?? ''}:${page}`, async () => {
      const { listing, nav } = await data();
      return prepare(listingPage(listing, kind, nav, dailyFeeds).value, HTML);
    });
    return sendPrepared(req, reply, prepared, { varyCookie: true });
  };

  // The busiest page: a cache hit sends ready bytes (see prepared.ts).
  server.get('/', { schema: { hide: true } }, async (req, reply) => list(req, reply, {}));

  server.get<{ Querystring: ListQuery }>('/papers', { schema: { hide: true, querystring: listQuerySchema } }, async (req, reply) => {
    // The date picker sends a day and a kind: open the nearest list of that kind that has papers.
    if (req.query.on !== undefined) {
      if (!parseDay(req.query.on)) throw new AppError('INVALID_DATE', `on must be a calendar day as YYYY-MM-DD (got ${JSON.stringify(req.query.on.slice(0, 40))})`);
      const day = req.query.on;
      const target = await app.catalog.periodForPick(req.query.view ?? 'day', day);
      return reply.redirect(target ? periodHref(target) : '/', 303);
    }
    return list(req, reply, req.query);
  });

  server.get<{ Querystring: { id: string; fragment?: string } }>(
    '/similar',
    { schema: { hide: true, querystring: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 300 }, fragment: { type: 'string', maxLength: 5 } } } } },
    async (req, reply) => {
      const paper = await app.catalog.getPaper(req.query.id);
      const similar = await app.catalog.similar(paper, 8);
      reply.header('cache-control', 'public, max-age=300');
      const section = similarSection(similar);
      if (req.query.fragment) return reply.type(HTML).send(section.value);
      return reply.type(HTML).send(similarPage(paper, section, await viewerOf(req, reply)).value);
    },
  );

  // A wildcard, because old-style arXiv ids hold a slash: /papers/hep-th/9901001.
  server.get<{ Params: { '*': string } }>('/papers/*', { schema: { hide: true } }, async (req, reply) => {
    // `/papers/{id}.md` and `Accept: text/markdown` answer the paper as Markdown (api-papers.ts).
    const markdown = markdownRequest(req.params['*'], req.headers.accept);
    if (markdown) return sendPaperMarkdown(app, req, reply, markdown);
    const paper = await app.catalog.getPaper(decodeURIComponent(req.params['*']));
    // Revalidated on every view (the ETag makes that cheap): votes and comments change it.
    reply.header('cache-control', 'public, no-cache').header('vary', 'accept');
    const head = feedLinks(...paperFeeds(paper));
    const viewer = await viewerOf(req, reply, [paper]);
    if (viewer) reply.header('vary', 'accept, cookie');
    const [thread, claims] = await Promise.all([community(app).comments.thread(paper.arxivId, req.user), community(app).claims.onPaper(paper.id, paper.authors, req.user)]);
    // Similar papers cost a search: they load from /similar after the page (a link without JavaScript).
    return reply.type(HTML).send(paperPage(paper, { head, below: html`${claimBox(paper.arxivId, claims, viewer)}${discussionSection(thread, viewer)}${similarPlaceholder(paper)}`, viewer }).value);
  });
};
