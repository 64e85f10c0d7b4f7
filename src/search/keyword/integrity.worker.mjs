// SQLite's quick_check over a search index file, off the main thread (it reads every page).
// Plain JS: no TypeScript loader needed however the parent was started.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

let db;
try {
  db = new SQLite(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma('quick_check(5)', { simple: false }).map((r) => r.quick_check);
  parentPort.postMessage(rows.length === 1 && rows[0] === 'ok' ? { ok: true } : { ok: false, problem: `quick_check: ${rows.join('; ')}` });
} catch (e) {
  parentPort.postMessage({ ok: false, problem: `quick_check failed: ${e.message}` });
} finally {
  db?.close();
}
