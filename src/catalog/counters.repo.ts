/**
 * The catalog's change sequence as stored (the `paper_seq` counter): what derived state and caches
 * compare against to know whether anything changed.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The latest change sequence (0 for an empty catalog). */
export async function currentSeq(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirst();
  return Number(r?.value ?? 0);
}
