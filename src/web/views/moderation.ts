/**
 * Moderation pages: the moderators' queues (reported comments, with hide and dismiss forms; authorship
 * claims, with verify and reject; forms to hide a paper, lock a thread and ban a member) and the public
 * moderation log.
 */
import type { LogEntry, ReportItem } from '../../community/moderation.service.ts';
import { MOD_REASON_MAX } from '../../community/moderation.service.ts';
import type { Claim } from '../../community/claims.service.ts';
import { claimsQueue } from './claims.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { csrfField, type Viewer } from './viewer.ts';

const reasonInput = html`<input type="text" name="reason" required maxlength="${MOD_REASON_MAX}" placeholder="Reason (public)">`;

export function moderationPage(o: { viewer: Viewer; queue: ReportItem[]; claims: Claim[]; notice?: string; error?: string }): Html {
  const csrf = csrfField(o.viewer.csrf);
  const body = html`<section class="settings"><h1>Moderation</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}${o.error ? html`<p class="form-error" role="alert">${o.error}</p>` : ''}
<h2>Reported comments (${o.queue.length})</h2>
${o.queue.length
  ? html`<div class="thread">${o.queue.map((r) => html`<article class="comment"><header><a href="/papers/${r.arxivId}#c${r.commentId}">comment ${r.commentId} on ${r.arxivId}</a> · ${r.reports} report${r.reports === 1 ? '' : 's'} · first ${humanDate(r.createdAt)}: “${r.reason}”</header>
<pre class="excerpt">${r.excerpt}</pre>
<form class="inline" method="post" action="/moderation/comments/${r.commentId}/hide">${csrf}${reasonInput} <button type="submit">Hide</button></form>
<form class="inline" method="post" action="/moderation/comments/${r.commentId}/dismiss">${csrf}${reasonInput} <button type="submit">Dismiss</button></form></article>`)}</div>`
  : html`<p class="muted">Nothing reported.</p>`}
${claimsQueue(o.claims, o.viewer.csrf)}
<h2>Hide or show a paper</h2>
<p class="muted">A hidden paper leaves lists, search results and feeds; its page stays and says it was hidden, and why.</p>
<form class="inline" method="post" action="/moderation/papers">${csrf}<input type="text" name="paper" required maxlength="300" placeholder="arXiv id"> <select name="action"><option value="hide">Hide</option><option value="unhide">Show again</option></select> ${reasonInput} <button type="submit">Apply</button></form>
<h2>Lock or unlock a discussion</h2>
<form class="inline" method="post" action="/moderation/threads">${csrf}<input type="text" name="paper" required maxlength="300" placeholder="arXiv id"> <select name="action"><option value="lock">Lock</option><option value="unlock">Unlock</option></select> ${reasonInput} <button type="submit">Apply</button></form>
<h2>Ban or unban a member</h2>
<form class="inline" method="post" action="/moderation/users">${csrf}<input type="text" name="handle" required maxlength="31" placeholder="username"> <select name="action"><option value="ban">Ban</option><option value="unban">Unban</option></select> ${reasonInput} <button type="submit">Apply</button></form>
<h2>Hide or unhide a comment by number</h2>
<form class="inline" method="post" action="/moderation/comments">${csrf}<input type="number" name="id" required min="1" placeholder="comment number"> <select name="action"><option value="hide">Hide</option><option value="unhide">Unhide</option></select> ${reasonInput} <button type="submit">Apply</button></form>
<p><a href="/moderation/log">The public moderation log →</a></p></section>`;
  return layout({ title: 'Moderation', body, viewer: o.viewer });
}

export function moderationLogPage(entries: LogEntry[], viewer: Viewer | undefined): Html {
  const body = html`<section class="settings"><h1>Moderation log</h1><p class="muted">Every moderation action on this site: what was done, to what, and why.</p>
${entries.length
  ? html`<table class="tokens"><thead><tr><th>When</th><th>Action</th><th>Target</th><th>Why</th></tr></thead><tbody>${entries.map((e) => html`<tr><td>${humanDate(e.at)}</td><td>${e.action}</td><td>${e.target}</td><td>${e.reason}</td></tr>`)}</tbody></table>`
  : html`<p class="muted">No moderation actions yet.</p>`}</section>`;
  return layout({ title: 'Moderation log', body, viewer });
}
