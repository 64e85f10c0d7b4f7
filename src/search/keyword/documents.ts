/**
 * Writing papers into the index: upsert their filter columns and FTS text (the text only when it
 * changed, so an upvote never rewrites a row), drop a vector whose text changed, remove papers.
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
}

export function createDocumentWriter(db: SQLite.Database, o: { meta: Meta; scoring: Scoring; vectorRemoved: () => void }): DocumentWriter {
  const { meta, scoring } = o;
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
  };
}
