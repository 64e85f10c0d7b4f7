/**
 * Digest test data: daily papers around a fixed week (Monday 2026-08-17 … Friday 2026-08-21), and a
 * subscriptions service on a test app whose clock the test sets.
 *
 * @example
 *   const t = useCommunityServer(ctx, {}, DIGEST_PAPERS);
 *   const clock = { now: new Date('2026-08-20T09:00:00Z') };
 *   const subs = clockedSubscriptions(t.app, clock);
 */
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createSubscriptions, type Subscriptions } from '../../src/digest/subscriptions.service.ts';
import type { PicksProvider } from '../../src/digest/types.ts';
import type { TestSmtpServer } from './smtp.ts';
import { waitForMail } from './community.ts';

function paper(n: number, o: { title: string; day: string; upvotes: number; comments?: number; authors?: string[]; categories?: string[] }): PaperInput {
  return {
    arxivId: `2608.${String(n).padStart(5, '0')}`,
    title: o.title,
    abstract: `${o.title}. We study this problem with a new method and report results on standard benchmarks, with code.`,
    authors: o.authors ?? ['Ada Lovelace'],
    categories: o.categories ?? ['cs.LG'],
    publishedAt: `${o.day}T12:00:00.000Z`,
    dailyDate: o.day,
    upvotes: o.upvotes,
    numComments: o.comments ?? 0,
    source: 'test',
  };
}

export const DIGEST_PAPERS: PaperInput[] = [
  paper(1, { title: 'Diffusion models for protein folding', day: '2026-08-21', upvotes: 40, comments: 5, authors: ['Grace Hopper', 'Alan Turing'], categories: ['q-bio.BM', 'cs.LG'] }),
  paper(2, { title: 'Sparse attention at scale', day: '2026-08-20', upvotes: 80, categories: ['cs.CL'] }),
  paper(3, { title: 'A survey of retrieval augmented generation', day: '2026-08-19', upvotes: 12, comments: 1, categories: ['cs.CL', 'cs.IR'] }),
  paper(4, { title: 'Video diffusion with fewer steps', day: '2026-08-18', upvotes: 5, authors: ['Alan Turing'], categories: ['cs.CV'] }),
  paper(5, { title: 'Quantum error correction thresholds', day: '2026-08-17', upvotes: 2, categories: ['quant-ph'] }),
  paper(6, { title: 'Graph neural networks for weather', day: '2026-08-21', upvotes: 0, categories: ['physics.ao-ph', 'cs.LG'] }),
];

/** A subscriptions service on `app` reading the time from `clock.now`. */
export function clockedSubscriptions(app: App, clock: { now: Date }, o: { picks?: PicksProvider } = {}): Subscriptions {
  return createSubscriptions({ store: app.store, config: app.config, mailer: app.mailer, catalog: app.catalog, log: app.log, now: () => clock.now, ...(o.picks ? { picks: o.picks } : {}) });
}

const CONFIRM = /\/subscribe\/confirm\/([A-Za-z0-9_-]{43})/;

/** Wait for the confirmation mail to `email` (after `seen` messages); resolves with its token. */
export async function confirmToken(smtp: TestSmtpServer, email: string, seen: number): Promise<string> {
  const mail = await waitForMail(smtp, email, seen, CONFIRM);
  return CONFIRM.exec(mail.text)![1]!;
}

/** The token at the end of a signed link. */
export function tokenOf(url: string): string {
  return url.split('/').pop()!.replace(/\.(atom|rss)$/, '');
}
