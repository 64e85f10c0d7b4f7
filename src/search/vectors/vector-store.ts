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
  /**
   * Papers that have text but no vector yet (new, changed, or after a reset), by id from after `afterId`:
   * at most `limit`, looking at the ids up to `afterId + PENDING_SPAN` only, so one call is a bounded
   * amount of work however many papers already have their vector. `through`: the last id looked at (the
   * next call goes on after it); `done` when no paper has an id above it.
   */
  pending(limit: number, afterId?: number): { rows: Array<{ id: number; text: string }>; through: number; done: boolean };
  pendingCount(): number;
  count(): number;
  /** Store vectors made by `embedder`; ignored if the store was reset to another embedder meanwhile. */
  put(embedder: string, rows: Array<{ id: number; v: Float32Array }>): boolean;
  get(id: number): Float32Array | null;
  /** The stored vectors of `ids`, in their order (null where none): a lean vector index's re-rank. */
  many(ids: number[]): Array<Float32Array | null>;
  /** Stored vectors by id from after `afterId`, at most `limit` (loading the in-memory index in steps). */
  page(afterId: number, limit: number): Array<{ id: number; v: Float32Array }>;
  /** Bumped by every change to the stored vectors: a saved in-memory index is current if it saw this version. */
  version(): number;
  /** A paper's vector was deleted with its text (changed or removed): count it as a change. */
  removed(): void;
  /**
   * Delete up to `limit` of the vectors a reset set aside (see reset); how many went, 0 once none is left.
   * Called in paced steps after a reset.
   */
  discardStep(limit: number): number;
}

/**
 * The text an embedder sees for a paper, at most EMBED_TEXT_CAP characters: real abstracts are under
 * 2,000, models read 512 tokens at most, and a hostile megabyte must not hold the event loop.
 */
export const EMBED_TEXT_CAP = 20_000;
export const embedText = (title: string, abstract: string) => `${title}. ${abstract}`.slice(0, EMBED_TEXT_CAP);

/**
 * Ids one pending() call looks at, at most. The papers without a vector used to come from the fts table
 * (`rowid > ? … ORDER BY rowid LIMIT ?`): FTS5 answered that in ~20 ms at 30k papers wherever the cursor
 * stood, and a step found 50 papers in 32 ms (median; up to 125 ms under load, bench:memory at 30k),
 * more than the embedding it fed, and outside the step's pacing. The docs table is a rowid table: a
 * window of 4,096 ids with their vectors is a merge of two B-trees, ~3 ms on a quiet core, and a new
 * sync no longer walks every embedded paper before the new ones in one statement (~70 ms at 100k).
 */
export const PENDING_SPAN = 4096;

const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
/** The BLOB's floats without a copy when it is aligned for them (better-sqlite3 gives each BLOB its own buffer). */
const viewOf = (b: Buffer) => (b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) : fromBlob(b));

/** What an in-memory vector index reads of the stored vectors (the vector thread, src/search/vectors/vector-thread.ts, over its own read-only connection). */
export type VectorReader = Pick<VectorStore, 'count' | 'many' | 'page'>;

/**
 * The reads of `db`'s stored vectors that build and re-rank an in-memory index. `count()` counts the table
 * each time: the writing connection keeps its own count (createVectorStore).
 */
export function createVectorReader(db: SQLite.Database): VectorReader {
  const countAll = db.prepare('SELECT count(*) AS n FROM vectors');
  const page = db.prepare('SELECT id, v FROM vectors WHERE id > ? ORDER BY id LIMIT ?');
  const blobOf = db.prepare('SELECT v FROM vectors WHERE id = ?').pluck();
  // A short list of 800 at 100k vectors: ~2.3 ms one by one over views of the BLOBs, 4.1 ms copying each,
  // 5.4 ms as one `IN (json_each(?))` statement (medians of 50, /tmp bench on a quiet machine). In one
  // read transaction: in autocommit every statement takes and drops the WAL read lock itself; 150 reads of
  // the served 80k catalog 0.29 → 0.15 ms (medians of 2,000, `bench/lab/blob-reads.ts`).
  const readMany = db.transaction((ids: number[]) => ids.map((id) => {
    const b = blobOf.get(id) as Buffer | undefined;
    return b ? viewOf(b) : null;
  })) as (ids: number[]) => Array<Float32Array | null>;
  return {
    count: () => (countAll.get() as { n: number }).n,
    many: (ids) => readMany(ids),
    page: (afterId, limit) => (page.all(afterId, limit) as Array<{ id: number; v: Buffer }>).map((r) => ({ id: r.id, v: fromBlob(r.v) })),
  };
}

/** Distinguishes tables set aside by resets within the same millisecond. */
let resets = 0;

