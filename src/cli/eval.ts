import { AppError } from '../errors.ts';
import { DEFAULT_MODE, runEval, type SearchMode } from '../search/index.ts';
import type { Command } from './command.ts';

const MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];

export const evalCmd: Command = {
  name: 'eval',
  summary: 'measure search quality and speed on a BEIR data set',
  usage: 'paperboy eval --beir DIR [--split train|test] [--mode keyword|semantic|hybrid]… [--embedder builtin|onnx:<model>|openai:<url>] [--json]',
  options: { beir: { type: 'string' }, split: { type: 'string' }, mode: { type: 'string', multiple: true }, embedder: { type: 'string' } },
  async run({ values, out }) {
    const dir = values.beir as string | undefined;
    if (!dir) throw new AppError('USAGE', 'eval needs --beir DIR (a folder with corpus.jsonl, queries.jsonl and qrels/)');
    const modes = ((values.mode as string[] | undefined) ?? [DEFAULT_MODE]).map((m) => {
      if (!MODES.includes(m as SearchMode)) throw new AppError('USAGE', `--mode must be keyword, semantic or hybrid (got ${JSON.stringify(m)})`);
      return m as SearchMode;
    });
    const results = await runEval({ dir, split: (values.split as string | undefined) ?? 'test', modes, embedder: values.embedder as string | undefined, onProgress: out.info });
    if (out.json) {
      // Exactly one JSON object per mode, one per line.
      for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    for (const r of results) {
      out.data(r, () =>
        `${r.mode.padEnd(8)} ${r.split}: ${r.queries} queries  nDCG@10 ${r['ndcg@10'].toFixed(4)}  Recall@100 ${r['recall@100'].toFixed(4)}  MRR@10 ${r['mrr@10'].toFixed(4)}  p50 ${r.p50_ms.toFixed(2)} ms  p95 ${r.p95_ms.toFixed(2)} ms`,
      );
    }
  },
};
