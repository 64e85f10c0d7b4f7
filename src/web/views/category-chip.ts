/**
 * A category as a chip linking to its papers, newest first, with arXiv's name for it as the tooltip
 * (`cs.CL` reads "Computation and Language" on hover).
 */
import { categoryName } from '../../catalog/category-names.ts';
import { html, type Html } from '../html.ts';
import { categorySearchHref } from './search-links.ts';

export function categoryChip(code: string, primary = false): Html {
  const name = categoryName(code);
  return html`<a class="chip${primary ? ' primary' : ''}" href="${categorySearchHref(code)}"${name ? html` title="${name}"` : ''}>${code}</a>`;
}
