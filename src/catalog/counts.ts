/**
 * The community counts contract, in one place. A paper's shown upvote count is the imported baseline
 * (`papers.upvotes`: Hugging Face's count, written only by ingest) plus the votes cast on this
 * instance (`papers.local_upvotes`, written only by the community's count folder); comments likewise.
 * `toPaper()` returns the sums as `Paper.upvotes` / `Paper.numComments`, and SQL that ranks by upvotes
 * orders by `SHOWN_UPVOTES`, so every list, feed, trending score and search prior sees one number.
 */
import { sql } from 'kysely';
import type { PaperRow } from '../store/schema.ts';

/** `ORDER BY` expression for the shown upvote count of a `papers` row. */
export const SHOWN_UPVOTES = sql<number>`(upvotes + local_upvotes)`;

/** The shown upvote count of a row: imported baseline + local votes. */
export function shownUpvotes(r: Pick<PaperRow, 'upvotes' | 'local_upvotes'>): number {
  return r.upvotes + (r.local_upvotes ?? 0);
}

/** The shown comment count of a row: imported baseline + local comments. */
export function shownComments(r: Pick<PaperRow, 'num_comments' | 'local_comments'>): number {
  return r.num_comments + (r.local_comments ?? 0);
}
