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
import { claimRun, extendLease, finishRun } from './job-runs.repo.ts';

export interface JobContext {
  /** The period's key (its ISO start). */
  period: string;
  /** Aborted when the node shuts down: finish the current unit of work and return. */
  signal: AbortSignal;
  log: Logger;
}

export interface JobSpec {
  name: string;
  /** Period length in ms: the job runs once per period across all nodes. */
  everyMs: number;
  /** How long a claim lives without renewal (default: 60 s); renewed every third of it while running. */
  leaseMs?: number;
  /** Attempts per period before giving up (default 3); a failed attempt is retried after a lease. */
  maxAttempts?: number;
  run(ctx: JobContext): Promise<void>;
}

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

  const counter = o.metrics?.jobRuns;

  async function execute(job: JobSpec, period: string): Promise<void> {
    const leaseMs = job.leaseMs ?? 60_000;
    const log = o.log.child({ job: job.name, period, owner });
    const heartbeat = setInterval(() => {
      extendLease(o.store, job.name, period, owner, leaseMs).catch((e) => log.warn({ err: e }, 'could not extend job lease'));
    }, leaseMs / 3);
    const started = performance.now();
    log.info('job run started');
    try {
      await job.run({ period, signal: abort.signal, log });
      await finishRun(o.store, { job: job.name, period, owner });
      counter?.inc({ job: job.name, outcome: 'done' });
      log.info({ ms: Math.round(performance.now() - started) }, 'job run done');
    } catch (e) {
      counter?.inc({ job: job.name, outcome: 'failed' });
      log.error({ err: e }, 'job run failed');
      await finishRun(o.store, { job: job.name, period, owner, error: (e as Error).message ?? String(e), retryAfterMs: leaseMs }).catch(
        (err) => log.error({ err }, 'could not record job failure'),
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  function tick(): Promise<string[]> {
    const t = claimDue();
    const settledTick = t.catch(() => undefined).finally(() => ticks.delete(settledTick));
    ticks.add(settledTick);
    return t;
  }

  async function claimDue(): Promise<string[]> {
    const started: string[] = [];
    for (const job of o.jobs) {
      if (stopping || running.has(job.name)) continue;
      const now = Date.now();
      const period = periodKey(job.everyMs, now);
      const known = settled.get(job.name);
      if (known && known.period === period && now < known.recheckAt) continue;
      let claimed: boolean;
      try {
        claimed = await claimRun(o.store, { job: job.name, period, owner, leaseMs: job.leaseMs ?? 60_000, maxAttempts: job.maxAttempts ?? 3 });
      } catch (e) {
        o.log.warn({ err: e, job: job.name }, 'could not claim job run');
        continue;
      }
      // Someone holds or finished it: look again after half a lease in case its node dies.
      settled.set(job.name, { period, recheckAt: claimed ? Infinity : now + (job.leaseMs ?? 60_000) / 2 });
      if (!claimed) continue;
      started.push(`${job.name}@${period}`);
      const p = execute(job, period).finally(() => running.delete(job.name));
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
