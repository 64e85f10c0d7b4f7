/**
 * The paper as the rest of the code sees it, and the rules for merging what sources say about one.
 * The fields themselves are described once, in paper-fields.ts; everything here walks that table.
 */
import type { PaperRow } from '../store/schema.ts';
import { absUrl, pdfUrl } from './arxiv-id.ts';
import { shownComments, shownUpvotes } from './counts.ts';
import { authorInfo, keepAuthorFacts, type AuthorInfo } from './paper-authors.ts';
import { BARE_CONTEXT, paperFields, type MergeRule, type PaperExport, type PaperInput, type PaperValues, type ReadContext, type SourcedColumns } from './paper-fields.ts';

export type { PaperInput, PaperExport, ReadContext } from './paper-fields.ts';
export type { AuthorInfo } from './paper-authors.ts';
export type { Organization, Person } from './people.ts';
export { cleanText, displayText } from './text.ts';

/** A stored paper: its fields (paper-fields.ts) plus what the store and arXiv's URL scheme derive. */
export interface Paper extends PaperValues {
  /** The authors (same order as `authors`) with Hugging Face's facts: entry id, hidden, claim, user. */
  authorInfo: AuthorInfo[];
  id: number;
  primaryCategory: string | null;
  absUrl: string;
  pdfUrl: string;
  seq: number;
  createdAt: string;
  modifiedAt: string;
}

type Loose = Record<string, unknown>;

/**
 * A stored row as a Paper. People and organisations it refers to come from `ctx` (paper-loader.ts
 * loads them for a batch of rows); without one they are bare records holding only their names.
 */
export function toPaper(r: PaperRow, ctx: ReadContext = BARE_CONTEXT): Paper {
  const values: Loose = {};
  for (const [key, f] of paperFields()) values[key] = f.fromColumn((r as unknown as Loose)[f.column], ctx);
  const v = values as unknown as PaperValues;
  return {
    ...v,
    // The shown counts: imported baseline + this site's (counts.ts); the parts stay in local*.
    upvotes: shownUpvotes(r),
    numComments: shownComments(r),
    authorInfo: authorInfo(r.authors, ctx.person),
    id: Number(r.id),
    primaryCategory: v.categories[0] ?? null,
    absUrl: absUrl(r.arxiv_id),
    pdfUrl: pdfUrl(r.arxiv_id),
    seq: Number(r.seq),
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

/** One stored row as a complete JSONL record, keys in the table's order, null when unknown. */
export function rowToExport(r: PaperRow, ctx: ReadContext = BARE_CONTEXT): PaperExport {
  const out: Loose = {};
  for (const [key, f] of paperFields()) {
    if (f.merge === 'local') continue;
    const c = (r as unknown as Loose)[f.column];
    out[key] = f.toExport ? f.toExport(c, ctx) : f.fromColumn(c, ctx);
  }
  return out as PaperExport;
}

/** The columns a merge decides (every sourced column); `id`, `seq`, timestamps and local columns are the store's. */
export type PaperFields = SourcedColumns;

/** The row an input becomes when nothing is stored for it yet. */
export function fieldsFromInput(p: PaperInput): PaperFields {
  const out: Loose = {};
  for (const [key, f] of paperFields()) {
    if (f.merge !== 'local') out[f.column] = f.toColumn((p as Loose)[key]);
  }
  return out as unknown as PaperFields;
}

/**
 * A complete row for `input` as if it had just been stored (local columns at their defaults): for
 * tests and tools that need a PaperRow without a database.
 * @example rankTrending([blankRow({ arxivId: '2401.00001', title: 'T', source: 't', upvotes: 3 }, { daily_date: '2024-01-02' })], '2024-01-02')
 */
export function blankRow(input: PaperInput, over: Partial<PaperRow> = {}): PaperRow {
  const cols: Loose = {};
  for (const [key, f] of paperFields()) cols[f.column] = f.toColumn((input as Loose)[key]);
  return { ...(cols as unknown as PaperRow), id: 1, seq: 1, created_at: '', modified_at: '', ...over };
}

const known = (v: unknown): boolean => v != null && v !== '' && v !== '[]';

/**
 * Merge a source's view into the stored row, field by field by its MergeRule (paper-fields.ts). The
 * rules make the result independent of import order where possible and re-imports idempotent:
 * - a newer arXiv version replaces the bibliographic fields; an older one only fills gaps;
 * - community fields keep the largest count and the earliest daily date;
 * - a value a source does not know (null/empty) never erases one that is stored.
 */
export function mergePaper(stored: PaperFields, input: PaperInput): PaperFields {
  const inc = fieldsFromInput(input) as unknown as Loose;
  const old = stored as unknown as Loose;
  const storedVersion = (stored.version as number | null | undefined) ?? 1;
  const incVersion = input.version ?? storedVersion;
  const newer = incVersion > storedVersion;
  const older = incVersion < storedVersion;
  // Links and AI fields describe the paper as of one observation, and the later one should win. Upvotes
  // only grow, so a newer version or more upvotes marks the later observation; otherwise the stored
  // value stays and the input only fills gaps. (Letting every input win made re-imports flip-flop
  // when one paper is listed on two days with different links: never "unchanged".)
  const later = newer || (!older && ((inc.upvotes as number) ?? 0) > ((old.upvotes as number | null) ?? 0));
  // Who submitted a paper and when belong to its first daily listing, whichever order days are imported in.
  const incDay = inc.daily_date as string | null;
  const oldDay = old.daily_date as string | null;
  const firstListing = incDay != null && (oldDay == null || incDay < oldDay);
  const rule: Record<MergeRule, (a: unknown, b: unknown, empty: unknown) => unknown> = {
    key: (_a, b) => b,
    version: () => (newer ? incVersion : storedVersion),
    bib: (a, b, empty) => (older ? (known(b) ? b : known(a) ? a : empty) : known(a) ? a : known(b) ? b : empty),
    latest: (a, b) => (later ? (a ?? b ?? null) : (b ?? a ?? null)),
    max: (a, b) => Math.max((a as number | null) ?? 0, (b as number | null) ?? 0),
    earliest: (a, b) => (a != null && b != null ? ((a as string) < (b as string) ? a : b) : (a ?? b ?? null)),
    listing: (a, b) => (firstListing ? (a ?? b ?? null) : (b ?? a ?? null)),
    provenance: (a, b) => (newer ? a : b),
    local: (_a, b) => b,
  };
  const out: Loose = {};
  for (const [, f] of paperFields()) {
    if (f.merge === 'local') continue;
    out[f.column] = rule[f.merge](inc[f.column], old[f.column], f.toColumn(null));
  }
  // A list from another source (an arXiv version) keeps Hugging Face's facts about the same authors.
  out.authors = keepAuthorFacts(out.authors as string, out.authors === inc.authors ? (old.authors as string) : (inc.authors as string));
  return out as unknown as PaperFields;
}

/** Whether two rows hold the same sourced values (a merge that changes nothing is "unchanged"). */
export function sameFields(a: PaperFields, b: PaperFields): boolean {
  const x = a as unknown as Loose;
  const y = b as unknown as Loose;
  return paperFields().every(([, f]) => f.merge === 'local' || (x[f.column] ?? null) === (y[f.column] ?? null));
}
