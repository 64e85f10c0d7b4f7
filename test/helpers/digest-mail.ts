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
