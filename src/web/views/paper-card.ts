/**
 * A paper as a card in a list: thumbnail, title, authors, an abstract excerpt (or a highlighted snippet),
 * date, organisation, GitHub stars, categories, comments and upvotes — the unit of every list page.
 *
 * Thumbnails and avatars are remote images on Hugging Face's hosts (remote-images.ts). They load lazily over a placeholder
 * drawn in CSS; one that cannot be fetched (an offline laptop) is hidden by public/paperboy.js and
 * leaves the placeholder, and with `alt=""` a failed image draws nothing even without the script.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, safeUrl, type Html } from '../html.ts';
import { voteButton } from './vote-button.ts';
import { collectButton } from './collect-button.ts';
import type { Viewer } from './viewer.ts';
import { excerpt, humanDate } from './format.ts';
import { authorLinks } from './authors.ts';
import { categoryChip } from './category-chip.ts';
import { remoteImageUrl } from '../remote-images.ts';

export interface CardOptions {
  /** Position in a ranked list (1-based), shown as a rank badge. */
  rank?: number;
  /** A pre-escaped, highlighted snippet that replaces the abstract excerpt (search results). */
  snippet?: Html;
  /** Why this paper is here (search explanation, trending score). */
  note?: string;
  /** A pre-escaped, highlighted title that replaces the plain one (search results). */
  titleHtml?: Html;
  /** The signed-in user (their vote state and a working upvote form); absent on anonymous pages. */
  viewer?: Viewer | undefined;
}

/** A person or organisation as the catalog describes one (Hugging Face's public fields). */
interface Profile {
  name?: string;
  user?: string;
  fullname?: string | null;
  avatarUrl?: string | null;
}

/** What Hugging Face's data adds to a paper, read when the catalog has it. */
export interface CardFacts {
  thumbnail?: string | null;
  githubStars?: number | null;
  organization?: Profile | null;
  submittedBy?: Profile | string | null;
}

/** 1234 → "1.2k", 56 → "56". */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  const k = n / 1000;
  return `${k < 10 ? k.toFixed(1).replace(/\.0$/, '') : Math.round(k)}k`;
}

function avatar(url: string | null | undefined): Html | '' {
  const src = remoteImageUrl(url);
  return src ? html`<img class="avatar" src="${src}" alt="" loading="lazy" decoding="async" width="16" height="16">` : '';
}

/** The organisation chip: its avatar and display name. */
export function organizationChip(org: Profile | null | undefined): Html | '' {
  const name = org?.fullname || org?.name;
  return name ? html`<span class="org">${avatar(org?.avatarUrl)}${name}</span>` : '';
}

/** "Submitted by <avatar> Full Name" for a submitter known by profile or only by user name. */
export function submitterNote(s: Profile | string | null | undefined): Html | '' {
  if (!s) return '';
  const profile: Profile = typeof s === 'string' ? { user: s } : s;
  const name = profile.fullname || profile.user || profile.name;
  return name ? html`<span class="submitter">Submitted by ${avatar(profile.avatarUrl)}${name}</span>` : '';
}

function thumbnail(p: Paper & CardFacts, href: string): Html | '' {
  const src = remoteImageUrl(p.thumbnail);
  if (!src) return '';
  // The link repeats the title's, so it is hidden from assistive technology and the tab order.
  return html`<a class="thumb" href="${href}" tabindex="-1" aria-hidden="true"><span class="thumb-id">arXiv:${p.arxivId}</span><img src="${src}" alt="" data-placeholder="arXiv:${p.arxivId}" loading="lazy" decoding="async" width="240" height="126"></a>`;
}

export function paperCard(paper: Paper, o: CardOptions = {}): Html {
  const p = paper as Paper & CardFacts;
  const href = `/papers/${p.arxivId}`;
  const code = safeUrl(p.githubRepo);
  const thumb = thumbnail(p, href);
  return html`<article class="card${thumb ? ' has-thumb' : ''}" data-id="${p.arxivId}">
  ${voteButton(p, o.viewer)}
  <div class="body">
    <h3 class="title">${o.rank ? html`<span class="rank">${o.rank}</span>` : ''}<a href="${href}">${o.titleHtml ?? p.title}</a></h3>
    <p class="authors">${authorLinks(p.authors, 3)}</p>
    <p class="abstract">${o.snippet ?? excerpt(p.abstract, 300)}</p>
    <p class="meta">
      ${p.dailyDate ? html`<a class="date" href="/papers?date=${p.dailyDate}">${humanDate(p.dailyDate)}</a>` : html`<span class="date">${humanDate(p.publishedAt)}</span>`}
      ${organizationChip(p.organization)}
      ${p.categories.slice(0, 3).map((c) => html` ${categoryChip(c)}`)}
      ${code ? html` <a class="chip code" href="${code}" rel="noopener"${p.githubStars ? html` title="${p.githubStars} GitHub stars"` : ''}>code${p.githubStars ? html` <span class="stars">★ ${compactCount(p.githubStars)}</span>` : ''}</a>` : ''}
      ${p.numComments ? html` <a class="comments" href="${href}">${p.numComments} comment${p.numComments === 1 ? '' : 's'}</a>` : ''}
      ${submitterNote(p.submittedBy)}
      ${o.note ? html` <span class="note">${o.note}</span>` : ''}
    </p>
    ${collectButton(p, o.viewer)}
  </div>
  ${thumb}
</article>`;
}
