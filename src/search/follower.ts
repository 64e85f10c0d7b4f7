/**
 * The change-feed follower: applies the catalog's changes to the node's index in sequence order, then
 * refreshes pb_bm25's common-word counts when due and embeds what is new. One sync runs at a time;
 * `start` polls until `stop`.
 */
import type { Logger } from 'pino';
import { createBackoff } from '../backoff.ts';
import type { Embedding } from './embedding.ts';
import { isDamage } from './keyword/integrity.ts';
import type { SearchIndex } from './keyword/types.ts';
import { createPacer, inSteps, yieldToEventLoop } from './pace.ts';
import type { ChangeFeed } from './search-types.ts';

/**
 * Papers read from the change feed at a time, at most (reading 2,000 with their abstracts took ~30 ms on
 * SQLite). The read is paced too: on SQLite it runs on this thread, and 500 with their authors took 57 ms
 * of a loaded main thread (bench:memory at 30k, a --cpu-prof profile matched with the loop's stalls).
 */
const BATCH = 500;

export interface Follower {
  /** Apply pending changes now (joins a sync already running); resolves to how many documents were applied. */
  syncOnce(): Promise<number>;
  start(pollMs: number): void;
  /** Stop polling and wait for a sync in flight. */
  stop(): Promise<void>;
  /** Stop polling without waiting. */
  halt(): void;
  /** The index was started again: not caught up until the next sync has applied everything. */
  restart(): void;
  /** The sync in flight, if any (settles when it ends, never rejects). */
  running(): Promise<unknown> | undefined;
  caughtUp(): boolean;
}

/**
 * `afterWork`: called once when a sync finds nothing to do after syncs that did (indexing, embedding): the
 * end of a burst of background work, when what it freed can be given back (search.service.ts: malloc_trim).
 */
export function createFollower(o: { feed: ChangeFeed; index: () => SearchIndex; embedding: Embedding; log?: Logger | undefined; onDamage?: (e: unknown) => void; afterWork?: () => void }): Follower {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  let caughtUp = false;
  let worked = false;
  const log = o.log;
  // Index writes in transactions of about STEP_MS each (one transaction of 2,000 papers held the event loop
  // for ~0.3 s under load): papers arrive in sequence order, so each step records how far it got.
  const pacer = createPacer({ initial: 50, max: BATCH });
  const readPacer = createPacer({ initial: 100, max: BATCH });
  // FTS5's segment merges, taken out of the writes (keyword/documents.ts), in steps of a few pages sized to
  // STEP_MS like the writes. Run after each batch until FTS5 finds nothing to merge, so the index is as
  // merged as FTS5's own automerge would leave it by the time the batch's papers are searchable. At most 256
  // pages: a step that ends a merge writes fewer pages than asked, looks fast and would grow the next one
  // (paced up to 4,096, steps of 134-196 ms; fixed at 128 / 512 pages, at most 14 / 33 ms: bench/fts5-merge.ts).
  const mergePacer = createPacer({ initial: 64, min: 16, max: 256 });
  const mergeSegments = async () => {
    for (;;) {
      const pages = mergePacer.size;
      const t = performance.now();
      if (!o.index().mergeStep(pages)) return;
      mergePacer.took(pages, performance.now() - t);
      await yieldToEventLoop();
    }
  };

  const sync = async (): Promise<number> => {
    let applied = 0;
    for (;;) {
      const asked = readPacer.size;
      const t0 = performance.now();
      const docs = await o.feed.since(o.index().lastSeq(), asked);
      readPacer.took(docs.length, performance.now() - t0);
      // On SQLite the read ran on this thread, and the first index write would follow it in the same task.
      await yieldToEventLoop();
      await inSteps(docs, pacer, (step) => o.index().apply(step));
      if (docs.length) await mergeSegments();
      applied += docs.length;
      if (docs.length < asked) break;
    }
    caughtUp = true;
    const index = o.index();
    // pb_bm25's common-word counts: one pass over the index in a worker, when missing or 1% out of date.
    if (index.termStatsState() === 'stale') index.refreshTermStats().catch((e) => log?.warn({ err: e }, 'counting common words failed; will retry on the next sync'));
    let embedded = 0;
    try {
      embedded = await o.embedding.embedPending();
    } catch (e) {
      log?.warn({ err: e }, 'embedding failed; will retry on the next sync');
    }
    if (applied || embedded) worked = true;
    else if (worked) {
      worked = false;
      o.afterWork?.();
    }
    return applied;
  };
  // One sync at a time: the poller and an explicit syncOnce() share the same run.
  const syncOnce = () => (running ??= sync().finally(() => (running = undefined)));

  return {
    syncOnce,
    caughtUp: () => caughtUp,
    running: () => running?.catch(() => 0),
    start(pollMs) {
      stopped = false;
      // The catalog away (database down): wait twice as long after each failure, up to 30 s, and log
      // once when syncing starts failing and once when it works again.
      const retry = createBackoff({ log, what: 'search index sync', baseMs: pollMs, maxMs: 30_000 });
      const tick = async () => {
        let wait = pollMs;
        try {
          const n = await syncOnce();
          retry.succeeded();
          if (n) log?.debug({ applied: n, lastSeq: o.index().lastSeq() }, 'search index caught up');
        } catch (e) {
          if (isDamage(e) && o.onDamage) o.onDamage(e);
          else wait = retry.failed(e);
        }
        if (!stopped) timer = setTimeout(tick, wait);
      };
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
    halt() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    restart() {
      caughtUp = false;
    },
  };
}
