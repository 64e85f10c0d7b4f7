/**
 * Author lists where each name links to that author's page (their papers, newest first).
 */
import { html, type Html } from '../html.ts';
import { authorUrl } from './author-url.ts';

/**
 * "A, B, C et al. (+N)" with every shown name a link; `max` omitted shows everyone (the paper page).
 * @example authorLinks(['Anh Do', 'Quoc V. Le'], 3)
 */
export function authorLinks(authors: string[], max = Infinity): Html {
  const shown = authors.slice(0, max);
  const rest = authors.length - shown.length;
  return html`${shown.map((a, i) => html`${i ? ', ' : ''}<a class="author" href="${authorUrl(a)}">${a}</a>`)}${rest > 0 ? html` <span class="muted">et al. (+${rest})</span>` : ''}`;
}
