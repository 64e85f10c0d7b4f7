/**
 * The compact JSON shape of a paper in list endpoints this module serves (trending, category), with its
 * JSON schema for validation/serialization and the OpenAPI document. Field names follow Hugging Face's
 * papers API (`id`, `title`, `summary`, `authors[].name`, `publishedAt`, `upvotes`) where it has them.
 */
import { toPaper } from '../catalog/paper.ts';
import type { PaperRow } from '../store/schema.ts';

export interface PaperSummaryJson {
  id: string;
  title: string;
  summary: string;
  authors: Array<{ name: string }>;
  categories: string[];
  publishedAt: string | null;
  dailyDate: string | null;
  upvotes: number;
  numComments: number;
  url: string;
  arxivUrl: string;
}

export function paperSummaryJson(row: PaperRow, baseUrl: string): PaperSummaryJson {
  const p = toPaper(row);
  return {
    id: p.arxivId,
    title: p.title,
    summary: p.abstract,
    authors: p.authors.map((name) => ({ name })),
    categories: p.categories,
    publishedAt: p.publishedAt,
    dailyDate: p.dailyDate,
    upvotes: p.upvotes,
    numComments: p.numComments,
    url: `${baseUrl}/papers/${p.arxivId}`,
    arxivUrl: p.absUrl,
  };
}

const nullableString = { type: ['string', 'null'] } as const;

export const paperSummarySchema = {
  type: 'object',
  required: ['id', 'title', 'summary', 'authors', 'categories', 'publishedAt', 'dailyDate', 'upvotes', 'numComments', 'url', 'arxivUrl'],
  properties: {
    id: { type: 'string', description: 'arXiv id without version', examples: ['2310.06511'] },
    title: { type: 'string' },
    summary: { type: 'string', description: 'the abstract' },
    authors: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    categories: { type: 'array', items: { type: 'string' }, description: 'arXiv categories, primary first' },
    publishedAt: nullableString,
    dailyDate: { ...nullableString, description: 'the day the paper entered the daily list' },
    upvotes: { type: 'integer' },
    numComments: { type: 'integer' },
    url: { type: 'string', description: 'the paper page on this site' },
    arxivUrl: { type: 'string' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error', 'code', 'statusCode'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, statusCode: { type: 'integer' } },
} as const;
