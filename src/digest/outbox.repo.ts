/**
 * The digest outbox's SQL: write a period's digests, claim due ones with a lease, and record each
 * attempt's outcome. Every outcome update is conditional on the lease (`lease_owner = me AND status =
 * 'sending'`), so a sender that lost its rows to another can never overwrite what the other recorded.
 *
 * Claiming is one statement on both engines. PostgreSQL: a CTE that picks rows `FOR UPDATE SKIP
 * LOCKED` (senders racing for rows never wait on each other, and never get the same row) and an
 * UPDATE of exactly those. SQLite: `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *` — a single
 * statement runs under the database's one write lock, so the pick and the update are atomic.
 */
import { sql, type Insertable } from 'kysely';
import type { Store } from '../store/db.ts';
import type { DigestOutboxTable, OutboxRow, OutboxStatus } from './outbox.schema.ts';
import type { Period } from './types.ts';

type Db = Store['db'];

export interface NewOutboxRow {
  subscriberId: number;
  period: Period;
  periodKey: string;
  email: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  arxivIds: string[];
  date: Date;
  /** The rendered RFC 5322 message (without DKIM: the sender's transport signs it). */
  raw?: string;
}

/**
 * Rows per INSERT when writing many: 16 values each stays far under both engines' bound-parameter
 * limits, and a statement of 100 digests (~30 KiB each) is a few MiB.
 */
const INSERT_CHUNK = 100;

/**
 * Write many rows, each at most once per (subscriber, period, period key); the keys (`id:periodKey`)
 * of the rows this call wrote (RETURNING reports only inserted rows when a conflict is skipped).
 */
async function insertMany(db: Db, values: ReadonlyArray<Insertable<DigestOutboxTable>>): Promise<Set<string>> {
  const written = new Set<string>();
  for (let i = 0; i < values.length; i += INSERT_CHUNK) {
    const rows = await db
      .insertInto('digest_outbox')
      .values(values.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['subscriber_id', 'period', 'period_key']).doNothing())
      .returning(['subscriber_id', 'period_key'])
      .execute();
    for (const r of rows) written.add(`${Number(r.subscriber_id)}:${r.period_key}`);
  }
  return written;
}

function digestValues(r: NewOutboxRow, at: string): Insertable<DigestOutboxTable> {
  return {
    subscriber_id: r.subscriberId, period: r.period, period_key: r.periodKey, email: r.email, status: 'pending',
    // With a rendered message (digest_messages) the parts are in it: the state row stays small.
    message_id: r.messageId, subject: r.subject, text_body: r.raw ? '' : r.text, html_body: r.raw ? '' : r.html,
    headers: JSON.stringify(r.headers), arxiv_ids: JSON.stringify(r.arxivIds), message_date: r.date.toISOString(),
    next_attempt_at: at, created_at: at,
  };
}

function skippedValues(r: SkippedRow, at: string): Insertable<DigestOutboxTable> {
  return {
    subscriber_id: r.subscriberId, period: r.period, period_key: r.periodKey, email: r.email, status: 'skipped',
    message_id: `skipped:${r.period}:${r.periodKey}:${r.subscriberId}`, subject: '', text_body: '', html_body: '',
    headers: '{}', arxiv_ids: '[]', message_date: at, next_attempt_at: at, last_error: r.reason, created_at: at,
  };
}

export interface SkippedRow {
  subscriberId: number;
  period: Period;
  periodKey: string;
  email: string;
  reason: string;
}

/**
 * Write a batch of digests (each with its rendered message, in the same transaction: a row is never
 * pending without the message it stands for) and settled periods; the keys (`subscriberId:periodKey`)
 * of the digests this call wrote (not those another builder wrote first).
 */
