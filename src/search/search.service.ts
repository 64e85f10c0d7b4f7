/**
 * The search service: keeps the node's index following the catalog's change feed, embeds what it
 * indexes, and answers keyword, semantic and hybrid queries. Fed through a small ChangeFeed interface
 * so the search core never touches catalog tables. This file wires the parts; each operation lives in
 * its own file (follower, embedding, served vectors, the modes, caches, status).
 */
import { AppError, messageOf } from '../errors.ts';
import { releaseFreedMemory } from '../native-memory.ts';
import { createEmbedding } from './embedding.ts';
import { createFollower } from './follower.ts';
import { openSearchIndex } from './keyword/keyword-index.ts';
import { createIndexHolder, type IndexHolder } from './index-holder.ts';
import type { KeywordHit } from './keyword/types.ts';
import { inProcessReader } from './modes/reader.ts';
import { runQuery, type QueryContext } from './modes/run-query.ts';
import { similarPapers } from './modes/similar.ts';
import type { ModeAnswer } from './modes/keyword.ts';
import { parseQuery } from './query.ts';
import { createResultCache } from './result-cache.ts';
import { DEFAULT_HYBRID_WEIGHT, DEFAULT_MODE, SEARCH_MODES, type SearchComponents, type SearchService, type SearchServiceOptions } from './search-types.ts';
import { indexStatus } from './status.ts';
import { createQueryPool } from './pool/query-pool.ts';
import { createServedVectors, type ServedVectors } from './vectors/served-vectors.ts';
import { createThreadedVectors, type ThreadedVectors } from './vectors/served-vectors-thread.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndexOptions } from './vectors/vector-index.ts';

/**
 * The vector index for `dim`-dimensional vectors, chosen with `npm run bench:search` (docs/benchmarks.md,
 * "Search"): exact (usearch SIMD scan, perfect recall, ~6 ms at 100k×384) up to 50,000 papers, HNSW above.
 * Its short-list stage is i8 from 256 dims (same recall after the f32 re-rank, 3–8× faster to build: LSA-256
 * on the arXiv set 0.967 against f32 0.965) and f32 below (at 128 dims i8 lost recall: 0.93 against 0.96).
 */
export function vectorIndexFor(dim: number): VectorIndexOptions {
  return { kind: 'auto', hnswFrom: 50_000, quantization: dim >= 256 ? 'i8' : 'f32' };
}

/** The default components, with the service's keyword and vector-index options. */
/** The service builds an outgrown exact index's graph itself, in steps (served-vectors.ts). */
const servedOptions = (opts: SearchServiceOptions, dim: number): VectorIndexOptions => ({ ...(opts.vectorIndex ?? vectorIndexFor(dim)), autoSwitch: false });

function defaultComponents(opts: SearchServiceOptions): SearchComponents {
  const options = (dim: number) => servedOptions(opts, dim);
  return {
    openIndex: (dir) => openSearchIndex(dir, { weights: opts.weights, prf: opts.prf, prior: opts.prior }, { log: opts.log }),
    vectorIndex: {
      create: (dim, expected, source) => createVectorIndex(dim, options(dim), expected, source),
      load: (file, dim, source) => loadVectorIndex(file, options(dim), source),
    },
  };
}

/**
 * @example const search = createSearchService({ dir: 'data/index', feed: catalogChangeFeed(db), embedder })
 */
