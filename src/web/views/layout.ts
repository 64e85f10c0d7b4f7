/**
 * The page shell every HTML page shares: head, header with search, footer.
 */
import { html, type Html } from '../html.ts';
import { accountNav } from './account-nav.ts';
import type { Viewer } from './viewer.ts';

export interface LayoutOptions {
  title: string;
  body: Html;
  /** Extra tags for <head> (feeds, canonical links). */
  head?: Html;
  /**
   * The query of a page that has its own search box (the search page): the header then leaves its box
   * out, so the page shows one search box, not two.
   */
  query?: string;
  /** The signed-in user the page is for (absent: an anonymous page, the same for everyone). */
  viewer?: Viewer | undefined;
  /** The digest offer under the header (default shown; the subscribe pages leave it out). */
  banner?: boolean;
}

// Digest subscriptions (docs/digests.md): one small line on every page, styled in paperboy.css.
const DIGEST_BANNER = html`<aside class="digest-banner"><a href="/subscribe">Get trending papers in your inbox</a> · daily or weekly, at your hour</aside>`;

export function layout(o: LayoutOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Paperboy</title>
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/paperboy.css">
<link rel="stylesheet" href="/static/community.css">
<script src="/static/paperboy.js" defer></script>
<script src="/static/community.js" defer></script>
${o.viewer ? html`<meta name="csrf-token" content="${o.viewer.csrf}">` : ''}
${o.head}
</head>
<body>
<header class="site"><a class="brand" href="/">Paperboy</a>
<nav class="links"><a href="/">Daily</a><a href="/search">Search</a><a href="/feeds">Feeds</a><a href="/docs">API</a></nav>
${o.query === undefined ? html`<form class="search" action="/search" method="get" role="search"><input type="search" name="q" placeholder="Search papers" aria-label="Search papers"></form>` : ''}
${accountNav(o.viewer)}
</header>
${o.banner === false ? '' : DIGEST_BANNER}
<main>${o.body}</main>
<footer class="site">Paperboy — open-source research-paper discovery</footer>
</body>
</html>`;
}
