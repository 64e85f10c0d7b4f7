/**
 * Search: the HTML results page, Hugging Face's `/api/papers/search`, and the richer `/api/search`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { viewerOf } from '../viewer.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_MODE, hasText, MAX_QUERY_LENGTH, SEARCH_MODES, type SearchMode, type SortOrder } from '../../search/index.ts';
import { hfDailyEntryJson, hfDailyEntrySchema, hfPaperSchema } from '../hf-json.ts';
import { errorSchema } from '../error-schema.ts';
import { FEEDS, feedLinks } from '../views/feed-links.ts';
import { searchPage } from '../views/search.ts';
import { searchEtag, searchJson } from '../search-json.ts';
import { pageNumber } from './pages.ts';

const PAGE_SIZE = 20;
const q = { type: 'string', maxLength: MAX_QUERY_LENGTH } as const;
const sort = { type: 'string', enum: ['relevance', 'date', 'upvotes'] } as const;
const mode = { type: 'string', enum: SEARCH_MODES } as const;
const SORTS: SortOrder[] = ['relevance', 'date', 'upvotes'];
const MODE_NAMES: Record<SearchMode, string> = { keyword: 'Keywords', hybrid: 'Keywords + meaning', semantic: 'Meaning' };

/** Filters given as separate parameters join the query as the query language's own fields. */
function withFilters(text: string, cat?: string): string {
  const c = cat?.trim();
  return c ? `${text} cat:${c}` : text;
}

