/**
 * The query pool: worker threads that answer the search modes' reads of the keyword index (ranking,
 * counting, highlighting, filtering), each from its own read-only connection to the node's index file,
 * so one node uses every core. The main thread keeps the HTTP server, the follower (the only writer:
 * readers see its WAL commits), the result caches and the vector stage (the in-memory vector index is
 * searched here, ~1 ms, rather than copied into every thread: it is the largest thing a node holds).
 *
 * A call goes to the ready thread with the fewest calls in flight; with none ready (starting, or every
 * start failing) the caller's in-process reader answers, so the pool only ever adds capacity. A thread
 * that dies is replaced; the calls it held fail with SEARCH_WORKER_FAILED (503), never hang.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import { received } from '../thread-errors.ts';
import type { KeywordIndexOptions } from '../keyword/keyword-index.ts';
import type { TermSnapshot } from '../keyword/types.ts';
import type { KeywordReader } from '../modes/reader.ts';
import type { CallBody, ThreadCall, ThreadReply, ThreadValue } from './protocol.ts';

/** Starts in a row that die before their thread is ready: then the pool stops trying (queries stay in-process). */
const MAX_START_FAILURES = 3;

export interface QueryPoolOptions {
  /** Threads to run (2 or more; fewer means no pool: the caller answers in-process). */
  size: number;
  /** The keyword index's options, identical to the main thread's (weights, feedback). */
  index: KeywordIndexOptions;
  /** The index calls are for now: its file, generation and common-word counts. */
  target(): { gen: number; file: string; terms: TermSnapshot | null };
  log?: Logger | undefined;
}

export interface QueryPool {
  readonly size: number;
  /** The modes' reader over the pool; `fallback` answers while no thread is ready. */
  reader(fallback: KeywordReader): KeywordReader;
  /** Start the threads (the first call does it too) and wait until every one is ready. */
  ready(): Promise<void>;
  /** Threads ready, calls in flight, threads replaced after dying. */
  stats(): { ready: number; inFlight: number; replaced: number };
  /** Tests and drills: keep thread `i` busy for `ms`, as a long query would (resolves when it is done). */
  stall(i: number, ms: number): Promise<void>;
  /** Tests and drills: stop thread `i` as a crash would (its calls fail; a new one takes its place). */
  kill(i: number): Promise<void>;
  close(): Promise<void>;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  calls: Map<number, { resolve: (v: ThreadValue) => void; reject: (e: unknown) => void }>;
  /** `gen:version` of the counts this thread holds. */
  terms: string;
}

export function createQueryPool(o: QueryPoolOptions): QueryPool {
  const threads: Array<Thread | null> = Array.from({ length: o.size }, () => null);
  let started = false;
  let closed = false;
  let nextId = 1;
  let replaced = 0;
  let startFailures = 0;
  const waiting: Array<() => void> = [];
  const allReady = () => threads.every((t) => t?.ready) || startFailures >= MAX_START_FAILURES;
  const wake = () => {
    if (allReady()) while (waiting.length) waiting.shift()!();
  };

  const spawn = (slot: number) => {
    const worker = new Worker(new URL('./query.worker.mjs', import.meta.url), { workerData: o.index });
    worker.unref(); // held only while calls are in flight (a CLI command must be able to end)
    const t: Thread = { worker, ready: false, calls: new Map(), terms: '' };
    threads[slot] = t;
    worker.on('message', (m: ThreadReply | { ready: true }) => {
      if ('ready' in m) {
        t.ready = true;
        startFailures = 0;
        wake();
        return;
      }
      const call = t.calls.get(m.id);
      if (!call) return;
      t.calls.delete(m.id);
      if (t.calls.size === 0) worker.unref();
      if (m.ok) call.resolve(m.value);
      else call.reject(received(m.error)); // SQLite's damage codes are repaired by the caller
    });
    worker.on('error', (err) => o.log?.error({ err }, 'a search query thread failed'));
    worker.on('exit', (code) => {
      threads[slot] = null;
      const lost = [...t.calls.values()];
      t.calls.clear();
      for (const c of lost) c.reject(new AppError('SEARCH_WORKER_FAILED', `the search thread answering this query stopped (exit code ${code}); please try again`));
      if (closed) return;
      if (!t.ready && ++startFailures >= MAX_START_FAILURES) {
        o.log?.error({ code }, `search query threads fail to start (${startFailures} in a row): queries run on the main thread`);
        wake();
        return;
      }
      replaced++;
      o.log?.warn({ code, inFlight: lost.length }, 'a search query thread stopped; starting another');
      spawn(slot);
    });
  };
  const start = () => {
    if (started || closed) return;
    started = true;
    for (let i = 0; i < o.size; i++) spawn(i);
  };

  const send = (t: Thread, call: ThreadCall): Promise<ThreadValue> =>
    new Promise((resolve, reject) => {
      if (t.calls.size === 0) t.worker.ref();
      t.calls.set(call.id, { resolve, reject });
      t.worker.postMessage(call);
    });

  /** The ready thread with the fewest calls in flight, or null. */
  const pick = (): Thread | null => {
    start();
    let best: Thread | null = null;
    for (const t of threads) if (t?.ready && (!best || t.calls.size < best.calls.size)) best = t;
    return best;
  };

  const call = (t: Thread, body: CallBody): Promise<ThreadValue> => {
    const { gen, file, terms } = o.target();
    const version = terms ? `${gen}:${terms.version}` : '';
    const fresh = version !== '' && version !== t.terms;
    if (fresh) t.terms = version;
    return send(t, { ...body, id: nextId++, gen, file, terms: fresh ? terms! : undefined } as ThreadCall);
  };

  const onThread = <T>(body: CallBody, here: () => Promise<T>): Promise<T> => {
    const t = pick();
    return t ? (call(t, body) as Promise<T>) : here();
  };

  return {
    size: o.size,
    reader: (fallback) => ({
      search: (q, opts) => onThread({ op: 'search', q, opts }, () => fallback.search(q, opts)),
      decorate: (q, ranked) => onThread({ op: 'decorate', q, ranked }, () => fallback.decorate(q, ranked)),
      filterIds: (q, ids) => onThread({ op: 'filterIds', q, ids }, () => fallback.filterIds(q, ids)),
      textOf: (id) => onThread({ op: 'textOf', idOf: id }, () => fallback.textOf(id)),
    }),
    ready() {
      start();
      return allReady() ? Promise.resolve() : new Promise<void>((r) => waiting.push(r));
    },
    stats: () => ({
      ready: threads.filter((t) => t?.ready).length,
      inFlight: threads.reduce((n, t) => n + (t?.calls.size ?? 0), 0),
      replaced,
    }),
    async stall(i, ms) {
      const t = threads[i];
      // eslint-disable-next-line no-restricted-syntax -- programming error: callers pick a thread that is ready
      if (!t?.ready) throw new Error(`query thread ${i} is not running`);
      await send(t, { id: nextId++, op: 'stall', ms });
    },
    async kill(i) {
      const t = threads[i];
      // eslint-disable-next-line no-restricted-syntax -- programming error: an index out of range
      if (!t) throw new Error(`query thread ${i} is not running`);
      await t.worker.terminate();
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t?.worker.terminate()));
      while (waiting.length) waiting.shift()!();
    },
  };
}
