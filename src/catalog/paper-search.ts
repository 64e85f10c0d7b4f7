/**
 * Search results as papers: the search index's hits joined with the catalog's rows, in hit order.
 */
import type { Kysely } from 'kysely';
import type { KeywordHit, SearchRequest, SearchResponse, SearchService } from '../search/index.ts';
import type { Database } from '../store/schema.ts';
import type { Paper } from './paper.ts';
import { loadPapers } from './paper-loader.ts';
import { getPaperRows } from './papers.repo.ts';

export interface PaperHit {
  paper: Paper;
  hit: KeywordHit;
}

export interface PaperSearchResult extends Omit<SearchResponse, 'hits'> {
  results: PaperHit[];
}

/**
 * Run a search and load the papers it found. A hit whose paper has vanished from the catalog since
 * the index last synced is dropped rather than shown stale, and so is a paper moderators hid.
 */
export async function findPapers(db: Kysely<Database>, search: SearchService, req: SearchRequest): Promise<PaperSearchResult> {
  const res = await search.search(req);
  const rows = await getPaperRows(db, res.hits.map((h) => h.arxivId));
  const byId = new Map((await loadPapers(db, rows)).map((p) => [p.arxivId, p]));
  const results = res.hits.flatMap((hit) => {
    const paper = byId.get(hit.arxivId);
    return paper && !paper.hiddenAt ? [{ paper, hit }] : [];
  });
  const { hits: _hits, ...answer } = res;
  return { ...answer, results };
}

/** Papers like `paper`, by the words of its title and abstract, loaded from the catalog. */
export async function similarPapers(db: Kysely<Database>, search: SearchService, paper: Paper, limit: number): Promise<Paper[]> {
  const hits = await search.similar(paper.id, limit);
  const rows = await getPaperRows(db, hits.map((h) => h.arxivId));
  const byId = new Map((await loadPapers(db, rows)).map((p) => [p.arxivId, p]));
  return hits.flatMap((h) => {
    const p = byId.get(h.arxivId);
    return p && !p.hiddenAt ? [p] : [];
  });
}
