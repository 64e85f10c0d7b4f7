/**
 * The index's papers as the texts an embedder learns from, read through a connection of its own (a
 * worker thread training the built-in embedder opens the file read-only; WAL lets it read while the node writes).
 */
import SQLite from 'better-sqlite3';
import { EMBED_TEXT_CAP, embedText } from '../vectors/vector-store.ts';

/** Every indexed paper's text, in id order. @example sampleEvenly(corpusTexts(file), n, 100_000) */
export function* corpusTexts(file: string): Generator<string> {
  const db = new SQLite(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT substr(title, 1, ${EMBED_TEXT_CAP}) AS title, substr(abstract, 1, ${EMBED_TEXT_CAP}) AS abstract FROM fts ORDER BY rowid`);
    for (const r of rows.iterate() as IterableIterator<{ title: string; abstract: string }>) yield embedText(r.title, r.abstract);
  } finally {
    db.close();
  }
}
