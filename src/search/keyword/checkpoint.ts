/**
 * The search index's WAL checkpoints, in a worker thread. SQLite checkpoints inside the commit that takes
 * the WAL past 1,000 pages, on the writer's thread: a vector store write's commit held the event loop
 * 149 ms (bench:memory at 60k, a --cpu-prof profile matched with the loop's stalls: the time was in
 * better-sqlite3's transaction wrapper, not in the statements), as the WAL grows far past 1,000 pages while
 * the LSA training worker reads the corpus in one long read transaction, and the commit after it copies the
 * backlog. The writer's connection does not checkpoint (schema.ts: wal_autocheckpoint 0); this worker does,
 * every `everyMs`.
 */
import { Worker } from 'node:worker_threads';

/** Checkpoint rounds apart. A round with nothing to copy reads the WAL index only (microseconds). */
export const CHECKPOINT_EVERY_MS = 1000;

export interface Checkpoints {
  /** Stop the rounds; resolves once the thread has ended. */
  stop(): Promise<void>;
}

/**
 * `onCheckpoint`: each round that copied frames, SQLite's figures (frames in the WAL, frames copied).
 * `onFailure`: the worker failed or ended without being stopped (once): with the writer no longer
 * checkpointing, the WAL would grow without bound, so the caller turns the writer's own checkpoints back on.
 */
export function startCheckpoints(
  file: string,
  o: { everyMs?: number; onCheckpoint?: (r: { busy: number; log: number; checkpointed: number }) => void; onFailure?: (why: string) => void } = {},
): Checkpoints {
  const worker = new Worker(new URL('./checkpoint.worker.mjs', import.meta.url), { workerData: { file, everyMs: o.everyMs ?? CHECKPOINT_EVERY_MS, report: !!o.onCheckpoint } });
  if (o.onCheckpoint) worker.on('message', o.onCheckpoint);
  let stopped = false;
  let failed = false;
  const fail = (why: string) => {
    if (stopped || failed) return;
    failed = true;
    o.onFailure?.(why);
  };
  // A damaged or vanished file ends the worker (the writer's file is checked elsewhere: integrity.ts).
  worker.on('error', (e) => fail(e.message));
  worker.on('exit', (code) => fail(`the checkpoint thread ended (exit code ${code})`));
  worker.unref();
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: () => {
      stopped = true;
      // Held until it ends, so a caller awaiting the end keeps the process up meanwhile (it is prompt).
      worker.ref();
      worker.postMessage('stop');
      return ended;
    },
  };
}
