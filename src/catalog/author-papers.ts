/**
 * An author's papers, newest first: every paper whose author list holds exactly this name (the
 * spelling on the paper, case and accents kept). The authors column is a JSON array whose items are a
 * name or an object with `"name"`, so the name's JSON string, quotes included, occurs in the column
 * exactly when some author carries that name — a longer name ("Anh Do Jr") or a name inside another
 * cannot match, because the quotes bound it. A scan with instr/strpos: measured on the 74,728-paper
 * arXiv sample (docs/benchmarks.md, Votes section notes); pages are cached by catalog sequence.
 */
import { sql } from 'kysely';
import type { Store } from '../store/db.ts';
import type { PaperRow } from '../store/schema.ts';
import { contains } from './lists.repo.ts';
import { cleanText } from './text.ts';

export interface AuthorPapersRequest {
  name: string;
  limit: number;
  offset: number;
}

const published = sql<string>`coalesce(published_at, '')`;

function scoped(store: Store, name: string) {
  // The same normalisation the column's writer applies (paper-authors.ts authorsToColumn).
  const needle = JSON.stringify(cleanText(name) ?? '');
  // Papers moderators hid leave the author page as they leave every list.
  return store.db.selectFrom('papers').where(contains(store, sql`authors`, needle)).where('hidden_at', 'is', null);
}

/** One page of the author's papers, newest first (publication time, then arXiv id). */
export async function listAuthorPapers(store: Store, q: AuthorPapersRequest): Promise<PaperRow[]> {
  return scoped(store, q.name).selectAll().orderBy(published, 'desc').orderBy('arxiv_id', 'desc').limit(q.limit).offset(q.offset).execute();
}

export async function countAuthorPapers(store: Store, name: string): Promise<number> {
  const r = await scoped(store, name).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
