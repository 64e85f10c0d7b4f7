/**
 * The discussion on a paper page: the thread (nested by class, not by style attributes), and the
 * forms to write, reply, edit, delete and report — each a plain form that works without JavaScript.
 * Comment HTML comes from the sanitizer (community/markdown.ts), the only markup inserted raw.
 */
import type { CommentView, Thread } from '../../community/comments.service.ts';
import { COMMENT_MAX, REASON_MAX } from '../../community/comments.service.ts';
import { html, raw, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { csrfField, type Viewer } from './viewer.ts';

const HELP = 'Markdown: **bold**, _italic_, `code`, [links](https://…), lists, > quotes; math with $x^2$ or $$\\sum_i x_i$$; mention @username.';

function commentForm(viewer: Viewer, arxivId: string, o: { parentId?: number; label: string }): Html {
  return html`<form class="stack comment-form" method="post" action="/comments">${csrfField(viewer.csrf)}<input type="hidden" name="paper" value="${arxivId}">${o.parentId ? html`<input type="hidden" name="parent" value="${o.parentId}">` : ''}
<label><span class="sr-only">${o.label}</span><textarea name="body" rows="${o.parentId ? 3 : 5}" maxlength="${COMMENT_MAX}" required placeholder="${o.label}"></textarea></label>
<p class="muted help">${HELP}</p><button type="submit" class="primary">${o.parentId ? 'Reply' : 'Comment'}</button></form>`;
}

function commentItem(c: CommentView, viewer: Viewer | undefined, arxivId: string, locked: boolean): Html {
  const depth = Math.min(c.depth, 6);
  if (c.state !== 'visible') {
    const why = c.state === 'deleted' ? 'This comment was deleted.' : `Hidden by a moderator${c.hiddenReason ? `: ${c.hiddenReason}` : '.'}`;
    return html`<article class="comment depth-${depth} removed" id="c${c.id}"><p class="muted">${why}</p></article>`;
  }
  const who = c.author ? html`<a class="author" href="/users/${c.author.handle}">${c.author.name}</a> <span class="muted">@${c.author.handle}</span>` : html`<span class="muted">a former member</span>`;
  const canAct = viewer && !locked;
  return html`<article class="comment depth-${depth}" id="c${c.id}">
<header>${who} · <a class="when" href="/papers/${arxivId}#c${c.id}">${humanDate(c.createdAt)}</a>${c.editedAt ? html` · <a class="edited" href="/comments/${c.id}/history">edited</a>` : ''}</header>
<div class="comment-body">${raw(c.html)}</div>
${viewer
  ? html`<footer class="comment-actions">
${canAct ? html`<details class="reply"><summary>Reply</summary>${commentForm(viewer, arxivId, { parentId: c.id, label: 'Your reply' })}</details>` : ''}
${c.mine && canAct ? html`<a href="/comments/${c.id}/edit">Edit</a> <form class="inline" method="post" action="/comments/${c.id}/delete">${csrfField(viewer.csrf)}<button type="submit" class="link-button">Delete</button></form>` : ''}
${!c.mine ? html`<details class="report"><summary>Report</summary><form class="stack" method="post" action="/comments/${c.id}/report">${csrfField(viewer.csrf)}<label>What is wrong with it? <input type="text" name="reason" required maxlength="${REASON_MAX}"></label><button type="submit">Report to moderators</button></form></details>` : ''}
</footer>`
  : ''}
</article>`;
}

export function discussionSection(t: Thread, viewer: Viewer | undefined): Html {
  const list = t.comments.length
    ? html`<div class="thread">${t.comments.map((c) => commentItem(c, viewer, t.arxivId, t.locked))}</div>`
    : html`<p class="muted">No comments yet.${viewer && !t.locked ? ' Start the discussion:' : ''}</p>`;
  const write = t.locked
    ? html`<p class="notice">This discussion is locked${t.lockReason ? `: ${t.lockReason}` : '.'}</p>`
    : viewer
      ? commentForm(viewer, t.arxivId, { label: 'Add to the discussion' })
      : html`<p><a class="button" href="/signin?next=${encodeURIComponent(`/papers/${t.arxivId}#discussion`)}">Sign in to comment</a></p>`;
  return html`<section class="discussion" id="discussion"><h2>Discussion (${t.count})</h2>${list}${write}</section>`;
}

export function editCommentPage(c: CommentView, arxivId: string, viewer: Viewer, error?: string): Html {
  return layout({
    title: 'Edit comment',
    viewer,
    body: html`<section class="settings"><h1>Edit your comment</h1>${error ? html`<p class="form-error" role="alert">${error}</p>` : ''}
<form class="stack" method="post" action="/comments/${c.id}/edit">${csrfField(viewer.csrf)}<textarea name="body" rows="8" maxlength="${COMMENT_MAX}" required>${c.body}</textarea>
<p class="muted help">${HELP} Earlier versions stay viewable.</p><button type="submit" class="primary">Save</button> <a href="/papers/${arxivId}#c${c.id}">Cancel</a></form></section>`,
  });
}

export function historyPage(c: CommentView, arxivId: string, versions: Array<{ html: string; writtenAt: string }>, viewer: Viewer | undefined): Html {
  return layout({
    title: 'Comment history',
    viewer,
    body: html`<section class="settings"><h1>Edit history</h1><p><a href="/papers/${arxivId}#c${c.id}">‹ Back to the discussion</a></p>
<article class="comment"><header>Current version${c.editedAt ? `, ${humanDate(c.editedAt)}` : ''}</header><div class="comment-body">${raw(c.html)}</div></article>
${[...versions].reverse().map((v, i) => html`<article class="comment revision"><header>Version ${versions.length - i}, written ${humanDate(v.writtenAt)}</header><div class="comment-body">${raw(v.html)}</div></article>`)}
</section>`,
  });
}

export function messagePage(title: string, message: string, back: string, viewer: Viewer | undefined): Html {
  return layout({ title, viewer, body: html`<section class="settings"><h1>${title}</h1><p>${message}</p><p><a href="${back}">Back</a></p></section>` });
}
