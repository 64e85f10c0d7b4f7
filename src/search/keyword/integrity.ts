/**
 * Is the index file ours and whole? Checked when it is opened (cheap: an SQLite header, our meta table and
 * schema version, the file's length against its page count) and again in the background with SQLite's
 * `quick_check` (a pass over every page, off the main thread: seconds on a large index). A file that fails
 * is moved aside, never deleted (one copy is kept, `search.db.broken`, for whoever wants to look), and the
 * index starts again empty; the follower refills it from the catalog.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's codes for a damaged file (as opposed to a busy or read-only one). */
export function isDamage(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_IOERR'));
}

/** What is wrong with the open file `db` at `file`, or null (a new, empty file is fine). */
export function inspect(db: SQLite.Database, file: string, schemaVersion: string): string | null {
  let tables: string[];
  try {
    tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name);
  } catch (e) {
    if (isDamage(e)) return `not an SQLite database (${(e as Error).message})`;
    throw e;
  }
  if (tables.length === 0) return null;
  let version: string | undefined;
  try {
    version = (db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined)?.value;
  } catch (e) {
    if (isDamage(e)) return `damaged (${(e as Error).message})`;
  }
  if (version === undefined) return `not a Paperboy search index (tables: ${tables.slice(0, 5).join(', ')})`;
  if (version !== schemaVersion) return `schema version ${version} (this version uses ${schemaVersion})`;
  // Pages committed to the main file (those still in the WAL are counted there, not here).
  const wal = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (wal === 0) {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    const bytes = fs.statSync(file).size;
    if (bytes < pages * size) return `truncated (${bytes} bytes, its header says ${pages * size})`;
  }
  return null;
}

/** Move the file and its WAL aside (replacing an earlier copy); returns where it went. */
export function moveAside(file: string): string {
  const aside = `${file}.broken`;
  for (const suffix of ['', '-wal', '-shm']) {
    fs.rmSync(`${aside}${suffix}`, { force: true });
    if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  }
  return aside;
}

/** SQLite's `quick_check` on `file` in a worker thread: null when it is whole, else its first findings. */
export function quickCheck(file: string): { result: Promise<string | null>; stop: () => void } {
  const worker = new Worker(new URL('./integrity.worker.mjs', import.meta.url), { workerData: { file } });
  const result = new Promise<string | null>((resolve, reject) => {
    worker.once('message', (m: { ok: true } | { ok: false; problem: string }) => resolve(m.ok ? null : m.problem));
    worker.once('error', reject);
    worker.once('exit', () => resolve(null)); // stopped (the index closed): nothing to report
  });
  return { result, stop: () => void worker.terminate() };
}