export function createVectorStore(db: SQLite.Database, meta: Meta): VectorStore {
  const bump = db.prepare(`INSERT INTO meta (key, value) VALUES ('vectors_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`);
  // Every indexed paper has a docs row and an fts row of the same id (documents.ts writes both).
  const pendingIds = db.prepare('SELECT d.id FROM docs d WHERE d.id > ? AND d.id <= ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = d.id) ORDER BY d.id LIMIT ?').pluck();
  const lastDoc = db.prepare('SELECT max(id) FROM docs').pluck();
  const textOf = db.prepare(`SELECT substr(title, 1, ${EMBED_TEXT_CAP}) AS title, substr(abstract, 1, ${EMBED_TEXT_CAP}) AS abstract FROM fts WHERE rowid = ?`);
  const reader = createVectorReader(db);
  const anyVector = db.prepare('SELECT 1 FROM vectors LIMIT 1');
  const papers = db.prepare('SELECT count(*) AS n FROM docs');
  const exists = db.prepare('SELECT 1 FROM vectors WHERE id = ?');
  // Counting the table walks every page of 1 kB vectors (~30 ms at 80k, on every status and /metrics scrape):
  // counted once, then kept up to date by this connection, the only one that writes vectors.
  let stored: number | null = null;
  const count = () => (stored ??= reader.count());
  const vectorOf = db.prepare('SELECT v FROM vectors WHERE id = ?');
  const putVector = db.prepare('INSERT INTO vectors (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v');
  const indexed = db.prepare('SELECT 1 FROM fts WHERE rowid = ?');
  const store: VectorStore = {
    embedder: () => meta.get('embedder') || null,
    // The old vectors are set aside under another name and deleted in steps (discardStep): one DELETE of
    // 100k vectors held the event loop ~200 ms (SQLite reads every page it frees), at every retraining.
    reset: db.transaction((embedder: string | null) => {
      if (!anyVector.get()) db.exec('DELETE FROM vectors');
      else db.exec(`ALTER TABLE vectors RENAME TO vectors_old_${Date.now()}_${resets++}; CREATE TABLE vectors (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`);
      stored = 0;
      bump.run();
      meta.set('embedder', embedder ?? '');
    }) as (embedder: string | null) => void,
    // From a cursor: scanning from the first paper each time made embedding a large catalog quadratic.
    pending: (limit, afterId = 0) => {
      const last = (lastDoc.get() as number | null) ?? 0;
      const ids = pendingIds.all(afterId, afterId + PENDING_SPAN, limit) as number[];
      const rows: Array<{ id: number; text: string }> = [];
      for (const id of ids) {
        const r = textOf.get(id) as { title: string; abstract: string } | undefined;
        if (r) rows.push({ id, text: embedText(r.title, r.abstract) });
      }
      const through = ids.length === limit ? ids[ids.length - 1]! : Math.min(afterId + PENDING_SPAN, last);
      return { rows, through, done: through >= last };
    },
    // Every vector belongs to an indexed paper (put() checks, removal deletes it), so the rest are pending.
    pendingCount: () => Math.max(0, (papers.get() as { n: number }).n - count()),
    count,
    put: db.transaction((embedder: string, rows: Array<{ id: number; v: Float32Array }>) => {
      if (store.embedder() !== embedder) return false;
      // Only for papers still indexed: one removed while its vector was being computed stays removed.
      const n = count();
      let added = 0;
      for (const r of rows) {
        if (!indexed.get(r.id)) continue;
        if (!exists.get(r.id)) added++;
        putVector.run(r.id, toBlob(r.v));
      }
      stored = n + added;
      bump.run();
      return true;
    }) as (embedder: string, rows: Array<{ id: number; v: Float32Array }>) => boolean,
    get: (id) => {
      const r = vectorOf.get(id) as { v: Buffer } | undefined;
      return r ? fromBlob(r.v) : null;
    },
    many: reader.many,
    page: reader.page,
    version: () => Number(meta.get('vectors_version') ?? 0),
    removed: () => {
      if (stored !== null) stored--;
      bump.run();
    },
    discardStep(limit) {
      const old = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vectors\\_old\\_%' ESCAPE '\\' ORDER BY name LIMIT 1`).pluck().get() as string | undefined);
      if (!old) return 0;
      const n = db.prepare(`DELETE FROM "${old}" WHERE id IN (SELECT id FROM "${old}" ORDER BY id LIMIT ?)`).run(limit).changes;
      // Empty: dropping it frees only its root page.
      if (n < limit) db.exec(`DROP TABLE "${old}"`);
      return Math.max(n, 1);
    },
  };
  return store;
}
