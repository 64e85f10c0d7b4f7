/**
 * Sign-in pages: the sign-in form (magic link, optional password, invitation code), "check your
 * inbox", and the page a sign-in link opens (a button, so mail scanners that fetch links do not use it).
 */
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { csrfField } from './viewer.ts';

export interface SignInPageInput {
  csrf: string;
  next: string;
  mode: 'open' | 'invite' | 'closed';
  passwords: boolean;
  invite?: string;
  email?: string;
  error?: string;
  notice?: string;
}

const MODE_NOTE = {
  open: 'New here? Following the link creates your account: no password needed.',
  invite: 'New members join with an invitation code; members sign in with their address alone.',
  closed: 'This site is not taking new members; members sign in as usual.',
} as const;

export function signInPage(i: SignInPageInput): Html {
  const body = html`<section class="auth">
<h1>Sign in</h1>
${i.error ? html`<p class="form-error" role="alert">${i.error}</p>` : ''}
${i.notice ? html`<p class="notice" role="status">${i.notice}</p>` : ''}
<form class="stack" method="post" action="/signin">
  ${csrfField(i.csrf)}<input type="hidden" name="next" value="${i.next}">
  <label>E-mail address <input type="email" name="email" value="${i.email ?? ''}" required maxlength="254" autocomplete="email"></label>
  ${i.mode === 'invite' ? html`<label>Invitation code <span class="muted">(new members)</span> <input type="text" name="invite" value="${i.invite ?? ''}" maxlength="100" autocomplete="off"></label>` : ''}
  <button type="submit" class="primary">E-mail me a sign-in link</button>
</form>
<p class="muted">${MODE_NOTE[i.mode]}</p>
${i.passwords
  ? html`<details class="password-signin"><summary>Sign in with a password</summary>
<form class="stack" method="post" action="/signin/password">
  ${csrfField(i.csrf)}<input type="hidden" name="next" value="${i.next}">
  <label>E-mail address <input type="email" name="email" value="${i.email ?? ''}" required maxlength="254" autocomplete="username"></label>
  <label>Password <input type="password" name="password" required maxlength="200" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
<p class="muted">Set a password on your settings page after signing in with a link.</p></details>`
  : ''}
</section>`;
  return layout({ title: 'Sign in', body });
}

export function checkInboxPage(o: { email: string; minutes: number }): Html {
  return layout({
    title: 'Check your inbox',
    body: html`<section class="auth"><h1>Check your inbox</h1>
<p>If <strong>${o.email}</strong> can sign in here, a message with a sign-in link is on its way. The link works once, within ${o.minutes} minutes.</p>
<p class="muted">Nothing after a few minutes? Look in the spam folder, or <a href="/signin">ask again</a>.</p></section>`,
  });
}

export function signInLinkPage(o: { csrf: string; token: string }): Html {
  return layout({
    title: 'Sign in',
    body: html`<section class="auth"><h1>Continue signing in</h1>
<form class="stack" method="post" action="/signin/link">${csrfField(o.csrf)}<input type="hidden" name="token" value="${o.token}">
<button type="submit" class="primary">Sign in to Paperboy</button></form>
<p class="muted">This link works once. If you did not ask for it, close this page.</p></section>`,
  });
}
