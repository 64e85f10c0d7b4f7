/**
 * Citations of papers as BibTeX and RIS, through citation-js (core + bibtex + ris plugins, ~1 MB,
 * no network use): we map a paper to CSL-JSON once and let the library do the escaping rules of each
 * format (LaTeX specials in BibTeX, line structure in RIS) rather than hand-building strings.
 */
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import { parse as parseName } from '@citation-js/name';
import type { Paper } from './paper.ts';

export type CitationFormat = 'bibtex' | 'ris';

export const CITATION_TYPES: Record<CitationFormat, { contentType: string; ext: string }> = {
  bibtex: { contentType: 'application/x-bibtex; charset=utf-8', ext: 'bib' },
  ris: { contentType: 'application/x-research-info-systems; charset=utf-8', ext: 'ris' },
};

/** The CSL-JSON item for a paper: an arXiv preprint, or a journal article when a journal reference is known. */
export function toCsl(p: Paper, format: CitationFormat = 'bibtex'): Record<string, unknown> {
  const date = p.publishedAt ? /^(\d{4})-(\d{2})-(\d{2})/.exec(p.publishedAt) : null;
  const eprint = `arXiv:${p.arxivId}${p.primaryCategory ? ` [${p.primaryCategory}]` : ''}`;
  return {
    id: p.arxivId,
    type: p.journalRef ? 'article-journal' : 'article',
    title: p.title,
    author: p.authors.map((n) => authorName(n, format)),
    ...(date ? { issued: { 'date-parts': [[Number(date[1]), Number(date[2]), Number(date[3])]] } } : {}),
    'container-title': p.journalRef ?? `arXiv preprint arXiv:${p.arxivId}`,
    publisher: 'arXiv',
    number: p.arxivId,
    ...(p.doi ? { DOI: p.doi } : {}),
    URL: p.absUrl,
    abstract: p.abstract || undefined,
    keyword: p.categories.join(','),
    note: eprint,
  };
}

const GROUP_AUTHOR = /\b(collaboration|consortium|team|group|project|initiative|committee|laborator(y|ies)|institute)\b/i;

/** A CSL name; RIS has no particle field and citation-js drops it there, so RIS keeps it in the family name. */
function authorName(name: string, format: CitationFormat): Record<string, string | undefined> {
  // Group authors ("The ATLAS Collaboration") are not Given Family: keep them whole.
  if (GROUP_AUTHOR.test(name)) return { literal: name };
  const n = parseName(name);
  const particle = n['non-dropping-particle'];
  if (format === 'ris' && particle && n.family) return { given: n.given, family: `${particle} ${n.family}`, suffix: n.suffix };
  return n;
}

/**
 * Format papers as one BibTeX or RIS document (one entry per paper, in order).
 * @example formatCitations([paper], 'bibtex') // '@article{Vaswani2017Attention, …}'
 */
export function formatCitations(papers: Paper[], format: CitationFormat): string {
  if (papers.length === 0) return '';
  return new Cite(papers.map((p) => toCsl(p, format))).format(format, { format: 'text' });
}
