/**
 * The digest sender: claims due outbox rows under a lease, sends each over the pooled SMTP transport,
 * and records the outcome — exactly once per row, across any number of senders and crashes, up to
 * the one window SMTP leaves open (docs/digests.md, "Exactly once"):
 *
 * - a row is sent only by the sender holding its lease (claims are atomic: outbox.repo.ts);
 * - leases are renewed while the sender lives, and a send starts only while the lease has at least
 *   `sendBudgetMs` left, so a live sender's rows never expire under it mid-send;
 * - "sent" is written right after the server's 250 reply, conditional on still holding the lease;
 *   the write is retried while the database is away, and the row keeps its lease meanwhile.
 *
 * The window: a crash after the server accepted a message and before "sent" is stored. The row's
 * lease then runs out and another sender sends it again, with the same Message-ID and Date (fixed at
 * build), which mailbox providers use to collapse the copy.
 */
import type { Logger } from 'pino';
import { isAppError, messageOf } from '../errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/db.ts';
import { nodeId } from '../jobs/scheduler.ts';
import { addBounce, markSuspended } from './bounces.repo.ts';
import { SUSPEND_AT, suspensionReason } from './bounces.ts';
import { claimDue, inactiveSubscribers, messagesFor, recordOutcome, recordSentMany, releaseRows, renewLeases } from './outbox.repo.ts';
import type { OutboxRow } from './outbox.schema.ts';
import { decideFailure } from './send-outcome.ts';

export interface SenderDeps {
  store: Store;
  /** A pooled mailer (createMailer({ pool: true })): the sender owns it and closes it on stop. */
  mailer: Mailer;
  /** Stop sending to a subscriber (subscriptions.service.suspend), with the reason the manage page shows. */
  suspend(subscriberId: number, reason: string): Promise<void>;
  log: Logger;
  metrics?: Metrics | undefined;
}

export interface SenderOptions {
  owner?: string;
  /** How long a claim lives without renewal (renewed every third of it). */
  leaseMs: number;
  /** Rows per claim. */
  batch?: number;
  /** Messages in flight at once (the pool spreads them over its connections). */
  concurrency?: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** The longest one send may take: a send never starts with less lease left than this. */
  sendBudgetMs?: number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  /** Sent, but the lease was gone when "sent" was recorded (another sender may send it again). */
  lostLease: number;
  /** Set when the drain stopped early because no SMTP server answered. */
  paused?: string;
}

export interface DigestSender {
  readonly owner: string;
  /** Send until nothing is due now (or `signal` fires); resolves with the counts. */
  drain(signal?: AbortSignal): Promise<DrainResult>;
  /** Drain every `pollMs` in the background (serve). */
  start(pollMs: number): void;
  /** Stop the background loop, let in-flight sends finish, close the SMTP pool. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createDigestSender(d: SenderDeps, o: SenderOptions): DigestSender {
  const owner = o.owner ?? nodeId();
  const batch = o.batch ?? 100;
  const concurrency = o.concurrency ?? 20;
  const sendBudgetMs = o.sendBudgetMs ?? Math.floor(o.leaseMs / 3);
  const log = d.log.child({ component: 'digest-sender', owner });
  let draining: Promise<DrainResult> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const stopping = new AbortController();

  async function drainOnce(signal: AbortSignal): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0, skipped: 0, lostLease: 0 };
    const queue: OutboxRow[] = [];
    /** The rendered messages of the queued rows (digest_messages), dropped once sent. */
    const rendered = new Map<number, string>();
    /** Claimed rows this drain will not send after all (too little lease left): released at the end. */
    const dropped: OutboxRow[] = [];
    let fatal = null as { error: unknown } | null;
    let exhausted = false;
    let refilling: Promise<void> | null = null;
    let renewedAt = Date.now();
    const heartbeat = setInterval(() => {
      const at = Date.now();
      renewLeases(d.store.db, owner, o.leaseMs).then(
        () => (renewedAt = at),
        (e: unknown) => log.warn({ error: messageOf(e) }, 'could not renew digest leases; sends pause when they run short'),
      );
    }, Math.max(50, o.leaseMs / 3));

