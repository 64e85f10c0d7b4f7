/**
 * Writing papers into the index: upsert their filter columns and FTS text (the text only when it
 * changed, so an upvote never rewrites a row), drop a vector whose text changed, remove papers, and
 * merge FTS5's segments in bounded steps of the caller's choosing (never inside a write).
 */
import type SQLite from 'better-sqlite3';
import type { Meta } from './schema.ts';
import type { Scoring } from './scoring.ts';
import type { IndexDoc } from './types.ts';

export interface DocumentWriter {
  apply(docs: IndexDoc[]): void;
  remove(ids: number[]): void;
  /** The title and abstract of an indexed paper, or null. */
  textOf(id: number): { title: string; abstract: string } | null;
  /** Merge FTS5 segments, writing about `pages` pages at most; false when there was nothing to merge. */
  mergeStep(pages: number): boolean;
}

export function createDocumentWriter(db: SQLite.Database, o: { meta: Meta; scoring: Scoring; vectorRemoved: () => void }): DocumentWriter {
  const { meta, scoring } = o;
  // FTS5 merges segments inside the write that flushes a new one (automerge: 64 × levels pages for every 64
  // written), so a write paced at 20 ms took 50–95 ms now and then while 50k papers arrived (bench:memory at
  // 60k, session 10's profile). Off here, for this file (FTS5 keeps it in fts_config); the follower merges in
  // paced steps instead (mergeStep). crisismerge (16 segments on a level) stays FTS5's guard should those
  // steps ever fall behind.
  db.prepare(`INSERT INTO fts (fts, rank) VALUES ('automerge', 0)`).run();
  const merge = db.prepare(`INSERT INTO fts (fts, rank) VALUES ('merge', ?)`);
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const upsertDoc = db.prepare(
    `INSERT INTO docs (id, arxiv_id, categories, published, daily_date, upvotes) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET arxiv_id = excluded.arxiv_id, categories = excluded.categories,
       published = excluded.published, daily_date = excluded.daily_date, upvotes = excluded.upvotes`,
  );
  const deleteFts = db.prepare('DELETE FROM fts WHERE rowid = ?');
  const insertFts = db.prepare('INSERT INTO fts (rowid, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
  const deleteDoc = db.prepare('DELETE FROM docs WHERE id = ?');
  const deleteVector = db.prepare('DELETE FROM vectors WHERE id = ?');
  const oldText = db.prepare('SELECT title, abstract, authors, expansion FROM fts WHERE rowid = ?');
  const textOf = db.prepare('SELECT title, abstract FROM fts WHERE rowid = ?');
  // Bumped by every change to the text: query threads reading the file (src/search/pool) forget what they
  // cached of it (row lengths, counts) when it moves. Upvotes and vectors leave it alone.
  const bumpTexts = db.prepare(`INSERT INTO meta (key, value) VALUES ('text_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`);

  const applyTx = db.transaction((docs: IndexDoc[]) => {
    let maxSeq = Number(meta.get('last_seq'));
    let texts = 0;
    for (const d of docs) {
      if (d.hidden) {
        // Out of the index rather than filtered after it, so totals and every mode leave it out; a paper
        // shown again arrives with a new sequence and is indexed (and embedded) afresh.
        if (d.seq > maxSeq) maxSeq = d.seq;
        if (!oldText.get(d.id)) continue;
        scoring.forget(d.id);
        deleteFts.run(d.id);
        deleteDoc.run(d.id);
        if (deleteVector.run(d.id).changes) o.vectorRemoved();
        texts++;
        continue;
      }
      // A changed text needs a new vector; an upvote or category change does not, nor a new FTS row.
      const old = oldText.get(d.id) as { title: string; abstract: string; authors: string; expansion: string } | undefined;
      if ((!old || old.title !== d.title || old.abstract !== d.abstract) && deleteVector.run(d.id).changes) o.vectorRemoved();
      upsertDoc.run(d.id, d.arxivId, ` ${d.categories.join(' ')} `, d.publishedAt, d.dailyDate, d.upvotes);
      const authors = d.authors.join(', ');
      const expansion = d.expansion ?? '';
      if (!old || old.title !== d.title || old.abstract !== d.abstract || old.authors !== authors || old.expansion !== expansion) {
        scoring.forget(d.id);
        deleteFts.run(d.id);
        insertFts.run(d.id, d.title, d.abstract, authors, expansion);
        texts++;
      }
      if (d.seq > maxSeq) maxSeq = d.seq;
    }
    scoring.changed(texts);
    if (texts) bumpTexts.run();
    meta.set('last_seq', String(maxSeq));
  });

  return {
    apply: (docs) => {
      if (docs.length) applyTx(docs);
    },
    remove: db.transaction((ids: number[]) => {
      scoring.changed(ids.length);
      if (ids.length) bumpTexts.run();
      for (const id of ids) {
        scoring.forget(id);
        deleteFts.run(id);
        deleteDoc.run(id);
        if (deleteVector.run(id).changes) o.vectorRemoved();
      }
    }) as (ids: number[]) => void,
    textOf: (id) => (textOf.get(id) as { title: string; abstract: string } | undefined) ?? null,
    mergeStep(pages) {
      // A positive count merges only where a level holds usermerge (4) segments or a merge was left half
      // done, as automerge would; FTS5's documented sign of work is total_changes() moving by 2 or more.
      const before = totalChanges.get() as number;
      merge.run(pages);
      return (totalChanges.get() as number) - before >= 2;
    },
  };
}
