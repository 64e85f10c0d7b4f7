/**
 * The scheduler every `paperboy serve` node runs. Each job has a period length; on every tick a node
 * tries to claim the current period's run (src/jobs/job-runs.repo.ts) and runs it only if the claim
 * succeeded — so with any number of nodes on one database a period runs once. A node keeps its lease
 * alive while the job runs; if the node dies, another takes the run over once the lease expires.
 * Missed periods are not back-filled: a job that must catch up (harvest) resumes from its own checkpoint.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/db.ts';
import { createBackoff } from '../backoff.ts';
import { claimRun } from './job-runs.repo.ts';
import type { JobSpec } from './job.ts';
import { DEFAULT_LEASE_MS, runJob } from './run-job.ts';

export type { JobContext, JobSpec } from './job.ts';

export interface Scheduler {
  owner: string;
  start(): void;
  /** Claim and start every due run now; resolves with the runs this node started ("job@period"). */
  tick(): Promise<string[]>;
  /** Stop ticking and wait for running jobs to finish. */
  stop(): Promise<void>;
}

/** The key of the period of length `everyMs` that contains `now`. */
export function periodKey(everyMs: number, now = Date.now()): string {
  return new Date(Math.floor(now / everyMs) * everyMs).toISOString();
}

/** A node id for leases: readable in the job_runs table, unique per process. */
export function nodeId(): string {
  return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * @example const s = createScheduler({ store, log, jobs: [pruneJob] }); s.start(); … await s.stop()
 */
export function createScheduler(o: { store: Store; log: Logger; jobs: JobSpec[]; owner?: string; tickMs?: number; metrics?: Metrics }): Scheduler {
  const owner = o.owner ?? nodeId();
  const tickMs = o.tickMs ?? Math.max(100, Math.min(1000, ...o.jobs.map((j) => j.everyMs / 4)));
  const running = new Map<string, Promise<void>>();
  /** Per job: the period this node knows is taken care of, and when to look again if someone else holds it. */
  const settled = new Map<string, { period: string; recheckAt: number }>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  // Ticks in progress: stop() waits for them, as a claim one is awaiting may yet start a run.
  const ticks = new Set<Promise<unknown>>();
  // The database away: claims wait longer and longer (up to 30 s) and the log says so once.
  const claims = createBackoff({ log: o.log, what: 'claiming job runs', baseMs: tickMs, maxMs: 30_000 });
  let pausedUntil = 0;

  function tick(): Promise<string[]> {
    const t = claimDue();
    const settledTick = t.catch(() => undefined).finally(() => ticks.delete(settledTick));
    ticks.add(settledTick);
    return t;
  }

  async function claimDue(): Promise<string[]> {
    const started: string[] = [];
    if (Date.now() < pausedUntil) return started;
    for (const job of o.jobs) {
      if (stopping || running.has(job.name)) continue;
      const now = Date.now();
      const period = periodKey(job.everyMs, now);
      const known = settled.get(job.name);
      if (known && known.period === period && now < known.recheckAt) continue;
      let claimed: boolean;
      try {
        claimed = await claimRun(o.store, { job: job.name, period, owner, leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS, maxAttempts: job.maxAttempts ?? 3 });
        claims.succeeded();
      } catch (e) {
        pausedUntil = Date.now() + claims.failed(e);
        break;
      }
      // Someone holds or finished it: look again after half a lease in case its node dies.
      settled.set(job.name, { period, recheckAt: claimed ? Infinity : now + (job.leaseMs ?? DEFAULT_LEASE_MS) / 2 });
      if (!claimed) continue;
      started.push(`${job.name}@${period}`);
      const p = runJob(job, period, { store: o.store, owner, log: o.log, metrics: o.metrics, shutdown: abort.signal })
        .then(() => undefined)
        .finally(() => running.delete(job.name));
      running.set(job.name, p);
    }
    return started;
  }

  return {
    owner,
    tick,
    start() {
      if (timer || o.jobs.length === 0) return;
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
      void tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      abort.abort();
      await Promise.allSettled([...ticks]);
      await Promise.allSettled([...running.values()]);
    },
  };
}
