/**
 * Which digest a preview shows: the subscriber's current one if it is due now, otherwise the next
 * one (the first hour from now at which their digest falls due), exactly as the builder would see
 * the subscriber then — so `paperboy digest preview` answers "what will this person get next".
 */
import { AppError } from '../errors.ts';
import { dueAt } from './subscriptions-schedule.ts';
import type { DigestRecipient, DigestSource, Period, Subscriber, Weekday } from './types.ts';

const HOUR = 3_600_000;

/** The next moment (now, or a whole hour within 8 days) a subscriber's digest of `period` is due. */
export function nextDueMoment(sub: Subscriber, period: Period, now: Date, dailyDays: readonly Weekday[]): Date | null {
  const start = Math.floor(now.getTime() / HOUR) * HOUR;
  for (let t = now.getTime(), i = 0; i <= 8 * 24; i++, t = start + i * HOUR) {
    const due = dueAt(sub, period, new Date(t), dailyDays);
    if (due && sub.confirmedAt && Date.parse(sub.confirmedAt) <= due.dueAt.getTime()) return new Date(t);
  }
  return null;
}

/** The recipient a preview composes for; a clear error when the address gets no digest. */
export async function previewRecipient(
  source: Pick<DigestSource, 'byEmail' | 'dueSubscribers'>,
  email: string,
  period: Period | undefined,
  now: Date,
  dailyDays: readonly Weekday[],
): Promise<{ recipient: DigestRecipient; at: Date }> {
  const sub = await source.byEmail(email);
  if (!sub) throw new AppError('SUBSCRIBER_NOT_FOUND', `no subscriber with the address ${email}`);
  if (sub.status !== 'active') throw new AppError('SUBSCRIBER_NOT_FOUND', `${sub.email} gets no digest: the subscription is ${sub.status}${sub.suspendedReason ? ` (${sub.suspendedReason})` : ''}`);
  const p = period ?? sub.frequency;
  if (p !== sub.frequency) throw new AppError('USAGE', `${sub.email} gets the ${sub.frequency} digest, not the ${p} one`);
  const at = nextDueMoment(sub, p, now, dailyDays);
  const recipient = at && (await source.dueSubscribers(p, at)).find((r) => r.subscriber.id === sub.id);
  if (!at || !recipient) throw new AppError('SUBSCRIBER_NOT_FOUND', `${sub.email} has no ${p} digest due within 8 days (DIGEST_DAILY_DAYS and the subscription's days)`);
  return { recipient, at };
}
