/**
 * The paper page: everything the catalog knows about one paper, with links out.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, safeUrl, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { authorLinks } from './authors.ts';
import { categoryChip } from './category-chip.ts';
import { keywordSearchHref } from './search-links.ts';
import { layout } from './layout.ts';
import { voteButton } from './vote-button.ts';
import { paperAuthorsNote } from './claims.ts';
import { collectButton } from './collect-button.ts';
import type { Viewer } from './viewer.ts';

export function paperPage(p: Paper, extra: { head?: Html; below?: Html; viewer?: Viewer | undefined } = {}): Html {
  const code = safeUrl(p.githubRepo);
  const project = safeUrl(p.projectPage);
  const body = html`<article class="paper">
  <p class="crumbs">${p.dailyDate ? html`<a href="/papers?date=${p.dailyDate}">Daily papers, ${humanDate(p.dailyDate)}</a>` : html`<a href="/">Daily papers</a>`} › arXiv:${p.arxivId}</p>
  <h1>${p.title}</h1>
  <p class="authors">${authorLinks(p.authors)}</p>
  ${paperAuthorsNote(p)}
  <div class="actions">
    ${voteButton(p, extra.viewer, { big: true })}
    ${collectButton(p, extra.viewer, { big: true })}
    <a class="button" href="${p.absUrl}" rel="noopener">arXiv</a>
    <a class="button" href="${p.pdfUrl}" rel="noopener">PDF</a>
    ${code ? html`<a class="button" href="${code}" rel="noopener">Code</a>` : ''}
    ${project ? html`<a class="button" href="${project}" rel="noopener">Project page</a>` : ''}
    <a class="button subtle" href="/api/export?ids=${encodeURIComponent(p.arxivId)}&amp;format=bibtex">BibTeX</a>
    <a class="button subtle" href="/api/export?ids=${encodeURIComponent(p.arxivId)}&amp;format=ris">RIS</a>
  </div>
  <dl class="facts">
    ${p.publishedAt ? html`<dt>Published</dt><dd>${humanDate(p.publishedAt)}</dd>` : ''}
    ${p.updatedAt && p.updatedAt.slice(0, 10) !== p.publishedAt?.slice(0, 10) ? html`<dt>Updated</dt><dd>${humanDate(p.updatedAt)}</dd>` : ''}
    ${p.dailyDate ? html`<dt>On the daily list</dt><dd><a href="/papers?date=${p.dailyDate}">${humanDate(p.dailyDate)}</a></dd>` : ''}
    <dt>Version</dt><dd>v${p.version}</dd>
    ${p.categories.length ? html`<dt>Categories</dt><dd>${p.categories.map((c, i) => html`${categoryChip(c, i === 0)} `)}</dd>` : ''}
    ${p.comment ? html`<dt>Comment</dt><dd>${p.comment}</dd>` : ''}
    ${p.journalRef ? html`<dt>Journal</dt><dd>${p.journalRef}</dd>` : ''}
    ${p.doi ? html`<dt>DOI</dt><dd><a href="https://doi.org/${p.doi}" rel="noopener">${p.doi}</a></dd>` : ''}
    ${p.submittedBy ? html`<dt>Submitted by</dt><dd>${p.submittedBy.fullname ?? p.submittedBy.user}</dd>` : ''}
  </dl>
  <section class="abstract-full"><h2>Abstract</h2><p>${p.abstract || 'No abstract is known for this paper.'}</p></section>
  ${p.aiSummary ? html`<section class="ai"><h2>In short</h2><p>${p.aiSummary}</p></section>` : ''}
  ${p.aiKeywords.length ? html`<section class="keywords"><h2>Keywords</h2><p>${p.aiKeywords.map((k) => html`<a class="chip" href="${keywordSearchHref(k)}">${k}</a> `)}</p></section>` : ''}
  ${extra.below}
</article>`;
  return layout({ title: p.title, head: extra.head, body, viewer: extra.viewer });
}

/** Where similar papers appear: filled by /static/paperboy.js, a plain link without JavaScript. */
export function similarPlaceholder(p: Paper): Html {
  const href = `/similar?id=${encodeURIComponent(p.arxivId)}`;
  return html`<section class="similar" data-similar="${href}&amp;fragment=1"><h2>Similar papers</h2><p><a href="${href}">Find papers like this one →</a></p></section>`;
}

/** The similar papers of one paper as a page of its own. */
export function similarPage(p: Paper, section: Html, viewer?: Viewer): Html {
  return layout({ title: `Papers like ${p.title}`, viewer, body: html`<article class="paper"><p class="crumbs"><a href="/papers/${p.arxivId}">‹ ${p.title}</a></p>${section}</article>` });
}

/** "More like this": papers that share this one's vocabulary, ranked by BM25. */
export function similarSection(papers: Paper[]): Html {
  if (papers.length === 0) return html`<section class="similar"><h2>Similar papers</h2><p class="muted">None found yet.</p></section>`;
  return html`<section class="similar"><h2>Similar papers</h2><ul>${papers.map(
    (p) => html`<li><a href="/papers/${p.arxivId}">${p.title}</a> <span class="muted">${p.authors.slice(0, 2).join(', ')}${p.authors.length > 2 ? ' et al.' : ''}</span></li>`,
  )}</ul></section>`;
}
