/**
 * Retrying background work without flooding the log: while a step keeps failing the next attempt
 * waits twice as long (up to a ceiling), and the log gets one line when it starts failing and one
 * when it works again — not a stack trace per attempt.
 */
import type { Logger } from 'pino';
import { isAppError, messageOf } from './errors.ts';

export interface Backoff {
  /** Record a failure; returns how long to wait before the next attempt (ms). */
  failed(e: unknown): number;
  /** Record a success (logs the recovery if it was failing). */
  succeeded(): void;
  /** Consecutive failures so far (0 while healthy). */
  readonly failures: number;
}

/**
 * @example const b = createBackoff({ log, what: 'search index sync', baseMs: 1000 }); setTimeout(tick, ok ? 1000 : b.failed(e))
 */
export function createBackoff(o: { log?: Logger | undefined; what: string; baseMs: number; maxMs?: number }): Backoff {
  const maxMs = o.maxMs ?? 60_000;
  let failures = 0;
  let since = 0;
  return {
    get failures() {
      return failures;
    },
    failed(e) {
      failures += 1;
      if (failures === 1) {
        since = Date.now();
        // An expected outage (database away) is one line; anything else keeps its stack for the bug report.
        if (isAppError(e)) o.log?.warn({ code: e.code, error: e.message }, `${o.what} failing; retrying with back-off`);
        else o.log?.warn({ err: e }, `${o.what} failing; retrying with back-off: ${messageOf(e)}`);
      }
      return Math.min(maxMs, o.baseMs * 2 ** Math.min(failures - 1, 20));
    },
    succeeded() {
      if (failures > 0) o.log?.info({ failures, seconds: Math.round((Date.now() - since) / 1000) }, `${o.what} works again`);
      failures = 0;
    },
  };
}
