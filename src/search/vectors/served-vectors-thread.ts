/**
 * The served vector index in its own thread (vector-thread.ts): the same ServedVectors, with every search,
 * add, build, graph switch and save done there, so the HTTP thread neither waits for usearch (a graph add
 * ~1 ms a vector, the graph's synchronous save 73–190 ms at 100k: bench/absorb.ts's stalls in session 11)
 * nor spends the ~2 ms of a hybrid query's graph search.
 *
 * The main thread keeps a copy of what is served (embedder, size, kind), sent with every reply, so
 * `current()` and the caches' keys cost no round trip. A thread that dies is replaced: its searches and
 * ensures fail with VECTOR_THREAD_FAILED (503), its adds and saves are let go (the stored vectors are
 * the truth: the new thread's first ensure loads or rebuilds from them). A thread that fails to start
 * MAX_START_FAILURES times in a row gives way to the in-process served vectors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import { received } from '../thread-errors.ts';
import type { SearchIndex } from '../keyword/types.ts';
import type { EmbedderOf, ServedVectors } from './served-vectors.ts';
import type { VectorHit, VectorIndex, VectorIndexOptions, VectorSearcher } from './vector-index.ts';
import type { VectorCall, VectorNotice, VectorReply, VectorState, VectorValue } from './vector-protocol.ts';

const MAX_START_FAILURES = 3;
/** The thread's young generation, at most (see spawn). */
const YOUNG_GENERATION_MB = 12;

export interface ThreadedVectors extends ServedVectors {
  /** Thread running and ready; calls in flight; threads replaced after dying; true once it gave way to in-process vectors. */
  stats(): { ready: boolean; inFlight: number; replaced: number; inProcess: boolean };
  /** Tests and drills: keep the thread busy for `ms`, as a long synchronous step would. */
  stall(ms: number): Promise<void>;
  /** Tests and drills: stop the thread as a crash would (its calls fail; a new one takes its place). */
  kill(): Promise<void>;
  close(): Promise<void>;
}

type Body<T = VectorCall> = T extends unknown ? Omit<T, 'id' | 'gen' | 'file' | 'version'> : never;

interface Thread {
  worker: Worker;
  ready: boolean;
  calls: Map<number, { resolve: (v: VectorValue) => void; reject: (e: unknown) => void }>;
}

const lost = (e: unknown) => e instanceof AppError && e.code === 'VECTOR_THREAD_FAILED';

