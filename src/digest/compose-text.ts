/**
 * The digest's plain-text part: the same content as the HTML part, for text-only clients, screen
 * readers that prefer it, and spam filters, which score a message whose text part says something
 * else than its HTML part (MPART_ALT_DIFF). Lines are wrapped at 76 characters; URLs stay whole on
 * their own lines so clients make them clickable.
 */
import { displayText } from '../catalog/paper.ts';
import { abstractExcerpt, createItemCache, paperCount, upvoteText } from './compose-format.ts';
import type { DigestLinks, DigestSection } from './types.ts';

const WIDTH = 76;

/** Greedy word wrap; a word longer than the width stays whole on its own line. */
export function wrap(text: string, indent = '', width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of displayText(text).split(' ')) {
    if (!word) continue;
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export interface TextDigest {
  siteName: string;
  siteUrl: string;
  heading: string;
  sections: DigestSection[];
  links: DigestLinks;
  email: string;
}

const bodies = createItemCache<string[]>();

/** A paper's lines under its numbered title: the excerpt, upvotes and why, the link. */
function itemBody(it: DigestSection['items'][number]): string[] {
  return bodies(it.paper, `${it.why}\u0000${it.url}`, () => {
    const excerpt = abstractExcerpt(it.paper.abstract);
    return [...(excerpt ? wrap(excerpt, '   ') : []), ...wrap(`${upvoteText(it.paper.upvotes)} · ${it.why}`, '   '), `   ${it.url}`, ''];
  });
}

/** The whole text part of one digest. */
export function digestText(d: TextDigest): string {
  const out: string[] = [...wrap(d.heading), '='.repeat(Math.min(WIDTH, displayText(d.heading).length)), ''];
  for (const s of d.sections) {
    out.push(...wrap(`${s.title} (${paperCount(s.items.length)})`), '-'.repeat(Math.min(WIDTH, displayText(s.title).length)), '');
    s.items.forEach((it, i) => {
      out.push(...wrap(`${i + 1}. ${it.paper.title}`), ...itemBody(it));
    });
  }
  out.push(
    '-- ',
    ...wrap(`You get this digest because ${d.email} subscribed to ${d.siteName} (${d.siteUrl}).`),
    '',
    'Manage your subscription:',
    d.links.manage,
    '',
    'Unsubscribe:',
    d.links.unsubscribe,
    '',
    'Read it as a feed:',
    d.links.feed,
    '',
  );
  return out.join('\n');
}
