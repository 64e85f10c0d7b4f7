/**
 * The scheduled jobs `serve` runs, with their default periods. Add one: push a JobSpec factory to
 * JOB_FACTORIES and its name to JOB_NAMES in src/config.ts (harvest, digests and index maintenance
 * will). Operators change periods, or switch a job off, with JOBS=name=DURATION,… (durations: 500ms,
 * 30s, 15m, 6h, 1d; or `off`), parsed and checked in config.ts.
 */
import { sql } from 'kysely';
import type { App } from '../app.ts';
import { fillCategories } from '../ingest/arxiv-categories.ts';
import { createHttpClient } from '../ingest/http-client.ts';
import { pruneRuns } from './job-runs.repo.ts';
import type { JobSpec } from './job.ts';
import { deliveryFor } from '../digest/outbox.service.ts';
import { PERIODS } from '../digest/types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

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
  (app) => ({
    name: 'arxiv-categories',
    // Hourly: papers imported from Hugging Face get their categories within the hour. A run holding
    // nothing to do is one index probe; the whole HF archive (9.9k papers) is ~100 requests, ~5 minutes.
    everyMs: HOUR,
    leaseMs: 5 * 60_000,
    async run({ signal, log }) {
      const http = createHttpClient({ delayMs: app.config.arxivDelayMs, signal, onWait: (ms, why) => log.info({ ms, why }, 'arXiv categories: waiting') });
      const r = await fillCategories({ store: app.store, http, url: app.config.arxivApiUrl, signal, info: (f, line) => log.debug(f, line) });
      // arXiv away (an offline laptop) is not a failure: one line, and the next run resumes where this one stopped.
      if (r.stopped && !signal.aborted) log.warn({ ...r }, 'arXiv categories: stopped early; resuming next run');
      else log.info({ ...r }, 'arXiv categories: run ended');
    },
  }),
  (app) => ({
    // Digests (docs/digests.md): every 5 minutes, write the digests that fell due (each subscriber's
    // send hour in their zone) to the outbox; every node's sender delivers them (startDigestDelivery).
    name: 'digest-build',
    everyMs: 5 * 60_000,
    leaseMs: 10 * 60_000,
    async run({ signal, log }) {
      // Without SMTP nothing could be delivered: building would only mark papers as sent to nobody.
      if (!app.config.smtpUrl) return log.debug('SMTP_URL is not set: no digests are built');
      const delivery = deliveryFor(app);
      for (const period of PERIODS) if (!signal.aborted) await delivery.build(period, new Date(), signal);
    },
  }),
];

/** The jobs of this app with the JOBS periods applied (config.ts checked the names against JOB_NAMES). */
export function scheduledJobs(app: App): JobSpec[] {
  const jobs = JOB_FACTORIES.map((f) => f(app));
  const overrides = app.config.jobs as ReadonlyMap<string, number>;
  return jobs
    .map((j) => (overrides.has(j.name) ? { ...j, everyMs: overrides.get(j.name)! } : j))
    .filter((j) => j.everyMs > 0);
}
