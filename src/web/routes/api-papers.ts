/**
 * The JSON API in Hugging Face's shapes: `/api/daily_papers` and `/api/papers/{id}`, answering what
 * huggingface_hub's `list_daily_papers` and `paper_info` send (docs/api.md lists what still differs).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogService } from '../../catalog/catalog.service.ts';
import { DAILY_SORTS, parseDailySort } from '../../catalog/daily-papers.service.ts';
import type { Paper } from '../../catalog/paper.ts';
import { AppError } from '../../errors.ts';
import { paperMarkdown } from '../paper-markdown.ts';
import { hfDailyEntryJson, hfDailyEntrySchema, hfPaperJson, hfPaperSchema } from '../hf-json.ts';
import { errorSchema } from '../error-schema.ts';
import { seqCache } from '../seq-cache.ts';
import { pageNumber, periodFromQuery } from '../list-params.ts';

interface DailyQuery {
  date?: string;
  week?: string;
  month?: string;
  submitter?: string;
  sort?: string;
  limit?: number;
  p?: string;
}

/**
 * A paper for the API: an id that is not an arXiv identifier is a paper this catalog does not have,
 * so it is a 404 as on Hugging Face (huggingface_hub maps 404 to "not found"); the HTML page keeps the
 * friendlier 400 that says what is wrong with the id.
 */
export async function getApiPaper(catalog: CatalogService, id: string): Promise<Paper> {
  try {
    return await catalog.getPaper(id);
  } catch (e) {
    if (e instanceof AppError && e.code === 'INVALID_ARXIV_ID') {
      throw new AppError('PAPER_NOT_FOUND', `No paper ${JSON.stringify(id.slice(0, 80))} in this catalog (${e.message})`, { details: { id: id.slice(0, 80) } });
    }
    throw e;
  }
}

/**
 * A paper moderators hid answers 410 `PAPER_HIDDEN` on the API and in Markdown (clients and crawlers
 * learn it was removed on purpose, not that the id is wrong), with when and why; moderators and admins
 * still read it, privately. The HTML page stays reachable for everyone and says the same in words.
 */
export function visibleApiPaper(req: FastifyRequest, reply: FastifyReply, paper: Paper): Paper {
  if (!paper.hiddenAt) return paper;
  const role = req.user?.role;
  if (role === 'moderator' || role === 'admin') {
    reply.header('cache-control', 'private, no-store');
    return paper;
  }
  reply.header('cache-control', 'public, no-cache');
  throw new AppError('PAPER_HIDDEN', `Paper ${paper.arxivId} was hidden by moderators on ${paper.hiddenAt.slice(0, 10)}${paper.hiddenReason ? `: ${paper.hiddenReason}` : ''}`, {
    details: { id: paper.arxivId, hiddenAt: paper.hiddenAt, reason: paper.hiddenReason ?? null },
  });
}

/**
 * The id a paper-page request asks Markdown for (`/papers/{id}.md`, or `Accept: text/markdown` and no
 * HTML), or null for the HTML page.
 */
export function markdownRequest(param: string, accept: string | undefined): string | null {
  if (param.endsWith('.md')) return param.slice(0, -3);
  const wants = (accept ?? '').toLowerCase();
  return wants.includes('text/markdown') && !wants.includes('text/html') ? param : null;
}

/** Answer a paper as Markdown; an unknown or invalid id is a 404, as for `read_paper` on Hugging Face. */
export async function sendPaperMarkdown(app: FastifyInstance['app'], req: FastifyRequest, reply: FastifyReply, id: string): Promise<FastifyReply> {
  const found = await getApiPaper(app.catalog, decodeURIComponent(id));
  reply.header('cache-control', 'public, max-age=300').header('vary', 'accept');
  const paper = visibleApiPaper(req, reply, found);
  return reply.type('text/markdown; charset=utf-8').send(paperMarkdown(paper, app.config.baseUrl));
}

export const apiPaperRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;

  server.get<{ Querystring: DailyQuery }>(
    '/api/daily_papers',
    {
      schema: {
        summary: 'Papers of a day, ISO week or month, most upvoted first (Hugging Face shape)',
        description:
          'Without a period: the latest day with papers, or every day when `submitter` or `sort` is given. ' +
          '`sort=publishedAt` lists newest first, `sort=trending` by the trending score (docs/api.md).',
        tags: ['papers'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            date: { type: 'string', maxLength: 20, description: 'YYYY-MM-DD (default: the latest day with papers)' },
            week: { type: 'string', maxLength: 20, description: 'ISO week, YYYY-Www' },
            month: { type: 'string', maxLength: 20, description: 'YYYY-MM' },
            submitter: { type: 'string', maxLength: 100, description: 'only papers this Hugging Face user name submitted' },
            sort: { type: 'string', maxLength: 40, description: `one of ${DAILY_SORTS.join(', ')}`, examples: [...DAILY_SORTS] },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            p: { type: 'string', maxLength: 10, description: 'page, 0-based as on Hugging Face' },
          },
        },
        response: { 200: { type: 'array', items: hfDailyEntrySchema }, 400: errorSchema },
      },
    },
    async (req, reply) => {
      const { kind, value } = periodFromQuery(req.query);
      const limit = req.query.limit ?? 50;
      const page = pageNumber(req.query.p, 0);
      const { submitter } = req.query;
      // Checked before the cache, so a bad value answers 400 without taking a cache slot.
      const sort = parseDailySort(req.query.sort);
      const today = new Date().toISOString().slice(0, 10);
      reply.header('cache-control', 'public, max-age=60');
      const key = `api:daily:${kind}:${value ?? ''}:${submitter ?? ''}:${sort ?? ''}:${page}:${limit}:${sort === 'trending' ? today : ''}`;
      return seqCache(app).get(key, async () => {
        const papers = await app.catalog.dailyPapers({ kind, value, submitter, sort, page, limit, today });
        return papers.map((p) => hfDailyEntryJson(p, app.config.baseUrl));
      });
    },
  );

  server.get<{ Params: { '*': string } }>(
    '/api/papers/*',
    {
      schema: {
        summary: 'One paper by arXiv id (any form: 2310.06511, 2310.06511v2, hep-th/9901001)',
        tags: ['papers'],
        params: { type: 'object', properties: { '*': { type: 'string', maxLength: 300 } } },
        response: { 200: hfPaperSchema, 404: errorSchema, 410: errorSchema },
      },
    },
    async (req, reply) => {
      const found = await getApiPaper(app.catalog, decodeURIComponent(req.params['*']));
      reply.header('cache-control', 'public, max-age=300');
      return hfPaperJson(visibleApiPaper(req, reply, found), app.config.baseUrl);
    },
  );
};
