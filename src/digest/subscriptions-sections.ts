/**
 * What goes in one subscriber's digest: a section per switched-on kind, each paper with why it is
 * there, none already sent to this subscriber and none twice in one digest.
 *
 * Every section but trending runs through the product's search (the catalog's search, which is
 * src/search behind src/search/index.ts), so "new papers matching …" finds exactly what the search
 * page finds for the same words: a saved search `q` becomes `q after:DAY`, a followed author
 * `author:"Name" after:DAY`, a followed category `cat:cs.CL after:DAY`. DAY is two days before the
 * period's start (arXiv's publication date can precede the day a paper reaches the catalog); the
 * sent-papers table, not the date, is what keeps a paper from coming twice.
 */
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { Paper } from '../catalog/paper.ts';
import { explainTrending } from '../catalog/trending.ts';
import { createSectionMemo, queryKey } from './section-memo.ts';
import type { DigestItem, DigestRecipient, DigestSection, PicksProvider, SectionKind, SectionMemo } from './types.ts';

const MS_DAY = 86_400_000;

export interface SectionDeps {
  catalog: CatalogService;
  baseUrl: string;
  size: number;
  /** Which of these papers the subscriber already got. */
  alreadySent: (subscriberId: number, arxivIds: readonly string[]) => Promise<Set<string>>;
  picks: PicksProvider;
}

interface Candidate {
  paper: Paper;
  why: string;
}

function quoteAuthor(name: string): string {
  return `author:"${name.replace(/"/g, ' ')}"`;
}

/**
 * The sections of a recipient's digest (empty sections left out). Searches and the trending ranking
 * go through `memo`: a build passes one memo for all its recipients (section-memo.ts).
 */
export async function buildSections(d: SectionDeps, r: DigestRecipient, memo: SectionMemo = createSectionMemo()): Promise<DigestSection[]> {
  const sub = r.subscriber;
  const on = new Set<SectionKind>(sub.sections);
  const afterDay = new Date(Date.parse(r.since) - 2 * MS_DAY).toISOString().slice(0, 10);
  const search = (q: string): Promise<Paper[]> =>
    memo.get(`search\u0000${queryKey(q)}\u0000${afterDay}\u0000${d.size}`, async () => {
      try {
        const res = await d.catalog.search({ q: `${queryKey(q)} after:${afterDay}`, limit: d.size * 3, bare: true });
        return res.results.map((h) => h.paper);
      } catch {
        // A saved search that no longer parses (it was valid when saved) yields nothing rather than no digest.
        return [];
      }
    });

  const planned: Array<{ kind: SectionKind; title: string; query?: string; candidates: Candidate[] }> = [];
  if (on.has('trending')) {
    const today = r.dueAt.slice(0, 10);
    const candidates = await memo.get(`trending\u0000${today}\u0000${d.size}`, async () => {
      const { ranked } = await d.catalog.trending({ today });
      return ranked.slice(0, d.size * 5).map((t): Candidate => ({ paper: t.paper, why: `Trending: ${explainTrending(t.parts)}` }));
    });
    planned.push({ kind: 'trending', title: 'Trending papers', candidates });
  }
  if (on.has('search')) {
    for (const q of sub.searches) {
      planned.push({ kind: 'search', title: `New papers matching "${q}"`, query: q, candidates: (await search(q)).map((paper) => ({ paper, why: `Matches your search "${q}"` })) });
    }
  }
  if (on.has('authors') && sub.authors.length) {
    const candidates: Candidate[] = [];
    for (const name of sub.authors) candidates.push(...(await search(`${quoteAuthor(name)} sort:date`)).map((paper) => ({ paper, why: `New paper by ${name}, whom you follow` })));
    planned.push({ kind: 'authors', title: 'New from authors you follow', candidates });
  }
  if (on.has('categories') && sub.categories.length) {
    const candidates: Candidate[] = [];
    for (const cat of sub.categories) candidates.push(...(await search(`cat:${cat} sort:upvotes`)).map((paper) => ({ paper, why: `New in ${cat}, which you follow` })));
    planned.push({ kind: 'categories', title: 'New in categories you follow', candidates });
  }
  if (on.has('picks')) {
    const picks = await d.picks(sub, d.size);
    planned.push({ kind: 'picks', title: 'Picked for you', candidates: picks.map((paper) => ({ paper, why: 'Picked for you from papers you liked' })) });
  }

  const all = [...new Set(planned.flatMap((p) => p.candidates.map((c) => c.paper.arxivId)))];
  const used = await d.alreadySent(sub.id, all);
  const sections: DigestSection[] = [];
  for (const p of planned) {
    const items: DigestItem[] = [];
    for (const c of p.candidates) {
      if (items.length >= d.size) break;
      if (used.has(c.paper.arxivId)) continue;
      used.add(c.paper.arxivId);
      items.push({ paper: c.paper, why: c.why, url: `${d.baseUrl}/papers/${c.paper.arxivId}` });
    }
    if (items.length) sections.push({ kind: p.kind, title: p.title, ...(p.query !== undefined ? { query: p.query } : {}), items });
  }
  return sections;
}
