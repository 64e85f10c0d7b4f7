/**
 * What every citation format says about a paper: its date and where it appeared.
 */
import type { Paper } from './paper.ts';

export interface CitationFacts {
  year: number | null;
  month: number | null;
  day: number | null;
  /** Where it appeared: the journal reference, else "arXiv preprint arXiv:ID" (as Google Scholar writes it). */
  venue: string;
  /** True when the venue is a journal reference rather than arXiv itself. */
  published: boolean;
}

/** The date (first version's publication day) and venue of a paper. */
export function citationFacts(p: Paper): CitationFacts {
  const date = p.publishedAt ? /^(\d{4})-(\d{2})-(\d{2})/.exec(p.publishedAt) : null;
  return {
    year: date ? Number(date[1]) : null,
    month: date ? Number(date[2]) : null,
    day: date ? Number(date[3]) : null,
    venue: p.journalRef ?? `arXiv preprint arXiv:${p.arxivId}`,
    published: p.journalRef !== null,
  };
}
