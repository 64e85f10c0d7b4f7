import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abstractExcerpt, EXCERPT_CHARS, periodLabel } from '../../src/digest/compose-format.ts';
import { addressDomain, newMessageId } from '../../src/digest/compose.ts';
import { wrap } from '../../src/digest/compose-text.ts';
import { sampleDigest, sampleLinks, seedPapers } from '../helpers/digest-mail.ts';

describe('digest compose', () => {
  it('escapes every paper field in the HTML part and keeps the text part literal', () => {
    const m = sampleDigest({ hostile: true });
    assert.ok(!m.html.includes('<think>'), 'a raw <think> tag would swallow the rest of the mail in some clients');
    assert.ok(!m.html.includes('<script>'));
    assert.ok(!m.html.includes('<b>'));
    assert.match(m.html, /&lt;think&gt;Reasoning&lt;\/think&gt; &amp; &quot;quotes&quot;/);
    assert.match(m.html, /Trending: &lt;b&gt;injected&lt;\/b&gt; why/);
    assert.match(m.text, /<think>Reasoning<\/think> & "quotes"/);
  });

  it('shows each paper with title, abstract excerpt, upvotes, why and link in both parts', () => {
    const m = sampleDigest();
    for (const p of seedPapers().slice(0, 6)) {
      const url = `https://papers.example.org/papers/${p.arxivId}`;
      assert.ok(m.html.includes(`href="${url}"`), `HTML links ${p.arxivId}`);
      assert.ok(m.text.includes(`   ${url}`), `text links ${p.arxivId}`);
      assert.ok(m.text.includes(`${p.upvotes} upvote`), `text shows upvotes of ${p.arxivId}`);
    }
    assert.match(m.html, /Trending: \d+ upvotes, 1 day old/);
    assert.match(m.text, /Matches "diffusion"/);
    assert.match(m.text, /Trending papers \(6 papers\)/);
    assert.match(m.subject, /^Paperboy: 9 papers for Tuesday 1 December 2026$/);
    assert.deepEqual(m.arxivIds.length, 9);
  });

  it('carries RFC 8058 one-click and RFC 2369 unsubscribe headers and a visible unsubscribe link', () => {
    const links = sampleLinks();
    const m = sampleDigest();
    assert.equal(m.headers['List-Unsubscribe'], `<${links.unsubscribe}>, <${links.unsubscribeMailto}>`);
    assert.equal(m.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.match(m.headers['List-Id']!, /<daily\.digest\.papers\.example\.org>$/);
    assert.ok(m.html.includes(`href="${links.unsubscribe}"`) && />Unsubscribe</.test(m.html));
    assert.ok(m.html.includes(`href="${links.manage}"`));
    assert.ok(m.text.includes(`Unsubscribe:\n${links.unsubscribe}`));
    assert.match(m.messageId, /^<digest\.[0-9a-f]{24}@papers\.example\.org>$/);
  });

  it('is readable in dark mode: declares color-scheme and never assumes a pure white page', () => {
    const m = sampleDigest();
    assert.match(m.html, /<meta name="color-scheme" content="light dark">/);
    assert.match(m.html, /@media \(prefers-color-scheme: dark\)/);
    assert.doesNotMatch(m.html, /#fff\b|#ffffff|\bwhite\b/i);
    // Every text colour sits on a background the same block sets (cards and page), so inverting works.
    assert.match(m.html, /<body class="pb-page" style="[^"]*background-color:/);
  });

  it('cuts abstracts to about two lines at a word', () => {
    const long = 'word '.repeat(200);
    const e = abstractExcerpt(long);
    assert.ok(e.length <= EXCERPT_CHARS + 1 && e.endsWith('…'));
    assert.doesNotMatch(e, / …$/);
    assert.equal(abstractExcerpt('Short  abstract.\nTwo lines.'), 'Short abstract. Two lines.');
    assert.equal(abstractExcerpt(null), '');
    assert.equal(abstractExcerpt('x'.repeat(500)).length, EXCERPT_CHARS + 1);
  });

  it('names periods as people say them', () => {
    assert.equal(periodLabel('daily', '2026-12-01'), 'Tuesday 1 December 2026');
    assert.equal(periodLabel('weekly', '2026-W49'), 'the week of 30 November 2026');
    assert.equal(periodLabel('weekly', '2021-W01'), 'the week of 4 January 2021');
    assert.equal(periodLabel('daily', 'odd'), 'daily odd');
  });

  it('wraps text at 76 columns, keeping long URLs whole', () => {
    for (const line of wrap('a '.repeat(100), '   ')) assert.ok(line.length <= 76);
    const url = `https://example.org/${'x'.repeat(100)}`;
    assert.deepEqual(wrap(`see ${url}`), ['see', url]);
  });

  it('makes random Message-IDs in the sender domain', () => {
    assert.equal(addressDomain('Paperboy <Papers@Example.org>'), 'example.org');
    assert.equal(addressDomain('papers@example.org'), 'example.org');
    assert.notEqual(newMessageId('example.org'), newMessageId('example.org'));
  });
});
