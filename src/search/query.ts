/**
 * The search query language, parsed into a structure — user text never reaches FTS5 `MATCH` raw.
 *
 * Words, "quoted phrases", -exclusions, and fields: author:, cat:, year:2024, after:/before:YYYY-MM-DD,
 * sort:relevance|date|upvotes. Anything unparseable degrades to plain words; only impossible
 * filters (a malformed date) are errors.
 */
import { AppError } from '../errors.ts';
import { STOP_WORDS } from './stop-words.ts';

export type SortOrder = 'relevance' | 'date' | 'upvotes';

export interface ParsedQuery {
  /** Free words (lower-cased, stop words kept; the matcher drops them). */
  terms: string[];
  /** Phrases that must appear, each as its words. */
  phrases: string[][];
  excluded: string[];
  authors: string[];
  categories: string[];
  year: number | null;
  after: string | null;
  before: string | null;
  sort: SortOrder | null;
  /** The words of a phrase whose quote was never closed (searched as a phrase to the end of the query), else null. */
  unclosed: string[] | null;
}

export const MAX_QUERY_LENGTH = 2000;
const MAX_TERMS = 64;

/** Split text into index words the way FTS5's unicode61 tokenizer does (letters and digits). */
export function words(text: string): string[] {
  return text.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * @example parseQuery('"graph neural" -survey author:kipf year:2017')
 * @throws AppError INVALID_QUERY for an impossible filter or an over-long query
 */
export function parseQuery(input: string): ParsedQuery {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new AppError('INVALID_QUERY', `the query is ${input.length} characters long; the limit is ${MAX_QUERY_LENGTH}`);
  }
  const q: ParsedQuery = { terms: [], phrases: [], excluded: [], authors: [], categories: [], year: null, after: null, before: null, sort: null, unclosed: null };
  // Tokens: optional sign, optional field:, then a quoted string (closed or not) or a bare run.
  const re = /([-+]?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))/gi;
  for (const m of input.replace(/\0/g, ' ').matchAll(re)) {
    const sign = m[1];
    const field = m[2]?.toLowerCase();
    const value = (m[3] ?? m[4] ?? '').trim();
    const quoted = m[3] !== undefined;
    // `"graph neural` has one quote: the phrase runs to the end of the query (said back to the user).
    const open = quoted && (m[0].match(/"/g)?.length ?? 0) === 1;
    if (!value) continue;
    switch (field) {
      case 'author':
      case 'au':
        q.authors.push(...(words(value).length ? [words(value).join(' ')] : []));
        continue;
      case 'cat':
      case 'category':
        if (/^[a-z-]+(\.[a-z-]+)?$/i.test(value)) q.categories.push(value);
        else throw new AppError('INVALID_QUERY', `cat: takes an arXiv category such as cs.CL (got ${JSON.stringify(value.slice(0, 40))})`);
        continue;
      case 'year': {
        const y = Number(value);
        if (!/^\d{4}$/.test(value) || y < 1991 || y > 2100) throw new AppError('INVALID_QUERY', `year: takes a year such as 2024 (got ${JSON.stringify(value.slice(0, 40))})`);
        q.year = y;
        continue;
      }
      case 'after':
      case 'before': {
        if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) {
          throw new AppError('INVALID_QUERY', `${field}: takes a date as YYYY-MM-DD, YYYY-MM or YYYY (got ${JSON.stringify(value.slice(0, 40))})`);
        }
        q[field] = value;
        continue;
      }
      case 'sort':
        if (value === 'relevance' || value === 'date' || value === 'upvotes') q.sort = value;
        else throw new AppError('INVALID_QUERY', `sort: takes relevance, date or upvotes (got ${JSON.stringify(value.slice(0, 40))})`);
        continue;
      default: {
        // An unknown `field:` is just text: "re:invent" or "Note: …" should still search.
        const text = field ? `${field} ${value}` : value;
        const w = words(text);
        if (w.length === 0) continue;
        if (sign === '-') q.excluded.push(...w);
        else if (quoted && w.length > 1) {
          q.phrases.push(w);
          if (open) q.unclosed = w.slice(0, 16);
        } else q.terms.push(...w);
      }
    }
  }
  q.terms = q.terms.slice(0, MAX_TERMS);
  q.phrases = q.phrases.slice(0, 16).map((p) => p.slice(0, 16));
  q.excluded = q.excluded.slice(0, 16);
  return q;
}

/** The query with its unclosed phrase read as plain words (the fallback when the phrase matches nothing). */
export function withoutUnclosedPhrase(q: ParsedQuery): ParsedQuery {
  const open = q.unclosed;
  if (!open) return q;
  const i = q.phrases.findIndex((p) => p.length === open.length && p.every((w, k) => w === open[k]));
  return { ...q, phrases: q.phrases.filter((_, k) => k !== i), terms: [...q.terms, ...open].slice(0, MAX_TERMS), unclosed: null };
}

/** The query's content words: what ranking works with. */
export function contentWords(q: ParsedQuery): string[] {
  const content = q.terms.filter((t) => !STOP_WORDS.has(t));
  return [...new Set(content.length ? content : q.terms)];
}

/** True when the query asks for text matches (not only filters). */
export function hasText(q: ParsedQuery): boolean {
  return q.terms.length > 0 || q.phrases.length > 0;
}

/**
 * True when the query keeps some papers out besides by its free words: categories, dates, phrases,
 * authors or exclusions (what `filterIds` checks). Without any, every paper passes.
 */
export function hasFilters(q: ParsedQuery): boolean {
  return q.categories.length > 0 || q.year !== null || q.after !== null || q.before !== null || q.phrases.length > 0 || q.authors.length > 0 || q.excluded.length > 0;
}

/** A word or phrase as an FTS5 string: no FTS5 syntax survives quoting. */
export const ftsQuote = (w: string) => `"${w.replace(/"/g, '""')}"`;
const quote = ftsQuote;

/** Up to this many content words, papers with every word rank before papers with some (see search-index). */
export const ALL_WORDS_UP_TO = 4;

/**
 * Build the FTS5 MATCH expression. Free words are OR-ed (`words: 'any'`, BM25 ranks papers matching
 * more of them higher; a pasted abstract still finds papers) or AND-ed (`words: 'all'`). Phrases are
 * required, exclusions NOT-ed, authors matched in the authors column only. Every word is quoted, so
 * no FTS5 syntax survives. Returns null when nothing is left to match.
 */
export function toFtsMatch(q: ParsedQuery, opts: { words: 'any' | 'all'; group?: string } = { words: 'any' }): string | null {
  // A query made only of stop words ("the who") still searches for them.
  const optional = contentWords(q);
  const parts: string[] = [];
  // `group` replaces the free words' group with another expression of them (the bounded keyword stage).
  if (opts.group) parts.push(opts.group);
  else if (optional.length) parts.push(`(${optional.map(quote).join(opts.words === 'all' ? ' AND ' : ' OR ')})`);
  for (const p of q.phrases) parts.push(quote(p.join(' ')));
  for (const a of q.authors) parts.push(`authors : ${quote(a)}`);
  if (parts.length === 0) return null;
  let expr = parts.join(' AND ');
  if (q.excluded.length) expr = `(${expr}) NOT (${q.excluded.map(quote).join(' OR ')})`;
  return expr;
}
