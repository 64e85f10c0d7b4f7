/**
 * Papers repository: every SQL statement that touches the `papers` table, and the change sequence.
 */
import { sql, type ExpressionBuilder, type Kysely, type OnConflictBuilder, type OnConflictDatabase, type OnConflictTables, type Transaction } from 'kysely';
import { countDailyEntries, listDailyEntries } from './daily.repo.ts';
import { SOURCED_COLUMNS } from './paper-fields.ts';
import { foldObservation, upsertOrganizations, upsertPeople, type Observation } from './people.repo.ts';
import type { OrgInput, PersonInput } from './people.ts';
import { cleanToken } from './text.ts';
import type { Store } from '../store/db.ts';
import type { Database, PaperRow } from '../store/schema.ts';
import { fieldsFromInput, mergePaper, sameFields, type PaperFields, type PaperInput } from './paper.ts';

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The columns a re-import rewrites: every sourced column but the key, plus the sequence and timestamp. */
const UPDATE_COLUMNS = [...SOURCED_COLUMNS.filter((c) => c !== 'arxiv_id'), 'seq', 'modified_at'] as const;
type UpdateSet = Parameters<OnConflictBuilder<Database, 'papers'>['doUpdateSet']>[0];
const UPDATE_SET = ((eb: ExpressionBuilder<OnConflictDatabase<Database, 'papers'>, OnConflictTables<'papers'>>) =>
  Object.fromEntries(UPDATE_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)]))) as UpdateSet;

/** SQLite allows 32,766 bound parameters per statement: rows per statement follow the column count. */
const WRITE_CHUNK = Math.floor(30_000 / (SOURCED_COLUMNS.length + 3));

/**
 * Insert or merge a batch of papers in one transaction and give each changed row a fresh change
 * sequence. The counter row is locked first, so concurrent writers (other processes, other app
 * nodes on PostgreSQL) commit in sequence order and a follower reading `seq > n` never misses a row.
 */
export async function upsertPapers(store: Store, inputs: PaperInput[]): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  if (inputs.length === 0) return result;
  await store.db.transaction().execute(async (trx) => {
    let next = await lockSeq(trx, store.engine);
    // Collapse duplicates inside the batch so each id is written once.
    const byId = new Map<string, PaperInput[]>();
    for (const p of inputs) {
      const list = byId.get(p.arxivId);
      if (list) list.push(p);
      else byId.set(p.arxivId, [p]);
    }
    const ids = [...byId.keys()];
    const stored = new Map<string, PaperRow>();
    for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
      const rows = await trx.selectFrom('papers').selectAll().where('arxiv_id', 'in', ids.slice(i, i + WRITE_CHUNK)).execute();
      for (const r of rows) stored.set(r.arxiv_id, r);
    }
    const now = new Date().toISOString();
    const writes: Array<PaperFields & { seq: number; created_at: string; modified_at: string }> = [];
    for (const [id, versions] of byId) {
      const old = stored.get(id);
      let merged: PaperFields = old ?? fieldsFromInput(versions[0]!);
      for (const v of old ? versions : versions.slice(1)) merged = mergePaper(merged, v);
      if (old && sameFields(old, merged)) {
        result.unchanged += versions.length;
        continue;
      }
      if (old) result.updated += 1;
      else result.inserted += 1;
      // Further copies of the same id in one batch count as unchanged: they were merged in.
      result.unchanged += versions.length - 1;
      next += 1;
      writes.push({ ...merged, seq: next, created_at: old?.created_at ?? now, modified_at: now });
    }
    for (let i = 0; i < writes.length; i += WRITE_CHUNK) {
      await trx
        .insertInto('papers')
        .values(writes.slice(i, i + WRITE_CHUNK))
        .onConflict((oc) => oc.column('arxiv_id').doUpdateSet(UPDATE_SET))
        .execute();
    }
    if (writes.length) await setSeq(trx, next);
    const seen = observedRecords(inputs);
    await upsertPeople(trx, seen.people);
    await upsertOrganizations(trx, seen.orgs);
  });
  return result;
}

/**
 * The people and organisations a batch mentions, each folded to one observation. An observation's
 * time is the listing's (when it was submitted, else the entry's date, else the daily day).
 */
function observedRecords(inputs: PaperInput[]): { people: Map<string, Observation<PersonInput>>; orgs: Map<string, Observation<OrgInput>> } {
  const people = new Map<string, Observation<PersonInput>>();
  const orgs = new Map<string, Observation<OrgInput>>();
  const add = <T>(into: Map<string, Observation<T>>, key: string | null, value: T, observedAt: string | null, source: string) => {
    if (!key) return;
    const obs = { value, observedAt, source };
    const had = into.get(key);
    into.set(key, had ? foldObservation(had, obs) : obs);
  };
  for (const p of inputs) {
    const at = p.submittedOnDailyAt ?? p.dailyPublishedAt ?? (p.dailyDate ? `${p.dailyDate}T00:00:00.000Z` : null);
    const person = (v: PersonInput | string | null | undefined) => {
      const value = typeof v === 'string' ? { user: cleanToken(v) ?? '' } : v;
      if (value) add(people, cleanToken(value.user), { ...value, user: cleanToken(value.user) ?? '' }, typeof v === 'string' ? null : at, p.source);
    };
    const org = (v: OrgInput | string | null | undefined) => {
      const value = typeof v === 'string' ? { name: cleanToken(v) ?? '' } : v;
      if (value) add(orgs, cleanToken(value.name), { ...value, name: cleanToken(value.name) ?? '' }, typeof v === 'string' ? null : at, p.source);
    };
    person(p.submittedBy);
    for (const a of p.authors ?? []) if (typeof a !== 'string' && a.user) person(a.user);
    org(p.organization);
    org(p.submitterOrganization);
  }
  return { people, orgs };
}

