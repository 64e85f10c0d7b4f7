// Counts the papers holding each common token of a search index (FTS5's fts5vocab, one pass over the
// whole index: ~3.6 s at 1M papers), off the main thread so the server keeps answering meanwhile.
// Plain JS: no TypeScript loader needed however the parent was started.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite(workerData.file, { readonly: true });
try {
  db.exec('CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, row)');
  // One read transaction: the row count and the counts come from the same snapshot.
  const read = db.transaction(() => ({
    rows: db.prepare('SELECT count(*) AS n FROM docs').get().n,
    terms: db.prepare('SELECT term, doc FROM temp.vocab WHERE doc > ?').raw().all(workerData.over),
  }));
  parentPort.postMessage(read());
} finally {
  db.close();
}