export function createThreadedVectors(o: {
  dir: string;
  index: () => SearchIndex;
  /** The index holder's generation (bumped by every rebuild or repair): the thread reopens the file when it moves. */
  generation: () => number;
  /** The vector index's options for `dim`-dimensional vectors. */
  options: (dim: number) => VectorIndexOptions;
  /** The in-process served vectors, for when no thread will start. */
  inProcess: () => ServedVectors<VectorIndex>;
  log?: Logger | undefined;
}): ThreadedVectors {
  const file = path.join(o.dir, 'vectors.idx');
  let t: Thread | null = null;
  let state: VectorState | null = null;
  let drops = 0;
  let nextId = 1;
  let replaced = 0;
  let startFailures = 0;
  let closed = false;
  let fallback: ServedVectors<VectorIndex> | null = null;

  const take = (s: VectorState) => {
    if (s.drops === drops) state = s.of ? s : null;
  };
  const spawn = (): Thread => {
    // A small young generation (V8's default lets it reach 48 MB): what the thread allocates is short-lived
    // (the vectors sent to it, each search's short list), and its memory is the node's, on a 1 GB box.
    const worker = new Worker(new URL('./vector.worker.mjs', import.meta.url), { workerData: { dir: o.dir, drops }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    worker.unref(); // held only while calls are in flight (a CLI command must be able to end)
    const th: Thread = { worker, ready: false, calls: new Map() };
    t = th;
    worker.on('message', (m: VectorReply | VectorNotice) => {
      if ('ready' in m) {
        th.ready = true;
        startFailures = 0;
      } else if ('meta' in m) {
        if (m.gen === o.generation()) o.index().setMeta(m.meta[0], m.meta[1]);
      } else if ('log' in m) {
        o.log?.[m.log](m.obj, m.msg);
      } else if ('id' in m) {
        take(m.state);
        const c = th.calls.get(m.id);
        if (!c) return;
        th.calls.delete(m.id);
        if (th.calls.size === 0) worker.unref();
        if (m.ok) c.resolve(m.value);
        else c.reject(received(m.error));
      } else {
        take(m.state);
      }
    });
    worker.on('error', (err) => o.log?.error({ err }, 'the vector thread failed'));
    worker.on('exit', (code) => {
      if (t === th) t = null;
      state = null;
      const calls = [...th.calls.values()];
      th.calls.clear();
      for (const c of calls) c.reject(new AppError('VECTOR_THREAD_FAILED', `the vector thread stopped (exit code ${code}) before it answered; please try again`));
      if (closed) return;
      if (!th.ready && ++startFailures >= MAX_START_FAILURES) {
        o.log?.error({ code }, `the vector thread fails to start (${startFailures} times in a row): the vector index is served on the main thread`);
        fallback = o.inProcess();
        return;
      }
      replaced++;
      o.log?.warn({ code, inFlight: calls.length }, 'the vector thread stopped; starting another (it loads or rebuilds the index from the stored vectors)');
    });
    return th;
  };

  const call = (body: Body, target = false): Promise<VectorValue> =>
    new Promise((resolve, reject) => {
      const th = t ?? spawn();
      const id = nextId++;
      if (th.calls.size === 0) th.worker.ref();
      th.calls.set(id, { resolve, reject });
      const index = target ? o.index() : null;
      th.worker.postMessage(index ? { ...body, id, gen: o.generation(), file: index.file, version: index.vectors.version() } : { ...body, id });
    });

  const searcher: VectorSearcher = {
    get dim() {
      return state?.dim ?? 0;
    },
    get size() {
      return state?.size ?? 0;
    },
    get kind() {
      return state?.kind ?? '';
    },
    search: (q, k, opts) => call({ op: 'search', q, k, o: opts }) as Promise<VectorHit[]>,
  };

  return {
    file,
    current: () => (fallback ? fallback.current() : state?.of ? { of: state.of, index: searcher } : null),
    async ensure(e: EmbedderOf) {
      if (fallback) return fallback.ensure(e);
      if (state?.of !== e.id) await call({ op: 'ensure', embedder: { id: e.id, dim: e.dim }, options: o.options(e.dim) }, true);
      return searcher;
    },
    async add(rows) {
      if (fallback) return fallback.add(rows);
      // Nothing served yet: the first ensure reads these from the store (as in-process).
      if (!state) return;
      await call({ op: 'add', rows }, true).catch((e: unknown) => {
        if (!lost(e)) throw e;
      });
    },
    async save() {
      if (fallback) return fallback.save();
      if (!t) return;
      await call({ op: 'save' }, true).catch((e: unknown) => {
        if (!lost(e)) throw e;
      });
    },
    drop() {
      fallback?.drop();
      drops++;
      state = null;
      t?.worker.postMessage({ id: 0, op: 'drop' } satisfies VectorCall);
    },
    describe: () =>
      fallback?.describe() ?? state?.describe ?? (fs.existsSync(file) ? 'saved in vectors.idx (not loaded by this process)' : 'not built yet'),
    stats: () => ({ ready: !!t?.ready, inFlight: t?.calls.size ?? 0, replaced, inProcess: !!fallback }),
    async stall(ms) {
      await call({ op: 'stall', ms });
    },
    async kill() {
      await t?.worker.terminate();
    },
    async close() {
      closed = true;
      await t?.worker.terminate();
    },
  };
}
