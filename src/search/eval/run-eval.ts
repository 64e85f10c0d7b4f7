/**
 * Evaluates search on a BEIR set in a throwaway index: the same index, query parser and ranking the
 * product uses, so the numbers describe the product, not a lab copy of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { words } from '../query.ts';
import type { PrfOptions } from '../prf.ts';
import type { PriorOptions } from '../keyword/prior.ts';
import type { FieldWeights, IndexDoc } from '../keyword/types.ts';
import { createSearchService } from '../search.service.ts';
import type { ChangeFeed, SearchMode, SearchService } from '../search-types.ts';
import { expansionWords, trainLsa } from '../embedders/lsa.ts';
import { createEmbedderProvider, LSA_DIM } from '../embedders/factory.ts';
import { loadBeir } from './beir.ts';
import { mrrAt, ndcgAt, percentile, recallAt } from './metrics.ts';
import { createPlainBm25 } from './plain-bm25.ts';

/** The yardstick row: untuned BM25 on the same text and queries (plain-bm25.ts). */
export const BASELINE = 'bm25-plain';

export interface EvalResult {
  /** The BEIR folder's name. */
  set: string;
  mode: SearchMode | typeof BASELINE;
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
  weights?: FieldWeights;
  /** Pseudo-relevance feedback settings; null turns it off; absent means the product's default. */
  prf?: PrfOptions | null;
  /** The community prior for short queries; null turns it off; absent means the product's default. */
  prior?: PriorOptions | null;
  onProgress?: (line: string) => void;
  /** LSA dimensions for the semantic modes. */
  lsaDim?: number;
  /** Document expansion from LSA neighbours (experimental; off unless given). */
  expansion?: { neighbours: number; words: number; bag?: number };
  /** Semantic weight in hybrid mode. */
  hybridWeight?: number;
  hybridFusion?: 'weighted' | 'rrf';
  /** EMBEDDER spec for the semantic modes (default builtin). */
  embedder?: string;
  /** Also score plain BM25 (k1 1.2, b 0.75, no stemming) on the same set, as the first row (`paperboy eval` always does). */
  baseline?: boolean;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export async function runEval(o: EvalOptions): Promise<EvalResult[]> {
  const set = await loadBeir(o.dir, o.split);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-'));
  let service: SearchService | undefined;
  try {
    const started = performance.now();
    let expansion: string[][] | null = null;
    if (o.expansion) {
      const texts = set.corpus.map((d) => `${d.title} ${d.text}`);
      expansion = expansionWords(trainLsa(texts, { dim: o.lsaDim ?? LSA_DIM }), texts, o.expansion);
      o.onProgress?.(`expanded ${texts.length} documents from their ${o.expansion.neighbours} nearest LSA neighbours`);
    }
    const docs: IndexDoc[] = set.corpus.map((d, i) => ({
      id: i + 1, arxivId: d.id, title: d.title, abstract: d.text, authors: [], categories: [],
      publishedAt: d.published ?? null, dailyDate: d.published ?? null, upvotes: d.upvotes ?? 0, seq: i + 1, expansion: expansion?.[i]!.join(' '),
    }));
    // The corpus as a change feed: the product's own service indexes, embeds and answers.
    const feed: ChangeFeed = { since: async (seq, limit) => docs.slice(seq, seq + limit), head: async () => docs.length };
    const semantic = o.modes.some((m) => m !== 'keyword');
    const embedder = createEmbedderProvider({ embedder: semantic ? o.embedder ?? 'builtin' : 'none' }, { dir: tmp, ...(o.lsaDim ? { lsa: { dim: o.lsaDim } } : {}), minDocs: 1 });
    service = createSearchService({ dir: tmp, feed, embedder, weights: o.weights, prf: o.prf, prior: o.prior, hybridWeight: o.hybridWeight, hybridFusion: o.hybridFusion });
    await service.syncOnce();
    o.onProgress?.(`indexed ${docs.length} documents in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (semantic) {
      const t0 = performance.now();
      await service.settled();
      await service.syncOnce();
      const s = await service.status();
      if (s.vectors === 0) throw new AppError('EMBEDDER_FAILED', `no document could be embedded: the embedder is ${s.embedderState}`);
      o.onProgress?.(`embedded ${s.vectors} documents with ${s.embedder} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const name = path.basename(path.resolve(o.dir));
    /** Every judged query through `rank` (its words, top 100), averaged. */
    const score = async (mode: EvalResult['mode'], rank: (q: string) => Promise<string[]>): Promise<EvalResult> => {
      const sums = { ndcg: 0, recall: 0, mrr: 0 };
      const times: number[] = [];
      let n = 0;
      for (const [qid, rel] of set.qrels) {
        const text = set.queries.get(qid);
        if (text === undefined) continue;
        // A claim or question is text, not query syntax: its words, nothing else.
        const q = words(text).slice(0, 64).join(' ');
        const t0 = performance.now();
        const ranked = await rank(q);
        times.push(performance.now() - t0);
        sums.ndcg += ndcgAt(ranked, rel, 10);
        sums.recall += recallAt(ranked, rel, 100);
        sums.mrr += mrrAt(ranked, rel, 10);
        n++;
      }
      if (n === 0) throw new AppError('INGEST_BAD_FILE', `no query in queries.jsonl has judgements in qrels/${o.split}.tsv`);
      return {
        set: name, mode, split: o.split, queries: n,
        'ndcg@10': round(sums.ndcg / n), 'recall@100': round(sums.recall / n), 'mrr@10': round(sums.mrr / n),
        p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)),
      };
    };
    const results: EvalResult[] = [];
    if (o.baseline) {
      const plain = createPlainBm25(set.corpus.map((d) => ({ id: d.id, text: `${d.title} ${d.text}` })));
      results.push(await score(BASELINE, async (q) => plain.search(q, 100)));
    }
    for (const mode of o.modes) {
      const s = service;
      results.push(await score(mode, async (q) => (await s.search({ q, mode, limit: 100 })).hits.map((h) => h.arxivId)));
    }
    return results;
  } finally {
    service?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
