/**
 * Highlighted titles and snippets for a page of hits. Highlighting happens in a per-connection scratch
 * FTS5 table holding only the page: the same tokenizer, highlight() and snippet() as the index, so the
 * marks are identical, without the cost of `MATCH … AND rowid IN (…)` on the big index (FTS5 restarts the
 * query for every id). A page of 20 at 1M papers: p50 3.6 ms that way, 0.7 ms this way
 * (`npx tsx bench/fts5-idf-cost.ts DIR`).
 *
 * The work per paper is bounded whatever its length. FTS5's snippet() scores every window around every
 * match against every other match: quadratic in a column's matches (a 1 MB abstract of repeated query
 * words took 7.8 s for one word and 28 s for two, holding the event loop throughout). A title is marked
 * within its first TITLE_CAP characters; an abstract longer than WHOLE_UP_TO characters (no real one is:
 * arXiv's limit is 1,920) is cut into CHUNK-character pieces over its first SCAN_CAP characters, the first
 * piece holding a query word is found with a plain MATCH on those pieces, and the snippet comes from that
 * piece alone (`npx tsx bench/highlight-cost.ts` measures it).
 */
import type SQLite from 'better-sqlite3';
import { matchPhrases } from '../native-rank.ts';
import { createStems, isAscii, marksOf, plainMatch, SNIPPET_TOKENS } from './ascii-marks.ts';
import { createNativeMarks, readMarks } from './native-marks.ts';
import { TOKENIZE } from './schema.ts';
import { MARK_END, MARK_START, type KeywordHit, type Ranked } from './types.ts';

/** Characters of a title that are marked and shown (real titles are under 300). */
export const TITLE_CAP = 1000;
/** Abstracts up to this long are snippeted whole (identical to FTS5 on the index). */
export const WHOLE_UP_TO = 4000;
/** Pieces of a longer abstract, and how far into it a match is looked for. */
const CHUNK = 1000;
const SCAN_CAP = 32_000;
/** The other columns only decide whether a row matches (author: filters): this much of them is enough. */
const OTHER_CAP = 4000;
const ELLIPSIS = '…';

export type Decorate = (match: string | null, page: Ranked[]) => KeywordHit[];

interface PageRow {
  id: number;
  title: string;
  abstract: string;
  authors: string;
  expansion: string;
  /** The abstract's full length (it arrives cut to SCAN_CAP). */
  len: number;
}

/** `text` cut at `max` characters, at a space when one is near, with an ellipsis. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max);
  return `${text.slice(0, space > max - 100 ? space : max)}${ELLIPSIS}`;
}

/** Pieces of about CHUNK characters, cut at spaces, with their start offsets. */
function pieces(text: string): Array<{ at: number; text: string }> {
  const out: Array<{ at: number; text: string }> = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + CHUNK);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > at + CHUNK / 2) end = space;
    }
    out.push({ at, text: text.slice(at, end) });
    at = end;
  }
  return out;
}

/** Any of the match's (positive) phrases: what makes a piece of an abstract worth showing. */
function anyPhrase(match: string): string | null {
  const phrases = matchPhrases(match).filter((p) => !p.negated).map((p) => p.phrase);
  return phrases.length ? phrases.join(' OR ') : null;
}

