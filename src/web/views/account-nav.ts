/**
 * The header's account corner: "Sign in" on anonymous pages; the user's name, settings and a sign-out
 * form (POST with its CSRF token: a link could be triggered by any other site) when signed in.
 */
import { html, type Html } from '../html.ts';
import { csrfField, type Viewer } from './viewer.ts';
import { isModerator } from '../../community/user.ts';

export function accountNav(viewer: Viewer | undefined): Html {
  if (!viewer) return html`<nav class="account"><a class="signin" href="/signin">Sign in</a></nav>`;
  const u = viewer.user;
  return html`<nav class="account"><a href="/submit">Submit</a><a href="/collections">Collections</a>${isModerator(u) ? html`<a href="/moderation">Moderation</a>` : ''}<a class="me" href="/users/${u.handle}">${u.name}</a><a href="/settings">Settings</a><form class="signout" method="post" action="/signout">${csrfField(viewer.csrf)}<button type="submit">Sign out</button></form></nav>`;
}
