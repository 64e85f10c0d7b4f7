/**
 * What a failed delivery attempt means: retry later (transient: a 4xx reply, a timeout, a dropped
 * connection), or give up (a 5xx reply, or a transient failure that outlived every attempt), and
 * whether it counts against the address (src/digest/bounces.ts). Pure, so the rules are tested alone.
 *
 * A failure without any SMTP reply (connection refused, timeout) says nothing about the recipient:
 * it is retried like a 4xx but never scored as a bounce, so an outage of our own relay cannot
 * suspend every subscriber.
 */
import { isAppError, messageOf } from '../errors.ts';
import { bounceKind, type BounceKind } from './bounces.ts';

/** The longest wait between two attempts. */
export const MAX_RETRY_MS = 6 * 3_600_000;

export interface FailureDecision {
  /** `retry`: back to pending at `retryAt`; `failed`: final. */
  action: 'retry' | 'failed';
  retryAt?: Date;
  /** Whether and how it counts against the address. */
  bounce: BounceKind | null;
  code: number | null;
  /** Reached no SMTP server at all (the sender pauses instead of burning every row's attempts). */
  unreachable: boolean;
  error: string;
}

/**
 * The delay before attempt `attempt + 1`: base × 2^(attempt−1), ±20 % jitter so rows that failed
 * together do not retry in one burst, capped at MAX_RETRY_MS.
 * @example retryDelay(1, 60_000, () => 0.5) // 60000
 */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const raw = baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30));
  return Math.round(Math.min(MAX_RETRY_MS, raw) * (0.8 + 0.4 * random()));
}

/** Decide the fate of a row after `attempts` attempts failed with `e` (a mailer error, or anything thrown). */
export function decideFailure(e: unknown, attempts: number, o: { maxAttempts: number; retryBaseMs: number; now: Date }): FailureDecision {
  const code = isAppError(e, 'MAIL_FAILED') && typeof e.details?.responseCode === 'number' ? e.details.responseCode : null;
  // Anything that is not an SMTP refusal (a bug, a local error) is treated as transient: retried, never scored.
  const transient = isAppError(e, 'MAIL_FAILED') ? e.details?.transient !== false : true;
  const error = messageOf(e);
  // Only a mail failure with no reply at all means no server answered; a local error is no outage.
  const unreachable = isAppError(e, 'MAIL_FAILED') && code === null;
  if (!transient) return { action: 'failed', bounce: bounceKind(code ?? undefined, error), code, unreachable: false, error };
  if (attempts < o.maxAttempts) {
    return { action: 'retry', retryAt: new Date(o.now.getTime() + retryDelay(attempts, o.retryBaseMs)), bounce: null, code, unreachable, error };
  }
  return { action: 'failed', bounce: code === null ? null : 'soft', code, unreachable, error: `gave up after ${attempts} attempts: ${error}` };
}
