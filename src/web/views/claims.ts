/**
 * Authorship on pages: the note under a paper's authors (members verified as its authors; "hidden by
 * moderators" for a hidden paper), the "Claim this paper" box, the moderators' claims queue and the
 * claimed papers on a profile. Every form carries the CSRF token and works without JavaScript.
 */
import type { Paper } from '../../catalog/paper.ts';
import type { Claim, PaperClaims } from '../../community/claims.service.ts';
import { MOD_REASON_MAX } from '../../community/moderation.service.ts';
import { html, type Html } from '../html.ts';
import { authorUrl } from './author-url.ts';
import { humanDate } from './format.ts';
import { csrfField, type Viewer } from './viewer.ts';

/** Under the author list: a moderators' hiding notice, and the members verified as authors. */
export function paperAuthorsNote(p: Paper): Html {
  const members = p.authorInfo.filter((a) => a.account && !a.hidden);
  return html`${p.hiddenAt ? html`<p class="notice hidden-paper" role="status">Hidden by moderators on ${humanDate(p.hiddenAt)}${p.hiddenReason ? html`: ${p.hiddenReason}` : '.'} It is not shown in lists, search results or feeds.</p>` : ''}${members.length
    ? html`<p class="claimed-authors">Authors on this site: ${members.map((a, i) => html`${i ? ', ' : ''}<a href="${authorUrl(a.name)}">${a.name}</a> is <a class="member" href="/users/${a.account!.handle}">@${a.account!.handle}</a>`)} <span class="muted">(verified)</span></p>`
    : ''}`;
}

const STATE_TEXT: Record<Claim['state'], string> = { pending: 'waiting for a moderator', verified: 'verified', rejected: 'rejected' };

/** "Claim this paper": a choice of author position, or the viewer's own claim with what they can do. */
export function claimBox(arxivId: string, c: PaperClaims, viewer: Viewer | undefined): Html | '' {
  if (!viewer) return html`<section class="claim"><p class="muted">Are you an author of this paper? <a href="/signin?next=${encodeURIComponent(`/papers/${arxivId}`)}">Sign in</a> to claim it.</p></section>`;
  const csrf = csrfField(viewer.csrf);
  const m = c.mine;
  if (m) {
    const actions = m.state === 'pending'
      ? html`<form class="inline" method="post" action="/claims/${m.id}/withdraw">${csrf}<button type="submit" class="link-button">Withdraw the claim</button></form>`
      : m.state === 'verified'
        ? html`<form class="inline" method="post" action="/claims/${m.id}/${m.hidden ? 'show' : 'hide'}">${csrf}<button type="submit" class="link-button">${m.hidden ? 'Show it on the paper and my profile again' : 'Hide this attribution (it is wrong)'}</button></form>`
        : '';
    return html`<section class="claim"><p>Your claim: you are <strong>${m.authorName}</strong> (author ${m.authorIndex + 1}) — ${STATE_TEXT[m.state]}${m.hidden ? ', hidden' : ''}. ${actions}</p></section>`;
  }
  const free = c.authors.filter((a) => !a.taken);
  if (free.length === 0) return '';
  return html`<section class="claim"><details><summary>Claim this paper</summary>
<form class="stack" method="post" action="/claims">${csrf}<input type="hidden" name="paper" value="${arxivId}">
<label>Which author are you? <select name="author" required>${free.map((a) => html`<option value="${a.index}">${a.index + 1}. ${a.name}</option>`)}</select></label>
<p class="muted help">A moderator checks each claim (for example against the e-mail address on the paper) before your account is shown on the paper.</p>
<button type="submit">Send the claim to the moderators</button></form></details></section>`;
}

const reasonInput = html`<input type="text" name="reason" required maxlength="${MOD_REASON_MAX}" placeholder="Reason (public)">`;

/** The moderators' queue of pending claims, oldest first. */
export function claimsQueue(claims: Claim[], csrf: string): Html {
  const f = csrfField(csrf);
  return html`<h2>Authorship claims (${claims.length})</h2>
${claims.length
  ? html`<div class="thread">${claims.map((c) => html`<article class="comment"><header><a href="/users/${c.claimant.handle}">${c.claimant.name} (@${c.claimant.handle})</a> claims to be <a href="${authorUrl(c.authorName)}">${c.authorName}</a>, author ${c.authorIndex + 1} of <a href="/papers/${c.arxivId}">${c.title}</a> · ${humanDate(c.createdAt)}</header>
<form class="inline" method="post" action="/moderation/claims/${c.id}/verify">${f}${reasonInput} <button type="submit">Verify</button></form>
<form class="inline" method="post" action="/moderation/claims/${c.id}/reject">${f}${reasonInput} <button type="submit">Reject</button></form></article>`)}</div>`
  : html`<p class="muted">No claims waiting.</p>`}`;
}

/** Claimed papers on a profile; the owner also sees pending, rejected and hidden ones. */
export function claimedPapers(claims: Claim[], own: boolean): Html {
  return html`<h2>Papers they wrote</h2>
${claims.length
  ? html`<ul class="claimed">${claims.map((c) => html`<li><a href="/papers/${c.arxivId}">${c.title}</a> <span class="muted">as ${c.authorName}${own && (c.state !== 'verified' || c.hidden) ? ` · ${c.hidden ? 'hidden' : STATE_TEXT[c.state]}` : ''}</span></li>`)}</ul>`
  : html`<p class="muted">${own ? 'None yet: claim your papers from their pages.' : 'None claimed yet.'}</p>`}`;
}
