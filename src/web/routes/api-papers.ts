/**
 * The JSON API in Hugging Face's shapes: `/api/daily_papers` and `/api/papers/{id}`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { hfDailyEntryJson, hfDailyEntrySchema, hfPaperJson, hfPaperSchema } from '../hf-json.ts';
import { errorSchema } from '../error-schema.ts';
import { seqCache } from '../seq-cache.ts';
import { pageNumber, periodFromQuery } from './pages.ts';

interface DailyQuery {
  date?: string;
  week?: string;
  month?: string;
  limit?: number;
  p?: string;
}

export const apiPaperRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;

  server.get<{ Querystring: DailyQuery }>(
    '/api/daily_papers',
    {
      schema: {
        summary: 'Papers of a day, ISO week or month, most upvoted first (Hugging Face shape)',
        tags: ['papers'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            date: { type: 'string', maxLength: 20, description: 'YYYY-MM-DD (default: the latest day with papers)' },
            week: { type: 'string', maxLength: 20, description: 'ISO week, YYYY-Www' },
            month: { type: 'string', maxLength: 20, description: 'YYYY-MM' },
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
      const page = pageNumber(req.query.p, 0) + 1;
      reply.header('cache-control', 'public, max-age=60');
      return seqCache(app).get(`api:daily:${kind}:${value ?? ''}:${page}:${limit}`, async () => {
        const listing = await app.catalog.listPeriod({ kind, value, page, pageSize: limit });
        return listing.papers.map((p) => hfDailyEntryJson(p, app.config.baseUrl));
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
        response: { 200: hfPaperSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const paper = await app.catalog.getPaper(decodeURIComponent(req.params['*']));
      reply.header('cache-control', 'public, max-age=300');
      return hfPaperJson(paper, app.config.baseUrl);
    },
  );
};
