/**
 * The index file's schema and its version: one SQLite database per node holding the FTS5 text, the
 * papers' filter columns, their vectors and a small key/value table. A file that is not ours, not whole
 * or of another schema version is moved aside and started again from empty (integrity.ts; the index is
 * derived: the follower refills it from the catalog).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { inspect, isDamage, moveAside } from './integrity.ts';

/** Bumped whenever a table below changes shape: an index of another version is rebuilt. */
export const SCHEMA_VERSION = '2';
/** The FTS5 tokenizer of the index and of every scratch table that must mark text the same way. */
export const TOKENIZE = `tokenize = 'porter unicode61 remove_diacritics 2'`;

const DDL = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, arxiv_id TEXT NOT NULL, categories TEXT NOT NULL,
    published TEXT, daily_date TEXT, upvotes INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, v BLOB NOT NULL);
  CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, abstract, authors, expansion,
    ${TOKENIZE}
  );
  INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '${SCHEMA_VERSION}'), ('last_seq', '0');
`;

/** The key/value table: applied sequence, embedder, saved-vector versions, build time. */
export interface Meta {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** The file's main database and every side file SQLite keeps beside it. */
export const indexFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`];

/**
 * The index file in `dir`, created with the current schema. A file that fails `inspect` (or cannot be
 * opened) is moved aside first; `replaced` says why, for the caller's one warning line.
 */
export function openIndexDb(dir: string): { db: SQLite.Database; file: string; replaced: { why: string; aside: string } | null } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'search.db');
  let replaced: { why: string; aside: string } | null = null;
  const attempt = (): SQLite.Database => {
    const db = new SQLite(file);
    try {
      const why = replaced ? null : inspect(db, file, SCHEMA_VERSION);
      if (why) throw Object.assign(new Error(why), { aside: true });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Checkpoints run in a worker (checkpoint.ts), not inside this connection's commits.
      db.pragma('wal_autocheckpoint = 0');
      db.exec(DDL);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  try {
    return { db: attempt(), file, replaced };
  } catch (e) {
    // Once: a fresh file that fails too is a real problem (a read-only folder, a full disk), not damage.
    if (!(e as { aside?: boolean }).aside && !isDamage(e)) throw e;
    replaced = { why: (e as Error).message, aside: moveAside(file) };
    return { db: attempt(), file, replaced };
  }
}

/** The meta table of `db`. */
export function createMeta(db: SQLite.Database): Meta {
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get: (key) => (getMeta.get(key) as { value: string } | undefined)?.value ?? null,
    set: (key, value) => void putMeta.run(key, value),
  };
}
