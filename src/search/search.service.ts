/**
 * The search service: keeps the node's index following the catalog's change feed, embeds what it
 * indexes, and answers keyword, semantic and hybrid queries. Fed through a small ChangeFeed interface
 * so the search core never touches catalog tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { parseQuery, words, hasText, type ParsedQuery, type SortOrder } from './query.ts';
import { STOP_WORDS } from './stop-words.ts';
import { openSearchIndex, DEFAULT_WEIGHTS, type IndexDoc, type KeywordHit, type SearchIndex } from './search-index.ts';
import { DEFAULT_PRF, type PrfOptions } from './prf.ts';
import type { EmbedderProvider } from './embedders/factory.ts';
import type { Embedder } from './embedders/embedder.ts';
import { reciprocalRankFusion, weightedSum } from './fusion.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndex, type VectorIndexOptions } from './vectors/vector-index.ts';

export interface ChangeFeed {
  /** Documents changed after `seq`, in sequence order, at most `limit`. */
  since(seq: number, limit: number): Promise<IndexDoc[]>;
  /** The catalog's latest sequence number (for lag). */
  head(): Promise<number>;
}

export type SearchMode = 'keyword' | 'semantic' | 'hybrid';
export const SEARCH_MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];
/** Chosen by measurement on SciFact train (docs/search-quality.md): hybrid does not beat keyword yet. */
export const DEFAULT_MODE: SearchMode = 'keyword';
/** Semantic weight of the hybrid mode's normalized weighted sum (docs/search-quality.md). */
export const DEFAULT_HYBRID_WEIGHT = 0.1;

export interface SearchRequest {
  q: string;
  mode?: SearchMode;
  limit?: number;
  offset?: number;
  sort?: SortOrder;
  /** Only the ranked papers: no highlighted snippets and no exact total (callers that show neither). */
  bare?: boolean;
}

export interface SearchResponse {
  query: ParsedQuery;
  /** The mode that answered: a text-less query (filters only) or a date/upvote sort is a keyword listing. */
  mode: SearchMode;
  total: number;
  hits: KeywordHit[];
  tookMs: number;
}

export interface IndexStatus {
  indexed: number;
  lastSeq: number;
  catalogSeq: number;
  lag: number;
  /** The embedder's id (or the configured spec while it has none yet). */
  embedder: string;
  /** ready, training…, waiting for papers…, none (keyword only). */
  embedderState: string;
  vectors: number;
  /** The in-memory nearest-neighbour index serving them, e.g. exact-f32, hnsw-f32. */
  vectorIndex: string;
  /** Papers indexed for keywords but not embedded yet (new, changed, or re-embedding after a change of embedder). */
  vectorsPending: number;
  sizeBytes: number;
  file: string;
  /** What scores keyword relevance: pb_bm25 (native) with the state of its common-word counts, or FTS5's bm25() and why. */
  ranking: string;
}

export interface SearchService {
  search(req: SearchRequest): Promise<SearchResponse>;
  /** Papers like an indexed one ("more like this"): nearest by vector, or by its title's words. */
  similar(id: number, limit: number): Promise<KeywordHit[]>;
  /** Apply pending catalog changes now (and embed them); returns how many documents were applied. */
  syncOnce(): Promise<number>;
  /** Follow the change feed every `pollMs` until stop(). */
  start(pollMs: number): void;
  stop(): Promise<void>;
  status(): Promise<IndexStatus>;
  /** True once the index has caught up with the catalog at least once since this process started. */
  caughtUp(): boolean;
  /** Wait until any embedder training now running has finished (tests, eval, `index rebuild`). */
  settled(): Promise<void>;
  /** Drop the index and rebuild it from the whole catalog. */
  rebuild(): Promise<number>;
  close(): void;
}

