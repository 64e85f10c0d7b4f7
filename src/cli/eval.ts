import path from 'node:path';
import { AppError } from '../errors.ts';
import { DEFAULT_MODE, defaultSplit, runEval, SEARCH_MODES, type EvalResult, type SearchMode } from '../search/index.ts';
import type { Command } from './command.ts';

export const evalCmd: Command = {
  name: 'eval',
  summary: 'measure search quality and speed on BEIR data sets, beside plain BM25',
  usage:
    'paperboy eval --beir DIR [--beir DIR…] [--split train|dev|test] [--mode keyword|semantic|hybrid]… [--embedder builtin|onnx:<model>|openai:<url>] [--json]',
  options: { beir: { type: 'string', multiple: true }, split: { type: 'string' }, mode: { type: 'string', multiple: true }, embedder: { type: 'string' } },
  async run({ values, out }) {
    const dirs = (values.beir as string[] | undefined) ?? [];
    if (dirs.length === 0) throw new AppError('USAGE', 'eval needs --beir DIR (a folder with corpus.jsonl, queries.jsonl and qrels/)');
    const modes = ((values.mode as string[] | undefined) ?? [DEFAULT_MODE]).map((m) => {
      if (!SEARCH_MODES.includes(m as SearchMode)) throw new AppError('USAGE', `--mode must be one of ${SEARCH_MODES.join(', ')} (got ${JSON.stringify(m)})`);
      return m as SearchMode;
    });
    const print = (r: EvalResult) =>
      out.data(r, () =>
        `${r.set.padEnd(22)} ${r.mode.padEnd(10)} ${r.split}: ${r.queries} queries  nDCG@10 ${r['ndcg@10'].toFixed(4)}  Recall@100 ${r['recall@100'].toFixed(4)}  MRR@10 ${r['mrr@10'].toFixed(4)}  p50 ${r.p50_ms.toFixed(2)} ms  p95 ${r.p95_ms.toFixed(2)} ms`,
      );
    for (const dir of dirs) {
      // A folder judging one split (SciFact: train; the known-item sets: dev) needs no --split.
      const split = (values.split as string | undefined) ?? defaultSplit(dir) ?? 'test';
      out.info(`${path.basename(path.resolve(dir))} (${split}):`);
      // One JSON object per set and mode, one per line; plain BM25 first (the yardstick).
      for (const r of await runEval({ dir, split, modes, baseline: true, embedder: values.embedder as string | undefined, onProgress: out.info })) print(r);
    }
  },
};
