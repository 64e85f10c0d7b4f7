/**
 * Collection pages: your collections (with the form to make one), one collection (its papers as cards
 * with their notes; for its owner the forms to edit, note, move, remove and delete), and the picker
 * that saves a paper to a collection. Every form is a plain POST with a CSRF field: no JavaScript
 * needed. Names, descriptions and notes are plain text, always escaped (notes keep their line breaks
 * through CSS, not markup).
 */
import type { Paper } from '../../catalog/paper.ts';
import { DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, type CollectionSummary, type CollectionView } from '../../community/collections.service.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import { csrfField, type Viewer } from './viewer.ts';
import { feedLinks, FEEDS } from './feed-links.ts';

const chip = (c: CollectionSummary) => html`<span class="chip visibility ${c.visibility}">${c.visibility}</span>`;
const count = (n: number) => `${n} paper${n === 1 ? '' : 's'}`;
const message = (o: { error?: string | undefined; notice?: string | undefined }) =>
  html`${o.error ? html`<p class="form-error" role="alert">${o.error}</p>` : ''}${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}`;

/** The feed of a public collection. */
export const collectionFeed = (c: CollectionSummary) => FEEDS.collection(c.key, c.name);

function visibilityField(current: 'public' | 'private'): Html {
  return html`<fieldset class="visibility"><legend>Who can see it</legend>
<label><input type="radio" name="visibility" value="private"${current === 'private' ? html` checked` : ''}> Private: only you</label>
<label><input type="radio" name="visibility" value="public"${current === 'public' ? html` checked` : ''}> Public: anyone with the link, and your profile</label></fieldset>`;
}

function createForm(viewer: Viewer, extra: Html | '' = ''): Html {
  return html`<form class="stack new-collection" method="post" action="/collections">${csrfField(viewer.csrf)}${extra}
<label>Name <input type="text" name="name" required maxlength="${NAME_MAX}" placeholder="e.g. Reading group"></label>
<label>Description <span class="muted">(optional)</span> <textarea name="description" rows="2" maxlength="${DESCRIPTION_MAX}"></textarea></label>
${visibilityField('private')}
<button type="submit" class="primary">Make the collection</button></form>`;
}

/** A short list of collections (yours, or a member's public ones). */
export function collectionList(list: CollectionSummary[], o: { showVisibility?: boolean } = {}): Html {
  if (list.length === 0) return html`<p class="muted">None yet.</p>`;
  return html`<ul class="collections">${list.map(
    (c) => html`<li><a href="${c.path}">${c.name}</a> <span class="muted">${count(c.numPapers)} · updated ${humanDate(c.updatedAt)}</span>${o.showVisibility ? html` ${chip(c)}` : ''}</li>`,
  )}</ul>`;
}

/** The profile page's section: a member's public collections. */
export function profileCollections(list: CollectionSummary[]): Html {
  return html`<h2>Collections</h2>${collectionList(list)}`;
}

export function myCollectionsPage(i: { viewer: Viewer; collections: CollectionSummary[]; error?: string }): Html {
  const body = html`<section class="collections-page">
<h1>Your collections</h1>
${message(i)}
${collectionList(i.collections, { showVisibility: true })}
<h2>New collection</h2>
${createForm(i.viewer)}
</section>`;
  return layout({ title: 'Your collections', body, viewer: i.viewer });
}

function ownerControls(c: CollectionView, viewer: Viewer, p: Paper, i: number, note: string): Html {
  const csrf = csrfField(viewer.csrf);
  const paper = html`<input type="hidden" name="paper" value="${p.arxivId}">`;
  const action = (what: string) => `/collections/${c.key}/items/${what}`;
  return html`<div class="item-controls">
<form class="stack note-form" method="post" action="${action('note')}">${csrf}${paper}<label><span class="sr-only">Note on ${p.title}</span><textarea name="note" rows="2" maxlength="${NOTE_MAX}" placeholder="Your note (plain text)">${note}</textarea></label><button type="submit">Save note</button></form>
<form class="inline" method="post" action="${action('move')}">${csrf}${paper}<button type="submit" name="direction" value="up"${i === 0 ? html` disabled` : ''} title="Move up">↑ Up</button><button type="submit" name="direction" value="down"${i === c.items.length - 1 ? html` disabled` : ''} title="Move down">↓ Down</button></form>
<form class="inline" method="post" action="${action('remove')}">${csrf}${paper}<button type="submit">Remove</button></form>
</div>`;
}

