/**
 * A member's public page: name, initials avatar, bio, links, and what they did here (upvoted papers,
 * comments). A remote avatar image is not shown: it would be a tracking pixel for every visitor and
 * would need the CSP's img-src opened to any host; the URL stays in the profile's JSON.
 */
import type { Paper } from '../../catalog/paper.ts';
import type { PublicProfile } from '../../community/users.service.ts';
import { html, raw, safeUrl, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import type { Viewer } from './viewer.ts';
import type { CollectionSummary } from '../../community/collections.service.ts';
import { profileCollections } from './collections.ts';

export interface ProfileInput {
  profile: PublicProfile;
  upvoted: Paper[];
  comments: Array<{ id: number; html: string; createdAt: string; arxivId: string; title: string }>;
  submitted: Array<{ arxivId: string; title: string; day: string }>;
  viewer: Viewer | undefined;
  /** Sections other areas add after the submitted papers (claimed papers, views/claims.ts). */
  extra?: Html;
  /** The member's public collections. */
  collections?: CollectionSummary[];
}

/** Two initials and one of eight colour classes picked from the handle (no style attribute). */
export function avatar(name: string, handle: string): Html {
  const initials = name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]!.toUpperCase()).join('') || handle[0]!.toUpperCase();
  let h = 0;
  for (const ch of handle) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return html`<span class="avatar avatar-${h % 8}" aria-hidden="true">${initials}</span>`;
}

export function profilePage(i: ProfileInput): Html {
  const p = i.profile;
  const links = p.links.map((l) => safeUrl(l)).filter((l): l is string => l !== null);
  const body = html`<section class="profile">
<header class="profile-head">${avatar(p.name, p.handle)}<div><h1>${p.name}</h1><p class="muted">@${p.handle}${p.role !== 'user' ? html` · <span class="chip">${p.role}</span>` : ''} · member since ${humanDate(p.createdAt)}${p.banned ? ' · banned' : ''}</p></div></header>
${p.bio ? html`<p class="bio">${p.bio}</p>` : ''}
${links.length ? html`<ul class="links">${links.map((l) => html`<li><a href="${l}" rel="nofollow ugc noopener">${l}</a></li>`)}</ul>` : ''}
<h2>Upvoted papers</h2>
${i.upvoted.length ? html`<div class="cards">${i.upvoted.map((paper) => paperCard(paper, { viewer: i.viewer }))}</div>` : html`<p class="muted">None yet.</p>`}
<h2>Submitted papers</h2>
${i.submitted.length ? html`<ul class="submitted">${i.submitted.map((s) => html`<li><a href="/papers/${s.arxivId}">${s.title}</a> <span class="muted">${humanDate(s.day)}</span></li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
${i.extra}
${profileCollections(i.collections ?? [])}
<h2>Comments</h2>
${i.comments.length
  ? html`<div class="thread">${i.comments.map((c) => html`<article class="comment"><header>on <a href="/papers/${c.arxivId}#c${c.id}">${c.title}</a> · ${humanDate(c.createdAt)}</header><div class="comment-body">${raw(c.html)}</div></article>`)}</div>`
  : html`<p class="muted">None yet.</p>`}
</section>`;
  return layout({ title: `${p.name} (@${p.handle})`, body, viewer: i.viewer });
}