export function createSearchService(opts: SearchServiceOptions): SearchService {
  const components = { ...defaultComponents(opts), ...opts.components };
  const log = opts.log;
  const cache = createResultCache<ModeAnswer>();
  const similarCache = createResultCache<KeywordHit[]>();
  const holder: IndexHolder = createIndexHolder({
    dir: opts.dir,
    open: components.openIndex,
    log,
    quiesce: () => follower.running() ?? Promise.resolve(),
    reset() {
      cache.clear();
      similarCache.clear();
      vectors.drop();
      embedding.reset();
      follower.restart();
    },
  });
  const current = holder.current;
  const inProcess = () => createServedVectors({ dir: opts.dir, index: current, components: components.vectorIndex, log });
  const threaded: ThreadedVectors | null = opts.vectorThread && !opts.components?.vectorIndex
    ? createThreadedVectors({ dir: opts.dir, index: current, generation: () => holder.generation(), options: (dim) => servedOptions(opts, dim), inProcess, log })
    : null;
  const vectors: ServedVectors = threaded ?? inProcess();
  const embedding = createEmbedding({ provider: opts.embedder, index: current, vectors, log });
  const follower = createFollower({
    feed: opts.feed, index: current, embedding, log,
    onDamage: (e) => void holder.restart({ repair: messageOf(e) }).catch((err) => log?.error({ err }, 'repairing the search index failed')),
    // Indexing, training and embedding free hundreds of MB that glibc would keep (docs/operations.md, "Running in 1 GB").
    afterWork: () => releaseFreedMemory(log),
  });
  holder.checkInBackground();
  const pool = (opts.threads ?? 0) >= 2 && !opts.components?.openIndex
    ? createQueryPool({
      size: opts.threads!,
      index: { weights: opts.weights, prf: opts.prf },
      target: () => ({ gen: holder.generation(), file: current().file, terms: current().termStatsSnapshot() }),
      log,
    })
    : null;
  const reader = pool ? pool.reader(inProcessReader(current)) : inProcessReader(current);
  /** What a cached answer depends on: which index, its applied sequence, and which vectors (and how many) are served. */
  const cacheState = () => {
    const v = vectors.current();
    return `${holder.generation()}/${current().lastSeq()}/${v?.of ?? ''}/${v?.index.size ?? 0}`;
  };
  /** The embedder and its vectors, when semantic search can run. */
  const semantic = () => {
    const e = opts.embedder?.current();
    const v = vectors.current();
    return e && v && v.of === e.id && v.index.size > 0 ? { e, v: v.index } : null;
  };
  const query: QueryContext = {
    reader,
    semantic,
    unavailable: () => {
      if (!opts.embedder || opts.embedder.spec === 'none') return 'this node has no embedder (EMBEDDER=none)';
      const state = opts.embedder.state();
      // A ready embedder whose vectors are not served: the index is being loaded or built (at start, after a vector thread died).
      return state === 'ready' ? `its vector index is being loaded or built (${vectors.describe()})` : `the embedder is ${state}`;
    },
    hybrid: { weight: opts.hybridWeight ?? DEFAULT_HYBRID_WEIGHT, fusion: opts.hybridFusion },
  };

  return {
    async search(req) {
      const started = performance.now();
      const mode = req.mode ?? DEFAULT_MODE;
      if (!SEARCH_MODES.includes(mode)) throw new AppError('INVALID_QUERY', `mode must be one of ${SEARCH_MODES.join(', ')} (got ${JSON.stringify(String(mode).slice(0, 20))})`);
      const state = cacheState();
      const key = `${state}\u0000${mode}\u0000${req.limit ?? 20}\u0000${req.offset ?? 0}\u0000${req.sort ?? ''}\u0000${req.bare ? 'bare' : ''}\u0000${req.q}`;
      const res = cache.get(key) ?? (await holder.guarded(() => runQuery(query, req, parseQuery(req.q))));
      cache.set(key, res);
      const tookMs = performance.now() - started;
      opts.observe?.(res.mode, tookMs / 1000);
      return { ...res, tookMs, state };
    },
    similar: (id, limit) => holder.guarded(async () => {
      const key = `${cacheState()}\u0000${id}\u0000${limit}`;
      const cached = similarCache.get(key);
      if (cached) return cached;
      const ready = semantic();
      const hits = await similarPapers(reader, ready ? { index: ready.v, own: current().vectors.get(id) } : null, id, limit);
      if (!hits) return [];
      similarCache.set(key, hits);
      return hits;
    }),
    syncOnce: () => holder.guarded(follower.syncOnce),
    caughtUp: follower.caughtUp,
    start: follower.start,
    settled: async () => {
      await follower.running();
      await embedding.training();
    },
    async stop() {
      await follower.stop();
      await vectors.save();
    },
    status: () => holder.guarded(() => indexStatus({ dir: opts.dir, index: current(), feed: opts.feed, embedder: opts.embedder, vectors })),
    // The index file only: a trained embedder model beside it stays (it is not derived from one sync).
    async rebuild() {
      await holder.restart({});
      return holder.guarded(follower.syncOnce);
    },
    // stop() saves the vector index; close() only lets go (the saved file, if older, is rebuilt from the stored vectors).
    close() {
      follower.halt();
      // A graph still being built in the background stops at its next step instead of reading the index
      // closed below (`paperboy index rebuild` logged "building the vector graph failed; The database
      // connection is not open" when it closed during a build).
      vectors.drop();
      opts.embedder?.close();
      void pool?.close();
      void threaded?.close();
      current().close();
    },
    pool,
    vectorThread: threaded,
  };
}
