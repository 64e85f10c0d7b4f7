/**
 * A subscriber row with its saved searches and follows, as the domain object (never the hashes).
 */
import type { SubscriberRow } from './subscriptions.schema.ts';
import { SECTION_KINDS, type SectionKind, type Subscriber, type SubscriptionSettings, type Weekday } from './types.ts';

export interface Extras {
  searches: string[];
  authors: string[];
  categories: string[];
}

export const NO_EXTRAS: Extras = { searches: [], authors: [], categories: [] };

function sectionsOf(json: string): SectionKind[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? SECTION_KINDS.filter((k) => v.includes(k)) : [];
  } catch {
    return [];
  }
}

export function toSubscriber(r: SubscriberRow, x: Extras = NO_EXTRAS): Subscriber {
  return {
    id: Number(r.id),
    email: r.email,
    status: r.status,
    userId: r.user_id === null ? null : Number(r.user_id),
    frequency: r.frequency,
    sendHour: Number(r.send_hour),
    timeZone: r.time_zone,
    weeklyDay: Number(r.weekly_day) as Weekday,
    sections: sectionsOf(r.sections),
    searches: x.searches,
    authors: x.authors,
    categories: x.categories,
    suspendedReason: r.suspended_reason,
    suspendedAt: r.suspended_at,
    confirmedAt: r.confirmed_at,
    createdAt: r.created_at,
    linkGeneration: Number(r.link_generation),
  };
}

/** The columns a settings change writes (searches and follows have their own tables). */
export function settingsColumns(s: SubscriptionSettings) {
  return { frequency: s.frequency, send_hour: s.sendHour, time_zone: s.timeZone, weekly_day: s.weeklyDay, sections: JSON.stringify(s.sections) };
}

export function settingsOf(s: Subscriber): SubscriptionSettings {
  return { frequency: s.frequency, sendHour: s.sendHour, timeZone: s.timeZone, weeklyDay: s.weeklyDay, sections: s.sections, searches: s.searches, authors: s.authors, categories: s.categories };
}

/** Group the extras rows of many subscribers by id. */
export function groupExtras(
  searches: Array<{ subscriber_id: number; query: string }>,
  follows: Array<{ subscriber_id: number; kind: 'author' | 'category'; value: string }>,
): Map<number, Extras> {
  const out = new Map<number, Extras>();
  const get = (id: number) => {
    let x = out.get(id);
    if (!x) out.set(id, (x = { searches: [], authors: [], categories: [] }));
    return x;
  };
  for (const s of searches) get(Number(s.subscriber_id)).searches.push(s.query);
  for (const f of follows) (f.kind === 'author' ? get(Number(f.subscriber_id)).authors : get(Number(f.subscriber_id)).categories).push(f.value);
  return out;
}