export async function insertBatch(db: Db, digests: readonly NewOutboxRow[], skipped: readonly SkippedRow[], now: Date): Promise<Set<string>> {
  const at = now.toISOString();
  const written = new Set<string>();
  for (let i = 0; i < digests.length; i += INSERT_CHUNK) {
    const chunk = digests.slice(i, i + INSERT_CHUNK);
    const byKey = new Map(chunk.map((r) => [`${r.subscriberId}:${r.periodKey}`, r]));
    await db.transaction().execute(async (trx) => {
      const rows = await trx
        .insertInto('digest_outbox')
        .values(chunk.map((r) => digestValues(r, at)))
        .onConflict((oc) => oc.columns(['subscriber_id', 'period', 'period_key']).doNothing())
        .returning(['id', 'subscriber_id', 'period_key'])
        .execute();
      const messages = rows.flatMap((row) => {
        const raw = byKey.get(`${Number(row.subscriber_id)}:${row.period_key}`)?.raw;
        return raw ? [{ outbox_id: Number(row.id), raw }] : [];
      });
      if (messages.length) await trx.insertInto('digest_messages').values(messages).execute();
      for (const r of rows) written.add(`${Number(r.subscriber_id)}:${r.period_key}`);
    });
  }
  if (skipped.length) await insertMany(db, skipped.map((r) => skippedValues(r, at)));
  return written;
}

/** The rendered messages of these outbox rows (rows built before migration 0023 have none). */
export async function messagesFor(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('digest_messages').select(['outbox_id', 'raw']).where('outbox_id', 'in', [...ids]).execute();
  for (const r of rows) out.set(Number(r.outbox_id), r.raw);
  return out;
}

/** The rows that already exist for these (subscriber, period key) pairs, keyed `id:key`, with their papers. */
export async function existingDigests(db: Db, period: Period, pairs: Array<{ subscriberId: number; periodKey: string }>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const keys = [...new Set(pairs.map((p) => p.periodKey))];
  // Chunks keep the IN lists under SQLite's variable limit on large subscriber bases.
  for (let i = 0; i < pairs.length; i += 500) {
    const ids = pairs.slice(i, i + 500).map((p) => p.subscriberId);
    const rows = await db
      .selectFrom('digest_outbox')
      .select(['subscriber_id', 'period_key', 'arxiv_ids'])
      .where('period', '=', period)
      .where('period_key', 'in', keys)
      .where('subscriber_id', 'in', ids)
      .execute();
    for (const r of rows) out.set(`${Number(r.subscriber_id)}:${r.period_key}`, JSON.parse(r.arxiv_ids) as string[]);
  }
  return out;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  now?: Date;
}

/** Claim up to `limit` due rows (pending and due, or sending under an expired lease) for `owner`. */
export async function claimDue(store: Store, o: ClaimOptions): Promise<OutboxRow[]> {
  const now = (o.now ?? new Date()).toISOString();
  const expires = new Date(Date.parse(now) + o.leaseMs).toISOString();
  const due = sql`(status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'sending' AND lease_expires_at < ${now})`;
  const q =
    store.engine === 'postgres'
      ? sql<OutboxRow>`WITH picked AS (
          SELECT id FROM digest_outbox WHERE ${due} ORDER BY id LIMIT ${o.limit} FOR UPDATE SKIP LOCKED
        )
        UPDATE digest_outbox AS o SET status = 'sending', lease_owner = ${o.owner}, lease_expires_at = ${expires}, attempts = o.attempts + 1
        FROM picked WHERE o.id = picked.id
        RETURNING o.*`
      : sql<OutboxRow>`UPDATE digest_outbox SET status = 'sending', lease_owner = ${o.owner}, lease_expires_at = ${expires}, attempts = attempts + 1
        WHERE id IN (SELECT id FROM digest_outbox WHERE ${due} ORDER BY id LIMIT ${o.limit})
        RETURNING *`;
  const rows = (await q.execute(store.db)).rows;
  return rows.map((r) => ({ ...r, id: Number(r.id), subscriber_id: Number(r.subscriber_id), attempts: Number(r.attempts) })).sort((a, b) => a.id - b.id);
}

