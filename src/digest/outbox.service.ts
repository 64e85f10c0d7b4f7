/**
 * Digest delivery as the CLI, the scheduler and `serve` use it: build a period's digests into the
 * outbox, run a sender over the pooled SMTP transport, preview one subscriber's digest, and report
 * the outbox's state. Subscriptions come in through the DigestSource (subscriptions.service.ts).
 */
import type { App } from '../app.ts';
import { createMailer, createRenderer, renderMessage } from '../mail/mailer.ts';
import { suspendedCount } from './bounces.repo.ts';
import { addressDomain, composeDigest, newMessageId, type ComposedDigest } from './compose.ts';
import { buildDigests, type BuildResult } from './outbox-build.ts';
import { nextWakeUp, queueDepth, recentPeriods, statusCounts, type StatusCounts } from './outbox.repo.ts';
import { createDigestSender, type DigestSender, type SenderOptions } from './send.ts';
import { previewRecipient } from './outbox-preview.ts';
import { subscriptions } from './subscriptions-app.ts';
import type { DigestRecipient, DigestSource, Period, Weekday } from './types.ts';

/** The site name digests carry (subject, heading, List-Id). */
export const SITE_NAME = 'Paperboy';

export interface DigestStatus {
  total: StatusCounts;
  queueDepth: number;
  suspendedAddresses: number;
  periods: Array<{ period: Period; periodKey: string; counts: StatusCounts }>;
}

export interface Preview {
  recipient: DigestRecipient;
  message: ComposedDigest | null;
  /** The RFC 5322 text as it would be sent (DKIM-signed when configured). */
  raw: Buffer | null;
}

export interface DeliveryService {
  build(period: Period, now?: Date, signal?: AbortSignal): Promise<BuildResult>;
  /**
   * A sender with its own pooled SMTP transport (close it with stop()); `pool: false` opens one
   * connection per message instead (the benchmark's plain alternative).
   */
  sender(overrides?: Partial<SenderOptions> & { pool?: boolean }): DigestSender;
  preview(email: string, period: Period | undefined, now?: Date): Promise<Preview>;
  status(): Promise<DigestStatus>;
  /** Wait until a pending digest becomes due or a held lease runs out (at most `maxMs`). */
  waitForWork(maxMs?: number): Promise<void>;
}

/** The delivery service of an app, over its subscriptions (src/digest/subscriptions-app.ts). */
export function deliveryFor(app: App): DeliveryService {
  return createDeliveryService(app, subscriptions(app));
}

export function createDeliveryService(app: App, source: DigestSource): DeliveryService {
  const c = app.config;
  const mailDomain = addressDomain(c.mailFrom);
  const log = app.log.child({ component: 'digest' });
  return {
    build(period, now = new Date(), signal) {
      // The message is rendered once, at build: senders then only send (the MIME encoding of a
      // digest's HTML part was most of a send's own CPU; docs/benchmarks.md, "Digests").
      const render = createRenderer({ from: c.mailFrom });
      return buildDigests({ store: app.store, source, siteName: SITE_NAME, siteUrl: c.baseUrl, mailDomain, log, render }, period, now, { signal });
    },

    sender({ pool = true, ...overrides } = {}) {
      const leaseMs = overrides.leaseMs ?? c.digestLeaseMs;
      // Each SMTP exchange phase may take a timeout; three of them (the send budget) stay under half a
      // lease, so a send never starts on a lease that could run out before the next renewal.
      const timeoutMs = Math.max(500, Math.min(15_000, Math.floor(leaseMs / 8)));
      const mailer = createMailer({ smtpUrl: c.smtpUrl, from: c.mailFrom, log: log.child({ component: 'mail' }), pool, maxConnections: c.digestSmtpConnections, timeoutMs, dkim: c.dkim });
      return createDigestSender(
        { store: app.store, mailer, suspend: (id, reason) => source.suspend(id, reason), log, metrics: app.metrics },
        { leaseMs, maxAttempts: c.digestMaxAttempts, retryBaseMs: c.digestRetryBaseMs, concurrency: c.digestSmtpConnections * 4, sendBudgetMs: timeoutMs * 3, ...overrides },
      );
    },

    async preview(email, period, now = new Date()) {
      const { recipient, at } = await previewRecipient(source, email, period, now, c.digestDailyDays as readonly Weekday[]);
      const p = recipient.period;
      const sections = (await source.sectionsFor(recipient, p)).filter((s) => s.items.length > 0);
      if (sections.length === 0) return { recipient, message: null, raw: null };
      const message = composeDigest({
        email: recipient.subscriber.email, period: p, periodKey: recipient.periodKey, sections, links: recipient.links,
        siteName: SITE_NAME, siteUrl: c.baseUrl, messageId: newMessageId(mailDomain), date: at,
      });
      const raw = await renderMessage({ ...message, messageId: message.messageId }, { from: c.mailFrom, dkim: c.dkim });
      return { recipient, message, raw };
    },

    async status() {
      const [total, depth, suspended, periods] = await Promise.all([
        statusCounts(app.store.db),
        queueDepth(app.store.db),
        suspendedCount(app.store.db),
        recentPeriods(app.store.db),
      ]);
      const withCounts = await Promise.all(periods.map(async (p) => ({ ...p, counts: await statusCounts(app.store.db, p) })));
      return { total, queueDepth: depth, suspendedAddresses: suspended, periods: withCounts };
    },

    async waitForWork(maxMs = 5000) {
      const at = await nextWakeUp(app.store.db);
      const ms = at ? Math.max(50, Math.min(maxMs, at.getTime() - Date.now() + 10)) : maxMs;
      await new Promise((r) => setTimeout(r, ms));
    },
  };
}

/** Register the outbox gauges on this process's /metrics (once per registry). */
export function registerDigestGauges(app: App): void {
  const m = app.metrics;
  if (m.registry.getSingleMetric('paperboy_digest_queue_depth')) return;
  m.gauge('paperboy_digest_queue_depth', 'Digests in the outbox waiting to be sent (pending or being sent), all nodes', () => queueDepth(app.store.db));
  m.gauge('paperboy_digest_suspended_addresses', 'Addresses whose digests are suspended after repeated bounces', () => suspendedCount(app.store.db));
}

/**
 * This node's part in delivery (`serve`): the outbox gauges, and — with SMTP_URL set and DIGEST_SENDER
 * on — a sender draining the outbox every DIGEST_SEND_POLL_MS. Building is the scheduler's job
 * (digest-build, src/jobs/registry.ts), run once across nodes.
 * @example const delivery = startDigestDelivery(app); … await delivery.stop()
 */
export function startDigestDelivery(app: App): { stop(): Promise<void> } {
  registerDigestGauges(app);
  if (!app.config.smtpUrl || !app.config.digestSender) return { stop: async () => {} };
  const sender = deliveryFor(app).sender();
  sender.start(app.config.digestSendPollMs);
  return { stop: () => sender.stop() };
}
