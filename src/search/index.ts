/**
 * Search's public module: everything the web server, the CLI, the catalog's glue and the benchmarks use
 * of search comes from here, so the files behind it can change shape freely. Nothing else in src/ or
 * bench/ imports a file under src/search/ directly.
 */
export { createSearchService, vectorIndexFor } from './search.service.ts';
export {
  DEFAULT_HYBRID_WEIGHT, DEFAULT_MODE, SEARCH_MODES,
  type ChangeFeed, type IndexStatus, type SearchComponents, type SearchMode, type SearchRequest, type SearchResponse, type SearchService, type SearchServiceOptions,
} from './search-types.ts';
export { openSearchIndex, type KeywordIndexOptions } from './keyword/keyword-index.ts';
export { DEFAULT_WEIGHTS, type FieldWeights, type IndexDoc, type KeywordHit, type KeywordResult, type SearchIndex, type SearchOptions } from './keyword/types.ts';
export { splitMarks, stripMarks } from './marks.ts';
export { DEFAULT_PRIOR, type PriorOptions } from './keyword/prior.ts';
export { contentWords, ftsQuote, hasText, MAX_QUERY_LENGTH, parseQuery, words, type ParsedQuery, type SortOrder } from './query.ts';
export { STOP_WORDS } from './stop-words.ts';
export { createPacer } from './pace.ts';
export type { PrfOptions } from './prf.ts';
export { weightedSum, reciprocalRankFusion } from './fusion.ts';
export { createEmbedderProvider, LSA_DIM, type EmbedderProvider } from './embedders/factory.ts';
export { embedWithLsa, trainLsa } from './embedders/lsa.ts';
export { createVectorIndex, DEFAULT_HNSW, type VectorIndex, type VectorIndexOptions } from './vectors/vector-index.ts';
export { BASELINE, runEval, type EvalOptions, type EvalResult } from './eval/run-eval.ts';
export { defaultSplit, loadBeir } from './eval/beir.ts';
export { mrrAt, ndcgAt } from './eval/metrics.ts';
export { createPlainBm25 } from './eval/plain-bm25.ts';
