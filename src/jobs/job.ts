/**
 * What a scheduled job is (src/jobs/registry.ts lists them; src/jobs/scheduler.ts runs them).
 */
import type { Logger } from 'pino';

export interface JobContext {
  /** The period's key (its ISO start). */
  period: string;
  /**
   * Aborted when the node shuts down, or when this run's lease was lost to another node (the reason is
   * AppError LEASE_LOST): finish the current unit of work and return.
   */
  signal: AbortSignal;
  log: Logger;
}

export interface JobSpec {
  name: string;
  /** Period length in ms: the job runs once per period across all nodes. */
  everyMs: number;
  /** How long a claim lives without renewal (default: 60 s); renewed every third of it while running; lost, the run is aborted. */
  leaseMs?: number;
  /** Attempts per period before giving up (default 3); a failed attempt is retried after a lease. */
  maxAttempts?: number;
  run(ctx: JobContext): Promise<void>;
}