/** Lock the sequence counter for the rest of the transaction and return its value. */
async function lockSeq(trx: Transaction<Database>, engine: Store['engine']): Promise<number> {
  // On SQLite a write takes the database's write lock; on PostgreSQL FOR UPDATE takes the row lock.
  if (engine === 'sqlite') {
    await trx.updateTable('counters').set({ value: sql`value` }).where('name', '=', 'paper_seq').execute();
    const row = await trx.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirstOrThrow();
    return Number(row.value);
  }
  const row = await trx.selectFrom('counters').select('value').where('name', '=', 'paper_seq').forUpdate().executeTakeFirstOrThrow();
  return Number(row.value);
}

async function setSeq(trx: Transaction<Database>, value: number): Promise<void> {
  await trx.updateTable('counters').set({ value }).where('name', '=', 'paper_seq').execute();
}

/**
 * Run `fn` holding the change-sequence lock and give it the next sequence numbers to use.
 * For features that change one paper outside ingestion (votes, comments, moderation).
 */
export async function withNextSeq<T>(
  store: Store,
  fn: (trx: Transaction<Database>, nextSeq: () => number) => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    let value = await lockSeq(trx, store.engine);
    const start = value;
    const out = await fn(trx, () => ++value);
    if (value !== start) await setSeq(trx, value);
    return out;
  });
}

export async function getPaperRow(db: Kysely<Database>, arxivId: string): Promise<PaperRow | undefined> {
  return db.selectFrom('papers').selectAll().where('arxiv_id', '=', arxivId).executeTakeFirst();
}

export async function getPaperRows(db: Kysely<Database>, arxivIds: string[]): Promise<PaperRow[]> {
  if (arxivIds.length === 0) return [];
  return db.selectFrom('papers').selectAll().where('arxiv_id', 'in', arxivIds).execute();
}

/** Papers that entered the daily list between two days (inclusive), most upvoted first (daily.repo.ts). */
export async function listDaily(
  db: Kysely<Database>,
  from: string,
  to: string,
  opts: { limit: number; offset: number },
): Promise<PaperRow[]> {
  return listDailyEntries(db, { from, to, order: 'upvotes', ...opts });
}

export async function countDaily(db: Kysely<Database>, from: string, to: string): Promise<number> {
  return countDailyEntries(db, { from, to });
}

/** The latest day with daily papers on or before `day` (or overall), or null. */
export async function latestDailyDate(db: Kysely<Database>, onOrBefore?: string): Promise<string | null> {
  let q = db.selectFrom('papers').select((eb) => eb.fn.max('daily_date').as('d'));
  if (onOrBefore) q = q.where('daily_date', '<=', onOrBefore);
  const r = await q.executeTakeFirst();
  return (r?.d as string | null | undefined) ?? null;
}

/** The nearest day with daily papers strictly before or after `day`. */
export async function adjacentDailyDate(db: Kysely<Database>, day: string, dir: -1 | 1): Promise<string | null> {
  const r = await db
    .selectFrom('papers')
    .select((eb) => (dir < 0 ? eb.fn.max('daily_date') : eb.fn.min('daily_date')).as('d'))
    .where('daily_date', dir < 0 ? '<' : '>', day)
    .executeTakeFirst();
  return (r?.d as string | null | undefined) ?? null;
}

/** Rows changed after `afterSeq`, in sequence order: the change feed derived state follows. */
export async function changesSince(db: Kysely<Database>, afterSeq: number, limit: number): Promise<PaperRow[]> {
  return db.selectFrom('papers').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export interface CatalogStats {
  papers: number;
  dailyPapers: number;
  firstDaily: string | null;
  lastDaily: string | null;
  maxSeq: number;
  bySource: Record<string, number>;
}

export async function catalogStats(db: Kysely<Database>): Promise<CatalogStats> {
  // One aggregate per statement, so that each is answered from an index (papers_seq, papers_daily,
  // papers_source) instead of a read of the whole table: on SQLite these run on the event loop at every
  // /metrics scrape, and the single five-aggregate statement plus the GROUP BY held it 0.3 s at 100k papers
  // on a quiet machine, 2–4 s under load (docs/benchmarks.md, "Memory", session 8).
  const one = async <T>(q: Promise<{ v: T }>) => (await q).v;
  const papers = db.selectFrom('papers');
  const [total, daily, first, last, maxSeq, sources] = await Promise.all([
    one(papers.select((eb) => eb.fn.countAll<number>().as('v')).executeTakeFirstOrThrow()),
    one(papers.select((eb) => eb.fn.countAll<number>().as('v')).where('daily_date', 'is not', null).executeTakeFirstOrThrow()),
    one(papers.select((eb) => eb.fn.min('daily_date').as('v')).executeTakeFirstOrThrow()),
    one(papers.select((eb) => eb.fn.max('daily_date').as('v')).executeTakeFirstOrThrow()),
    one(papers.select((eb) => eb.fn.max('seq').as('v')).executeTakeFirstOrThrow()),
    papers.select((eb) => ['source', eb.fn.countAll<number>().as('n')]).groupBy('source').orderBy('source').execute(),
  ]);
  return {
    papers: Number(total),
    dailyPapers: Number(daily),
    firstDaily: (first as string | null) ?? null,
    lastDaily: (last as string | null) ?? null,
    maxSeq: Number(maxSeq ?? 0),
    bySource: Object.fromEntries(sources.map((s) => [s.source, Number(s.n)])),
  };
}

export async function countPapers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
