import assert from 'node:assert/strict';
import { it } from 'node:test';
import pino from 'pino';
import { claimRun, finishRun } from '../../src/jobs/job-runs.repo.ts';
import { createScheduler, periodKey, type JobSpec } from '../../src/jobs/scheduler.ts';
import { openStore } from '../../src/store/db.ts';
import { describeEngines } from '../helpers/stores.ts';

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const base = { leaseMs: 1000, maxAttempts: 2 };

describeEngines('scheduled job runs', (ctx) => {
  it('a period is claimed once; a live lease is not taken over; a finished run never runs again', async () => {
    const run = { job: 'a', period: 'p1', ...base };
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n1' }), true);
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n2' }), false);
    await finishRun(ctx.store, { job: 'a', period: 'p1', owner: 'n1' });
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n2', now: new Date(Date.now() + 60_000) }), false);
  });

  it('another node takes over a run whose owner died (lease expired), up to maxAttempts', async () => {
    const run = { job: 'b', period: 'p1', ...base };
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'dead' }), true);
    const later = new Date(Date.now() + 5000);
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n2', now: later }), true);
    const row = await ctx.store.db.selectFrom('job_runs').selectAll().where('job', '=', 'b').executeTakeFirstOrThrow();
    assert.equal(row.owner, 'n2');
    assert.equal(row.attempts, 2);
    // Two attempts used: a third node may not start it again.
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n3', now: new Date(Date.now() + 10_000) }), false);
  });

  it('a failed run is retried after its delay', async () => {
    const run = { job: 'c', period: 'p1', ...base };
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n1' }), true);
    await finishRun(ctx.store, { job: 'c', period: 'p1', owner: 'n1', error: 'boom', retryAfterMs: 1000 });
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n2' }), false, 'not before the retry delay');
    assert.equal(await claimRun(ctx.store, { ...run, owner: 'n2', now: new Date(Date.now() + 2000) }), true);
  });

  it('stop() waits for a tick whose claim is still in flight, and the run it starts', async () => {
    const ran: string[] = [];
    const s = createScheduler({ store: ctx.store, log, owner: 'n1', jobs: [{ name: 'late', everyMs: 60_000, run: async ({ period }) => { await new Promise((r) => setTimeout(r, 200)); ran.push(period); } }] });
    const tick = s.tick(); // awaiting its claim when stop() begins
    await s.stop();
    assert.deepEqual(await tick, [`late@${ran[0]}`]);
    const rows = await ctx.store.db.selectFrom('job_runs').selectAll().where('job', '=', 'late').execute();
    assert.deepEqual(rows.map((r) => r.status), ['done'], 'the claimed run finished before stop() returned');
  });

  it('two schedulers on separate connections run each period exactly once', async () => {
    const other = openStore(ctx.url, { poolSize: 4 });
    const runs: string[] = [];
    const job = (node: string): JobSpec => ({
      name: 'count',
      everyMs: 200,
      async run({ period }) {
        runs.push(`${period} ${node}`);
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    const s1 = createScheduler({ store: ctx.store, log, jobs: [job('n1')], owner: 'n1' });
    const s2 = createScheduler({ store: other, log, jobs: [job('n2')], owner: 'n2' });
    try {
      const first = periodKey(200);
      const deadline = Date.now() + 1300;
      while (Date.now() < deadline) {
        await Promise.all([s1.tick(), s2.tick(), s1.tick(), s2.tick()]);
        await new Promise((r) => setTimeout(r, 25));
      }
      await Promise.all([s1.stop(), s2.stop()]);
      const periods = runs.map((r) => r.split(' ')[0]!);
      assert.ok(new Set(periods).size >= 3, `ran ${periods.length} periods: ${runs.join(', ')}`);
      assert.equal(new Set(periods).size, periods.length, `a period ran twice: ${runs.join(', ')}`);
      assert.ok(periods.includes(first));
      const rows = await ctx.store.db.selectFrom('job_runs').selectAll().where('job', '=', 'count').execute();
      assert.equal(rows.length, periods.length);
      assert.ok(rows.every((r) => r.status === 'done' && r.attempts === 1));
    } finally {
      await other.close();
    }
  });
});
