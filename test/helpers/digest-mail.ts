/**
 * Digest test data: real papers from the seed fixture (titles, abstracts and upvotes as Hugging Face
 * listed them) arranged in the sections a subscriber's digest holds, and the links subscriptions
 * would sign. For compose and delivery tests that need content, not a subscription store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { blankRow, toPaper, type Paper, type PaperInput } from '../../src/catalog/paper.ts';
import { composeDigest, newMessageId, type ComposedDigest } from '../../src/digest/compose.ts';
import type { DigestLinks, DigestSection, Period } from '../../src/digest/types.ts';
import type { App } from '../../src/app.ts';
import { createLinkSigner, TOKEN_PURPOSES, tokenHash } from '../../src/digest/subscriptions-links.ts';
import { insertTokens, linkKey } from '../../src/digest/subscriptions.repo.ts';
import type { ReceivedMail } from './smtp.ts';

const SEED = path.join(import.meta.dirname, '..', 'fixtures', 'seed', 'seed-papers.jsonl');

let cached: Paper[] | undefined;

/** The 34 seed papers as stored papers. */
export function seedPapers(): Paper[] {
  cached ??= fs
    .readFileSync(SEED, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => toPaper(blankRow(JSON.parse(l) as PaperInput, { id: i + 1 })));
  return cached;
}

export function sampleLinks(base = 'https://papers.example.org', token = 'tok_3kQ9zXb2'): DigestLinks {
  return {
    manage: `${base}/subscriptions/manage/${token}`,
    unsubscribe: `${base}/subscriptions/unsubscribe/${token}`,
    unsubscribeMailto: `mailto:unsubscribe@papers.example.org?subject=unsubscribe%20${token}`,
    feed: `${base}/subscriptions/feed/${token}.atom`,
  };
}

/** A trending section and a saved-search section over the seed papers (optionally a hostile title first). */
export function sampleSections(o: { base?: string; trending?: number; search?: number; hostile?: boolean } = {}): DigestSection[] {
  const base = o.base ?? 'https://papers.example.org';
  const papers = seedPapers();
  const item = (p: Paper, why: string) => ({ paper: p, why, url: `${base}/papers/${p.arxivId}` });
  const trending = papers.slice(0, o.trending ?? 6).map((p, i) => item(p, `Trending: ${p.upvotes} upvotes, ${i + 1} day${i ? 's' : ''} old`));
  if (o.hostile) {
    const evil = { ...papers[0]!, arxivId: '2501.00001', title: '<think>Reasoning</think> & "quotes" <script>alert(1)</script>', abstract: 'We show <b>bold</b> claims & more.' };
    trending.unshift(item(evil, 'Trending: <b>injected</b> why'));
  }
  const search = papers.slice(10, 10 + (o.search ?? 3)).map((p) => item(p, 'Matches "diffusion"'));
  return [
    { kind: 'trending', title: 'Trending papers', items: trending },
    { kind: 'search', title: 'New papers matching "diffusion"', query: 'diffusion', items: search },
  ].filter((s) => s.items.length > 0) as DigestSection[];
}

export function sampleDigest(o: { email?: string; period?: Period; periodKey?: string; hostile?: boolean; base?: string } = {}): ComposedDigest {
  return composeDigest({
    email: o.email ?? 'reader@example.org',
    period: o.period ?? 'daily',
    periodKey: o.periodKey ?? '2026-12-01',
    sections: sampleSections({ hostile: o.hostile, base: o.base }),
    links: sampleLinks(o.base),
    siteName: 'Paperboy',
    siteUrl: o.base ?? 'https://papers.example.org',
    messageId: newMessageId('papers.example.org'),
    date: new Date('2026-12-01T08:00:00Z'),
  });
}

/** Settings of the test subscribers: daily at 08:00 UTC, trending and one saved search. */
export interface TestSubscribers {
  n: number;
  /** The address of the i-th subscriber (default `reader<i>@example.org`). */
  email?: (i: number) => string;
  frequency?: Period;
  sendHour?: number;
  searches?: string[];
}

/**
 * Add `n` active (confirmed) subscribers straight into the subscription tables, in batches: the
 * subscribe flow itself is tested by subs's suites; delivery tests and the benchmark need many fast.
 * @returns their ids, in order
 */
export async function addSubscribers(app: App, o: TestSubscribers): Promise<number[]> {
  const store = app.store;
  const ids: number[] = [];
  // Their link tokens, as confirming would store them (hashed), so manage and unsubscribe links work.
  const signer = createLinkSigner({ key: app.config.linkSecret ?? (await linkKey(store.db))!, baseUrl: app.config.baseUrl, mailbox: app.config.digestUnsubscribeMailbox });
  const at = '2026-08-01T00:00:00.000Z';
  const searches = o.searches ?? ['diffusion'];
  for (let start = 0; start < o.n; start += 200) {
    const rows = Array.from({ length: Math.min(200, o.n - start) }, (_, j) => ({
      email: (o.email ?? ((i: number) => `reader${i}@example.org`))(start + j),
      user_id: null,
      status: 'active' as const,
      frequency: o.frequency ?? 'daily',
      send_hour: o.sendHour ?? 8,
      time_zone: 'UTC',
      weekly_day: 1,
      sections: JSON.stringify(searches.length ? ['trending', 'search'] : ['trending']),
      confirm_token_hash: null,
      confirm_expires_at: null,
      confirm_sent_at: null,
      confirmed_at: at,
      suspended_reason: null,
      suspended_at: null,
      unsubscribed_at: null,
      created_at: at,
      updated_at: at,
    }));
    const inserted = await store.db.insertInto('subscribers').values(rows).returning('id').execute();
    const batch = inserted.map((r) => Number(r.id));
    if (searches.length) {
      await store.db
        .insertInto('subscription_searches')
        .values(batch.flatMap((id) => searches.map((query, position) => ({ subscriber_id: id, position, query }))))
        .execute();
    }
    await insertTokens(
      store.db,
      batch.flatMap((id) => TOKEN_PURPOSES.map((purpose) => ({ hash: tokenHash(signer.token({ id, linkGeneration: 0 }, purpose)), subscriberId: id, purpose, generation: 0 }))),
      at,
    );
    ids.push(...batch);
  }
  return ids;
}

/** How many messages each recipient got (envelope RCPT TO), and the Message-IDs per recipient. */
export function deliveriesByRecipient(messages: ReceivedMail[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of messages) for (const to of m.to) out.set(to, [...(out.get(to) ?? []), m.header('message-id') ?? '']);
  return out;
}
