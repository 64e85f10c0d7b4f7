/**
 * Papers in Hugging Face's JSON shapes (`/api/daily_papers`, `/api/papers/{id}`), with the JSON
 * schemas Fastify validates and serializes with (and OpenAPI documents). Field names are Hugging
 * Face's wherever it has the field; we add a few of our own (`categories`, `url`).
 */
import type { Paper } from '../catalog/paper.ts';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export function hfPaperJson(p: Paper, baseUrl: string) {
  return {
    id: p.arxivId,
    authors: p.authors.map((name) => ({ name })),
    publishedAt: p.publishedAt,
    submittedOnDailyAt: p.dailyDate ? `${p.dailyDate}T00:00:00.000Z` : null,
    title: p.title,
    summary: p.abstract,
    upvotes: p.upvotes,
    numComments: p.numComments,
    githubRepo: p.githubRepo,
    projectPage: p.projectPage,
    ai_summary: p.aiSummary,
    ai_keywords: p.aiKeywords,
    categories: p.categories,
    comment: p.comment,
    url: `${baseUrl}/papers/${p.arxivId}`,
  };
}

export const hfPaperSchema = {
  type: 'object',
  required: ['id', 'authors', 'title', 'summary', 'upvotes'],
  properties: {
    id: { ...str, description: 'arXiv id without version', examples: ['2310.06511'] },
    authors: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: str } } },
    publishedAt: nullableStr,
    submittedOnDailyAt: { ...nullableStr, description: 'when the paper entered the daily list' },
    title: str,
    summary: { ...str, description: 'the abstract' },
    upvotes: { type: 'integer' },
    numComments: { type: 'integer' },
    githubRepo: nullableStr,
    projectPage: nullableStr,
    ai_summary: nullableStr,
    ai_keywords: { type: 'array', items: str },
    categories: { type: 'array', items: str, description: 'arXiv categories, primary first' },
    comment: nullableStr,
    url: { ...str, description: 'the paper page on this site' },
  },
} as const;

/** One entry of `/api/daily_papers`: the paper plus the list-level fields HF repeats beside it. */
export function hfDailyEntryJson(p: Paper, baseUrl: string) {
  return {
    paper: hfPaperJson(p, baseUrl),
    publishedAt: p.publishedAt,
    title: p.title,
    summary: p.abstract,
    numComments: p.numComments,
    submittedBy: p.submittedBy ? { name: p.submittedBy } : null,
  };
}

export const hfDailyEntrySchema = {
  type: 'object',
  required: ['paper', 'title', 'summary', 'numComments'],
  properties: {
    paper: hfPaperSchema,
    publishedAt: nullableStr,
    title: str,
    summary: str,
    numComments: { type: 'integer' },
    submittedBy: { type: ['object', 'null'], properties: { name: str } },
  },
} as const;
