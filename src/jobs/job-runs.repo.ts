/**
 * The job_runs table: claim a (job, period) run so exactly one node executes it, keep its lease alive,
 * and record how it ended. Claims are atomic on both engines: a primary-key insert for a new period;
 * for a run whose owner died (lease expired) or failed, `FOR UPDATE SKIP LOCKED` on PostgreSQL (nodes
 * racing for the same row do not wait on each other) and one conditional UPDATE on SQLite (whose
 * single writer makes it atomic).
 */
import type { Store } from '../store/db.ts';

export interface ClaimOptions {
  job: string;
  period: string;
  owner: string;
  leaseMs: number;
  /** Failed runs are retried until they have been attempted this many times. */
  maxAttempts: number;
  now?: Date;
}

const iso = (d: Date) => d.toISOString();

/**
 * Try to claim a run. True when this owner now holds it and must execute it.
 * @example if (await claimRun(store, { job: 'harvest', period, owner, leaseMs: 60_000, maxAttempts: 3 })) await harvest()
 */
export async function claimRun(store: Store, o: ClaimOptions): Promise<boolean> {
  const now = o.now ?? new Date();
  const expires = iso(new Date(now.getTime() + o.leaseMs));
  const inserted = await store.db
    .insertInto('job_runs')
    .values({ job: o.job, period: o.period, status: 'running', owner: o.owner, lease_expires_at: expires, attempts: 1, started_at: iso(now) })
    .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;

  // The period exists: take it over only if its lease ran out (owner died) or it failed, with attempts left.
  if (store.engine === 'sqlite') {
    // One statement is one transaction, and SQLite has a single writer: the check and the takeover are atomic.
    // (No explicit transaction: an open one held across awaits would block other connections' writes.)
    const r = await store.db
      .updateTable('job_runs')
      .set((eb) => ({ status: 'running', owner: o.owner, lease_expires_at: expires, attempts: eb('attempts', '+', 1), started_at: iso(now), error: null }))
      .where('job', '=', o.job)
      .where('period', '=', o.period)
      .where('status', '!=', 'done')
      .where('lease_expires_at', '<', iso(now))
      .where('attempts', '<', o.maxAttempts)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('job_runs')
      .select('attempts')
      .where('job', '=', o.job)
      .where('period', '=', o.period)
      .where('status', '!=', 'done')
      .where('lease_expires_at', '<', iso(now))
      .where('attempts', '<', o.maxAttempts)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('job_runs')
      .set({ status: 'running', owner: o.owner, lease_expires_at: expires, attempts: row.attempts + 1, started_at: iso(now), error: null })
      .where('job', '=', o.job)
      .where('period', '=', o.period)
      .execute();
    return true;
  });
}

/** Push the lease of a run this owner holds further out; false if it lost the run meanwhile. */
export async function extendLease(store: Store, job: string, period: string, owner: string, leaseMs: number): Promise<boolean> {
  const r = await store.db
    .updateTable('job_runs')
    .set({ lease_expires_at: iso(new Date(Date.now() + leaseMs)) })
    .where('job', '=', job)
    .where('period', '=', period)
    .where('owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Record the end of a run. A failure keeps the row claimable again after `retryAfterMs`.
 */
export async function finishRun(
  store: Store,
  o: { job: string; period: string; owner: string; error?: string; retryAfterMs?: number },
): Promise<void> {
  const now = new Date();
  await store.db
    .updateTable('job_runs')
    .set({
      status: o.error === undefined ? 'done' : 'failed',
      finished_at: iso(now),
      error: o.error === undefined ? null : o.error.slice(0, 2000),
      lease_expires_at: iso(new Date(now.getTime() + (o.error === undefined ? 0 : (o.retryAfterMs ?? 0)))),
    })
    .where('job', '=', o.job)
    .where('period', '=', o.period)
    .where('owner', '=', o.owner)
    .execute();
}

/** Delete finished runs that started before `before`; returns how many. */
export async function pruneRuns(store: Store, before: Date): Promise<number> {
  const r = await store.db.deleteFrom('job_runs').where('status', '=', 'done').where('started_at', '<', iso(before)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
