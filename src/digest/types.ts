/**
 * The digest's shared vocabulary: who is due a digest, what goes in it, and the links every mail
 * carries. Subscriptions (subscriptions.service.ts) produce these; composing and sending (the mail
 * side: compose*, outbox*, send*) consume them. Nothing here touches the store.
 */
import type { Paper } from '../catalog/paper.ts';

/** How often a subscriber gets a digest. Daily digests go out on the site's digest days (DIGEST_DAILY_DAYS, Mon–Fri by default). */
export type Period = 'daily' | 'weekly';
export const PERIODS: readonly Period[] = ['daily', 'weekly'];

/** The content sections a subscriber can switch on, in the order a digest shows them. */
export type SectionKind = 'trending' | 'search' | 'authors' | 'categories' | 'picks';
export const SECTION_KINDS: readonly SectionKind[] = ['trending', 'search', 'authors', 'categories', 'picks'];

/** Where a subscriber stands. Only `active` subscribers are ever due. */
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'suspended';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A subscription's settings, as the manage page edits them. */
export interface SubscriptionSettings {
  frequency: Period;
  /** Local hour of the day (0–23) in `timeZone` from which the digest is due. */
  sendHour: number;
  /** An IANA time zone name (validated with Intl), e.g. `Europe/Paris`. */
  timeZone: string;
  /** Weekly digests: the local weekday they are due on (from then until the week ends, so a late run still sends). */
  weeklyDay: Weekday;
  /** The sections switched on (the order is always SECTION_KINDS'). */
  sections: SectionKind[];
  /** Saved searches in the product's query language (`diffusion cat:cs.CV`), each its own section. */
  searches: string[];
  /** Followed author names, as written on papers. */
  authors: string[];
  /** Followed arXiv categories, e.g. `cs.CL`. */
  categories: string[];
}

/** A subscriber as the manage page and the mail side see it (never the token hashes). */
export interface Subscriber extends SubscriptionSettings {
  id: number;
  email: string;
  status: SubscriberStatus;
  /** The community account this subscription belongs to, if any. */
  userId: number | null;
  /** Why sending stopped (set by the mail side through suspend()), shown on the manage page. */
  suspendedReason: string | null;
  suspendedAt: string | null;
  confirmedAt: string | null;
  createdAt: string;
  /**
   * Bumped on every unsubscribe: links are signed over (id, generation), so links from before an
   * unsubscribe stop working even if the address subscribes again.
   */
  linkGeneration: number;
}

/**
 * A subscriber due a digest now, with everything composing needs besides the papers.
 * `periodKey` names the subscriber's own period — their local day (`2026-08-21`) for daily, their local
 * ISO week (`2026-W34`) for weekly — so the outbox keeps one digest per (subscriber, periodKey).
 */
export interface DigestRecipient {
  subscriber: Subscriber;
  period: Period;
  periodKey: string;
  /** The moment (ISO, UTC) the digest became due: the send hour in the subscriber's zone. */
  dueAt: string;
  /** Papers newer than this (ISO) count as new for search, author and category sections. */
  since: string;
  /** The signed links (same values as manageUrl/unsubscribeUrl/unsubscribeMailto). */
  links: DigestLinks;
}

export interface DigestLinks {
  /** The manage page (no sign-in needed): `https://host/subscriptions/manage/<token>`. */
  manage: string;
  /** RFC 8058 one-click unsubscribe URL: POST unsubscribes at once; GET shows a one-button page. */
  unsubscribe: string;
  /** `mailto:` for List-Unsubscribe (the token in the subject). */
  unsubscribeMailto: string;
  /** The subscriber's personal digest feed (Atom; `.rss` for RSS 2.0). */
  feed: string;
}

/** One paper in a section, with why it is there. */
export interface DigestItem {
  paper: Paper;
  /** Shown under the paper: `Trending: 42 upvotes, 3 comments, 1 day old (score 28.1)`, `Matches "diffusion"`. */
  why: string;
  /** The paper's page on this site (absolute). */
  url: string;
}

export interface DigestSection {
  kind: SectionKind;
  /** The heading: `Trending papers`, `New papers matching "diffusion"`, `New from authors you follow`, … */
  title: string;
  /** For a `search` section: the saved query. */
  query?: string;
  /** Never empty: sections with no new paper are left out (the picks slot included, until recommendations fill it). */
  items: DigestItem[];
}

/** What the mail side calls (implemented by subscriptions.service.ts). */
export interface DigestSource {
  /** Active subscribers of `period` whose send hour has come at `now` in their zone, with their period key. */
  dueSubscribers(period: Period, now: Date): Promise<DigestRecipient[]>;
  /**
   * The sections of a recipient's digest, each paper not yet sent to them. Empty: nothing new to send.
   * A build passes one `memo` for all its recipients: what is the same for everyone (the trending
   * ranking of a day, one saved search over one window) is then computed once per build.
   */
  sectionsFor(recipient: DigestRecipient, period: Period, memo?: SectionMemo): Promise<DigestSection[]>;
  /** Record papers as delivered to a subscriber (idempotent), so no later digest repeats them. */
  markSent(subscriberId: number, arxivIds: readonly string[]): Promise<void>;
  /** markSent for many subscribers in a few statements (a build records a batch of digests at once). */
  markSentMany(entries: ReadonlyArray<{ subscriberId: number; arxivIds: readonly string[] }>): Promise<void>;
  /** Stop sending to a subscriber, with the reason the manage page shows (e.g. repeated bounces). */
  suspend(subscriberId: number, reason: string): Promise<void>;
  manageUrl(sub: Pick<Subscriber, 'id' | 'linkGeneration'>): string;
  unsubscribeUrl(sub: Pick<Subscriber, 'id' | 'linkGeneration'>): string;
  unsubscribeMailto(sub: Pick<Subscriber, 'id' | 'linkGeneration'>): string;
  /** Look up a subscriber by id (the mail side's preview and status commands). */
  byId(id: number): Promise<Subscriber | null>;
  /** Look up a subscriber by address (`paperboy digest preview --email`). */
  byEmail(email: string): Promise<Subscriber | null>;
}

/**
 * Answers shared by the recipients of one build, by key (createSectionMemo in section-memo.ts). It
 * holds promises, so recipients built at once wait for the same computation instead of repeating it.
 */
export interface SectionMemo {
  get<T>(key: string, make: () => Promise<T>): Promise<T>;
}

/** Personal picks for the `picks` section: filled by the recommendations work; none until then. */
export type PicksProvider = (subscriber: Subscriber, limit: number) => Promise<Paper[]>;
