/**
 * Subscriptions: every SQL statement on the subscription tables (migration 0020).
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { SubscriberRow, SubscribersTable, TokenPurpose } from './subscriptions.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function linkKey(db: Db): Promise<string | undefined> {
  return (await db.selectFrom('digest_keys').select('value').where('name', '=', 'links').executeTakeFirst())?.value;
}

export async function findSubscriber(db: Db, id: number): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findSubscriberByUser(db: Db, userId: number): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function findSubscriberByConfirmHash(db: Db, hash: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst();
}

export type NewSubscriber = Omit<SubscribersTable, 'id' | 'weekly_day' | 'link_generation'> & { weekly_day: number };

export async function insertSubscriber(db: Db, row: NewSubscriber): Promise<SubscriberRow> {
  return db.insertInto('subscribers').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSubscriber(db: Db, id: number, patch: Updateable<SubscribersTable>): Promise<void> {
  await db.updateTable('subscribers').set(patch).where('id', '=', id).execute();
}

/** Active subscribers of one frequency (the due check runs over them in memory). */
export async function listActive(db: Db, frequency: 'daily' | 'weekly'): Promise<SubscriberRow[]> {
  return db.selectFrom('subscribers').selectAll().where('status', '=', 'active').where('frequency', '=', frequency).orderBy('id').execute();
}

export async function insertTokens(db: Db, rows: Array<{ hash: string; subscriberId: number; purpose: TokenPurpose; generation: number }>, now: string): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('subscription_tokens')
    .values(rows.map((r) => ({ token_hash: r.hash, subscriber_id: r.subscriberId, purpose: r.purpose, generation: r.generation, created_at: now, revoked_at: null })))
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .execute();
}

export async function findToken(db: Db, hash: string) {
  return db.selectFrom('subscription_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function revokeTokens(db: Db, subscriberId: number, now: string): Promise<void> {
  await db.updateTable('subscription_tokens').set({ revoked_at: now }).where('subscriber_id', '=', subscriberId).where('revoked_at', 'is', null).execute();
}

export async function listSearches(db: Db, ids: readonly number[]): Promise<Array<{ subscriber_id: number; query: string }>> {
  if (!ids.length) return [];
  return db.selectFrom('subscription_searches').select(['subscriber_id', 'query']).where('subscriber_id', 'in', [...ids]).orderBy('subscriber_id').orderBy('position').execute();
}

export async function listFollows(db: Db, ids: readonly number[]): Promise<Array<{ subscriber_id: number; kind: 'author' | 'category'; value: string }>> {
  if (!ids.length) return [];
  return db.selectFrom('subscription_follows').select(['subscriber_id', 'kind', 'value']).where('subscriber_id', 'in', [...ids]).orderBy('subscriber_id').orderBy('kind').orderBy('value').execute();
}

export async function replaceSearches(db: Db, subscriberId: number, queries: readonly string[]): Promise<void> {
  await db.deleteFrom('subscription_searches').where('subscriber_id', '=', subscriberId).execute();
  if (queries.length) {
    await db.insertInto('subscription_searches').values(queries.map((query, position) => ({ subscriber_id: subscriberId, position, query }))).execute();
  }
}

export async function replaceFollows(db: Db, subscriberId: number, follows: ReadonlyArray<{ kind: 'author' | 'category'; value: string }>): Promise<void> {
  await db.deleteFrom('subscription_follows').where('subscriber_id', '=', subscriberId).execute();
  if (follows.length) {
    await db.insertInto('subscription_follows').values(follows.map((f) => ({ subscriber_id: subscriberId, kind: f.kind, value: f.value }))).execute();
  }
}

/** Which of `arxivIds` were already sent to the subscriber. */
export async function sentAmong(db: Db, subscriberId: number, arxivIds: readonly string[]): Promise<Set<string>> {
  if (!arxivIds.length) return new Set();
  const rows = await db.selectFrom('sent_papers').select('arxiv_id').where('subscriber_id', '=', subscriberId).where('arxiv_id', 'in', [...arxivIds]).execute();
  return new Set(rows.map((r) => r.arxiv_id));
}

export async function insertSent(db: Db, subscriberId: number, arxivIds: readonly string[], now: string): Promise<void> {
  if (!arxivIds.length) return;
  await db
    .insertInto('sent_papers')
    .values([...new Set(arxivIds)].map((arxiv_id) => ({ subscriber_id: subscriberId, arxiv_id, sent_at: now })))
    .onConflict((oc) => oc.columns(['subscriber_id', 'arxiv_id']).doNothing())
    .execute();
}

/** insertSent for many subscribers at once, in statements of at most 1,000 rows (3,000 bound values). */
export async function insertSentMany(db: Db, entries: ReadonlyArray<{ subscriberId: number; arxivIds: readonly string[] }>, now: string): Promise<void> {
  const rows = entries.flatMap((e) => [...new Set(e.arxivIds)].map((arxiv_id) => ({ subscriber_id: e.subscriberId, arxiv_id, sent_at: now })));
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('sent_papers')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['subscriber_id', 'arxiv_id']).doNothing())
      .execute();
  }
}

export async function countByStatus(db: Db): Promise<Array<{ status: string; n: number }>> {
  const rows = await db.selectFrom('subscribers').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}

/** A unique-key violation on either engine (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(e: unknown): boolean {
  for (let x: unknown = e; x; x = (x as { cause?: unknown }).cause) {
    const code = (x as { code?: unknown }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  }
  return false;
}