    async function refill(): Promise<void> {
      const rows = await claimDue(d.store, { owner, leaseMs: o.leaseMs, limit: batch });
      if (rows.length === 0) {
        exhausted = true;
        return;
      }
      const inactive = await inactiveSubscribers(d.store.db, rows.map((r) => r.subscriber_id));
      for (const [id, raw] of await messagesFor(d.store.db, rows.filter((r) => !inactive.has(r.subscriber_id)).map((r) => r.id))) rendered.set(id, raw);
      for (const row of rows) {
        const status = inactive.get(row.subscriber_id);
        if (status === undefined) queue.push(row);
        else if (await record(row, { status: 'skipped', error: `subscriber is ${status}` })) result.skipped += 1;
      }
    }

    /** Run a write, retrying while the database is away (the rows keep their lease meanwhile). */
    async function retrying<T>(what: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
      for (let i = 0; ; i++) {
        try {
          return await fn();
        } catch (e) {
          if (Date.now() - renewedAt > o.leaseMs) throw e;
          log.warn({ ...what, error: messageOf(e) }, 'could not record a digest outcome; retrying');
          await sleep(Math.min(2000, 100 * 2 ** i));
        }
      }
    }

    /** Record an outcome, retrying while the database is away. */
    function record(row: OutboxRow, outcome: Parameters<typeof recordOutcome>[3]): Promise<boolean> {
      return retrying({ id: row.id }, () => recordOutcome(d.store.db, row.id, owner, outcome));
    }

    /**
     * Record "sent" by group commit: the rows whose 250 arrived while the previous write ran are
     * written together in one UPDATE, at once when none is running — no timer, so a lone message is
     * recorded as soon as alone, and the window between a 250 and its "sent" (docs/digests.md,
     * "Exactly once") grows by at most one write. Each caller still waits for its own row's write.
     */
    const sentQueue: Array<{ id: number; smtpResponse: string; done: (held: boolean) => void; fail: (e: unknown) => void }> = [];
    let writingSent = false;
    function recordSent(row: OutboxRow, smtpResponse: string): Promise<boolean> {
      return new Promise((done, fail) => {
        sentQueue.push({ id: row.id, smtpResponse, done, fail });
        if (!writingSent) void writeSent();
      });
    }
    async function writeSent(): Promise<void> {
      writingSent = true;
      while (sentQueue.length) {
        const group = sentQueue.splice(0, 200);
        try {
          const held = await retrying({ ids: group.length }, () => recordSentMany(d.store.db, owner, group));
          for (const g of group) g.done(held.has(g.id));
        } catch (e) {
          for (const g of group) g.fail(e);
        }
      }
      writingSent = false;
    }

    async function deliver(row: OutboxRow): Promise<void> {
      let response: string;
      try {
        // Rendered at build (the same bytes on every attempt); rows built before migration 0023 are composed here.
        const raw = rendered.get(row.id);
        rendered.delete(row.id);
        const sent = raw
          ? await d.mailer.sendRaw({ to: row.email, raw })
          : await d.mailer.send({
            to: row.email,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
            headers: JSON.parse(row.headers) as Record<string, string>,
            messageId: row.message_id,
            date: new Date(row.message_date),
          });
        response = sent.response;
      } catch (e) {
        await failed(row, e);
        return;
      }
      if (await recordSent(row, response)) {
        result.sent += 1;
        d.metrics?.digestMessages.inc({ outcome: 'sent' });
      } else {
        result.lostLease += 1;
        log.warn({ id: row.id, messageId: row.message_id }, 'digest sent after its lease was lost: another sender may send it again (same Message-ID)');
      }
    }