function settings(c: CollectionView, viewer: Viewer): Html {
  const csrf = csrfField(viewer.csrf);
  return html`<details class="collection-settings"><summary>Edit this collection</summary>
<form class="stack" method="post" action="/collections/${c.key}/edit">${csrf}
<label>Name <input type="text" name="name" value="${c.name}" required maxlength="${NAME_MAX}"></label>
<label>Description <textarea name="description" rows="3" maxlength="${DESCRIPTION_MAX}">${c.description}</textarea></label>
${visibilityField(c.visibility)}
<button type="submit" class="primary">Save</button></form>
<form class="stack" method="post" action="/collections/${c.key}/delete">${csrf}
<label><input type="checkbox" name="confirm" value="yes" required> Delete “${c.name}” and its notes (the papers stay in the catalog)</label>
<button type="submit">Delete collection</button></form>
</details>`;
}

export function collectionPage(i: { collection: CollectionView; viewer: Viewer | undefined; error?: string; notice?: string }): Html {
  const c = i.collection;
  const mine = c.mine && i.viewer;
  const exports = html`<a class="button subtle" href="/collections/${c.key}/citations.bib">BibTeX</a> <a class="button subtle" href="/collections/${c.key}/citations.ris">RIS</a>`;
  const feed = collectionFeed(c);
  const body = html`<section class="collection" data-collection="${c.key}">
<p class="crumbs">${mine ? html`<a href="/collections">Your collections</a> › ` : ''}Collection by <a href="/users/${c.owner.handle}">${c.owner.name}</a> <span class="muted">@${c.owner.handle}</span></p>
<h1>${c.name}</h1>
<p class="muted">${chip(c)} ${count(c.items.length)} · updated ${humanDate(c.updatedAt)}</p>
${c.description ? html`<p class="description">${c.description}</p>` : ''}
${message(i)}
<p class="collection-links">${c.visibility === 'public' ? html`<a class="button subtle" href="${feed.path}.rss">RSS</a> <a class="button subtle" href="${feed.path}.atom">Atom</a> ${exports}` : mine ? html`${exports} <span class="muted">Feeds, and the links on your profile, are for public collections.</span>` : ''}</p>
${mine ? settings(c, i.viewer!) : ''}
${c.items.length
  ? html`<ol class="collection-items">${c.items.map(
      (it, n) => html`<li class="collection-item" id="p-${it.paper.arxivId}" data-id="${it.paper.arxivId}">${paperCard(it.paper, { viewer: i.viewer })}
${it.note ? html`<p class="item-note"><span class="sr-only">Note: </span>${it.note}</p>` : ''}
${mine ? ownerControls(c, i.viewer!, it.paper, n, it.note) : ''}</li>`,
    )}</ol>`
  : html`<p class="muted">No papers yet.${mine ? ' Use “Save” on any paper to add it here.' : ''}</p>`}
</section>`;
  return layout({ title: c.name, body, viewer: i.viewer, head: c.visibility === 'public' ? feedLinks(feed) : undefined });
}

/** The picker: which of your collections hold the paper; add it to another (or a new one) with a note. */
export function addPage(i: { viewer: Viewer; paper: Paper; collections: Array<CollectionSummary & { hasPaper?: boolean }>; next: string; error?: string; notice?: string }): Html {
  const csrf = csrfField(i.viewer.csrf);
  const p = i.paper;
  const hidden = html`<input type="hidden" name="paper" value="${p.arxivId}"><input type="hidden" name="next" value="${i.next}">`;
  const holding = i.collections.filter((c) => c.hasPaper);
  const others = i.collections.filter((c) => !c.hasPaper);
  const body = html`<section class="collections-page add-to-collection">
<h1>Save to a collection</h1>
<p><a href="/papers/${p.arxivId}">${p.title}</a></p>
${message(i)}
${holding.length
  ? html`<h2>In your collections</h2><ul class="collections">${holding.map(
      (c) => html`<li><a href="${c.path}">${c.name}</a> ${chip(c)} <form class="inline" method="post" action="/collections/${c.key}/items/remove">${csrf}${hidden}<button type="submit">Remove from “${c.name}”</button></form></li>`,
    )}</ul>`
  : ''}
<h2>Add it</h2>
<form class="stack" method="post" action="/collections/add">${csrf}${hidden}
${others.length
  ? html`<fieldset><legend>Collection</legend>${others.map((c, n) => html`<label><input type="radio" name="collection" value="${c.key}"${n === 0 ? html` checked` : ''}> ${c.name} <span class="muted">${count(c.numPapers)}</span></label>`)}
<label><input type="radio" name="collection" value=""> A new collection named <input type="text" name="newName" maxlength="${NAME_MAX}" aria-label="New collection name"></label></fieldset>`
  : html`<input type="hidden" name="collection" value=""><label>New collection name <input type="text" name="newName" required maxlength="${NAME_MAX}" placeholder="e.g. Reading group"></label>`}
<label>Note <span class="muted">(optional, plain text)</span> <textarea name="note" rows="3" maxlength="${NOTE_MAX}"></textarea></label>
<button type="submit" class="primary">Save</button></form>
<p><a href="${i.next}">← Back</a> · <a href="/collections">All your collections</a></p>
</section>`;
  return layout({ title: 'Save to a collection', body, viewer: i.viewer });
}