export interface SearchServiceOptions {
  dir: string;
  feed: ChangeFeed;
  log?: Logger | undefined;
  /** Where vectors come from; without one the node serves keyword search only. */
  embedder?: EmbedderProvider | undefined;
  weights?: typeof DEFAULT_WEIGHTS;
  prf?: PrfOptions | null;
  hybridWeight?: number;
  /** The in-memory vector index (default `vectorIndexFor(dim)`). */
  vectorIndex?: VectorIndexOptions;
  /** Called with the answering mode and the seconds each search took (metrics). */
  observe?: (mode: SearchMode, seconds: number) => void;
  /** How hybrid mode combines its two lists: normalized weighted sum (default, measured) or reciprocal-rank fusion. */
  hybridFusion?: 'weighted' | 'rrf';
}

/**
 * The vector index for `dim`-dimensional vectors, chosen with `npm run bench:search` (docs/benchmarks.md,
 * "Search"): exact (usearch SIMD scan, perfect recall, ~6 ms at 100k×384) up to 50,000 papers, HNSW above.
 * Its short-list stage is i8 from 256 dims (same recall after the f32 re-rank, 3–8× faster to build: LSA-256
 * on the arXiv set 0.967 against f32 0.965) and f32 below (at 128 dims i8 lost recall: 0.93 against 0.96).
 */
export function vectorIndexFor(dim: number): VectorIndexOptions {
  return { kind: 'auto', hnswFrom: 50_000, quantization: dim >= 256 ? 'i8' : 'f32' };
}
/** Save the in-memory vector index once this many vectors changed since the last save (and on stop). */
const SAVE_EVERY = 5000;

const BATCH = 2000;
/** Papers embedded per step: small enough that a step never holds the event loop for long. */
const EMBED_BATCH = 128;
/** Candidates each side contributes to hybrid fusion, and the most a semantic query ranks. */
const FUSION_DEPTH = 100;
const MAX_SEMANTIC_DEPTH = 2000;
/** Recent results, keyed by the index's state: any change to the index makes old entries unreachable. */
const RESULT_CACHE_SIZE = 500;

/** Bytes of every file under `dir`: the keyword index, stored vectors, saved vector index, embedder model. */
function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  }
  return n;
}

