/**
 * What the keyword index takes in and gives back: papers as the change feed delivers them, search
 * options, and ranked hits whose text carries match marks.
 */
import type { ParsedQuery, SortOrder } from '../query.ts';
import type { VectorStore } from '../vectors/vector-store.ts';

/** What the index needs of a paper. */
export interface IndexDoc {
  /** The catalog's numeric paper id: the FTS rowid. */
  id: number;
  arxivId: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  dailyDate: string | null;
  upvotes: number;
  seq: number;
  /** Extra words for the low-weight expansion column (document expansion), if any. */
  expansion?: string;
  /** Hidden by the catalog (moderators): the paper leaves the index, so no mode finds or counts it. */
  hidden?: boolean;
}

export interface SearchOptions {
  limit: number;
  offset?: number;
  sort?: SortOrder;
  /** A ranked list for fusion: no highlighting (the final page is decorated once) and no exact `total`
   * (counting the OR of common words is a large part of a query on a big catalog): total is then 0. */
  plain?: boolean;
  /** Score every paper matching the OR of the words (the stage before the bounded one; benchmarks compare the two). */
  exhaustive?: boolean;
  /** Candidates for fusion (hybrid): on a catalog too large to rank every match, the OR of the words
   * ranked by the bounded stage alone — no all-words-first pass and no feedback run (each costs as much
   * again). A catalog small enough to rank exhaustively gets the full keyword ranking. Use with `plain`. */
  candidates?: boolean;
}

export interface KeywordHit {
  id: number;
  arxivId: string;
  score: number;
  /** Title and abstract with matches wrapped in MARK_START/MARK_END (not yet HTML-escaped). */
  titleMarked: string;
  snippetMarked: string;
}

/**
 * What a result's `total` counts: 'all' — every paper matching the query (one word, phrases, authors,
 * every word of a short query sorted by date, or filters alone); 'every-word' — the papers holding every
 * word of a short query (the list goes on with papers holding some of them); 'none' — nothing meaningful
 * (any word of a long query, nearest by meaning): `total` is then only how far the ranked list was read.
 */
export type CountKind = 'all' | 'every-word' | 'none';

export interface KeywordResult {
  hits: KeywordHit[];
  total: number;
  count: CountKind;
  /** A next page exists (within the first 1,000 results). */
  more: boolean;
}

/** A hit before its text is looked up: what ranking produces. */
export interface Ranked {
  id: number;
  arxivId: string;
  score: number;
}

/** Private-use characters that cannot occur in paper text; the views turn them into <mark>. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/**
 * Field weights for bm25(): title matters most (BM25F-style), then authors, abstract, expansion
 * terms. Measured on SciFact train: see docs/search-quality.md.
 */
export const DEFAULT_WEIGHTS = { title: 3.0, abstract: 1.0, authors: 1.0, expansion: 0.3 };
export type FieldWeights = typeof DEFAULT_WEIGHTS;

/** The idf of BM25: 'lucene' (log(1 + (N − n + ½)/(n + ½)), every word counts; needs pb_bm25) or FTS5's own ('fts5'). */
export type IdfChoice = 'lucene' | 'fts5';

/** 'auto': pb_bm25 when it was built, else bm25(); 'native': pb_bm25 or fail; 'bm25': FTS5's own. */
export type RankChoice = 'auto' | 'native' | 'bm25';

/** What scores relevance: pb_bm25 (native/pb_rank.c) or FTS5's bm25() (with why the native one is not used). */
export type Ranking = { fn: 'pb_bm25' } | { fn: 'bm25'; why: string };

/** pb_bm25's common-word counts, as sent to query threads (src/search/pool): `version` grows with every count. */
export interface TermSnapshot {
  version: number;
  rows: number;
  terms: Array<[string, number]>;
}

export interface SearchIndex {
  readonly file: string;
  /** Set when the file found at open was unusable and was moved aside (why, and where it went). */
  readonly replaced: { why: string; aside: string } | null;
  /** SQLite's quick_check over the whole file, in a worker thread: null when whole, else what is wrong. */
  check(): Promise<string | null>;
  lastSeq(): number;
  count(): number;
  apply(docs: IndexDoc[]): void;
  remove(ids: number[]): void;
  /** Merge FTS5 segments (about `pages` pages written at most); false when nothing was left to merge. */
  mergeStep(pages: number): boolean;
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  /** The text of an indexed paper (title, abstract), or null. */
  textOf(id: number): { title: string; abstract: string } | null;
  /** Keep the ids (in their order) that pass the query's filters, phrases, authors and exclusions. */
  filterIds(q: ParsedQuery, ids: number[]): number[];
  /** Highlighted titles and snippets for hits ranked elsewhere (semantic, fused). */
  decorate(q: ParsedQuery, ranked: Array<{ id: number; score: number }>): KeywordHit[];
  /** Vectors, stored beside the text; `embedder` names what made them. */
  vectors: VectorStore;
  meta(key: string): string | null;
  setMeta(key: string, value: string): void;
  close(): void;
  readonly ranking: Ranking;
  /** pb_bm25's common-word counts: 'unneeded' (bm25() ranks, or the catalog is within the stage budget),
   * 'current', or 'stale' (missing, or more than 1% of the catalog's text changed since they were taken). */
  termStatsState(): 'unneeded' | 'current' | 'stale';
  /** Count the common words' papers again, in a worker thread (one pass over the index; ~3.6 s at 1M papers). */
  refreshTermStats(): Promise<void>;
  /** The common-word counts now, for query threads reading the same file (null before the first count). */
  termStatsSnapshot(): TermSnapshot | null;
}
