/**
 * /feeds, the human index of feeds: the site-wide ones, every category that has papers (a listed feed
 * is never empty), search and author feeds.
 */
import type { CategoryCount } from '../../catalog/catalog.service.ts';
import { categoryName } from '../../catalog/category-names.ts';
import { html, type Html } from '../html.ts';
import { FEEDS } from './feed-links.ts';
import { categorySearchHref } from './search-links.ts';

const row = (title: string, path: string) => html`<li>${title}: <a href="${path}.rss">RSS</a> · <a href="${path}.atom">Atom</a></li>`;

function categoryList(categories: readonly CategoryCount[]): Html {
  if (categories.length === 0) {
    return html`<p>No paper has a category yet: papers from Hugging Face’s daily list get theirs from arXiv in the background, within the hour.</p>`;
  }
  const items = categories.map((c) => {
    const path = FEEDS.category(c.category).path;
    const name = categoryName(c.category);
    return html`<li><a href="${categorySearchHref(c.category)}">${c.category}</a>${name ? html` ${name}` : ''} <span class="count">${c.papers.toLocaleString('en-US')} ${c.papers === 1 ? 'paper' : 'papers'}</span>: <a href="${path}.rss">RSS</a> · <a href="${path}.atom">Atom</a></li>`;
  });
  return html`<ul class="feed-categories">${items}</ul>`;
}

export function feedsPage(categories: readonly CategoryCount[]): Html {
  return html`<section class="feeds"><h1>Feeds</h1>
<p>Follow Paperboy in any feed reader. Every item’s id is the paper’s arXiv abstract URL, so readers never show a paper twice.</p>
<ul>${row('Daily papers (last 7 days)', FEEDS.daily.path)}${row('Trending papers', FEEDS.trending.path)}</ul>
<h2 id="category">By category</h2>
<p>The newest papers of each arXiv category that has papers here, primary or cross-listed (${categories.length} ${categories.length === 1 ? 'category' : 'categories'}).</p>
${categoryList(categories)}
<h2>Search</h2>
<p>Any search has a feed: <code>/feeds/search.atom?q=your+words</code> (or <code>.rss</code>).</p>
<h2 id="author">By author</h2>
<p>An author’s papers, newest first: <code>/feeds/search.atom?q=author:"Laurens van der Maaten" sort:date</code>. Every paper page links the feeds of its first authors.</p>
</section>`;
}