/** The highlighter of `db` (its scratch tables live in the connection's temp schema). */
export function createHighlighter(db: SQLite.Database): Decorate {
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS page_src (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, expansion TEXT);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.page USING fts5(
      title, abstract, authors, expansion, content = 'page_src', content_rowid = 'id',
      ${TOKENIZE}
    );
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_piece USING fts5(abstract, content = '', ${TOKENIZE});
  `);
  const pageRows = db.prepare(
    `SELECT rowid AS id, substr(title, 1, ${TITLE_CAP + 1}) AS title, substr(abstract, 1, ${SCAN_CAP}) AS abstract, length(abstract) AS len,
       substr(authors, 1, ${OTHER_CAP}) AS authors, substr(expansion, 1, ${OTHER_CAP}) AS expansion
     FROM main.fts WHERE rowid IN (SELECT value FROM json_each(?))`,
  );
  const pageFill = db.prepare('INSERT INTO page_src (id, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
  const pageIndex = db.prepare('INSERT INTO page (rowid, title, abstract, authors, expansion) SELECT id, title, abstract, authors, expansion FROM page_src');
  const marksSql = `SELECT rowid AS id, highlight(page, 0, '${MARK_START}', '${MARK_END}') AS t, snippet(page, 1, '${MARK_START}', '${MARK_END}', '${ELLIPSIS}', ${SNIPPET_TOKENS}) AS s FROM page WHERE page MATCH ?`;
  const pageMarks = db.prepare(marksSql);
  const pagePlain = db.prepare('SELECT id, title AS t, substr(abstract, 1, 300) AS s FROM page_src');
  const pageClear = db.prepare(`INSERT INTO page (page) VALUES ('delete-all')`);
  const pageClearSrc = db.prepare('DELETE FROM page_src');
  const pieceInsert = db.prepare('INSERT INTO page_piece (rowid, abstract) VALUES (?, ?)');
  const pieceMatch = db.prepare('SELECT rowid AS id FROM page_piece WHERE page_piece MATCH ? ORDER BY rowid');
  const pieceClear = db.prepare(`INSERT INTO page_piece (page_piece) VALUES ('delete-all')`);

  /** A long abstract's piece to snippet: the first holding a query word (else its start), and where it starts. */
  const windows = (match: string | null, long: PageRow[]): Map<number, { at: number; text: string }> => {
    const chosen = new Map<number, { at: number; text: string }>();
    // Real abstracts are all short: no scratch query and no clearing (~0.15 ms of a ~3 ms page at 80k papers).
    if (long.length === 0) return chosen;
    const split = long.map((r) => pieces(r.abstract));
    const any = match ? anyPhrase(match) : null;
    if (any) {
      // Rowid: the paper's place in `long` × a bound on its pieces, plus the piece.
      const per = Math.ceil(SCAN_CAP / (CHUNK / 2)) + 1;
      split.forEach((ps, i) => ps.forEach((p, j) => pieceInsert.run(i * per + j, p.text)));
      for (const { id } of pieceMatch.all(any) as Array<{ id: number }>) {
        const i = Math.floor(id / per);
        if (!chosen.has(long[i]!.id)) chosen.set(long[i]!.id, split[i]![id % per]!);
      }
      pieceClear.run();
    }
    long.forEach((r, i) => chosen.has(r.id) || chosen.set(r.id, split[i]![0] ?? { at: 0, text: '' }));
    return chosen;
  };

  const stems = createStems(db);
  const native = createNativeMarks(db, { titleCap: TITLE_CAP, wholeUpTo: WHOLE_UP_TO, scanCap: SCAN_CAP, otherCap: OTHER_CAP, ellipsis: ELLIPSIS, snippetTokens: SNIPPET_TOKENS });
  /** A paper marked in JS (ascii-marks.ts): short ASCII title and abstract, the one case it splits exactly as FTS5 does. */
  const simple = (r: PageRow) => r.len <= WHOLE_UP_TO && r.title.length <= TITLE_CAP && isAscii(r.title) && isAscii(r.abstract);

  /** Marks and plain texts of `rows` through the scratch FTS5 table: any query, any text. */
  const scratch = (match: string | null, rows: PageRow[]) => {
    const long = rows.filter((r) => r.len > WHOLE_UP_TO);
    const window = windows(match, long);
    for (const r of rows) {
      const abstract = window.get(r.id)?.text ?? r.abstract;
      pageFill.run(r.id, cut(r.title, TITLE_CAP), abstract, r.authors, r.expansion);
    }
    pageIndex.run();
    const marks = match ? (pageMarks.all(match) as Array<{ id: number; t: string; s: string }>) : [];
    // A long abstract's piece may lack a phrase the whole paper has: mark it with any of the words then.
    if (match && long.length && marks.length < rows.length) {
      const any = anyPhrase(match);
      const marked = new Set(marks.map((m) => m.id));
      if (any) for (const m of pageMarks.all(any) as Array<{ id: number; t: string; s: string }>) if (window.has(m.id) && !marked.has(m.id)) marks.push(m);
    }
    const plain = pagePlain.all() as Array<{ id: number; t: string; s: string }>;
    pageClear.run();
    pageClearSrc.run();
    // A piece from inside a long abstract reads as an excerpt.
    const excerpt = (id: number, s: string) => ((window.get(id)?.at ?? 0) > 0 && !s.startsWith(ELLIPSIS) ? `${ELLIPSIS}${s}` : s);
    const fix = (m: { id: number; t: string; s: string }) => ({ ...m, s: excerpt(m.id, m.s) });
    return { marks: marks.map(fix), plain: plain.map((p) => (window.has(p.id) && p.s.length >= 300 ? { ...p, s: `${p.s}${ELLIPSIS}` } : p)).map(fix) };
  };

  /**
   * The page's marks: in C where the connection has pb_marks (native-marks.ts: any script, ~0.2 ms of
   * marking a page, read with the rows), else in JS (ascii-marks.ts: the same output, 1.45 → ~0.4 ms a page at 80k papers) for
   * a plain-words query on the papers with short ASCII text, and through the scratch table for the
   * others. Per paper, not per page: a row's highlight() and snippet() depend on that row alone, and one
   * paper with an accent or a Greek letter in its abstract sent the whole page of 20 the scratch way
   * (20% of the bench:http pages at 80k papers, ~2 ms each: the largest cost of highlighting then).
   */
  const pageTexts = db.transaction((match: string | null, ids: number[]) => {
    const m = match ? plainMatch(match) : null;
    const marks: Array<{ id: number; t: string; s: string }> = [];
    const plain: Array<{ id: number; t: string; s: string }> = [];
    const rest: PageRow[] = [];
    if (m && native?.takes(m)) {
      // Marked in C as the rows are read (native-marks.ts); only long papers still go the scratch way.
      for (const r of native.rows(m, ids)) {
        if (!r.short) rest.push(r);
        else {
          if (r.m) marks.push({ id: r.id, ...readMarks(r.m) });
          plain.push({ id: r.id, t: r.title, s: r.abstract });
        }
      }
    } else {
      const fast: PageRow[] = [];
      for (const r of pageRows.all(JSON.stringify(ids)) as PageRow[]) (m && simple(r) ? fast : rest).push(r);
      // Authors and expansion may be in any script: they only decide whether a paper matches, and
      // marksOf asks FTS5 for their terms when they are not ASCII.
      if (fast.length) marks.push(...marksOf(stems, m!, fast, { open: MARK_START, close: MARK_END, ellipsis: ELLIPSIS }));
      plain.push(...fast.map((r) => ({ id: r.id, t: r.title, s: r.abstract.slice(0, 300) })));
    }
    if (rest.length === 0) return { marks, plain };
    const other = scratch(match, rest);
    return { marks: [...marks, ...other.marks], plain: [...plain, ...other.plain] };
  });

  /** Highlighted title and snippet for a page of hits (plain text where the query words do not occur). */
  return (match, page) => {
    if (page.length === 0) return [];
    const { marks, plain } = pageTexts(match, [...new Set(page.map((r) => r.id))]);
    const marked = new Map(plain.map((p) => [p.id, p]));
    for (const m of marks) marked.set(m.id, m);
    return page.map((r) => ({ ...r, titleMarked: marked.get(r.id)?.t ?? '', snippetMarked: marked.get(r.id)?.s ?? '' }));
  };
}