/** Insert as most recent, evicting the least recently used entry when full (a Map keeps insertion order). */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  if (cache.size >= RESULT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

export function createSearchService(opts: SearchServiceOptions): SearchService {
  const open = () => openSearchIndex(opts.dir, opts.weights ?? DEFAULT_WEIGHTS, opts.prf === undefined ? DEFAULT_PRF : opts.prf);
  let index: SearchIndex = open();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let training: Promise<void> = Promise.resolve();
  let stopped = false;
  let caughtUp = false;
  /** In-memory nearest-neighbour index over the stored vectors of `vectorsOf`. */
  let vectors: VectorIndex | null = null;
  let vectorsOf: string | null = null;
  const cache = new Map<string, Omit<SearchResponse, 'tookMs'>>();
  const similarCache = new Map<string, KeywordHit[]>();
  /** What a cached answer depends on: the applied sequence, and which vectors (and how many) are served. */
  const cacheState = () => `${index.lastSeq()}/${vectorsOf ?? ''}/${vectors?.size ?? 0}`;
  const hybridWeight = opts.hybridWeight ?? DEFAULT_HYBRID_WEIGHT;
  const log = opts.log;

  /** The embedder and its vectors, when semantic search can run. */
  const semanticReady = (): { e: Embedder; v: VectorIndex } | null => {
    const e = opts.embedder?.current();
    return e && vectors && vectorsOf === e.id && vectors.size > 0 ? { e, v: vectors } : null;
  };

  const vectorFile = () => path.join(opts.dir, 'vectors.idx');
  let unsaved = 0;
  let vectorsFrom = '';
  /** The saved in-memory index if it saw the stored vectors' current version, else one built from them. */
  const loadVectors = (e: Embedder): VectorIndex => {
    const file = vectorFile();
    const vo = opts.vectorIndex ?? vectorIndexFor(e.dim);
    if (fs.existsSync(file) && index.meta('vectors_saved') === `${e.id}@${index.vectors.version()}`) {
      try {
        const v = loadVectorIndex(file, vo);
        if (v.dim === e.dim) {
          vectorsFrom = 'loaded from vectors.idx';
          return v;
        }
      } catch (err) {
        log?.warn({ err }, 'the saved vector index is unreadable; rebuilding it from the stored vectors');
      }
    }
    const t0 = performance.now();
    const v = createVectorIndex(e.dim, vo);
    let keys: number[] = [];
    let vs: Float32Array[] = [];
    for (const r of index.vectors.all()) {
      keys.push(r.id);
      vs.push(r.v);
      if (keys.length === 10_000) {
        v.upsertMany(keys, vs);
        keys = [];
        vs = [];
      }
    }
    if (keys.length) v.upsertMany(keys, vs);
    if (v.size) log?.info({ vectors: v.size, kind: v.kind, ms: Math.round(performance.now() - t0) }, 'vector index built from the stored vectors');
    vectorsFrom = `built from ${v.size} stored vectors`;
    unsaved = v.size;
    return v;
  };
  const saveVectors = () => {
    if (!vectors || !vectorsOf || unsaved === 0) return;
    vectors.save(vectorFile());
    index.setMeta('vectors_saved', `${vectorsOf}@${index.vectors.version()}`);
    unsaved = 0;
  };

  let countAt: { seq: number; n: number } | undefined;
  /** `embedder@seq` at which every indexed paper had a vector. */
  let embeddedAt: string | undefined;
  /** Embed what the index holds without a vector; re-embed everything after a change of embedder. */
  const embedPending = async (): Promise<void> => {
    const provider = opts.embedder;
    if (!provider) return;
    // Training can take a minute on a large catalog: it runs in a worker, and the next sync picks it up.
    const seq = index.lastSeq();
    if (countAt?.seq !== seq) countAt = { seq, n: index.count() };
    training = provider
      .maintain({ count: countAt.n, texts: () => index.vectors.texts() })
      .catch((e) => log?.warn({ err: e }, 'embedder training failed; keyword search is unaffected'));
    const e = provider.current();
    if (!e) return;
    if (index.vectors.embedder() !== e.id) {
      log?.info({ from: index.vectors.embedder(), to: e.id }, 'embedder changed: re-embedding every paper');
      index.vectors.reset(e.id);
      vectors = null;
    }
    if (!vectors || vectorsOf !== e.id) {
      vectors = loadVectors(e);
      vectorsOf = e.id;
    }
    // Looking for papers without a vector scans the index: only when something could have changed.
    const state = `${e.id}@${seq}`;
    if (embeddedAt === state) return;
    for (;;) {
      const batch = index.vectors.pending(EMBED_BATCH);
      if (batch.length === 0) {
        embeddedAt = state;
        return;
      }
      const vs = await e.embed(batch.map((b) => b.text), 'document');
      const rows = batch.map((b, i) => ({ id: b.id, v: vs[i]! }));
      if (!index.vectors.put(e.id, rows)) return;
      vectors.upsertMany(rows.map((r) => r.id), rows.map((r) => r.v));
      unsaved += rows.length;
      if (unsaved >= SAVE_EVERY) saveVectors();
      await yieldToEventLoop();
    }
  };

  const sync = async (): Promise<number> => {
    let applied = 0;
    for (;;) {
      const docs = await opts.feed.since(index.lastSeq(), BATCH);
      index.apply(docs);
      applied += docs.length;
      if (docs.length < BATCH) break;
    }
    caughtUp = true;
    // pb_bm25's common-word counts: one pass over the index in a worker, when missing or 1% out of date.
    if (index.termStatsState() === 'stale') index.refreshTermStats().catch((e) => log?.warn({ err: e }, 'counting common words failed; will retry on the next sync'));
    try {
      await embedPending();
    } catch (e) {
      log?.warn({ err: e }, 'embedding failed; will retry on the next sync');
    }
    return applied;
  };
  // One sync at a time: the poller and an explicit syncOnce() share the same run.
  const syncOnce = () => (running ??= sync().finally(() => (running = undefined)));

  /** Nearest papers to a vector that pass the query's filters, best first. */
  const nearest = (v: VectorIndex, qv: Float32Array, query: ParsedQuery, need: number, exclude?: number) => {
    let depth = Math.max(need * 2, 50);
    for (;;) {
      const found = v.search(qv, depth).filter((h) => h.key !== exclude);
      const kept = new Set(index.filterIds(query, found.map((h) => h.key)));
      const hits = found.filter((h) => kept.has(h.key)).map((h) => ({ id: h.key, score: h.score }));
      if (hits.length >= need || found.length < depth || depth >= MAX_SEMANTIC_DEPTH) return hits.slice(0, need);
      depth *= 4;
    }
  };

  const run = async (req: SearchRequest, query: ParsedQuery): Promise<Omit<SearchResponse, 'tookMs'>> => {
    const limit = Math.max(0, Math.min(req.limit ?? 20, 1000));
    const offset = Math.max(0, req.offset ?? 0);
    const requested = req.mode ?? DEFAULT_MODE;
    const sort = req.sort ?? query.sort ?? 'relevance';
    const keyword = () => {
      const { hits, total } = index.search(query, { limit, offset, sort: req.sort, plain: req.bare });
      return { query, mode: 'keyword' as const, total, hits };
    };
    // Meaning ranks text; a filter-only listing or a date/upvote order is the same in every mode.
    if (requested === 'keyword' || !hasText(query) || sort !== 'relevance') return keyword();
    const ready = semanticReady();
    if (!ready) {
      const why = opts.embedder && opts.embedder.spec !== 'none' ? `the embedder is ${opts.embedder.state()}` : 'this node has no embedder (EMBEDDER=none)';
      if (requested === 'hybrid') return keyword(); // degrade to keyword; the response says so
      throw new AppError('INDEX_NOT_READY', `semantic search is not available on this node yet: ${why}; use mode=keyword or mode=hybrid`);
    }
    const text = [...query.terms, ...query.phrases.flat()].join(' ');
    const [qv] = await ready.e.embed([text], 'query');
    const need = Math.min(offset + limit, 1000);
    // No word the embedder knows (LSA and an unseen word): meaning has nothing to say.
    const known = qv!.some((x) => x !== 0);
    if (!known && requested === 'hybrid') return keyword();
    if (!known) return { query, mode: 'semantic', total: 0, hits: [] };
    if (requested === 'semantic') {
      const ranked = nearest(ready.v, qv!, query, need);
      return { query, mode: 'semantic', total: ranked.length, hits: index.decorate(query, ranked.slice(offset, offset + limit)) };
    }
    const depth = Math.max(need, FUSION_DEPTH);
    const kw = index.search(query, { limit: depth, plain: true, candidates: true });
    const sem = nearest(ready.v, qv!, query, depth);
    const kwList = kw.hits.map((h) => ({ key: String(h.id), score: h.score }));
    const semList = sem.map((h) => ({ key: String(h.id), score: h.score }));
    const fused = opts.hybridFusion === 'rrf' ? reciprocalRankFusion([kwList, semList]) : weightedSum(kwList, semList, hybridWeight);
    const page = fused.slice(offset, offset + limit).map((h) => ({ id: Number(h.key), score: h.score }));
    // The fused candidates are what hybrid can page through (counting every keyword match would cost more than the search).
    return { query, mode: 'hybrid', total: fused.length, hits: index.decorate(query, page) };
  };

  const service: SearchService = {
    async search(req) {
      const started = performance.now();
      const mode = req.mode ?? DEFAULT_MODE;
      if (!SEARCH_MODES.includes(mode)) throw new AppError('INVALID_QUERY', `mode must be one of ${SEARCH_MODES.join(', ')} (got ${JSON.stringify(String(mode).slice(0, 20))})`);
      const key = `${cacheState()}\u0000${mode}\u0000${req.limit ?? 20}\u0000${req.offset ?? 0}\u0000${req.sort ?? ''}\u0000${req.bare ? 'bare' : ''}\u0000${req.q}`;
      const res = cache.get(key) ?? (await run(req, parseQuery(req.q)));
      remember(cache, key, res);
      const tookMs = performance.now() - started;
      opts.observe?.(res.mode, tookMs / 1000);
      return { ...res, tookMs };
    },
    async similar(id, limit) {
      const key = `${cacheState()}\u0000${id}\u0000${limit}`;
      const cached = similarCache.get(key);
      if (cached) return cached;
      const empty = parseQuery('');
      const ready = semanticReady();
      const own = ready ? index.vectors.get(id) : null;
      let hits: KeywordHit[];
      if (ready && own && own.length === ready.v.dim) {
        hits = index.decorate(empty, nearest(ready.v, own, empty, limit, id));
      } else {
        const text = index.textOf(id);
        if (!text) return [];
        // The title's words: they say what the paper is about, and a dozen words keep this cheap on a
        // large catalog (the whole abstract as an OR query scores most of the index: ~0.3 s at 80k).
        const titleWords = words(text.title).filter((w) => !STOP_WORDS.has(w) && w.length > 1);
        const terms = [...new Set(titleWords.length >= 3 ? titleWords : words(`${text.title} ${text.abstract}`).filter((w) => !STOP_WORDS.has(w)))].slice(0, 12);
        hits = index.search({ ...empty, terms }, { limit: limit + 1 }).hits.filter((h) => h.id !== id).slice(0, limit);
      }
      remember(similarCache, key, hits);
      return hits;
    },
    syncOnce,
    caughtUp: () => caughtUp,
    settled: async () => {
      await running?.catch(() => 0);
      await training;
    },
    start(pollMs) {
      stopped = false;
      const tick = async () => {
        try {
          const n = await syncOnce();
          if (n) log?.debug({ applied: n, lastSeq: index.lastSeq() }, 'search index caught up');
        } catch (e) {
          log?.warn({ err: e }, 'search index sync failed; will retry');
        }
        if (!stopped) timer = setTimeout(tick, pollMs);
      };
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
      saveVectors();
    },
    async status() {
      const catalogSeq = await opts.feed.head();
      const lastSeq = index.lastSeq();
      const e = opts.embedder?.current();
      return {
        indexed: index.count(),
        lastSeq,
        catalogSeq,
        lag: Math.max(0, catalogSeq - lastSeq),
        embedder: e?.id ?? opts.embedder?.spec ?? 'none',
        embedderState: opts.embedder?.state() ?? 'none (keyword only)',
        vectors: index.vectors.count(),
        vectorIndex: vectors ? `${vectors.kind} (${vectorsFrom})` : fs.existsSync(vectorFile()) ? 'saved in vectors.idx (not loaded by this process)' : 'not built yet',
        vectorsPending: e ? index.vectors.pendingCount() : 0,
        sizeBytes: dirBytes(opts.dir),
        file: index.file,
        ranking:
          index.ranking.fn === 'pb_bm25'
            ? `pb_bm25 (native; common-word counts ${{ unneeded: 'not needed at this size', current: 'current', stale: 'missing or over 1% old: counted per statement until refreshed' }[index.termStatsState()]})`
            : `FTS5 bm25() (${index.ranking.why})`,
      };
    },
    async rebuild() {
      await running?.catch(() => 0);
      index.close();
      cache.clear();
      similarCache.clear();
      vectors = null;
      vectorsOf = null;
      embeddedAt = undefined;
      countAt = undefined;
      // The index file only: a trained embedder model beside it stays (it is not derived from one sync).
      for (const f of [index.file, `${index.file}-wal`, `${index.file}-shm`]) fs.rmSync(f, { force: true });
      for (const f of fs.readdirSync(opts.dir)) if (f.startsWith('vectors.idx')) fs.rmSync(path.join(opts.dir, f), { force: true });
      index = open();
      index.setMeta('built_at', new Date().toISOString());
      return syncOnce();
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!running) saveVectors();
      opts.embedder?.close();
      index.close();
    },
  };
  return service;
}
