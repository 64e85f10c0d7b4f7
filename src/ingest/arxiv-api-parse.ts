/**
 * Reads an arXiv API (Atom 1.0) feed into entries: papers, and arXiv's "Error" entries that stand
 * in for a whole response when a request names a malformed id.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { cleanText, type PaperInput } from '../catalog/paper.ts';
import { toTimestamp } from '../catalog/dates.ts';
import { AppError } from '../errors.ts';
import { textOf } from './arxiv-oai-parse.ts';

export type AtomEntry =
  | { kind: 'paper'; paper: PaperInput; links: { rel: string; href: string; title: string | null }[] }
  | { kind: 'error'; message: string; id: string }
  /** An entry with an id but no title: arXiv's answer for an id that does not exist. */
  | { kind: 'empty'; id: string };

export interface AtomFeed {
  totalResults: number | null;
  entries: AtomEntry[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['entry', 'author', 'link', 'category'].includes(name),
});

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : null);
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : []).map(asNode).filter((n): n is Node => n !== null);

function readEntry(e: Node): AtomEntry {
  const idUrl = cleanText(textOf(e.id)) ?? '';
  const title = cleanText(textOf(e.title));
  // Errors come back as an entry titled "Error" whose id points into /api/errors.
  if (title === 'Error' || /\/api\/errors/.test(idUrl)) {
    return { kind: 'error', message: cleanText(textOf(e.summary)) ?? 'arXiv API error', id: idUrl };
  }
  const parsed = tryParseArxivId(idUrl);
  if (!parsed || !title) return { kind: 'empty', id: parsed?.id ?? idUrl };
  // Stored as arXiv wrote it, line breaks included (paper-fields.ts normalizes); `title` above is for checks.
  const rawTitle = textOf(e.title) ?? title;
  const primary = textOf(asNode(e.primary_category)?.['@_term']);
  const terms = list(e.category).map((c) => textOf(c['@_term'])).filter((t): t is string => Boolean(t));
  // Primary first, then the cross-lists in arXiv's order, without duplicates.
  const categories = [...new Set([...(primary ? [primary] : []), ...terms])];
  return {
    kind: 'paper',
    paper: {
      arxivId: parsed.id,
      version: parsed.version,
      title: rawTitle,
      abstract: textOf(e.summary),
      authors: list(e.author).map((a) => cleanText(textOf(a.name))).filter((n): n is string => Boolean(n)),
      categories,
      publishedAt: toTimestamp(textOf(e.published)),
      updatedAt: toTimestamp(textOf(e.updated)),
      comment: textOf(e.comment),
      journalRef: textOf(e.journal_ref),
      doi: textOf(e.doi),
      source: 'arxiv-api',
    },
    links: list(e.link).map((l) => ({ rel: textOf(l['@_rel']) ?? 'alternate', href: textOf(l['@_href']) ?? '', title: textOf(l['@_title']) })),
  };
}

/**
 * Parse an arXiv API response.
 * @example parseAtomFeed(xml).entries.filter((e) => e.kind === 'paper')
 * @throws AppError UPSTREAM_BAD_RESPONSE when the body is not an Atom feed
 */
export function parseAtomFeed(xml: string): AtomFeed {
  const v = XMLValidator.validate(xml);
  if (v !== true) throw new AppError('UPSTREAM_BAD_RESPONSE', `the arXiv API response is not well-formed XML: ${v.err.msg} (line ${v.err.line})`);
  const feed = asNode((parser.parse(xml) as Node).feed);
  if (!feed) throw new AppError('UPSTREAM_BAD_RESPONSE', 'the arXiv API response is not an Atom feed (no <feed> root element)');
  const total = textOf(feed.totalResults);
  return {
    totalResults: total && /^\d+$/.test(total) ? Number(total) : null,
    entries: list(feed.entry).map(readEntry),
  };
}

const ENTRY = /<entry[\s>][\s\S]*?<\/entry>/g;

/**
 * parseAtomFeed in slices of `per` entries, giving the event loop a turn between slices: a response of
 * 100 entries (~160 kB) costs ~60–100 ms of parsing, which in a server process (the categories job)
 * would hold every request arriving meanwhile. Each slice is the feed's head, its entries and `</feed>`,
 * a well-formed document of its own; a body that is not just entries is parsed whole.
 * @example const feed = await parseAtomFeedInSlices(xml)
 */
export async function parseAtomFeedInSlices(xml: string, per = 10): Promise<AtomFeed> {
  const first = xml.search(/<entry[\s>]/);
  const end = xml.lastIndexOf('</feed>');
  if (first < 0 || end < first) return parseAtomFeed(xml);
  const body = xml.slice(first, end);
  const entries = body.match(ENTRY) ?? [];
  if (entries.length <= per || body.replace(ENTRY, '').trim()) return parseAtomFeed(xml);
  const head = xml.slice(0, first);
  const out: AtomEntry[] = [];
  let totalResults: number | null = null;
  for (let i = 0; i < entries.length; i += per) {
    if (i) await new Promise<void>((resolve) => setImmediate(resolve));
    const part = parseAtomFeed(`${head}${entries.slice(i, i + per).join('\n')}\n</feed>\n`);
    totalResults ??= part.totalResults;
    out.push(...part.entries);
  }
  return { totalResults, entries: out };
}
