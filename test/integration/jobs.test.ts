import assert from 'node:assert/strict';
import { it } from 'node:test';
import pino from 'pino';
import { Writable } from 'node:stream';
import { isAppError } from '../../src/errors.ts';
import { claimRun, finishRun, pruneRuns } from '../../src/jobs/job-runs.repo.ts';
import { createMetrics } from '../../src/metrics.ts';
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

  it('a run whose lease is lost is aborted (its signal fires), logged, and not finished by the node that lost it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(c, _e, cb) { for (const l of String(c).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); cb(); } });
    const metrics = createMetrics({ defaultMetrics: false });
    let reason: unknown;
    let aborted!: () => void;
    const sawAbort = new Promise<void>((r) => (aborted = r));
    const job: JobSpec = {
      name: 'lossy',
      everyMs: 3_600_000,
      leaseMs: 300, // renewed every 100 ms
      async run({ signal }) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        reason = signal.reason;
        aborted();
      },
    };
    const s = createScheduler({ store: ctx.store, log: pino({ level: 'info' }, sink), owner: 'n1', jobs: [job], metrics });
    const [started] = await s.tick();
    const period = started!.split('@')[1]!;
    // Another node takes the run over, as it would once n1's lease had run out.
    assert.equal(await claimRun(ctx.store, { job: 'lossy', period, owner: 'n2', leaseMs: 60_000, maxAttempts: 3, now: new Date(Date.now() + 1000) }), true);
    const deadline = setTimeout(() => assert.fail('the run was not aborted within 2 s'), 2000);
    await sawAbort;
    clearTimeout(deadline);
    await s.stop();
    assert.ok(isAppError(reason, 'LEASE_LOST'), `abort reason: ${String(reason)}`);
    const row = await ctx.store.db.selectFrom('job_runs').selectAll().where('job', '=', 'lossy').executeTakeFirstOrThrow();
    assert.equal(row.owner, 'n2');
    assert.equal(row.status, 'running', 'n1 did not finish a run it no longer holds');
    assert.equal(row.finished_at, null);
    assert.equal(lines.filter((l) => l.msg === 'job lease lost; aborting the run').length, 1);
    assert.ok(!lines.some((l) => l.msg === 'job run done' || l.msg === 'job run failed'));
    assert.match((await metrics.render()).body, /paperboy_job_runs_total\{job="lossy",outcome="lost"\} 1/);
  });

  it('a run is aborted when its lease cannot be renewed before it expires (database away)', async () => {
    const other = openStore(ctx.url, { poolSize: 2 });
    let reason: unknown;
    const job: JobSpec = {
      name: 'stranded',
      everyMs: 3_600_000,
      leaseMs: 300,
      async run({ signal }) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        reason = signal.reason;
      },
    };
    const s = createScheduler({ store: other, log, owner: 'n1', jobs: [job] });
    await s.tick();
    // The node loses its database: every renewal now fails.
    await other.close();
    const until = Date.now() + 3000;
    while (reason === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    assert.ok(isAppError(reason, 'LEASE_LOST'), `abort reason: ${String(reason)}`);
  });

  it('pruneRuns deletes finished runs older than the cut-off, and nothing else', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 86_400_000);
    const claim = (job: string, period: string, now: Date) => claimRun(ctx.store, { job, period, owner: 'n1', leaseMs: 1000, maxAttempts: 2, now });
    await claim('prune', 'old-done', old);
    await finishRun(ctx.store, { job: 'prune', period: 'old-done', owner: 'n1' });
    await claim('prune', 'old-failed', old);
    await finishRun(ctx.store, { job: 'prune', period: 'old-failed', owner: 'n1', error: 'boom' });
    await claim('prune', 'old-running', old);
    await claim('prune', 'recent-done', recent);
    await finishRun(ctx.store, { job: 'prune', period: 'recent-done', owner: 'n1' });
    assert.equal(await pruneRuns(ctx.store, new Date(Date.now() - 30 * 86_400_000)), 1);
    const left = (await ctx.store.db.selectFrom('job_runs').select('period').where('job', '=', 'prune').orderBy('period').execute()).map((r) => r.period);
    assert.deepEqual(left, ['old-failed', 'old-running', 'recent-done']);
  });
});
