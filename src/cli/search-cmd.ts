import { createApp } from '../app.ts';
import { AppError } from '../errors.ts';
import { stripMarks, type SearchMode, type SortOrder } from '../search/index.ts';
import { searchJson } from '../web/search-json.ts';
import { countText } from '../web/views/search-count.ts';
import type { Command } from './command.ts';

const SORTS: SortOrder[] = ['relevance', 'date', 'upvotes'];
const MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];

export const searchCmd: Command = {
  name: 'search',
  summary: 'search the catalog from the terminal',
  usage: 'paperboy search "query" [--limit N] [--sort relevance|date|upvotes] [--mode keyword|semantic|hybrid] [--json]',
  options: { limit: { type: 'string' }, sort: { type: 'string' }, mode: { type: 'string' } },
  async run({ positionals, values, out, config }) {
    const q = positionals.join(' ').trim();
    if (!q) throw new AppError('USAGE', 'search needs a query, e.g. paperboy search "graph neural networks"');
    const limit = Number(values.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AppError('USAGE', '--limit must be a whole number from 1 to 1000');
    const sort = values.sort as SortOrder | undefined;
    if (sort !== undefined && !SORTS.includes(sort)) throw new AppError('USAGE', `--sort must be ${SORTS.join(', ')} (got ${JSON.stringify(sort)})`);
    const mode = values.mode as SearchMode | undefined;
    if (mode !== undefined && !MODES.includes(mode)) throw new AppError('USAGE', `--mode must be ${MODES.join(', ')} (got ${JSON.stringify(mode)})`);
    const app = await createApp(config);
    try {
      // The CLI has no follower running: catch the index up first so results are current.
      await app.search.syncOnce();
      if (mode === 'semantic' || mode === 'hybrid') {
        // Meaning needs the embedder: wait for a (first) training and embed what is new.
        await app.search.settled();
        await app.search.syncOnce();
      }
      const res = await app.catalog.search({ q, limit, sort, mode });
      // --json is exactly what GET /api/search answers (same builder), so scripts can use either.
      out.data(searchJson(res, config.baseUrl), () =>
        [
          `${countText(res)} (${res.tookMs.toFixed(1)} ms, ${res.mode})`,
          ...res.notes,
          ...res.results.map(({ paper, hit }, i) => `${String(i + 1).padStart(3)}. ${paper.arxivId.padEnd(16)} ${stripMarks(hit.titleMarked) || paper.title}`),
        ].join('\n'),
      );
    } finally {
      await app.close();
    }
  },
};