    async function failed(row: OutboxRow, e: unknown): Promise<void> {
      const f = decideFailure(e, row.attempts, { maxAttempts: o.maxAttempts, retryBaseMs: o.retryBaseMs, now: new Date() });
      if (f.unreachable && !result.paused) result.paused = f.error;
      const stored =
        f.action === 'retry'
          ? await record(row, { status: 'pending', nextAttemptAt: f.retryAt!, error: f.error, code: f.code })
          : await record(row, { status: 'failed', error: f.error, code: f.code });
      if (!stored) return;
      if (f.action === 'retry') result.retried += 1;
      else result.failed += 1;
      d.metrics?.digestMessages.inc({ outcome: f.action === 'retry' ? 'retried' : 'failed' });
      log.info({ id: row.id, code: f.code, action: f.action, attempts: row.attempts, error: f.error }, 'digest delivery failed');
      // Scoring must not stop the drain (a subscriber deleted meanwhile, the database briefly away): the
      // delivery outcome is recorded already; a missed point only delays a suspension.
      if (f.bounce) await bounce(row, f.bounce, f.code, f.error).catch((e: unknown) => log.warn({ id: row.id, error: messageOf(e) }, 'could not record a bounce'));
    }

    async function bounce(row: OutboxRow, kind: 'soft' | 'hard', code: number | null, error: string): Promise<void> {
      const now = new Date();
      const score = await addBounce(d.store.db, { email: row.email, kind, code, error, now });
      if (score.score < SUSPEND_AT || score.suspendedAt) return;
      // Suspend first, then mark: a crash between them suspends again next time (suspend is idempotent).
      await d.suspend(row.subscriber_id, suspensionReason(row.email, score.score, { code, error, at: now }));
      if (await markSuspended(d.store.db, row.email, now)) {
        d.metrics?.digestSuspended.inc();
        log.warn({ subscriber: row.subscriber_id, score: score.score }, 'subscriber suspended after repeated bounces');
      }
    }

    async function worker(): Promise<void> {
      try {
        while (!signal.aborted && !result.paused && !fatal) {
          const row = queue.shift();
          if (!row) {
            if (exhausted) return;
            refilling ??= refill().finally(() => (refilling = null));
            await refilling;
            continue;
          }
          // Too little lease left for a whole send (renewals failing): leave the row for whoever holds it next.
          if (renewedAt + o.leaseMs - Date.now() < sendBudgetMs) {
            log.warn({ id: row.id }, 'digest lease too short to send safely; leaving the row to be claimed again');
            dropped.push(row);
            continue;
          }
          await deliver(row);
        }
      } catch (e) {
        // The database failed for longer than a lease: stop this drain; every worker finishes its send first.
        fatal ??= { error: e };
      }
    }

    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(heartbeat);
    // Rows claimed but not started (stopped, paused, lease short): back to pending now rather than after their lease.
    const unsent = [...queue.splice(0), ...dropped].map((r) => r.id);
    if (unsent.length) await releaseRows(d.store.db, owner, unsent).catch((e: unknown) => log.warn({ error: messageOf(e) }, 'could not release unsent digests; they are claimed again when their lease ends'));
    const failure = fatal as { error: unknown } | null;
    if (failure) throw failure.error;
    return result;
  }

  function drain(signal: AbortSignal = stopping.signal): Promise<DrainResult> {
    // One drain at a time per sender: the background loop and a caller share it.
    draining ??= drainOnce(AbortSignal.any([signal, stopping.signal])).finally(() => (draining = null));
    return draining;
  }

  return {
    owner,
    drain,
    start(pollMs) {
      if (timer) return;
      const tick = () => {
        drain()
          .then((r) => {
            if (r.sent || r.failed || r.retried) log.info(r, 'digest send pass done');
            if (r.paused) log.warn({ error: r.paused }, 'no SMTP server answered; digests wait for the next pass');
          })
          .catch((e: unknown) => log.warn({ error: messageOf(e), code: isAppError(e) ? e.code : undefined }, 'digest send pass failed; retrying at the next poll'))
          .finally(() => {
            if (!stopping.signal.aborted) timer = setTimeout(tick, pollMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      await draining?.catch(() => undefined);
      d.mailer.close();
    },
  };
}
