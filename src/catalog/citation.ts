/**
 * Citations of papers as BibTeX and RIS, written by our own small formatters (bibtex.ts, ris.ts) and
 * checked against the parsers reference managers use (Debian's python3-bibtexparser and bibutils, in
 * test/integration/citation-clients.test.ts). citation-js, used before, dropped surnames it took for
 * particles ("Do", "Le"), hard-wrapped RIS mid-word, wrote `month = {jan 4}` and `publisher` on articles,
 * and escaped TeX math into `\textdollar{}…`; its output is most of what these formats are, so we write
 * them ourselves. citation-facts.ts holds what both formats say about a paper.
 */
import { formatBibtex } from './bibtex.ts';
import type { Paper } from './paper.ts';
import { formatRis } from './ris.ts';

export type CitationFormat = 'bibtex' | 'ris';

export const CITATION_TYPES: Record<CitationFormat, { contentType: string; ext: string }> = {
  bibtex: { contentType: 'application/x-bibtex; charset=utf-8', ext: 'bib' },
  ris: { contentType: 'application/x-research-info-systems; charset=utf-8', ext: 'ris' },
};

/**
 * Format papers as one BibTeX or RIS document (one entry per paper, in order).
 * @example formatCitations([paper], 'bibtex') // '@article{Vaswani2017Attention,\n  title = {Attention Is All You Need}, …'
 */
export function formatCitations(papers: Paper[], format: CitationFormat): string {
  return format === 'bibtex' ? formatBibtex(papers) : formatRis(papers);
}
