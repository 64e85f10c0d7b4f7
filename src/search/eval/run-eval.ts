/**
 * Evaluates search on a BEIR set in a throwaway index: the same index, query parser and ranking the
 * product uses, so the numbers describe the product, not a lab copy of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { words, type ParsedQuery } from '../query.ts';
import { DEFAULT_PRF, type PrfOptions } from '../prf.ts';
import { openSearchIndex, DEFAULT_WEIGHTS } from '../search-index.ts';
import type { SearchMode } from '../search.service.ts';
import { embedWithLsa, expansionWords, trainLsa } from '../embedders/lsa.ts';
import { weightedSum } from '../fusion.ts';
import { createExactIndex } from '../vectors/exact.ts';
import { loadBeir } from './beir.ts';
import { mrrAt, ndcgAt, percentile, recallAt } from './metrics.ts';

export interface EvalResult {
  mode: SearchMode;
  split: string;
  queries: number;
  'ndcg@10': number;
  'recall@100': number;
  'mrr@10': number;
  p50_ms: number;
  p95_ms: number;
}

export interface EvalOptions {
  dir: string;
  split: string;
  modes: SearchMode[];
  weights?: typeof DEFAULT_WEIGHTS;
  /** Pseudo-relevance feedback settings; null turns it off; absent means the product's default. */
  prf?: PrfOptions | null;
  onProgress?: (line: string) => void;
  /** LSA dimensions for the semantic modes. */
  lsaDim?: number;
  /** Document expansion from LSA neighbours (experimental; off unless given). */
  expansion?: { neighbours: number; words: number };
  /** Semantic weight in hybrid mode. */
  hybridWeight?: number;
}

/** Semantic weight of the hybrid mode, chosen on SciFact train (docs/search-quality.md). */
export const DEFAULT_HYBRID_WEIGHT = 0.2;

const round = (x: number) => Math.round(x * 10000) / 10000;

/** A claim or question is text, not query syntax: its words, nothing else. */
function textQuery(text: string): ParsedQuery {
  return { terms: words(text).slice(0, 64), phrases: [], excluded: [], authors: [], categories: [], year: null, after: null, before: null, sort: null };
}

export async function runEval(o: EvalOptions): Promise<EvalResult[]> {
  const set = await loadBeir(o.dir, o.split);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-'));
  try {
    const started = performance.now();
    const index = openSearchIndex(tmp, o.weights, o.prf === undefined ? DEFAULT_PRF : o.prf);
    let expansion: string[][] | null = null;
    if (o.expansion) {
      const texts = set.corpus.map((d) => `${d.title} ${d.text}`);
      expansion = expansionWords(trainLsa(texts, { dim: o.lsaDim ?? 128 }), texts, o.expansion);
      o.onProgress?.(`expanded ${texts.length} documents from their ${o.expansion.neighbours} nearest LSA neighbours`);
    }
    const docs = set.corpus.map((d, i) => ({
      id: i + 1, arxivId: d.id, title: d.title, abstract: d.text, authors: [], categories: [],
      publishedAt: null, dailyDate: null, upvotes: 0, seq: i + 1, expansion: expansion?.[i]!.join(' '),
    }));
    for (let i = 0; i < docs.length; i += 5000) index.apply(docs.slice(i, i + 5000));
    o.onProgress?.(`indexed ${docs.length} documents in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Semantic modes: the built-in LSA embedder trained on this corpus, exact scan over its vectors.
    let semantic: ((text: string) => Array<{ key: string; score: number }>) | null = null;
    if (o.modes.some((m) => m !== 'keyword')) {
      const t0 = performance.now();
      const model = trainLsa(set.corpus.map((d) => `${d.title} ${d.text}`), { dim: o.lsaDim ?? 128 });
      const vectors = createExactIndex(model.dim);
      set.corpus.forEach((d, i) => vectors.upsert(i, embedWithLsa(model, `${d.title} ${d.text}`)));
      o.onProgress?.(`trained LSA (${model.dim} dims, ${model.vocab.size} words) and embedded ${vectors.size} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      semantic = (text) => vectors.search(embedWithLsa(model, text), 100).map((h) => ({ key: set.corpus[h.key]!.id, score: h.score }));
    }
    const keyword = (text: string) => index.search(textQuery(text), { limit: 100 }).hits.map((h) => ({ key: h.arxivId, score: h.score }));
    const rankers: Record<SearchMode, (text: string) => string[]> = {
      keyword: (text) => keyword(text).map((h) => h.key),
      semantic: (text) => semantic!(text).map((h) => h.key),
      hybrid: (text) => weightedSum(keyword(text), semantic!(text), o.hybridWeight ?? DEFAULT_HYBRID_WEIGHT).map((h) => h.key),
    };
    const results: EvalResult[] = [];
    for (const mode of o.modes) {
      const sums = { ndcg: 0, recall: 0, mrr: 0 };
      const times: number[] = [];
      let n = 0;
      for (const [qid, rel] of set.qrels) {
        const text = set.queries.get(qid);
        if (text === undefined) continue;
        const t0 = performance.now();
        const ranked = rankers[mode](text);
        times.push(performance.now() - t0);
        sums.ndcg += ndcgAt(ranked, rel, 10);
        sums.recall += recallAt(ranked, rel, 100);
        sums.mrr += mrrAt(ranked, rel, 10);
        n++;
      }
      if (n === 0) throw new AppError('INGEST_BAD_FILE', `no query in queries.jsonl has judgements in qrels/${o.split}.tsv`);
      results.push({
        mode, split: o.split, queries: n,
        'ndcg@10': round(sums.ndcg / n), 'recall@100': round(sums.recall / n), 'mrr@10': round(sums.mrr / n),
        p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)),
      });
    }
    index.close();
    return results;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
