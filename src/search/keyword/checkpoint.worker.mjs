// WAL checkpoints of the search index, off the main thread (checkpoint.ts says why). Plain JS: no
// TypeScript loader needed however the parent was started.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { lowerThreadPriority } from '../low-priority.mjs';

lowerThreadPriority();

const { file, everyMs, report } = workerData;
const db = new SQLite(file, { fileMustExist: true });
let last = -1;
let timer;
const run = () => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for a lock, nor makes the writer wait.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (report && r.checkpointed !== last) parentPort.postMessage(r);
    last = r.checkpointed;
  } catch {
    // A busy or closing file: the next round tries again.
  }
  timer = setTimeout(run, everyMs);
};
timer = setTimeout(run, everyMs);
// Stopped: the last round's timer is cleared and the port closed, so the thread ends.
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
