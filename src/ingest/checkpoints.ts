/**
 * Checkpoints of long ingest runs: one JSON value per key in the `checkpoints` table, so a killed
 * harvest started again with the same arguments resumes where it stopped.
 */
import { sql } from 'kysely';
import type { Store } from '../store/db.ts';

/**
 * Read a checkpoint, or null when none is stored (or it is not valid JSON).
 * @example const cp = await loadCheckpoint<{ page: number }>(store, 'oai:https://oaipmh.arxiv.org/oai:cs::')
 */
export async function loadCheckpoint<T>(store: Store, key: string): Promise<T | null> {
  const row = await store.db.selectFrom('checkpoints').select('value').where('key', '=', key).executeTakeFirst();
  if (!row) return null;
  try {
    return JSON.parse(row.value) as T;
  } catch {
    // A damaged value means "start over", which is always safe because imports are idempotent.
    return null;
  }
}

/**
 * Store (insert or replace) a checkpoint.
 * @example await saveCheckpoint(store, key, { resumptionToken: '6960524|1001', page: 1 })
 */
export async function saveCheckpoint(store: Store, key: string, value: unknown): Promise<void> {
  const row = { key, value: JSON.stringify(value), updated_at: new Date().toISOString() };
  await store.db
    .insertInto('checkpoints')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}

/** Forget a checkpoint (a finished run). */
export async function clearCheckpoint(store: Store, key: string): Promise<void> {
  await store.db.deleteFrom('checkpoints').where('key', '=', key).execute();
}

/** Every checkpoint whose key starts with a prefix, oldest first (for `stats` and operators). */
export async function listCheckpoints(store: Store, prefix = ''): Promise<Array<{ key: string; value: unknown; updatedAt: string }>> {
  const rows = await store.db
    .selectFrom('checkpoints')
    .selectAll()
    // substr, not LIKE: keys hold URLs whose `_` and `%` LIKE would treat as wildcards.
    .where(sql<string>`substr(key, 1, ${prefix.length})`, '=', prefix)
    .orderBy('updated_at')
    .execute();
  return rows.map((r) => {
    let value: unknown;
    try {
      value = JSON.parse(r.value);
    } catch {
      value = r.value;
    }
    return { key: r.key, value, updatedAt: r.updated_at };
  });
}
