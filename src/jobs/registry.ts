/**
 * The scheduled jobs `serve` runs, with their default periods. Add one: push a JobSpec factory to
 * JOB_FACTORIES (harvest, digests and index maintenance will). Operators change periods, or switch a
 * job off, with JOBS=name=DURATION,… (durations: 500ms, 30s, 15m, 6h, 1d; or `off`).
 */
import { sql } from 'kysely';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { pruneRuns } from './job-runs.repo.ts';
import type { JobSpec } from './scheduler.ts';

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = UNIT.d!;

/** Keep finished job runs this long (the table is an audit trail, not an archive). */
export const JOB_RUN_RETENTION_DAYS = 30;

export const JOB_FACTORIES: Array<(app: App) => JobSpec> = [
  (app) => ({
    name: 'prune-job-runs',
    everyMs: DAY,
    async run({ log }) {
      const n = await pruneRuns(app.store, new Date(Date.now() - JOB_RUN_RETENTION_DAYS * DAY));
      log.info({ deleted: n }, 'pruned finished job runs');
    },
  }),
  (app) => ({
    name: 'db-optimize',
    everyMs: DAY,
    leaseMs: 10 * 60_000,
    // Fresh planner statistics keep list queries on their indexes as the catalog grows.
    async run() {
      if (app.store.engine === 'sqlite') await sql`PRAGMA optimize`.execute(app.store.db);
      else await sql`ANALYZE papers`.execute(app.store.db);
    },
  }),
];

/**
 * Parse `name=DURATION,…` into periods in ms (0 = off).
 * @example parseJobSchedule('prune-job-runs=2s,db-optimize=off') // Map { 'prune-job-runs' => 2000, 'db-optimize' => 0 }
 */
export function parseJobSchedule(spec: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of spec.split(',').filter(Boolean)) {
    const [name, value] = part.split('=') as [string, string];
    if (value === 'off') {
      out.set(name, 0);
      continue;
    }
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
    if (!m || Number(m[1]) <= 0) throw new AppError('CONFIG_INVALID', `JOBS: ${part} needs a positive duration such as 30s or 1d`);
    out.set(name, Number(m[1]) * UNIT[m[2]!]!);
  }
  return out;
}

/** The jobs of this app with JOBS overrides applied; an unknown name in JOBS is a configuration error. */
export function scheduledJobs(app: App): JobSpec[] {
  const jobs = JOB_FACTORIES.map((f) => f(app));
  const overrides = parseJobSchedule(app.config.jobs);
  for (const name of overrides.keys()) {
    if (!jobs.some((j) => j.name === name)) {
      throw new AppError('CONFIG_INVALID', `JOBS names an unknown job "${name}" (known: ${jobs.map((j) => j.name).join(', ')})`);
    }
  }
  return jobs
    .map((j) => (overrides.has(j.name) ? { ...j, everyMs: overrides.get(j.name)! } : j))
    .filter((j) => j.everyMs > 0);
}
