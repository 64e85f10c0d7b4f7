/**
 * The search service: keeps the node's index following the catalog's change feed, and answers
 * queries. Fed through a small ChangeFeed interface so the search core never touches catalog tables.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { parseQuery, words, type ParsedQuery, type SortOrder } from './query.ts';
import { STOP_WORDS } from './stop-words.ts';
import { openSearchIndex, type IndexDoc, type KeywordHit, type SearchIndex } from './search-index.ts';

export interface ChangeFeed {
  /** Documents changed after `seq`, in sequence order, at most `limit`. */
  since(seq: number, limit: number): Promise<IndexDoc[]>;
  /** The catalog's latest sequence number (for lag). */
  head(): Promise<number>;
}

export type SearchMode = 'keyword' | 'semantic' | 'hybrid';
export const SEARCH_MODES: SearchMode[] = ['keyword'];
export const DEFAULT_MODE: SearchMode = 'keyword';

export interface SearchRequest {
  q: string;
  mode?: SearchMode;
  limit?: number;
  offset?: number;
  sort?: SortOrder;
}

export interface SearchResponse {
  query: ParsedQuery;
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
  embedder: string;
  sizeBytes: number;
  file: string;
}

export interface SearchService {
  search(req: SearchRequest): SearchResponse;
  /** Papers like an indexed one ("more like this"): its title and abstract as a long query. */
  similar(id: number, limit: number): KeywordHit[];
  /** Apply pending catalog changes now; returns how many documents were applied. */
  syncOnce(): Promise<number>;
  /** Follow the change feed every `pollMs` until stop(). */
  start(pollMs: number): void;
  stop(): Promise<void>;
  status(): Promise<IndexStatus>;
  /** True once the index has caught up with the catalog at least once since this process started. */
  caughtUp(): boolean;
  /** Drop the index and rebuild it from the whole catalog. */
  rebuild(): Promise<number>;
  close(): void;
}

const BATCH = 2000;
/** Recent results, keyed by the index's sequence: any change to the index makes old entries unreachable. */
const RESULT_CACHE_SIZE = 500;

export function createSearchService(opts: { dir: string; feed: ChangeFeed; log?: Logger }): SearchService {
  let index: SearchIndex = openSearchIndex(opts.dir);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  let caughtUp = false;
  const cache = new Map<string, Omit<SearchResponse, 'tookMs'>>();
  const similarCache = new Map<string, KeywordHit[]>();

  const sync = async (): Promise<number> => {
    let applied = 0;
    for (;;) {
      const docs = await opts.feed.since(index.lastSeq(), BATCH);
      index.apply(docs);
      applied += docs.length;
      if (docs.length < BATCH) {
        caughtUp = true;
        return applied;
      }
    }
  };
  // One sync at a time: the poller and an explicit syncOnce() share the same run.
  const syncOnce = () => (running ??= sync().finally(() => (running = undefined)));

  const service: SearchService = {
    search(req) {
      const started = performance.now();
      const mode = req.mode ?? DEFAULT_MODE;
      if (!SEARCH_MODES.includes(mode)) {
        throw new AppError('INVALID_QUERY', `mode=${mode} is not available yet: this node has no embedder; use mode=keyword`);
      }
      const key = `${index.lastSeq()}\u0000${mode}\u0000${req.limit ?? 20}\u0000${req.offset ?? 0}\u0000${req.sort ?? ''}\u0000${req.q}`;
      let res = cache.get(key);
      if (res) {
        cache.delete(key);
      } else {
        const query = parseQuery(req.q);
        const { hits, total } = index.search(query, { limit: req.limit ?? 20, offset: req.offset ?? 0, sort: req.sort });
        res = { query, mode, total, hits };
        if (cache.size >= RESULT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(key, res);
      return { ...res, tookMs: performance.now() - started };
    },
    similar(id, limit) {
      const key = `${index.lastSeq()}\u0000similar\u0000${id}\u0000${limit}`;
      const cached = similarCache.get(key);
      if (cached) return cached;
      const text = index.textOf(id);
      if (!text) return [];
      // The title's words: they say what the paper is about, and a dozen words keep this cheap on a
      // large catalog (the whole abstract as an OR query scores most of the index: ~0.3 s at 80k).
      const titleWords = words(text.title).filter((w) => !STOP_WORDS.has(w) && w.length > 1);
      const terms = [...new Set(titleWords.length >= 3 ? titleWords : words(`${text.title} ${text.abstract}`).filter((w) => !STOP_WORDS.has(w)))].slice(0, 12);
      const query = { ...parseQuery(''), terms };
      const hits = index.search(query, { limit: limit + 1 }).hits.filter((h) => h.id !== id).slice(0, limit);
      if (similarCache.size >= RESULT_CACHE_SIZE) similarCache.delete(similarCache.keys().next().value!);
      similarCache.set(key, hits);
      return hits;
    },
    syncOnce,
    caughtUp: () => caughtUp,
    start(pollMs) {
      stopped = false;
      const tick = async () => {
        try {
          const n = await syncOnce();
          if (n) opts.log?.debug({ applied: n, lastSeq: index.lastSeq() }, 'search index caught up');
        } catch (e) {
          opts.log?.warn({ err: e }, 'search index sync failed; will retry');
        }
        if (!stopped) timer = setTimeout(tick, pollMs);
      };
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
    async status() {
      const catalogSeq = await opts.feed.head();
      const lastSeq = index.lastSeq();
      return {
        indexed: index.count(),
        lastSeq,
        catalogSeq,
        lag: Math.max(0, catalogSeq - lastSeq),
        embedder: index.meta('embedder') ?? 'none (keyword only)',
        sizeBytes: index.sizeBytes(),
        file: index.file,
      };
    },
    async rebuild() {
      await running?.catch(() => 0);
      index.close();
      cache.clear();
      similarCache.clear();
      fs.rmSync(opts.dir, { recursive: true, force: true });
      index = openSearchIndex(opts.dir);
      index.setMeta('built_at', new Date().toISOString());
      return syncOnce();
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      index.close();
    },
  };
  return service;
}
