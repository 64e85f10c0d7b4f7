/**
 * JSON lists behind the feeds, with cursor pagination: trending papers (cursor pins the reference day
 * and an offset, so pages do not shift while you read) and a category newest first (keyset cursor).
 * Items have the shape of `/api/daily_papers` entries (hf-json.ts); trending adds its `score` beside.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { NewestKey, TrendingPaper } from '../../catalog/catalog.service.ts';
import { explainTrending, TRENDING_FORMULA } from '../../catalog/trending.ts';
import { AppError } from '../../errors.ts';
import { cacheFor } from '../cache.ts';
import { prepare, sendPrepared } from '../prepared.ts';
import { seqCache } from '../seq-cache.ts';
import { decodeCursor, encodeCursor, pageQuerySchema, DEFAULT_LIMIT } from '../pagination.ts';
import { errorSchema } from '../error-schema.ts';
import { hfDailyEntryJson, hfDailyEntrySchema } from '../hf-json.ts';
import { CATEGORY } from './feeds.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function pageSchema(extra: Record<string, unknown> = {}, itemExtra: Record<string, unknown> = {}) {
  return {
    200: {
      type: 'object',
      required: ['items', 'next_cursor'],
      properties: {
        ...extra,
        items: { type: 'array', items: { ...hfDailyEntrySchema, properties: { ...hfDailyEntrySchema.properties, ...itemExtra } } },
        next_cursor: { type: ['string', 'null'] },
      },
    },
    400: errorSchema,
  };
}

export const listRoutes: FastifyPluginAsync = async (server) => {
  const base = () => server.app.config.baseUrl;
  const pageItems = (ranked: TrendingPaper[]) => ranked.map((r) => ({ ...hfDailyEntryJson(r.paper, base()), score: Math.round(r.score * 1000) / 1000, why: explainTrending(r.parts) }));

  server.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/api/trending',
    {
      schema: {
        tags: ['papers'],
        summary: `Trending papers: ${TRENDING_FORMULA}`,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
        response: pageSchema({ reference: { type: ['string', 'null'], description: 'the day ages are counted from' } }, { score: { type: 'number', description: 'the trending score, rounded to 3 decimals' }, why: { type: 'string', description: "the score's parts in words: why it is trending" } }),
      },
    },
    async (req, reply) => {
      const limit = req.query.limit ?? DEFAULT_LIMIT;
      const pos = req.query.cursor
        ? decodeCursor(req.query.cursor, (v) =>
            typeof v.r === 'string' && DAY.test(v.r) && Number.isInteger(v.o) && (v.o as number) >= 0 ? { r: v.r, o: v.o as number } : null,
          )
        : { r: undefined, o: 0 };
      const today = new Date().toISOString().slice(0, 10);
      const cache = seqCache(server.app);
      // The ranking is a function of the catalog and the day: rank once per change, page from memory.
      // Each page is kept as ready JSON bytes too: its items repeat the abstract (the daily_papers entry
      // shape), and serializing ~90 KB per request cost two thirds of the route's throughput.
      const page = await cache.get(`trending:page:${today}:${pos.r ?? ''}:${pos.o}:${limit}`, async () => {
        const { reference, ranked } = await cache.get(`trending:${today}:${pos.r ?? ''}`, () =>
          server.app.catalog.trending({ today, reference: pos.r }),
        );
        const more = reference !== null && pos.o + limit < ranked.length;
        const body = {
          reference,
          items: pageItems(ranked.slice(pos.o, pos.o + limit)),
          next_cursor: more ? encodeCursor({ r: reference, o: pos.o + limit }) : null,
        };
        return prepare(JSON.stringify(body), 'application/json; charset=utf-8');
      });
      return sendPrepared(req, cacheFor(reply, 60), page);
    },
  );

  server.get<{ Params: { category: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/api/categories/:category/papers',
    {
      schema: {
        tags: ['papers'],
        summary: 'Papers listed in an arXiv category, newest first',
        params: { type: 'object', required: ['category'], properties: { category: { type: 'string', maxLength: 50, examples: ['cs.CL'] } } },
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
        response: pageSchema(),
      },
    },
    async (req, reply) => {
      const { category } = req.params;
      if (!CATEGORY.test(category)) throw new AppError('BAD_REQUEST', `not an arXiv category: ${JSON.stringify(category)} (e.g. cs.CL, hep-th)`);
      const limit = req.query.limit ?? DEFAULT_LIMIT;
      const after = req.query.cursor
        ? decodeCursor<NewestKey>(req.query.cursor, (v) =>
            typeof v.p === 'string' && typeof v.a === 'string' ? { publishedAt: v.p, arxivId: v.a } : null,
          )
        : undefined;
      // One extra row tells whether another page exists without a count query.
      const rows = await server.app.catalog.category(category, { limit: limit + 1, after });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      cacheFor(reply, 60);
      return {
        items: page.map((p) => hfDailyEntryJson(p, base())),
        next_cursor: rows.length > limit && last ? encodeCursor({ p: last.publishedAt ?? '', a: last.arxivId }) : null,
      };
    },
  );
};
