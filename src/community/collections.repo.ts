/**
 * Collections and their papers: the SQL. Every write that checks a limit or an order runs in a
 * transaction that first locks the row it counts under (the member for "collections per member", the
 * collection for "papers per collection" and positions), so two nodes writing at once cannot both pass
 * a limit or both take the last position. SQLite serializes transactions anyway; PostgreSQL takes the
 * row lock (`FOR UPDATE`).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/db.ts';
import type { Database, PaperRow } from '../store/schema.ts';
import type { Visibility } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CollectionRecord {
  id: number;
  key: string;
  userId: number;
  name: string;
  description: string;
  visibility: Visibility;
  createdAt: string;
  updatedAt: string;
  ownerHandle: string;
  ownerName: string;
  numPapers: number;
}

export interface ItemRecord {
  paper: PaperRow;
  note: string;
  position: number;
  addedAt: string;
}

const numPapers = sql<number>`(SELECT count(*) FROM collection_items i WHERE i.collection_id = collections.id)`;

function base(db: Db) {
  return db
    .selectFrom('collections')
    .innerJoin('users', 'users.id', 'collections.user_id')
    .select(['collections.id', 'collections.key', 'collections.user_id', 'collections.name', 'collections.description', 'collections.visibility', 'collections.created_at', 'collections.updated_at', 'users.handle', 'users.name as owner_name'])
    .select(numPapers.as('num_papers'));
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toRecord(r: BaseRow): CollectionRecord {
  return {
    id: Number(r.id), key: r.key, userId: Number(r.user_id), name: r.name, description: r.description, visibility: r.visibility,
    createdAt: r.created_at, updatedAt: r.updated_at, ownerHandle: r.handle, ownerName: r.owner_name, numPapers: Number(r.num_papers),
  };
}

export async function byKey(db: Db, key: string): Promise<CollectionRecord | null> {
  const r = await base(db).where('collections.key', '=', key).executeTakeFirst();
  return r ? toRecord(r) : null;
}

/** A member's collections, most recently changed first (public only, for others to see). */
export async function listByUser(db: Db, userId: number, o: { publicOnly: boolean; limit: number }): Promise<CollectionRecord[]> {
  let q = base(db).where('collections.user_id', '=', userId);
  if (o.publicOnly) q = q.where('collections.visibility', '=', 'public');
  const rows = await q.orderBy('collections.updated_at', 'desc').orderBy('collections.id', 'desc').limit(o.limit).execute();
  return rows.map(toRecord);
}

/** Which of a member's collections hold a paper (by collection id). */
export async function holding(db: Db, userId: number, paperId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('collection_items')
    .innerJoin('collections', 'collections.id', 'collection_items.collection_id')
    .select('collections.id')
    .where('collections.user_id', '=', userId)
    .where('collection_items.paper_id', '=', paperId)
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** A collection's papers in their order. */
export async function items(db: Db, collectionId: number, limit: number): Promise<ItemRecord[]> {
  const rows = await db
    .selectFrom('collection_items')
    .innerJoin('papers', 'papers.id', 'collection_items.paper_id')
    .selectAll('papers')
    .select(['collection_items.note as item_note', 'collection_items.position as item_position', 'collection_items.added_at as item_added_at'])
    .where('collection_items.collection_id', '=', collectionId)
    .orderBy('collection_items.position')
    .orderBy('collection_items.added_at')
    .orderBy('collection_items.paper_id')
    .limit(limit)
    .execute();
  return rows.map(({ item_note, item_position, item_added_at, ...paper }) => ({ paper: paper as PaperRow, note: item_note, position: Number(item_position), addedAt: item_added_at }));
}

/** Run `fn` in a transaction holding the lock on one row of `table` (PostgreSQL; SQLite's write lock is whole-database). */
export async function locked<T>(store: Store, table: 'users' | 'collections', id: number, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    if (store.engine === 'postgres') await sql`SELECT id FROM ${sql.table(table)} WHERE id = ${id} FOR UPDATE`.execute(trx);
    else await sql`UPDATE ${sql.table(table)} SET id = id WHERE id = ${id}`.execute(trx); // takes SQLite's write lock at once
    return fn(trx);
  });
}

