/**
 * Subscribing to the digest: the form (shared with the manage page's settings), "check your inbox",
 * and the confirmation page whose one button confirms (a GET never does: mail scanners open links).
 */
import type { SubscriptionSettings } from '../../digest/types.ts';
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { csrfField, type Viewer } from './viewer.ts';

const SECTION_LABELS: Record<string, string> = {
  trending: 'Trending papers',
  search: 'New papers matching my saved searches',
  authors: 'New papers by authors I follow',
  categories: 'New papers in categories I follow',
  picks: 'Papers picked for me (from what I upvote, when recommendations are on)',
};
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= ['UTC', ...(Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

const selected = (on: boolean) => (on ? html` selected` : '');
const checked = (on: boolean) => (on ? html` checked` : '');

/** The settings fields (frequency, hour, zone, sections, searches, follows), filled from `s`. */
export function settingsFields(s: SubscriptionSettings, dailyDays: string): Html {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return html`<fieldset><legend>How often</legend>
  <label><input type="radio" name="frequency" value="daily"${checked(s.frequency === 'daily')}> Daily <span class="muted">(${dailyDays})</span></label>
  <label><input type="radio" name="frequency" value="weekly"${checked(s.frequency === 'weekly')}> Weekly, on
    <select name="weeklyDay" aria-label="Weekday of the weekly digest">${DAYS.map((d, i) => html`<option value="${i + 1}"${selected(s.weeklyDay === i + 1)}>${d}</option>`)}</select></label>
  <label>At <select name="hour">${hours.map((h) => html`<option value="${h}"${selected(s.sendHour === h)}>${String(h).padStart(2, '0')}:00</option>`)}</select></label>
  <label>Time zone <select name="timeZone" data-detect-zone="${s.timeZone === 'UTC' ? '1' : ''}">${timeZones().map((z) => html`<option${selected(s.timeZone === z)}>${z}</option>`)}</select></label>
</fieldset>
<fieldset><legend>What to include</legend><input type="hidden" name="sectionsSet" value="1">
  ${Object.entries(SECTION_LABELS).map(([k, label]) => html`<label><input type="checkbox" name="sections" value="${k}"${checked(s.sections.includes(k as never))}> ${label}</label>`)}
  <label>Saved searches <span class="muted">(one per line, as on the search page: <code>diffusion cat:cs.CV</code>)</span> <textarea name="searches" rows="3" maxlength="2200">${s.searches.join('\n')}</textarea></label>
  <label>Authors I follow <span class="muted">(one name per line)</span> <textarea name="authors" rows="2" maxlength="10000">${s.authors.join('\n')}</textarea></label>
  <label>Categories I follow <span class="muted">(arXiv categories, one per line: <code>cs.CL</code>)</span> <textarea name="categories" rows="2" maxlength="2000">${s.categories.join('\n')}</textarea></label>
</fieldset>`;
}

const HEAD = html`<script src="/static/subscribe.js" defer></script>`;

export interface SubscribeFormInput {
  csrf: string;
  settings: SubscriptionSettings;
  dailyDays: string;
  viewer?: Viewer | undefined;
  /** A signed-in user already subscribed: where to manage it. */
  manageUrl?: string | undefined;
  email?: string;
  error?: string;
}

export function subscribePage(i: SubscribeFormInput): Html {
  const who = i.viewer
    ? html`<p>Digests go to your account's address, <strong>${i.viewer.user.email}</strong>; no confirmation needed.</p>`
    : html`<label>E-mail address <input type="email" name="email" value="${i.email ?? ''}" required maxlength="254" autocomplete="email"></label>
  <p class="muted">We mail you a link to confirm; nothing is sent until you do. Every digest has a link to change or stop it, no account needed.</p>`;
  const body = html`<section class="subscribe">
<h1>Get trending papers in your inbox</h1>
<p>A digest of the papers people are upvoting and discussing, plus new papers matching your searches and from the authors and categories you follow. Each paper reaches you once.</p>
${i.error ? html`<p class="form-error" role="alert">${i.error}</p>` : ''}
${i.manageUrl ? html`<p class="notice" role="status">You are subscribed. <a href="${i.manageUrl}">Change or stop your digest</a>.</p>` : html`<form class="stack" method="post" action="/subscribe">${csrfField(i.csrf)}
  ${who}
  ${settingsFields(i.settings, i.dailyDays)}
  <button type="submit" class="primary">Subscribe</button>
</form>`}
<p class="muted">Prefer a feed reader? Subscribe, then use the personal feed on your manage page — or the public <a href="/feeds/trending.atom">trending feed</a>.</p>
</section>`;
  return layout({ title: 'Subscribe', body, head: HEAD, viewer: i.viewer, banner: false });
}

/** What a subscribe request answers, whether or not the address was subscribed already. */
export function checkInboxPage(email: string, viewer?: Viewer): Html {
  return layout({
    title: 'Check your inbox',
    viewer,
    banner: false,
    body: html`<section class="subscribe"><h1>Check your inbox</h1><p>If <strong>${email}</strong> can get our digest, a message is on its way to it. Follow its link to confirm; the link works for two days.</p><p class="muted">Nothing arrived? Look in the spam folder, or ask again in a few minutes.</p></section>`,
  });
}

/** The confirmation link's page: one button; the GET changes nothing. */
export function confirmPage(o: { email: string; csrf: string; action: string }): Html {
  return layout({
    title: 'Confirm your subscription',
    banner: false,
    body: html`<section class="subscribe"><h1>Confirm your subscription</h1><p>Send the Paperboy digest to <strong>${o.email}</strong>?</p><form method="post" action="${o.action}">${csrfField(o.csrf)}<button type="submit" class="primary">Yes, subscribe</button></form></section>`,
  });
}

/** "The digest's weekdays" in words: `Monday to Friday`, `every day`, `Monday, Wednesday, Friday`. */
export function daysInWords(days: readonly number[]): string {
  if (days.length === 7) return 'every day';
  const run = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  if (run && days.length > 2) return `${DAYS[days[0]! - 1]} to ${DAYS[days[days.length - 1]! - 1]}`;
  return days.map((d) => DAYS[d - 1]).join(', ');
}
