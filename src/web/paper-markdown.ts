/**
 * A paper as Markdown: what `GET /papers/{id}.md` (and `Accept: text/markdown` on the paper page)
 * answers, for huggingface_hub's `read_paper` and `hf papers read`. Hugging Face renders the arXiv HTML
 * full text when there is one and the paper page otherwise; Paperboy has no full text, so this is the
 * paper page: title, authors, dates, counts, links, abstract, AI summary and keywords.
 *
 * Source text is plain text, so Markdown's own characters are escaped (a title with `<think>` stays a
 * word, a line of an abstract starting with `1.` stays prose) — except inside `$…$`, which Markdown
 * renderers with math support read as TeX.
 */
import { displayText, type Paper } from '../catalog/paper.ts';

const INLINE = /[\\`*_[\]<>|~]/g;
const LINE_START = /^(\s*)([#>+\-=]|\d+[.)])/;

/** Escape text for Markdown outside math spans. */
export function escapeMarkdown(s: string): string {
  return s
    .split('\n')
    .map((line) =>
      line
        .split(/(\$[^$\n]+\$)/)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(INLINE, '\\$&')))
        .join('')
        .replace(LINE_START, '$1\\$2'),
    )
    .join('\n');
}

const day = (s: string | null) => (s ? s.slice(0, 10) : null);
const link = (label: string, url: string | null) => (url && /^https?:\/\//.test(url) ? `[${label}](<${url.replace(/[<>]/g, encodeURIComponent)}>)` : null);
const joined = (parts: (string | null | false)[], sep = ' · ') => parts.filter(Boolean).join(sep);

/**
 * The Markdown of one paper.
 * @example paperMarkdown(paper, 'https://papers.example.org').startsWith('# ')
 */
export function paperMarkdown(p: Paper, baseUrl: string): string {
  const out: string[] = [`# ${escapeMarkdown(displayText(p.title))}`, ''];
  const authors = p.authorInfo.filter((a) => !a.hidden).map((a) => escapeMarkdown(a.name));
  if (authors.length) out.push(`**Authors:** ${authors.join(', ')}`, '');
  const by = p.submittedBy ? escapeMarkdown(p.submittedBy.fullname ?? p.submittedBy.user) : null;
  const dates = joined([
    day(p.publishedAt) && `**Published:** ${day(p.publishedAt)}`,
    p.dailyDate && `**Submitted to the daily papers:** ${p.dailyDate}${by ? ` by ${by}` : ''}`,
    p.organization && `**Organization:** ${escapeMarkdown(p.organization.fullname ?? p.organization.name)}`,
  ]);
  if (dates) out.push(dates, '');
  out.push(
    joined([
      `**Upvotes:** ${p.upvotes}`,
      `**Comments:** ${p.numComments}`,
      p.githubStars != null && `**GitHub stars:** ${p.githubStars}`,
    ]),
    '',
  );
  out.push(
    `**Links:** ${joined([
      link('arXiv', p.absUrl),
      link('PDF', p.pdfUrl),
      link('Code', p.githubRepo),
      link('Project page', p.projectPage),
      link('Paper page', `${baseUrl}/papers/${p.arxivId}`),
    ])}`,
    '',
  );
  if (p.categories.length) out.push(`**Categories:** ${p.categories.join(', ')}`, '');
  if (p.comment) out.push(`**Comment:** ${escapeMarkdown(p.comment)}`, '');
  if (p.journalRef) out.push(`**Journal reference:** ${escapeMarkdown(p.journalRef)}`, '');
  if (p.doi) out.push(`**DOI:** ${link(p.doi, `https://doi.org/${p.doi}`) ?? escapeMarkdown(p.doi)}`, '');
  out.push('## Abstract', '', p.abstract ? escapeMarkdown(p.abstract) : '_No abstract is known for this paper._', '');
  if (p.aiSummary) out.push('## AI summary', '', escapeMarkdown(p.aiSummary), '');
  if (p.aiKeywords.length) out.push('## Keywords', '', p.aiKeywords.map(escapeMarkdown).join(', '), '');
  return `${out.join('\n').trimEnd()}\n`;
}
