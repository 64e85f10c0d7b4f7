/**
 * A page's marks from pb_marks() (native/pb_marks.c, in the pb_rank extension): FTS5's highlight() and
 * snippet() computed in C by the index's own tokenizer, for a plain query, on papers of any script. The
 * JS marker (ascii-marks.ts) took ~0.55 ms of a ~1 ms page of 20 at 80k papers, most of a query thread's
 * time under bench:http, and sent every paper with a non-ASCII letter through the scratch FTS5 table.
 * Connections without the extension keep the JS marker and the scratch table (highlight.ts).
 */
import type SQLite from 'better-sqlite3';
import type { PlainMatch } from './ascii-marks.ts';
import { MARK_END, MARK_START } from './types.ts';

/** Words pb_marks takes at most (MAX_WORDS in pb_marks.c); a longer query is marked the other way. */
const MAX_WORDS = 64;

export interface NativeRow {
  id: number;
  /** Title and abstract short enough to be marked whole (else the caller's scratch table does it). */
  short: number;
  /** For a short row: the marks (null when the row does not match), else null. */
  m: Buffer | null;
  title: string;
  /** A short row's first 300 characters, else up to `scan` characters. */
  abstract: string;
  len: number;
  authors: string;
  expansion: string;
}

export interface NativeMarks {
  /** Whether `m` can be marked here (pb_marks takes at most MAX_WORDS words). */
  takes(m: PlainMatch): boolean;
  /** The page's rows, a short one marked in C; the others with their text for the scratch table. */
  rows(m: PlainMatch, ids: number[]): NativeRow[];
}

/** The marked title and snippet in pb_marks' blob (the title's byte length, the title, the snippet). */
export function readMarks(b: Buffer): { t: string; s: string } {
  const n = b.readUInt32LE(0);
  return { t: b.toString('utf8', 4, 4 + n), s: b.toString('utf8', 4 + n) };
}

/**
 * pb_marks over `db`'s index, or null when the connection lacks it (no C compiler at install, or the
 * index ranks with FTS5's bm25() and never loaded the extension).
 */
export function createNativeMarks(db: SQLite.Database, o: { titleCap: number; wholeUpTo: number; scanCap: number; otherCap: number; ellipsis: string; snippetTokens: number }): NativeMarks | null {
  const has = db.prepare(`SELECT 1 FROM pragma_function_list WHERE name = 'pb_marks'`).get();
  if (!has) return null;
  const short = `(length(title) <= ${o.titleCap} AND length(abstract) <= ${o.wholeUpTo})`;
  const rows = db.prepare(
    `SELECT rowid AS id, ${short} AS short,
       CASE WHEN ${short} THEN pb_marks(@spec, '${MARK_START}', '${MARK_END}', '${o.ellipsis}', ${o.snippetTokens}, title, abstract,
         substr(authors, 1, ${o.otherCap}), substr(expansion, 1, ${o.otherCap})) END AS m,
       substr(title, 1, ${o.titleCap + 1}) AS title, substr(abstract, 1, CASE WHEN ${short} THEN 300 ELSE ${o.scanCap} END) AS abstract,
       length(abstract) AS len,
       CASE WHEN ${short} THEN '' ELSE substr(authors, 1, ${o.otherCap}) END AS authors,
       CASE WHEN ${short} THEN '' ELSE substr(expansion, 1, ${o.otherCap}) END AS expansion
     FROM main.fts WHERE rowid IN (SELECT value FROM json_each(@ids))`,
  );
  return {
    takes: (m) => m.words.length + m.excluded.length <= MAX_WORDS,
    rows: (m, ids) => rows.all({ spec: `${m.op} ${[...m.words, ...m.excluded.map((w) => `-${w}`)].join(' ')}`, ids: JSON.stringify(ids) }) as NativeRow[],
  };
}
