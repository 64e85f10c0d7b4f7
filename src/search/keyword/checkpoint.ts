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
  stop(): void;
}

/** `onCheckpoint`: each round that copied frames, SQLite's figures (frames in the WAL, frames copied). */
export function startCheckpoints(file: string, o: { everyMs?: number; onCheckpoint?: (r: { busy: number; log: number; checkpointed: number }) => void } = {}): Checkpoints {
  const worker = new Worker(new URL('./checkpoint.worker.mjs', import.meta.url), { workerData: { file, everyMs: o.everyMs ?? CHECKPOINT_EVERY_MS, report: !!o.onCheckpoint } });
  if (o.onCheckpoint) worker.on('message', o.onCheckpoint);
  // A damaged or vanished file ends the worker; the writer's file is checked elsewhere (integrity.ts).
  worker.on('error', () => {});
  worker.unref();
  return { stop: () => worker.postMessage('stop') };
}
