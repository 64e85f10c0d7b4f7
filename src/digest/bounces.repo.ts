/**
 * Bounce scores per address (table digest_bounces): one atomic upsert adds a bounce's points, or
 * starts again from them when the last bounce is older than RESET_AFTER_DAYS; marking the suspension
 * is a conditional update, so of two nodes recording the fourth point at once only one suspends.
 */
import { sql } from 'kysely';
import type { Store } from '../store/db.ts';
import { bouncePoints, RESET_AFTER_DAYS, type BounceKind } from './bounces.ts';

type Db = Store['db'];

export interface BounceScore {
  email: string;
  score: number;
  soft: number;
  hard: number;
  suspendedAt: string | null;
}

/** Add one bounce to an address's score; the score after it. */
export async function addBounce(db: Db, b: { email: string; kind: BounceKind; code: number | null; error: string; now: Date }): Promise<BounceScore> {
  const email = b.email.trim().toLowerCase();
  const now = b.now.toISOString();
  const cutoff = new Date(b.now.getTime() - RESET_AFTER_DAYS * 86_400_000).toISOString();
  const points = bouncePoints(b.kind);
  const stale = sql<boolean>`digest_bounces.last_bounce_at < ${cutoff}`;
  const row = await db
    .insertInto('digest_bounces')
    .values({
      email,
      score: points,
      soft: b.kind === 'soft' ? 1 : 0,
      hard: b.kind === 'hard' ? 1 : 0,
      first_bounce_at: now,
      last_bounce_at: now,
      last_code: b.code,
      last_error: b.error.slice(0, 500),
    })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        score: sql`CASE WHEN ${stale} THEN excluded.score ELSE digest_bounces.score + excluded.score END`,
        soft: sql`CASE WHEN ${stale} THEN excluded.soft ELSE digest_bounces.soft + excluded.soft END`,
        hard: sql`CASE WHEN ${stale} THEN excluded.hard ELSE digest_bounces.hard + excluded.hard END`,
        first_bounce_at: sql`CASE WHEN ${stale} THEN excluded.first_bounce_at ELSE digest_bounces.first_bounce_at END`,
        // A fresh count after a quiet month may suspend again (the address was resumed meanwhile).
        suspended_at: sql`CASE WHEN ${stale} THEN NULL ELSE digest_bounces.suspended_at END`,
        last_bounce_at: sql`excluded.last_bounce_at`,
        last_code: sql`excluded.last_code`,
        last_error: sql`excluded.last_error`,
      }),
    )
    .returning(['email', 'score', 'soft', 'hard', 'suspended_at'])
    .executeTakeFirstOrThrow();
  return { email: row.email, score: Number(row.score), soft: Number(row.soft), hard: Number(row.hard), suspendedAt: row.suspended_at };
}

/** Mark an address suspended; true for the one caller that changed it. */
export async function markSuspended(db: Db, email: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('digest_bounces')
    .set({ suspended_at: now.toISOString() })
    .where('email', '=', email.trim().toLowerCase())
    .where('suspended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Forget an address's bounces: its owner has just proven it receives mail again (a new confirmation, or
 * subscribing from the account). Kept, the old score would sit at the suspension threshold with its
 * suspension already marked, so later bounces could never suspend the address again (markSuspended only
 * changes an unmarked row) and the suspended gauge would count an active subscriber.
 */
export async function clearBounces(db: Db, email: string): Promise<void> {
  await db.deleteFrom('digest_bounces').where('email', '=', email.trim().toLowerCase()).execute();
}

/** An address's current score (null when it never bounced). */
export async function bounceScore(db: Db, email: string): Promise<BounceScore | null> {
  const r = await db.selectFrom('digest_bounces').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return r ? { email: r.email, score: Number(r.score), soft: Number(r.soft), hard: Number(r.hard), suspendedAt: r.suspended_at } : null;
}

/** Addresses suspended for bounces (the suspended gauge). */
export async function suspendedCount(db: Db): Promise<number> {
  const r = await db.selectFrom('digest_bounces').select((eb) => eb.fn.countAll<number>().as('n')).where('suspended_at', 'is not', null).executeTakeFirstOrThrow();
  return Number(r.n);
}
