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
  /** Prefill of the header's search box. */
  query?: string;
  /** The signed-in user the page is for (absent: an anonymous page, the same for everyone). */
  viewer?: Viewer | undefined;
}

export function layout(o: LayoutOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Paperboy</title>
<link rel="stylesheet" href="/static/paperboy.css">
<link rel="stylesheet" href="/static/community.css">
<script src="/static/paperboy.js" defer></script>
<script src="/static/community.js" defer></script>
${o.viewer ? html`<meta name="csrf-token" content="${o.viewer.csrf}">` : ''}
${o.head}
</head>
<body>
<header class="site"><a class="brand" href="/">Paperboy</a>
<nav class="links"><a href="/">Daily</a><a href="/feeds">Feeds</a><a href="/docs">API</a></nav>
<form class="search" action="/search" method="get" role="search"><input type="search" name="q" value="${o.query ?? ''}" placeholder="Search papers" aria-label="Search papers"></form>
${accountNav(o.viewer)}
</header>
<main>${o.body}</main>
<footer class="site">Paperboy — open-source research-paper discovery</footer>
</body>
</html>`;
}
