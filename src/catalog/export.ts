/**
 * The catalog as a stream of PaperInput records — the JSONL layout `paperboy export` writes and the
 * `jsonl` ingest source reads back. Every PaperInput field is present on every line (null when unknown)
 * and `source` keeps each paper's provenance, so export → ingest → export is byte-identical.
 */
import type { Kysely } from 'kysely';
import type { Database, PaperRow } from '../store/schema.ts';
import type { PaperInput } from './paper.ts';

/** The fields of a line, in the order they are written. */
export const JSONL_FIELDS = [
  'arxivId', 'version', 'title', 'abstract', 'authors', 'categories', 'publishedAt', 'updatedAt', 'dailyDate',
  'comment', 'journalRef', 'doi', 'githubRepo', 'projectPage', 'upvotes', 'numComments', 'submittedBy',
  'aiSummary', 'aiKeywords', 'source',
] as const satisfies readonly (keyof PaperInput)[];

function jsonArray(s: string | null): string[] | null {
  if (s === null) return null;
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : null;
  } catch {
    return null;
  }
}

/** One stored row as a complete PaperInput (keys in JSONL_FIELDS order). */
export function rowToInput(r: PaperRow): Required<PaperInput> {
  return {
    arxivId: r.arxiv_id,
    version: r.version,
    title: r.title,
    abstract: r.abstract,
    authors: jsonArray(r.authors) ?? [],
    categories: r.categories ? r.categories.split(' ') : [],
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    dailyDate: r.daily_date,
    comment: r.comment,
    journalRef: r.journal_ref,
    doi: r.doi,
    githubRepo: r.github_repo,
    projectPage: r.project_page,
    upvotes: r.upvotes,
    numComments: r.num_comments,
    submittedBy: r.submitted_by,
    aiSummary: r.ai_summary,
    aiKeywords: jsonArray(r.ai_keywords),
    source: r.source,
  };
}

/**
 * Every paper in arXiv id order, read in keyset batches so memory stays flat on any catalog size.
 * @example for await (const p of exportPapers(db)) out.write(`${JSON.stringify(p)}\n`)
 */
export async function* exportPapers(db: Kysely<Database>, batch = 1000): AsyncGenerator<Required<PaperInput>> {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('papers').selectAll().where('arxiv_id', '>', after).orderBy('arxiv_id').limit(batch).execute();
    for (const r of rows) yield rowToInput(r);
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.arxiv_id;
  }
}
