/**
 * "Save to a collection" on cards and paper pages. Signed in, it is a GET form to the picker page
 * (`/collections/add?paper=…`: choose or create a collection, add a note — no JavaScript needed);
 * /static/collections.js opens the same choices in place and saves without a reload. Anonymous pages
 * (cached for everyone) show a sign-in link on the paper page and nothing on cards.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, type Html } from '../html.ts';
import type { Viewer } from './viewer.ts';

export function collectButton(p: Paper, viewer: Viewer | undefined, o: { big?: boolean } = {}): Html | '' {
  if (!viewer) {
    if (!o.big) return '';
    return html`<a class="button subtle collect" href="/signin?next=${encodeURIComponent(`/papers/${p.arxivId}`)}">Save to a collection</a>`;
  }
  return html`<form class="collect-form${o.big ? ' big' : ''}" method="get" action="/collections/add"><input type="hidden" name="paper" value="${p.arxivId}"><input type="hidden" name="next" value="${viewer.path}"><button type="submit" class="${o.big ? 'button subtle ' : ''}collect" title="Save to a collection">${o.big ? 'Save to a collection' : 'Save'}</button></form>`;
}
