/**
 * The settings page: profile, password, personal API tokens, sessions, your data, deleting the account.
 */
import type { TokenInfo } from '../../community/tokens.service.ts';
import type { PublicProfile } from '../../community/users.service.ts';
import type { ManageView } from '../../digest/subscriptions.service.ts';
import type { SubscriptionSettings } from '../../digest/types.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { settingsFields } from './subscribe.ts';
import { csrfField, type Viewer } from './viewer.ts';

export interface SettingsInput {
  viewer: Viewer;
  profile: PublicProfile;
  tokens: TokenInfo[];
  sessions: Array<{ current: boolean; createdAt: string; lastSeenAt: string; userAgent: string; ip: string }>;
  passwords: boolean;
  /** The account's digest subscription (null: none yet), the settings a new one starts with, the digest days in words. */
  digest: { view: ManageView | null; defaults: SubscriptionSettings; dailyDays: string };
  /** Digest settings as typed, shown again with an error. */
  digestDraft?: SubscriptionSettings;
  /** A token just made: shown this once. */
  newToken?: { name: string; token: string };
  welcome?: { next: string };
  error?: string;
  notice?: string;
}

export function settingsPage(i: SettingsInput): Html {
  const csrf = csrfField(i.viewer.csrf);
  const p = i.profile;
  const body = html`<section class="settings">
<h1>Settings</h1>
${i.welcome ? html`<div class="notice" role="status"><p><strong>Welcome to Paperboy!</strong> Choose the name and username others will see (your e-mail address is never shown).</p><p><a href="${i.welcome.next}">Skip for now →</a></p></div>` : ''}
${i.error ? html`<p class="form-error" role="alert">${i.error}</p>` : ''}
${i.notice ? html`<p class="notice" role="status">${i.notice}</p>` : ''}
<h2 id="profile">Profile</h2>
<form class="stack" method="post" action="/settings/profile">${csrf}${i.welcome ? html`<input type="hidden" name="next" value="${i.welcome.next}">` : ''}
  <label>Name <input type="text" name="name" value="${p.name}" required maxlength="80"></label>
  <label>Username <span class="muted">(your page: /users/${p.handle})</span> <input type="text" name="handle" value="${p.handle}" required maxlength="30"></label>
  <label>Bio <textarea name="bio" rows="3" maxlength="1000">${p.bio}</textarea></label>
  <label>Avatar image URL <input type="url" name="avatarUrl" value="${p.avatarUrl ?? ''}" maxlength="300"></label>
  <label>Links <span class="muted">(one per line, up to 5)</span> <textarea name="links" rows="3">${p.links.join('\n')}</textarea></label>
  <p class="muted">Signed in as ${i.viewer.user.email} (only you see this).</p>
  <button type="submit" class="primary">Save profile</button>
</form>
${i.passwords
  ? html`<h2 id="password">Password</h2>
<form class="stack" method="post" action="/settings/password">${csrf}
  <p class="muted">${i.viewer.user.hasPassword ? 'You have a password. Setting a new one signs out your other sessions.' : 'Optional: sign in with a password as well as by e-mailed link.'}</p>
  <label>New password <span class="muted">(at least 10 characters)</span> <input type="password" name="password" required minlength="10" maxlength="200" autocomplete="new-password"></label>
  <button type="submit">Set password</button>
</form>`
  : ''}
<h2 id="tokens">API tokens</h2>
<p class="muted">For scripts using the JSON API: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you; revoke it when you no longer need it.</p>
${i.newToken ? html`<div class="notice new-token" role="status"><p>Your new token “${i.newToken.name}” — copy it now, it is not shown again:</p><p><code class="token">${i.newToken.token}</code></p></div>` : ''}
${i.tokens.length
  ? html`<table class="tokens"><thead><tr><th>Name</th><th>Token</th><th>Made</th><th>Last used</th><th></th></tr></thead><tbody>${i.tokens.map(
      (t) => html`<tr><td>${t.name}</td><td><code>${t.prefix}…</code></td><td>${humanDate(t.createdAt)}</td><td>${t.lastUsedAt ? humanDate(t.lastUsedAt) : 'never'}</td><td>${t.revokedAt
        ? html`<span class="muted">revoked</span>`
        : html`<form method="post" action="/settings/tokens/revoke">${csrf}<input type="hidden" name="id" value="${t.id}"><button type="submit">Revoke</button></form>`}</td></tr>`,
    )}</tbody></table>`
  : html`<p class="muted">No tokens yet.</p>`}
<form class="inline" method="post" action="/settings/tokens">${csrf}<label>Name <input type="text" name="name" required maxlength="100" placeholder="e.g. laptop script"></label> <button type="submit">Make a token</button></form>
<h2 id="sessions">Sessions</h2>
<ul class="sessions">${i.sessions.map((s) => html`<li>${s.current ? html`<strong>This browser</strong>` : s.userAgent.slice(0, 80) || 'Unknown browser'} · signed in ${humanDate(s.createdAt)} · last seen ${humanDate(s.lastSeenAt)}</li>`)}</ul>
<form method="post" action="/signout/everywhere">${csrf}<button type="submit">Sign out everywhere</button></form>
${digestSection(i, csrf)}
<h2 id="data">Your data</h2>
<p><a class="button" href="/settings/export.json" download>Download all my data (JSON)</a> <span class="muted">Account, sessions, token names, upvotes, comments with their earlier versions, reports, collections, your digest subscription and the digests sent to you.</span></p>
<h2 id="delete">Delete my account</h2>
<form class="stack" method="post" action="/settings/delete">${csrf}
  <p class="muted">This takes back your upvotes, blanks your comments (replies stay, under “deleted”), ends your sessions and tokens, deletes your collections and removes the account. It cannot be undone.</p>
  <label>Type your username (${p.handle}) to confirm <input type="text" name="confirm" required maxlength="30" autocomplete="off"></label>
  <button type="submit">Delete my account</button>
</form>
</section>`;
  return layout({ title: 'Settings', body, viewer: i.viewer, head: html`<script src="/static/subscribe.js" defer></script>` });
}

