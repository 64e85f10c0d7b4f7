/**
 * The upvote control on cards and paper pages. Without a viewer (anonymous, cached pages) it is a link
 * to sign in; signed in it is a form that works without JavaScript (POST, then back to the page) and
 * that /static/community.js submits in place. The button says what pressing it does (`vote=up` or
 * `vote=down`), so submitting a stale page twice never flips a vote back.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, type Html } from '../html.ts';
import { csrfField, type Viewer } from './viewer.ts';

export function voteButton(p: Paper, viewer: Viewer | undefined, o: { big?: boolean } = {}): Html {
  const cls = o.big ? 'votes big' : 'votes';
  if (!viewer) {
    const next = encodeURIComponent(`/papers/${p.arxivId}`);
    return html`<a class="${cls}" href="/signin?next=${next}" title="${p.upvotes} upvotes · sign in to upvote"><span class="arrow" aria-hidden="true">▲</span><span class="count">${p.upvotes}</span></a>`;
  }
  const voted = viewer.voted.has(p.arxivId);
  const count = viewer.upvotes.get(p.arxivId) ?? p.upvotes;
  return html`<form class="${cls} vote-form${voted ? ' voted' : ''}" method="post" action="/votes">${csrfField(viewer.csrf)}<input type="hidden" name="paper" value="${p.arxivId}"><input type="hidden" name="next" value="${viewer.path}"><button type="submit" name="vote" value="${voted ? 'down' : 'up'}" aria-pressed="${voted ? 'true' : 'false'}" title="${voted ? 'Upvoted by you · press to take it back' : 'Upvote'}"><span class="arrow" aria-hidden="true">▲</span><span class="count">${count}</span></button><span class="you"${voted ? '' : html` hidden`}>upvoted by you</span></form>`;
}