export async function countByUser(db: Db, userId: number): Promise<number> {
  const r = await db.selectFrom('collections').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertCollection(db: Db, v: { key: string; userId: number; name: string; description: string; visibility: Visibility; now: string }): Promise<void> {
  await db.insertInto('collections').values({ key: v.key, user_id: v.userId, name: v.name, description: v.description, visibility: v.visibility, created_at: v.now, updated_at: v.now }).execute();
}

export async function updateCollection(db: Db, id: number, patch: { name?: string; description?: string; visibility?: Visibility }, now: string): Promise<void> {
  await db.updateTable('collections').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

export async function touch(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('collections').set({ updated_at: now }).where('id', '=', id).execute();
}

export async function deleteCollection(db: Db, id: number): Promise<void> {
  await db.deleteFrom('collection_items').where('collection_id', '=', id).execute();
  await db.deleteFrom('collections').where('id', '=', id).execute();
}

/** Every collection of a member and their papers (account deletion; the foreign keys would do it too). */
export async function deleteAllOf(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('collection_items').where('collection_id', 'in', db.selectFrom('collections').select('id').where('user_id', '=', userId)).execute();
  await db.deleteFrom('collections').where('user_id', '=', userId).execute();
}

export async function paperIdOf(db: Db, arxivId: string): Promise<number | null> {
  const r = await db.selectFrom('papers').select('id').where('arxiv_id', '=', arxivId).executeTakeFirst();
  return r ? Number(r.id) : null;
}

export async function itemOf(db: Db, collectionId: number, paperId: number): Promise<{ position: number; note: string } | null> {
  const r = await db.selectFrom('collection_items').select(['position', 'note']).where('collection_id', '=', collectionId).where('paper_id', '=', paperId).executeTakeFirst();
  return r ? { position: Number(r.position), note: r.note } : null;
}

export async function countItems(db: Db, collectionId: number): Promise<number> {
  const r = await db.selectFrom('collection_items').select((eb) => eb.fn.countAll<number>().as('n')).where('collection_id', '=', collectionId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Append a paper at the end. */
export async function insertItem(db: Db, collectionId: number, paperId: number, note: string, now: string): Promise<void> {
  const last = await db.selectFrom('collection_items').select((eb) => eb.fn.max<number>('position').as('p')).where('collection_id', '=', collectionId).executeTakeFirst();
  const position = last?.p == null ? 1 : Number(last.p) + 1;
  await db.insertInto('collection_items').values({ collection_id: collectionId, paper_id: paperId, position, note, added_at: now }).execute();
}

export async function setNote(db: Db, collectionId: number, paperId: number, note: string): Promise<void> {
  await db.updateTable('collection_items').set({ note }).where('collection_id', '=', collectionId).where('paper_id', '=', paperId).execute();
}

export async function deleteItem(db: Db, collectionId: number, paperId: number): Promise<boolean> {
  const r = await db.deleteFrom('collection_items').where('collection_id', '=', collectionId).where('paper_id', '=', paperId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The papers of a collection in their order, with their positions. */
export async function order(db: Db, collectionId: number): Promise<Array<{ paperId: number; position: number }>> {
  const rows = await db.selectFrom('collection_items').select(['paper_id', 'position']).where('collection_id', '=', collectionId).orderBy('position').orderBy('added_at').orderBy('paper_id').execute();
  return rows.map((r) => ({ paperId: Number(r.paper_id), position: Number(r.position) }));
}

export async function setPosition(db: Db, collectionId: number, paperId: number, position: number): Promise<void> {
  await db.updateTable('collection_items').set({ position }).where('collection_id', '=', collectionId).where('paper_id', '=', paperId).execute();
}

/** Give each paper its index (1-based) in `paperIds` as its position. */
export async function writeOrder(db: Db, collectionId: number, paperIds: number[]): Promise<void> {
  for (const [i, paperId] of paperIds.entries()) await setPosition(db, collectionId, paperId, i + 1);
}

/** What "download my data" holds about a member's collections. */
export async function exportOf(db: Db, userId: number) {
  const cols = await db.selectFrom('collections').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  const rows = cols.length
    ? await db
        .selectFrom('collection_items')
        .innerJoin('papers', 'papers.id', 'collection_items.paper_id')
        .select(['collection_items.collection_id', 'papers.arxiv_id', 'collection_items.note', 'collection_items.position', 'collection_items.added_at'])
        .where('collection_items.collection_id', 'in', cols.map((c) => c.id))
        .orderBy('collection_items.position')
        .execute()
    : [];
  return cols.map((c) => ({
    key: c.key, name: c.name, description: c.description, visibility: c.visibility, createdAt: c.created_at, updatedAt: c.updated_at,
    papers: rows.filter((r) => Number(r.collection_id) === Number(c.id)).map((r) => ({ paper: r.arxiv_id, note: r.note, addedAt: r.added_at })),
  }));
}
