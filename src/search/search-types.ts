/**
 * The search service's contract: what it is fed (a change feed), what it is asked (requests in one of
 * three modes) and what it answers (ranked hits, status).
 */
import type { Logger } from 'pino';
import type { EmbedderProvider } from './embedders/factory.ts';
import type { PrfOptions } from './prf.ts';
import type { PriorOptions } from './keyword/prior.ts';
import type { ParsedQuery, SortOrder } from './query.ts';
import type { CountKind, FieldWeights, IndexDoc, KeywordHit, SearchIndex } from './keyword/types.ts';
import type { VectorIndexOptions } from './vectors/vector-index.ts';
import type { QueryPool } from './pool/query-pool.ts';
import type { VectorIndexComponent } from './vectors/served-vectors.ts';
import type { ThreadedVectors } from './vectors/served-vectors-thread.ts';

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
  /** A count of matches when `count` says what it counts ('all', 'every-word'); with 'none', only how far the ranked list was read. */
  total: number;
  count: CountKind;
  /** A next page exists (results beyond offset + limit, within the first 1,000). */
  more: boolean;
  /** How the query was read, said back to the user (e.g. an unclosed quote); usually empty. */
  notes: string[];
  hits: KeywordHit[];
  tookMs: number;
  /**
   * What the answer depends on in this node's search state (index generation, applied sequence, vectors
   * served): the same request in the same state gets the same answer, whatever `tookMs` says.
   */
  state: string;
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
  /** The query threads, when this service runs them (`threads` ≥ 2). */
  readonly pool: QueryPool | null;
  /** The vector thread, when this service runs one (`vectorThread`). */
  readonly vectorThread: ThreadedVectors | null;
}

/** The parts a search service is built from; each has a default (orama's `create({ components })`). */
export interface SearchComponents {
  /** Opens the keyword index, with its vector store, in a folder. Default: SQLite FTS5 (`openSearchIndex`). */
  openIndex: (dir: string) => SearchIndex;
  /** The in-memory nearest-neighbour index for `dim`-dimensional vectors. Default: usearch, `vectorIndexFor(dim)`. */
  vectorIndex: VectorIndexComponent;

}

export interface SearchServiceOptions {
  dir: string;
  feed: ChangeFeed;
  log?: Logger | undefined;
  /** Where vectors come from; without one the node serves keyword search only. */
  embedder?: EmbedderProvider | undefined;
  weights?: FieldWeights;
  prf?: PrfOptions | null;
  /** The community prior for short, navigational queries (keyword/prior.ts); null turns it off. */
  prior?: PriorOptions | null;
  hybridWeight?: number;
  /** The in-memory vector index's options (default `vectorIndexFor(dim)`); ignored when `components.vectorIndex` is given. */
  vectorIndex?: VectorIndexOptions;
  /** Called with the answering mode and the seconds each search took (metrics). */
  observe?: (mode: SearchMode, seconds: number) => void;
  /** How hybrid mode combines its two lists: normalized weighted sum (default, measured) or reciprocal-rank fusion. */
  hybridFusion?: 'weighted' | 'rrf';
  /** Replace a part (tests, benchmarks, another engine); the rest keep their defaults. */
  components?: Partial<SearchComponents>;
  /**
   * Query threads (src/search/pool): 2 or more answer queries' keyword reads in worker threads, each with
   * its own read-only connection to the index; 0 or 1 (the default here; SEARCH_THREADS sets it for a node)
   * answers on this thread. Ignored with a replaced `components.openIndex` (a thread can only open the default).
   */
  threads?: number;
  /**
   * Serve the vector index from its own worker thread (served-vectors-thread.ts): searches, adds, the graph
   * build and saves off this thread. Default false here (CLI commands, tests); VECTOR_THREAD sets it for a
   * node (default on). Ignored with a replaced `components.vectorIndex` (a thread can only build the default).
   */
  vectorThread?: boolean;
}
