/**
 * The JSON of a search, as `/api/search` answers it and `paperboy search --json` prints it: one
 * builder, so the two never drift apart.
 */
import type { PaperSearchResult } from '../catalog/paper-search.ts';
import { stripMarks } from '../search/index.ts';
import { hfDailyEntryJson } from './hf-json.ts';
import { marked } from './views/search.ts';

/**
 * @example searchJson(await findPapers(db, search, { q: 'graph' }), 'https://papers.example.org').hits[0].paper.id
 */
export function searchJson(res: PaperSearchResult, baseUrl: string) {
  return {
    // `total` counts matches only when total_kind is 'all' or 'every-word' (docs/search-quality.md, "Counts and pages").
    total: res.total,
    total_kind: res.count,
    has_more: res.more,
    notes: res.notes,
    took_ms: Math.round(res.tookMs * 100) / 100,
    mode: res.mode,
    query: res.query,
    hits: res.results.map(({ paper, hit }) => ({
      score: hit.score,
      highlight: { title: marked(hit.titleMarked).value, abstract: marked(hit.snippetMarked).value },
      paper: { ...hfDailyEntryJson(paper, baseUrl).paper, title: stripMarks(hit.titleMarked) || paper.title },
    })),
  };
}
