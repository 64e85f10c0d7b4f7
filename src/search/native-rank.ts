/**
 * The native ranking function (native/pb_rank.c, built at `npm install` by scripts/build-native.mjs):
 * `pb_bm25(fts, idfs, weights…)` is FTS5's bm25() with the idf of each phrase optionally given by the
 * caller, so a common word's postings are counted once per catalog change instead of once per statement.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

const SUFFIX = process.platform === 'darwin' ? '.dylib' : process.platform === 'win32' ? '.dll' : '.so';
/** Where scripts/build-native.mjs puts the extension. */
export const RANK_EXTENSION = fileURLToPath(new URL(`../../native/build/pb_rank${SUFFIX}`, import.meta.url));

/**
 * Load pb_bm25 into `db`; false (with the reason) when it was not built or does not load.
 * @example if (!loadRankExtension(db).ok) useFts5Bm25()
 */
export function loadRankExtension(db: Database): { ok: true } | { ok: false; why: string } {
  if (!fs.existsSync(RANK_EXTENSION)) return { ok: false, why: `${RANK_EXTENSION} is missing (npm install builds it with a C compiler)` };
  try {
    db.loadExtension(RANK_EXTENSION); // entry point sqlite3_pbrank_init, from the file name
    return { ok: true };
  } catch (e) {
    return { ok: false, why: `${RANK_EXTENSION}: ${(e as Error).message}` };
  }
}

/**
 * The phrases of an FTS5 MATCH built by query.ts (every phrase is double-quoted), in FTS5's phrase order
 * (left to right), each with whether it sits under a NOT (such a phrase never occurs in a matched row).
 * @example matchPhrases('("a" OR "b") NOT ("c")') // [{ phrase: '"a"', negated: false }, …, { phrase: '"c"', negated: true }]
 */
export function matchPhrases(match: string): Array<{ phrase: string; negated: boolean }> {
  const phrases: Array<{ phrase: string; at: number }> = [];
  // The operators outside quotes, with each phrase blanked to keep offsets.
  const bare = match.replace(/"(?:[^"]|"")*"/g, (p, at: number) => {
    phrases.push({ phrase: p, at });
    return ' '.repeat(p.length);
  });
  // query.ts puts exclusions last, as `(…) NOT (…)`; NOT appears nowhere else.
  const not = bare.lastIndexOf(' NOT ');
  return phrases.map((p) => ({ phrase: p.phrase, negated: not >= 0 && p.at > not }));
}

/**
 * The idf argument of pb_bm25 for `match`: one little-endian float64 per phrase; −1 where pb_bm25 should
 * count the phrase itself, 0 under a NOT (no contribution is possible).
 */
export function idfArgument(match: string, idfOf: (phrase: string) => number | null): Buffer {
  const phrases = matchPhrases(match);
  const buf = Buffer.alloc(8 * phrases.length);
  phrases.forEach((p, i) => buf.writeDoubleLE(p.negated ? 0 : (idfOf(p.phrase) ?? -1), 8 * i));
  return buf;
}