/** The digest subscription: its state, the same settings as the manage page, unsubscribe (plain forms). */
function digestSection(i: SettingsInput, csrf: Html): Html {
  const v = i.digest.view;
  const s = v?.subscriber;
  // Pending: asked for by e-mail alone and never confirmed; it has no working links yet, and saving starts it.
  const live = s && s.status !== 'unsubscribed' && s.status !== 'pending';
  const settings = i.digestDraft ?? (live || s?.status === 'pending' ? s! : i.digest.defaults);
  const state = s?.status === 'pending'
    ? html`<p role="status">A subscription for ${s.email} is waiting for its confirmation mail to be answered. Subscribe below to start it now: your account proves the address.</p>`
    : !s || s.status === 'unsubscribed'
    ? html`<p>You are not subscribed. The digest goes to your account's address, ${i.viewer.user.email}, with no confirmation mail.</p>`
    : s.status === 'suspended'
      ? html`<p class="status-suspended" role="status"><strong>Sending is paused</strong> since ${humanDate(s.suspendedAt ?? s.createdAt)}: ${s.suspendedReason ?? 'mail to this address could not be delivered'}. Saving below starts it again.</p>`
      : html`<p>You get the digest <strong>${s.frequency === 'daily' ? `daily (${i.digest.dailyDays})` : 'weekly'}</strong> at ${String(s.sendHour).padStart(2, '0')}:00 ${s.timeZone} time, at ${s.email}.</p>`;
  return html`<div class="subscribe"><h2 id="digest">Digest by e-mail</h2>
${state}
<form class="stack" method="post" action="/settings/digest">${csrf}
  ${settingsFields(settings, i.digest.dailyDays)}
  <button type="submit" class="primary">${live ? 'Save digest settings' : 'Subscribe'}</button>
</form>
${live && v
  ? html`<p class="muted">Every digest also links to <a href="${v.links.manage}">its manage page</a> (no sign-in needed) and your <a href="${v.links.feed}">personal feed</a>.</p>
<form method="post" action="/settings/digest/unsubscribe">${csrf}<button type="submit">Unsubscribe from the digest</button></form>`
  : ''}</div>`;
}
