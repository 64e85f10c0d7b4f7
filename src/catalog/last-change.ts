/**
 * When the catalog last changed: the `modified_at` of the paper changed last. Feeds computed from the
 * catalog carry it as their date when they have no items of their own.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The ISO timestamp of the catalog's latest change, or null for an empty catalog. */
export async function lastCatalogChange(db: Kysely<Database>): Promise<string | null> {
  // The row with the highest change sequence is the one changed last; `seq` is indexed, `modified_at` not.
  const r = await db.selectFrom('papers').select('modified_at').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r?.modified_at ?? null;
}
