import { createApp } from '../app.ts';
import { findPapers } from '../catalog/paper-search.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { stripMarks, type SearchMode, type SortOrder } from '../search/index.ts';
import type { Command } from './command.ts';

export const searchCmd: Command = {
  name: 'search',
  summary: 'search the catalog from the terminal',
  usage: 'paperboy search "query" [--limit N] [--sort relevance|date|upvotes] [--mode keyword|semantic|hybrid] [--json]',
  options: { limit: { type: 'string' }, sort: { type: 'string' }, mode: { type: 'string' } },
  async run({ positionals, values, env, out }) {
    const q = positionals.join(' ').trim();
    if (!q) throw new AppError('USAGE', 'search needs a query, e.g. paperboy search "graph neural networks"');
    const limit = Number(values.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AppError('USAGE', '--limit must be a whole number from 1 to 1000');
    const app = await createApp(loadConfig(env));
    try {
      // The CLI has no follower running: catch the index up first so results are current.
      await app.search.syncOnce();
      if (values.mode === 'semantic' || values.mode === 'hybrid') {
        // Meaning needs the embedder: wait for a (first) training and embed what is new.
        await app.search.settled();
        await app.search.syncOnce();
      }
      const res = await findPapers(app.store.db, app.search, {
        q,
        limit,
        sort: values.sort as SortOrder | undefined,
        mode: values.mode as SearchMode | undefined,
      });
      const rows = res.results.map(({ paper, hit }) => ({ id: paper.arxivId, title: paper.title, score: hit.score, upvotes: paper.upvotes, published: paper.publishedAt, snippet: stripMarks(hit.snippetMarked) }));
      out.data({ total: res.total, tookMs: res.tookMs, mode: res.mode, results: rows }, () =>
        [
          `${res.total} results (${res.tookMs.toFixed(1)} ms, ${res.mode})`,
          ...rows.map((r, i) => `${String(i + 1).padStart(3)}. ${r.id.padEnd(16)} ${r.title}`),
        ].join('\n'),
      );
    } finally {
      await app.close();
    }
  },
};
