/**
 * Who a page is rendered for. Anonymous pages are rendered without a viewer and cached for everyone;
 * a signed-in user's pages carry their CSRF token, which papers they upvoted and the exact counts.
 */
import type { SessionUser } from '../../community/user.ts';
import { html, type Html } from '../html.ts';

export interface Viewer {
  user: SessionUser;
  /** The CSRF token for forms and scripts on this page. */
  csrf: string;
  /** arXiv ids of the papers on the page this user upvoted. */
  voted: Set<string>;
  /** Exact shown counts of the papers on the page (imported baseline + every local vote so far). */
  upvotes: Map<string, number>;
  /** The page's own path and query, to come back to after a form. */
  path: string;
}

/** The hidden CSRF field every form of a signed-in page carries. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
