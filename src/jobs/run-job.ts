/**
 * One claimed run of a job: start it, keep its lease alive, and record how it ended. A run whose
 * lease is lost — another node took it over, or this node could not renew it before it expired — is
 * aborted (its signal fires with a LEASE_LOST reason), logged, and not recorded as finished: the run
 * belongs to its new owner now, and only that owner finishes it.
 */
import type { Logger } from 'pino';
import { AppError, messageOf } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/db.ts';
import { extendLease, finishRun } from './job-runs.repo.ts';
import type { JobSpec } from './job.ts';

export const DEFAULT_LEASE_MS = 60_000;

export interface RunContext {
  store: Store;
  owner: string;
  log: Logger;
  metrics?: Metrics | undefined;
  /** Fires when the node shuts down; the run's own signal follows it. */
  shutdown: AbortSignal;
}

/**
 * Execute a run this node holds; resolves when it has ended (never rejects).
 * @example await runJob(job, period, { store, owner, log, shutdown })
 */
export async function runJob(job: JobSpec, period: string, c: RunContext): Promise<'done' | 'failed' | 'lost'> {
  const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
  const log = c.log.child({ job: job.name, period, owner: c.owner });
  const run = new AbortController();
  const onShutdown = () => run.abort(c.shutdown.reason);
  if (c.shutdown.aborted) onShutdown();
  else c.shutdown.addEventListener('abort', onShutdown, { once: true });

  let lost = false;
  let renewedAt = Date.now();
  let renewFailing = false;
  const loseLease = (why: string) => {
    if (lost) return;
    lost = true;
    log.warn({ why }, 'job lease lost; aborting the run');
    run.abort(new AppError('LEASE_LOST', `the lease on ${job.name}@${period} was lost: ${why}`));
  };
  const heartbeat = setInterval(() => {
    extendLease(c.store, job.name, period, c.owner, leaseMs).then(
      (held) => {
        if (renewFailing) log.info('job lease renewed again');
        renewFailing = false;
        if (held) renewedAt = Date.now();
        else loseLease('another node holds the run now');
      },
      (e: unknown) => {
        if (!renewFailing) log.warn({ error: messageOf(e) }, 'could not extend job lease; retrying');
        renewFailing = true;
        // Past its expiry another node may take the run over: stop before two nodes run it.
        if (Date.now() - renewedAt >= leaseMs) loseLease(`not renewed for ${Math.round(leaseMs / 1000)} s (${messageOf(e)})`);
      },
    );
  }, leaseMs / 3);

  const started = performance.now();
  log.info('job run started');
  try {
    await job.run({ period, signal: run.signal, log });
    if (lost) return ended('lost');
    await finishRun(c.store, { job: job.name, period, owner: c.owner });
    log.info({ ms: Math.round(performance.now() - started) }, 'job run done');
    return ended('done');
  } catch (e) {
    if (lost) return ended('lost');
    log.error({ err: e }, 'job run failed');
    await finishRun(c.store, { job: job.name, period, owner: c.owner, error: messageOf(e), retryAfterMs: leaseMs }).catch((err) =>
      log.warn({ error: messageOf(err) }, 'could not record job failure; it is retried after its lease'),
    );
    return ended('failed');
  } finally {
    clearInterval(heartbeat);
    c.shutdown.removeEventListener('abort', onShutdown);
  }

  function ended(outcome: 'done' | 'failed' | 'lost') {
    c.metrics?.jobRuns.inc({ job: job.name, outcome });
    if (outcome === 'lost') log.info({ ms: Math.round(performance.now() - started) }, 'aborted job run ended; its new owner finishes it');
    return outcome;
  }
}
