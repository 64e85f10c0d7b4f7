/**
 * `paperboy digest`: the digest mail from the terminal — preview one subscriber's digest (as text, or
 * the raw RFC 5322 message with --eml), build and send a period's digests now, and show the outbox.
 * The same services `serve` runs on its schedule (src/digest/outbox.service.ts).
 */
import { createApp } from '../app.ts';
import { deliveryFor } from '../digest/outbox.service.ts';
import { PERIODS, type Period } from '../digest/types.ts';
import { AppError } from '../errors.ts';
import type { DrainResult } from '../digest/send.ts';
import type { BuildResult } from '../digest/outbox-build.ts';
import type { Command } from './command.ts';

const USAGE = `paperboy digest preview --email ADDRESS [--period daily|weekly] [--at TIME] [--eml]
       paperboy digest send [--period daily|weekly] [--at TIME] [--wait]
       paperboy digest status
  --at TIME   build as of this moment (ISO 8601, e.g. 2026-12-01T09:00Z) instead of now
  --wait      keep sending until every digest is settled (retries and other senders' leases included)`;

function periodOf(v: unknown): Period | undefined {
  if (v === undefined) return undefined;
  if (!PERIODS.includes(v as Period)) throw new AppError('USAGE', `--period must be ${PERIODS.join(' or ')} (got ${JSON.stringify(v)})`);
  return v as Period;
}

function momentOf(v: unknown): Date {
  if (v === undefined) return new Date();
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new AppError('USAGE', `--at must be an ISO 8601 time such as 2026-12-01T09:00Z (got ${JSON.stringify(v)})`);
  return d;
}

const line = (r: DrainResult) => `sent ${r.sent}, retrying ${r.retried}, failed ${r.failed}, skipped ${r.skipped}${r.lostLease ? `, lease lost after sending ${r.lostLease}` : ''}`;

export const digestCmd: Command = {
  name: 'digest',
  summary: 'digest mail: preview a subscriber\'s digest, build and send a period now, show the outbox',
  usage: USAGE,
  options: { email: { type: 'string' }, period: { type: 'string' }, at: { type: 'string' }, eml: { type: 'boolean', default: false }, wait: { type: 'boolean', default: false } },
  async run({ positionals, values, out, config }) {
    const [action, ...extra] = positionals;
    if (!['preview', 'send', 'status'].includes(action ?? '') || extra.length) throw new AppError('USAGE', `digest needs preview, send or status\nusage: ${USAGE}`);
    const period = periodOf(values.period);
    const at = momentOf(values.at);
    if (action === 'preview' && typeof values.email !== 'string') throw new AppError('USAGE', `digest preview needs --email ADDRESS\nusage: ${USAGE}`);
    // As the digest-build job: without SMTP nothing is built, or papers would be recorded as sent to nobody.
    if (action === 'send' && !config.smtpUrl) throw new AppError('CONFIG_INVALID', 'SMTP_URL is not set: digest send needs an SMTP server (digest preview works without one)');
    const app = await createApp(config);
    try {
      const delivery = deliveryFor(app);
      if (action === 'preview') {
        const p = await delivery.preview(String(values.email), period, at);
        const m = p.message;
        if (values.eml) {
          if (!p.raw) throw new AppError('NOT_FOUND', `nothing new for ${values.email} in the ${p.recipient.period} digest of ${p.recipient.periodKey}: no message would be sent`);
          process.stdout.write(p.raw);
          return;
        }
        out.data(
          { to: p.recipient.subscriber.email, period: p.recipient.period, periodKey: p.recipient.periodKey, message: m && { subject: m.subject, messageId: m.messageId, headers: m.headers, text: m.text, html: m.html, arxivIds: m.arxivIds } },
          () => (m ? `To: ${m.to}\nSubject: ${m.subject}\n${Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${m.text}` : `nothing new for ${p.recipient.subscriber.email} in the ${p.recipient.period} digest of ${p.recipient.periodKey}: no message would be sent`),
        );
      } else if (action === 'send') {
        const built: Array<{ period: Period } & BuildResult> = [];
        for (const p of period ? [period] : PERIODS) built.push({ period: p, ...(await delivery.build(p, at)) });
        const sender = delivery.sender();
        const total: DrainResult = { sent: 0, retried: 0, failed: 0, skipped: 0, lostLease: 0 };
        try {
          for (;;) {
            const r = await sender.drain();
            for (const k of ['sent', 'retried', 'failed', 'skipped', 'lostLease'] as const) total[k] += r[k];
            if (r.paused) out.info(`no SMTP server answered (${r.paused}); the digests wait for the next try`);
            const pending = (await delivery.status()).queueDepth;
            if (!values.wait || pending === 0) break;
            out.info(`${pending} digest${pending === 1 ? '' : 's'} not settled yet (retries, or held by another sender); waiting`);
            await delivery.waitForWork();
          }
        } finally {
          await sender.stop();
        }
        const status = await delivery.status();
        out.data({ built, ...total, queueDepth: status.queueDepth }, () =>
          [...built.map((b) => `${b.period}: ${b.due} due, ${b.written} written, ${b.existing} already in the outbox, ${b.empty} with nothing new`), line(total), `still queued: ${status.queueDepth}`].join('\n'),
        );
      } else {
        const s = await delivery.status();
        out.data(s, () =>
          [
            `queue depth ${s.queueDepth} (pending ${s.total.pending}, sending ${s.total.sending})`,
            `sent ${s.total.sent}, failed ${s.total.failed}, skipped ${s.total.skipped}`,
            `suspended addresses ${s.suspendedAddresses}`,
            ...s.periods.map((p) => `  ${p.period.padEnd(6)} ${p.periodKey.padEnd(10)}  sent ${p.counts.sent}, pending ${p.counts.pending + p.counts.sending}, failed ${p.counts.failed}, skipped ${p.counts.skipped}`),
          ].join('\n'),
        );
      }
    } finally {
      await app.close();
    }
  },
};
