/**
 * The submission page: paste an arXiv id or link; the rules in force are listed above the form.
 */
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { csrfField, type Viewer } from './viewer.ts';

export function submitPage(o: { viewer: Viewer; maxAgeDays: number; dailyCap: number; noWeekends: boolean; error?: string; value?: string; done?: { paper: string; title: string } }): Html {
  const body = html`<section class="settings"><h1>Submit a paper</h1>
${o.done ? html`<p class="notice" role="status">Submitted: <a href="/papers/${o.done.paper}">${o.done.title}</a> is on today’s list.</p>` : ''}
${o.error ? html`<p class="form-error" role="alert">${o.error}</p>` : ''}
<form class="stack" method="post" action="/submit">${csrfField(o.viewer.csrf)}
<label>arXiv identifier or link <input type="text" name="paper" value="${o.value ?? ''}" required maxlength="300" placeholder="2310.06511 or https://arxiv.org/abs/2310.06511"></label>
<button type="submit" class="primary">Submit to today’s papers</button></form>
<ul class="muted"><li>first published on arXiv within the last ${o.maxAgeDays} days</li><li>not already on a daily list</li><li>at most ${o.dailyCap} a day per member</li>${o.noWeekends ? html`<li>not on Saturdays and Sundays</li>` : ''}</ul></section>`;
  return layout({ title: 'Submit a paper', body, viewer: o.viewer });
}
