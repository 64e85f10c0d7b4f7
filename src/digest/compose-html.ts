/**
 * The digest's HTML part: nested tables and inline styles, because that is what every mail client
 * renders the same (Outlook's Word engine ignores most CSS layout; Gmail drops <style> in some apps).
 * A small <style> block adds only the dark-mode colours, for clients that honour
 * `prefers-color-scheme` (Apple Mail, iOS, Outlook.com); every container sets its own background so
 * no text relies on the page being white, and the clients that invert colours themselves (Gmail
 * apps) still get readable contrast. Every value is escaped by the `html` tag: paper titles can hold
 * `<think>`, abstracts `&` and quotes.
 */
import { html, raw, safeUrl, type Html } from '../web/html.ts';
import { abstractExcerpt, createItemCache, paperCount, upvoteText } from './compose-format.ts';
import type { DigestItem, DigestLinks, DigestSection } from './types.ts';
import { displayText } from '../catalog/paper.ts';

/** Light colours (a warm off-white page, never pure #fff) and their dark-mode counterparts. */
const C = {
  page: '#f2f3f5',
  card: '#fbfbfc',
  border: '#dcdfe4',
  text: '#1d2127',
  muted: '#5b636e',
  link: '#0b57d0',
  accent: '#b45309',
};

const DARK_CSS = raw(`
  :root { color-scheme: light dark; supported-color-schemes: light dark; }
  @media (prefers-color-scheme: dark) {
    .pb-page { background-color: #15171b !important; }
    .pb-card { background-color: #1e2127 !important; border-color: #353a43 !important; }
    .pb-text { color: #e4e6ea !important; }
    .pb-muted { color: #a3aab4 !important; }
    .pb-link { color: #8ab4f8 !important; }
    .pb-accent { color: #f5b35c !important; }
  }
  [data-ogsc] .pb-page { background-color: #15171b !important; }
  [data-ogsc] .pb-text { color: #e4e6ea !important; }
  [data-ogsc] .pb-link { color: #8ab4f8 !important; }
`);

const FONT = 'font-family:-apple-system,BlinkMacSystemFont,&quot;Segoe UI&quot;,Roboto,Helvetica,Arial,sans-serif;';

export interface HtmlDigest {
  siteName: string;
  siteUrl: string;
  /** `Trending papers for Tuesday 1 December 2026`. */
  heading: string;
  /** The hidden preview line inbox lists show after the subject. */
  preheader: string;
  sections: DigestSection[];
  links: DigestLinks;
  email: string;
}

const items = createItemCache<Html>();

function item(it: DigestItem): Html {
  return items(it.paper, `${it.why}\u0000${it.url}`, () => renderItem(it));
}

function renderItem(it: DigestItem): Html {
  const url = safeUrl(it.url);
  const title = displayText(it.paper.title);
  return html`<tr><td class="pb-card" style="background-color:${C.card};border:1px solid ${C.border};border-radius:8px;padding:14px 16px;">
<p style="margin:0 0 6px 0;${raw(FONT)}font-size:16px;line-height:22px;font-weight:600;">${url
    ? html`<a class="pb-link" href="${url}" style="color:${C.link};text-decoration:none;">${title}</a>`
    : html`<span class="pb-text" style="color:${C.text};">${title}</span>`}</p>
<p class="pb-text" style="margin:0 0 8px 0;${raw(FONT)}font-size:14px;line-height:20px;color:${C.text};">${abstractExcerpt(it.paper.abstract)}</p>
<p class="pb-muted" style="margin:0;${raw(FONT)}font-size:13px;line-height:18px;color:${C.muted};"><span class="pb-accent" style="color:${C.accent};font-weight:600;">&#9650; ${upvoteText(it.paper.upvotes)}</span> &middot; ${it.why}${url ? html` &middot; <a class="pb-link" href="${url}" style="color:${C.link};">Read the paper</a>` : ''}</p>
</td></tr>
<tr><td style="height:10px;line-height:10px;font-size:1px;">&nbsp;</td></tr>`;
}

function section(s: DigestSection): Html {
  return html`<tr><td style="padding:18px 0 10px 0;">
<h2 class="pb-text" style="margin:0;${raw(FONT)}font-size:18px;line-height:24px;color:${C.text};">${s.title}</h2>
<p class="pb-muted" style="margin:2px 0 0 0;${raw(FONT)}font-size:13px;line-height:18px;color:${C.muted};">${paperCount(s.items.length)}</p>
</td></tr>
${s.items.map(item)}`;
}

/** The whole HTML document of one digest. */
export function digestHtml(d: HtmlDigest): string {
  const site = safeUrl(d.siteUrl);
  const manage = safeUrl(d.links.manage);
  const unsubscribe = safeUrl(d.links.unsubscribe);
  const feed = safeUrl(d.links.feed);
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${d.heading}</title>
<style>${DARK_CSS}</style>
</head>
<body class="pb-page" style="margin:0;padding:0;background-color:${C.page};">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${d.preheader}</div>
<table role="presentation" class="pb-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${C.page};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;">
<tr><td style="padding:0 0 4px 0;">
<p style="margin:0;${raw(FONT)}font-size:14px;line-height:20px;font-weight:600;">${site
    ? html`<a class="pb-link" href="${site}" style="color:${C.link};text-decoration:none;">${d.siteName}</a>`
    : html`<span class="pb-text" style="color:${C.text};">${d.siteName}</span>`}</p>
<h1 class="pb-text" style="margin:4px 0 0 0;${raw(FONT)}font-size:22px;line-height:28px;color:${C.text};">${d.heading}</h1>
</td></tr>
${d.sections.map(section)}
<tr><td class="pb-muted" style="padding:20px 0 0 0;border-top:1px solid ${C.border};${raw(FONT)}font-size:12px;line-height:18px;color:${C.muted};">
<p style="margin:0 0 6px 0;">You get this digest because ${d.email} subscribed to ${d.siteName}.</p>
<p style="margin:0;">${manage ? html`<a class="pb-link" href="${manage}" style="color:${C.link};">Manage your subscription</a> &middot; ` : ''}${unsubscribe ? html`<a class="pb-link" href="${unsubscribe}" style="color:${C.link};">Unsubscribe</a>` : ''}${feed ? html` &middot; <a class="pb-link" href="${feed}" style="color:${C.link};">Read it as a feed</a>` : ''}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return doc.value;
}