/** Push the lease of every row `owner` holds further out; the number still held. */
export async function renewLeases(db: Db, owner: string, leaseMs: number): Promise<number> {
  const r = await db
    .updateTable('digest_outbox')
    .set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Give claimed rows back unsent (a sender stopping or pausing): due at once, their claim not counted as an attempt. */
export async function releaseRows(db: Db, owner: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('digest_outbox')
    .set((eb) => ({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: new Date().toISOString(), attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', [...ids])
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

type Outcome =
  | { status: 'sent'; smtpResponse: string }
  | { status: 'pending'; nextAttemptAt: Date; error: string; code: number | null }
  | { status: 'failed'; error: string; code: number | null }
  | { status: 'skipped'; error: string };

/** Record an attempt's outcome; false when `owner` no longer holds the row (nothing is changed then). */
export async function recordOutcome(db: Db, id: number, owner: string, o: Outcome, now = new Date()): Promise<boolean> {
  const r = await db
    .updateTable('digest_outbox')
    .set({
      status: o.status,
      lease_owner: null,
      lease_expires_at: null,
      ...(o.status === 'sent' ? { sent_at: now.toISOString(), smtp_response: o.smtpResponse.slice(0, 500), last_error: null } : {}),
      ...(o.status === 'pending' ? { next_attempt_at: o.nextAttemptAt.toISOString() } : {}),
      ...(o.status !== 'sent' ? { last_error: o.error.slice(0, 1000) } : {}),
      ...(o.status === 'pending' || o.status === 'failed' ? { response_code: o.code } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * recordOutcome 'sent' for many rows in one statement (the sender's group commit): the ids still held
 * by `owner`, which are the ones recorded; the others were taken over and are left as they are.
 */
export async function recordSentMany(db: Db, owner: string, rows: ReadonlyArray<{ id: number; smtpResponse: string }>, now = new Date()): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const response = sql.join(rows.map((r) => sql`WHEN ${r.id} THEN ${r.smtpResponse.slice(0, 500)}`), sql` `);
  const res = await sql<{ id: number }>`UPDATE digest_outbox
    SET status = 'sent', lease_owner = NULL, lease_expires_at = NULL, sent_at = ${now.toISOString()}, last_error = NULL,
      smtp_response = CASE id ${response} END
    WHERE id IN (${sql.join(rows.map((r) => r.id))}) AND lease_owner = ${owner} AND status = 'sending'
    RETURNING id`.execute(db);
  return new Set(res.rows.map((r) => Number(r.id)));
}

export type StatusCounts = Record<OutboxStatus, number>;

/** Rows by status, for all periods or one (`period` + `periodKey`). */
export async function statusCounts(db: Db, filter: { period?: Period; periodKey?: string } = {}): Promise<StatusCounts> {
  let q = db.selectFrom('digest_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (filter.period) q = q.where('period', '=', filter.period);
  if (filter.periodKey) q = q.where('period_key', '=', filter.periodKey);
  const out: StatusCounts = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of await q.execute()) out[r.status] = Number(r.n);
  return out;
}

/** Digests waiting to go out (pending, or being sent): the queue-depth gauge. */
export async function queueDepth(db: Db): Promise<number> {
  const r = await db
    .selectFrom('digest_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The next moment a pending row becomes due or a held lease runs out (for `digest send --wait`), or null when none. */
export async function nextWakeUp(db: Db): Promise<Date | null> {
  const r = await db
    .selectFrom('digest_outbox')
    .select([
      (eb) => eb.fn.min(eb.case().when('status', '=', 'pending').then(eb.ref('next_attempt_at')).else(eb.ref('lease_expires_at')).end()).as('at'),
    ])
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  return r?.at ? new Date(String(r.at)) : null;
}

/** The latest periods with digests, newest first (for `digest status`). */
export async function recentPeriods(db: Db, limit = 5): Promise<Array<{ period: Period; periodKey: string }>> {
  const rows = await db
    .selectFrom('digest_outbox')
    .select(['period', 'period_key', (eb) => eb.fn.max('created_at').as('at')])
    .groupBy(['period', 'period_key'])
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ period: r.period, periodKey: r.period_key }));
}

/**
 * The subscribers among `ids` whose status is not `active` (unsubscribed, suspended meanwhile), with
 * that status: the sender settles their claimed rows without sending, so an unsubscribe takes effect
 * at once even for a digest already in the outbox.
 */
export async function inactiveSubscribers(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const rows = await sql<{ id: number; status: string }>`SELECT id, status FROM subscribers WHERE id IN (${sql.join([...new Set(ids)])})`.execute(db);
  const seen = new Set<number>();
  for (const r of rows.rows) {
    seen.add(Number(r.id));
    if (r.status !== 'active') out.set(Number(r.id), r.status);
  }
  // A subscriber deleted since the build is not active either.
  for (const id of ids) if (!seen.has(id)) out.set(id, 'deleted');
  return out;
}
