/**
 * A read-only view of a node's keyword index file, for a query thread (src/search/pool): its own SQLite
 * connection (WAL lets it read while the main thread's follower writes), wired from the same parts as
 * `openSearchIndex` — scoring, ranking, highlighting, filters — so it answers exactly what the writing
 * connection would. Each call runs in one read transaction (one snapshot: the count and the page agree);
 * when the text moved since the last call (meta `text_version`, bumped by every text change), the
 * connection's caches of it (pb_bm25 row lengths, the row count, document frequencies) are refreshed first.
 */
import SQLite from 'better-sqlite3';
import type { ParsedQuery } from '../query.ts';
import { filterIds } from './filters.ts';
import { decorateRanked, wireKeyword, type KeywordIndexOptions } from './keyword-index.ts';
import type { KeywordHit, KeywordResult, SearchOptions, TermSnapshot } from './types.ts';

/** What a query thread reads; the same operations as the modes' KeywordReader, synchronous. */
export interface KeywordFileReader {
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  decorate(q: ParsedQuery, ranked: Array<{ id: number; score: number }>): KeywordHit[];
  filterIds(q: ParsedQuery, ids: number[]): number[];
  textOf(id: number): { title: string; abstract: string } | null;
  /** Use the writing connection's common-word counts. */
  adopt(s: TermSnapshot): void;
  close(): void;
}

/** Open `file` (an index the main thread created) for reading. */
export function openKeywordReader(file: string, opts: KeywordIndexOptions = {}): KeywordFileReader {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  const { ranking, scoring, terms: termStats, decorate, keyword } = wireKeyword(db, file, opts);
  const textOf = db.prepare('SELECT title, abstract FROM fts WHERE rowid = ?');
  const textVersion = db.prepare(`SELECT value FROM meta WHERE key = 'text_version'`).pluck();
  const loadLengths = ranking.fn === 'pb_bm25' ? db.prepare(`SELECT pb_lengths_load('fts')`) : null;
  let seen: unknown = undefined;

  /** `fn` in one read snapshot, after forgetting what this connection cached of text that has changed. */
  const read = <A extends unknown[], R>(fn: (...a: A) => R) =>
    db.transaction((...a: A): R => {
      const v = textVersion.get() ?? '0';
      if (v !== seen) {
        if (seen !== undefined) {
          scoring.changed(1);
          // pb_bm25 keeps rows' lengths per connection; the writer forgets rewritten rows on its own
          // connection, this one cannot know which: it reads them all again.
          loadLengths?.get();
        }
        seen = v;
      }
      return fn(...a);
    });

  return {
    search: read((q: ParsedQuery, o: SearchOptions) => keyword.search(q, o)),
    decorate: read(decorateRanked(keyword, decorate)),
    filterIds: read((q: ParsedQuery, ids: number[]) => filterIds(db, q, ids)),
    textOf: read((id: number) => (textOf.get(id) as { title: string; abstract: string } | undefined) ?? null),
    adopt: termStats.adopt,
    close() {
      termStats.close();
      db.close();
    },
  };
}
