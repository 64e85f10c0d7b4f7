/**
 * Citation exports: `/api/export?ids=2310.06511,hep-th/9901001&format=bibtex|ris` returns one BibTeX or
 * RIS file for up to 100 papers, in the order given. A query parameter (not a path) carries the ids
 * because old-style arXiv ids contain a slash. Collections will reuse formatCitations when they exist.
 */
import type { FastifyPluginAsync } from 'fastify';
import { parseArxivId } from '../../catalog/arxiv-id.ts';
import { CITATION_TYPES, formatCitations, type CitationFormat } from '../../catalog/citation.ts';
import { AppError } from '../../errors.ts';
import { cacheFor } from '../cache.ts';
import { errorSchema } from '../error-schema.ts';

export const MAX_EXPORT_IDS = 100;

export const exportRoutes: FastifyPluginAsync = async (server) => {
  server.get<{ Querystring: { ids: string; format: CitationFormat } }>(
    '/api/export',
    {
      schema: {
        tags: ['export'],
        summary: 'Citations of papers as BibTeX or RIS',
        querystring: {
          type: 'object',
          required: ['ids', 'format'],
          properties: {
            ids: { type: 'string', minLength: 1, maxLength: 4000, description: 'comma-separated arXiv ids (any common form)', examples: ['2310.06511,hep-th/9901001'] },
            format: { type: 'string', enum: ['bibtex', 'ris'] },
          },
        },
        response: {
          200: {
            description: 'a .bib or .ris file',
            content: { 'application/x-bibtex': { schema: { type: 'string' } }, 'application/x-research-info-systems': { schema: { type: 'string' } } },
          },
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const raw = req.query.ids.split(',').map((s) => s.trim()).filter(Boolean);
      if (raw.length === 0) throw new AppError('BAD_REQUEST', 'ids must name at least one arXiv id');
      if (raw.length > MAX_EXPORT_IDS) throw new AppError('BAD_REQUEST', `ids names ${raw.length} papers; at most ${MAX_EXPORT_IDS} per export`);
      const ids = [...new Set(raw.map((s) => parseArxivId(s).id))];
      const papers = await server.app.catalog.papersByIds(ids);
      const found = new Set(papers.map((p) => p.arxivId));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length) throw new AppError('PAPER_NOT_FOUND', `not in the catalog: ${missing.slice(0, 10).join(', ')}`);
      const type = CITATION_TYPES[req.query.format];
      const name = ids.length === 1 ? ids[0]!.replace(/\//g, '_') : 'papers';
      cacheFor(reply, 300)
        .type(type.contentType)
        .header('content-disposition', `attachment; filename="${name}.${type.ext}"`);
      return formatCitations(papers, req.query.format);
    },
  );
};
