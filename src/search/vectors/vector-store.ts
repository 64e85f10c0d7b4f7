/**
 * The papers' vectors, stored as BLOBs in the index file beside their text, with the embedder that
 * made them and a version bumped by every change (a saved in-memory index is current if it saw it).
 */
import type SQLite from 'better-sqlite3';
import type { Meta } from '../keyword/schema.ts';

export interface VectorStore {
  /** The embedder the stored vectors came from, or null. */
  embedder(): string | null;
  /** Forget every vector and record the embedder that will make the new ones. */
  reset(embedder: string | null): void;
  /** Papers that have text but no vector yet (new, changed, or after a reset). */
  pending(limit: number): Array<{ id: number; text: string }>;
  pendingCount(): number;
  count(): number;
  /** Store vectors made by `embedder`; ignored if the store was reset to another embedder meanwhile. */
  put(embedder: string, rows: Array<{ id: number; v: Float32Array }>): boolean;
  get(id: number): Float32Array | null;
  /** Every stored vector, in id order (loading the in-memory index). */
  all(): IterableIterator<{ id: number; v: Float32Array }>;
  /** Every indexed text (training the built-in embedder). */
  texts(): IterableIterator<string>;
  /** Bumped by every change to the stored vectors: a saved in-memory index is current if it saw this version. */
  version(): number;
  /** Record a change made elsewhere (a paper's text changed or it was removed, and its vector with it). */
  bump(): void;
}

/** The text an embedder sees for a paper. */
export const embedText = (title: string, abstract: string) => `${title}. ${abstract}`;

const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function createVectorStore(db: SQLite.Database, meta: Meta): VectorStore {
  const bump = db.prepare(`INSERT INTO meta (key, value) VALUES ('vectors_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`);
  const pending = db.prepare(
    'SELECT f.rowid AS id, f.title, f.abstract FROM fts f WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = f.rowid) LIMIT ?',
  );
  const pendingCount = db.prepare('SELECT count(*) AS n FROM fts f WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = f.rowid)');
  const count = db.prepare('SELECT count(*) AS n FROM vectors');
  const vectorOf = db.prepare('SELECT v FROM vectors WHERE id = ?');
  const putVector = db.prepare('INSERT INTO vectors (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v');
  const indexed = db.prepare('SELECT 1 FROM fts WHERE rowid = ?');
  const store: VectorStore = {
    embedder: () => meta.get('embedder') || null,
    reset: db.transaction((embedder: string | null) => {
      db.exec('DELETE FROM vectors');
      bump.run();
      meta.set('embedder', embedder ?? '');
    }) as (embedder: string | null) => void,
    pending: (limit) => (pending.all(limit) as Array<{ id: number; title: string; abstract: string }>).map((r) => ({ id: r.id, text: embedText(r.title, r.abstract) })),
    pendingCount: () => (pendingCount.get() as { n: number }).n,
    count: () => (count.get() as { n: number }).n,
    put: db.transaction((embedder: string, rows: Array<{ id: number; v: Float32Array }>) => {
      if (store.embedder() !== embedder) return false;
      // Only for papers still indexed: one removed while its vector was being computed stays removed.
      for (const r of rows) if (indexed.get(r.id)) putVector.run(r.id, toBlob(r.v));
      bump.run();
      return true;
    }) as (embedder: string, rows: Array<{ id: number; v: Float32Array }>) => boolean,
    get: (id) => {
      const r = vectorOf.get(id) as { v: Buffer } | undefined;
      return r ? fromBlob(r.v) : null;
    },
    *all() {
      for (const r of db.prepare('SELECT id, v FROM vectors ORDER BY id').iterate() as IterableIterator<{ id: number; v: Buffer }>) yield { id: r.id, v: fromBlob(r.v) };
    },
    version: () => Number(meta.get('vectors_version') ?? 0),
    *texts() {
      for (const r of db.prepare('SELECT title, abstract FROM fts ORDER BY rowid').iterate() as IterableIterator<{ title: string; abstract: string }>) yield embedText(r.title, r.abstract);
    },
    bump: () => void bump.run(),
  };
  return store;
}