export const searchRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;

  server.get<{ Querystring: { q?: string; sort?: string; cat?: string; p?: string; mode?: string } }>(
    '/search',
    // mode and sort are checked below, not by the schema: a page answers a bad value with its results and a word about it, not an error page.
    { schema: { hide: true, querystring: { type: 'object', properties: { q, sort: { type: 'string', maxLength: 40 }, mode: { type: 'string', maxLength: 40 }, cat: { type: 'string', maxLength: 40 }, p: { type: 'string', maxLength: 10 } } } } },
    async (req, reply) => {
      const text = (req.query.q ?? '').trim();
      const page = Math.max(1, pageNumber(req.query.p, 1));
      const cat = req.query.cat ?? '';
      const unknown: string[] = [];
      const askedMode = req.query.mode;
      const mode: SearchMode = askedMode === undefined || askedMode === '' ? DEFAULT_MODE : SEARCH_MODES.includes(askedMode as SearchMode) ? (askedMode as SearchMode) : DEFAULT_MODE;
      if (askedMode && mode !== askedMode) unknown.push(`There is no search mode “${askedMode.slice(0, 40)}”; choose ${SEARCH_MODES.map((m) => MODE_NAMES[m]).join(', ')}. These are ${MODE_NAMES[mode]} results.`);
      const askedSort = req.query.sort;
      const s: SortOrder = askedSort && SORTS.includes(askedSort as SortOrder) ? (askedSort as SortOrder) : 'relevance';
      if (askedSort && s !== askedSort) unknown.push(`There is no sort order “${askedSort.slice(0, 40)}”; choose relevance, date or upvotes. These are sorted by relevance.`);
      const find = (m: SearchMode) => app.catalog.search({ q: withFilters(text, cat), sort: s, mode: m, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      let result = null;
      let notice: string | undefined = unknown.length ? unknown.join(' ') : undefined;
      if (text || cat) {
        try {
          result = await find(mode);
        } catch (e) {
          // The page degrades where the API answers 503: keyword results, and why.
          if (!(e instanceof AppError && e.code === 'INDEX_NOT_READY')) throw e;
          result = await find('keyword');
        }
        if (result.mode !== mode && s === 'relevance' && hasText(result.query)) notice = [notice, `Search by meaning is not available on this server yet, so these are keyword matches.`].filter(Boolean).join(' ');
      }
      const head = text ? feedLinks(FEEDS.search(text)) : undefined;
      const viewer = await viewerOf(req, reply, result?.results.map((r) => r.paper) ?? []);
      return reply.type('text/html; charset=utf-8').send(searchPage({ q: text, sort: s, cat, mode, result, notice, page, pageSize: PAGE_SIZE, head, viewer }).value);
    },
  );

  server.get<{ Querystring: { q?: string; limit?: number } }>(
    '/api/papers/search',
    {
      schema: {
        summary: 'Search papers (Hugging Face shape); without q, the most recent daily papers',
        tags: ['search'],
        querystring: { type: 'object', additionalProperties: false, properties: { q, limit: { type: 'integer', minimum: 1, maximum: 120, default: 20 } } },
        response: { 200: { type: 'array', items: hfDailyEntrySchema }, 400: errorSchema },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 20;
      const text = req.query.q?.trim() ?? '';
      // huggingface_hub's list_papers() without a query sends no q: list papers, newest first.
      if (!text) {
        const papers = await app.catalog.dailyPapers({ kind: 'day', sort: 'publishedAt', page: 0, limit, today: new Date().toISOString().slice(0, 10) });
        return papers.map((paper) => hfDailyEntryJson(paper, app.config.baseUrl));
      }
      // Hugging Face's shape carries neither snippets nor a total: skip highlighting and counting.
      const res = await app.catalog.search({ q: text, limit, bare: true });
      return res.results.map(({ paper }) => hfDailyEntryJson(paper, app.config.baseUrl));
    },
  );

  server.get<{ Querystring: { q: string; limit?: number; offset?: number; sort?: SortOrder; mode?: SearchMode; cat?: string } }>(
    '/api/search',
    {
      schema: {
        summary: 'Search papers with scores, highlighted snippets and the parsed query',
        description:
          'Query language: words, "quoted phrases", -exclusion, author:, cat:, year:2024, after:/before:YYYY-MM-DD, sort:relevance|date|upvotes. Papers matching every word of a short query (up to 4 words) come first; longer queries (a pasted abstract) match any word, ranked by BM25 with pseudo-relevance feedback.',
        tags: ['search'],
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { ...q, minLength: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            offset: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
            sort,
            mode,
            cat: { type: 'string', maxLength: 40 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['total', 'total_kind', 'has_more', 'took_ms', 'mode', 'hits'],
            properties: {
              total: { type: 'integer', description: 'A count of matches when total_kind is all or every-word; with none, only how far the ranked list was read' },
              total_kind: { type: 'string', enum: ['all', 'every-word', 'none'], description: 'all: every matching paper; every-word: papers with every word of a short query (more results with some words follow); none: no meaningful count (long queries, meaning)' },
              has_more: { type: 'boolean', description: 'a next page exists (offset + limit; the first 1,000 results can be paged through)' },
              notes: { type: 'array', items: { type: 'string' }, description: 'how the query was read, e.g. an unclosed quote' },
              took_ms: { type: 'number' },
              mode: { type: 'string' },
              query: { type: 'object', additionalProperties: true },
              hits: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    score: { type: 'number' },
                    highlight: { type: 'object', properties: { title: { type: 'string' }, abstract: { type: 'string' } }, description: 'HTML-escaped text with matches wrapped in <mark>: safe to insert as HTML' },
                    paper: hfPaperSchema,
                  },
                },
              },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const text = req.query.q.trim();
      if (!text) throw new AppError('INVALID_QUERY', 'q must contain something to search for');
      const res = await app.catalog.search({
        q: withFilters(text, req.query.cat),
        limit: req.query.limit ?? 20,
        offset: req.query.offset ?? 0,
        sort: req.query.sort,
        mode: req.query.mode,
      });
      // Set here, so @fastify/etag neither hashes the body nor misses a matching If-None-Match (it answers 304).
      reply.header('etag', searchEtag(res, req.url));
      return searchJson(res, app.config.baseUrl);
    },
  );
};
