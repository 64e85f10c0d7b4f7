/**
 * The catalog's side of the search index: its change feed as the ChangeFeed the search core reads.
 */
import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../search/index.ts';
import type { Database } from '../store/schema.ts';
import { toPaper } from './paper.ts';
import { changesSince } from './papers.repo.ts';

export function catalogChangeFeed(db: Kysely<Database>): ChangeFeed {
  return {
    async since(seq, limit) {
      const rows = await changesSince(db, seq, limit);
      return rows.map((r) => {
        const p = toPaper(r);
        return {
          id: p.id,
          arxivId: p.arxivId,
          title: p.title,
          abstract: p.abstract,
          authors: p.authors,
          categories: p.categories,
          publishedAt: p.publishedAt,
          dailyDate: p.dailyDate,
          upvotes: p.upvotes,
          seq: p.seq,
          // Papers moderators hid leave the index (so search totals leave them out too).
          ...(p.hiddenAt ? { hidden: true } : {}),
        };
      });
    },
    async head() {
      const r = await db.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirst();
      return Number(r?.value ?? 0);
    },
  };
}
