/**
 * The pages a digest's signed links open, no sign-in needed: manage (settings, suspension, feed,
 * unsubscribe), the one-click unsubscribe link's page (one button: a GET never unsubscribes), and
 * "you are unsubscribed".
 */
import type { DigestLinks, Subscriber } from '../../digest/types.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { settingsFields } from './subscribe.ts';
import { csrfField } from './viewer.ts';

const HEAD = html`<script src="/static/subscribe.js" defer></script>`;

function statusLine(s: Subscriber, dailyDays: string): Html {
  if (s.status === 'suspended') {
    return html`<div class="status-suspended" role="status"><p><strong>Sending is paused</strong> since ${humanDate(s.suspendedAt ?? s.createdAt)}: ${s.suspendedReason ?? 'mail to this address could not be delivered'}.</p><p class="muted">To start again, fix the mailbox and <a href="/subscribe">subscribe again</a> with the same address: a confirmation mail proves it works.</p></div>`;
  }
  const when = s.frequency === 'daily' ? `daily (${dailyDays})` : `weekly`;
  return html`<p role="status">You get the digest <strong>${when}</strong> at ${String(s.sendHour).padStart(2, '0')}:00 ${s.timeZone} time.</p>`;
}

export function managePage(o: { subscriber: Subscriber; links: DigestLinks; csrf: string; action: string; dailyDays: string; saved?: boolean; error?: string }): Html {
  const s = o.subscriber;
  const body = html`<section class="subscribe manage">
<h1>Your digest</h1>
<p>For <strong>${s.email}</strong>. This page opens from the link in every digest; keep the link to yourself.</p>
${o.saved ? html`<p class="notice" role="status">Saved.</p>` : ''}
${o.error ? html`<p class="form-error" role="alert">${o.error}</p>` : ''}
${statusLine(s, o.dailyDays)}
<form class="stack" method="post" action="${o.action}">${csrfField(o.csrf)}
  ${settingsFields(s, o.dailyDays)}
  <button type="submit" class="primary">Save</button>
</form>
<h2>Read it in a feed reader</h2>
<p>Your personal feed (the same papers, updated as they come): <a href="${o.links.feed}">Atom</a> · <a href="${o.links.feed.replace(/\.atom$/, '.rss')}">RSS</a>. <span class="muted">It stops working when you unsubscribe.</span></p>
<h2>Unsubscribe</h2>
<form method="post" action="${o.action}/unsubscribe">${csrfField(o.csrf)}<button type="submit">Unsubscribe ${s.email}</button></form>
</section>`;
  return layout({ title: 'Your digest', body, head: HEAD, banner: false });
}

/** The page of a List-Unsubscribe URL opened in a browser: one button; opening it changes nothing. */
export function unsubscribeConfirmPage(o: { action: string }): Html {
  return layout({
    title: 'Unsubscribe',
    banner: false,
    body: html`<section class="subscribe"><h1>Unsubscribe from the digest?</h1><p>You will get no more digests at this address.</p><form method="post" action="${o.action}"><button type="submit" class="primary">Unsubscribe</button></form></section>`,
  });
}

export function unsubscribedPage(): Html {
  return layout({
    title: 'Unsubscribed',
    banner: false,
    body: html`<section class="subscribe"><h1>You are unsubscribed</h1><p>No more digests will be sent to this address. The links in earlier digests no longer open its settings.</p><p><a href="/subscribe">Subscribe again</a> · <a href="/">Today's papers</a></p></section>`,
  });
}
