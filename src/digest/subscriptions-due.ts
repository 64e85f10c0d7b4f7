/**
 * Who is due a digest now: active subscribers of the period whose send hour has come in their own zone
 * (subscriptions-schedule.ts), each with their saved searches, follows and signed links. The due check
 * runs in memory over the period's active subscribers, with Intl's answers memoized per zone and hour
 * (createDueMemo); their extras load in chunks of 500 ids, under every engine's bound-parameter limit.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import * as repo from './subscriptions.repo.ts';
import type { LinkSubject } from './subscriptions-links.ts';
import { groupExtras, toSubscriber } from './subscriptions-mapping.ts';
import { createDueMemo, dueAt, type Due } from './subscriptions-schedule.ts';
import type { SubscriberRow } from './subscriptions.schema.ts';
import type { DigestLinks, DigestRecipient, Period, Weekday } from './types.ts';

const CHUNK = 500;

export async function listDue(
  db: Kysely<Database>,
  o: { period: Period; at: Date; dailyDays: readonly Weekday[]; links: (sub: LinkSubject) => DigestLinks },
): Promise<DigestRecipient[]> {
  const due: Array<{ row: SubscriberRow; when: Due }> = [];
  const memo = createDueMemo();
  for (const row of await repo.listActive(db, o.period)) {
    const s = toSubscriber(row);
    const when = dueAt(s, o.period, o.at, o.dailyDays, memo);
    // No digest for a period whose send time came before the subscription was confirmed.
    if (when && s.confirmedAt && Date.parse(s.confirmedAt) <= when.dueAt.getTime()) due.push({ row, when });
  }
  const out: DigestRecipient[] = [];
  for (let i = 0; i < due.length; i += CHUNK) {
    const chunk = due.slice(i, i + CHUNK);
    const ids = chunk.map((c) => Number(c.row.id));
    const extras = groupExtras(await repo.listSearches(db, ids), await repo.listFollows(db, ids));
    for (const { row, when } of chunk) {
      const subscriber = toSubscriber(row, extras.get(Number(row.id)));
      out.push({ subscriber, period: o.period, periodKey: when.periodKey, dueAt: when.dueAt.toISOString(), since: when.since.toISOString(), links: o.links(subscriber) });
    }
  }
  return out;
}
