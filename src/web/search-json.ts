/**
 * The JSON of a search, as `/api/search` answers it and `paperboy search --json` prints it: one
 * builder, so the two never drift apart.
 */
import { createHash } from 'node:crypto';
import type { PaperSearchResult } from '../catalog/paper-search.ts';
import { stripMarks } from '../search/index.ts';
import { hfPaperJson } from './hf-json.ts';
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
    hits: res.results.map(({ paper, hit }) => {
      // The paper object alone (a daily entry's list-level fields would be built and dropped), its title
      // replaced in place (same key order as a copy with the title overridden).
      const json = hfPaperJson(paper, baseUrl);
      json.title = stripMarks(hit.titleMarked) || paper.title;
      return { score: hit.score, highlight: { title: marked(hit.titleMarked).value, abstract: marked(hit.snippetMarked).value }, paper: json };
    }),
  };
}

/**
 * A weak ETag for the JSON of a search: the search state the answer came from, the request, and each
 * paper it shows at its change sequence (the catalog's notion of "this paper changed", as the seq caches
 * use it). Every response's `took_ms` differs, so the hash of the body that @fastify/etag took gave each
 * response its own tag (a conditional request never matched) and cost a SHA-1 over ~28 kB per response:
 * 4.1% of the HTTP thread in a bench:http profile (80k papers, 2 query threads). Equal tags mean equal
 * answers but for `took_ms`: weak, as HTTP says for semantically equivalent bodies.
 */
export function searchEtag(res: PaperSearchResult, url: string): string {
  const papers = res.results.map(({ paper }) => `${paper.arxivId}:${paper.seq}`).join(' ');
  return `W/"${createHash('sha1').update(`${res.state}\n${url}\n${papers}`).digest('base64url')}"`;
}
