/**
 * The one description of a paper: every field once, with its column, the JSONL value's schema, how a
 * source value is normalized into the column, how the column reads back, and how two sources' values
 * merge. The table type (store/schema.ts), `PaperInput`, `Paper`, the upsert's column list, the JSONL
 * export and its validator are all derived from this table, so a new column is one entry here plus a
 * migration (`test/integration/paper-schema.test.ts` fails when the two disagree).
 */
import type { Generated } from 'kysely';
import { z } from 'zod';
import { cleanText } from './text.ts';

/**
 * How a stored value and a source's value combine (see docs/catalog.md, "Merging what sources say").
 * - `key`: the identity; never changes.
 * - `version`: the highest arXiv version seen.
 * - `bib`: bibliographic text; a newer version replaces it, an older one only fills gaps.
 * - `latest`: one observation's view (links, AI fields); the later observation (newer version or
 *   more upvotes) wins, otherwise the input only fills gaps.
 * - `max`: counts that only grow.
 * - `earliest`: the earliest value (dates).
 * - `first`: the first value recorded.
 * - `provenance`: the source follows the newest version.
 * - `local`: written by this site (votes, moderation), never by ingest: not in PaperInput, not in the
 *   JSONL export, never in an upsert's column list, so a re-import cannot overwrite it.
 */
export type MergeRule = 'key' | 'version' | 'bib' | 'latest' | 'max' | 'earliest' | 'first' | 'provenance' | 'local';

/** One field. `In` is the PaperInput/JSONL value, `Col` the column's value, `Out` the Paper's value. */
export interface FieldDef<C extends string = string, In = unknown, Col = unknown, Out = unknown, R extends boolean = boolean> {
  column: C;
  /** Required in every PaperInput (arxivId, title, source). */
  required: R;
  /** Validates the value of a JSONL line (the export layout). */
  input: z.ZodType<In>;
  /** Normalize a source's value into the column. */
  toColumn(v: In | null | undefined): Col;
  /** The column as the Paper carries it. */
  fromColumn(c: Col): Out;
  /** The column as the JSONL export writes it (default: `fromColumn`). */
  toExport?(c: Col): In | null;
  merge: MergeRule;
  /** Where Hugging Face's JSON shapes carry the field (web/hf-json.ts); absent: not in those shapes. */
  hf?: HfPlacement<Out>;
  /** What the field means, for people reading the table. */
  doc: string;
}

/** A field's place in Hugging Face's paper object and daily-list entry, and its JSON schema there. */
export interface HfPlacement<Out> {
  /** Its key on the paper object (`/api/papers/{id}`, and `paper` inside a daily entry). */
  paper?: string;
  /** Its key on a daily entry, beside `paper`. */
  entry?: string;
  /** The JSON schema of the value as written: Fastify serializes with it and OpenAPI documents it. */
  schema: Record<string, unknown>;
  /** The value as written (default: the Paper's value). */
  json?(v: Out): unknown;
}

function def<const C extends string, In, Col, Out, const R extends boolean = false>(
  f: Omit<FieldDef<C, In, Col, Out, R>, 'required'> & { required?: R },
): FieldDef<C, In, Col, Out, R> {
  return { ...f, required: (f.required ?? false) as R };
}

const optStr = z.string().nullable().optional();
const optCount = z.number().int().min(0).nullable().optional();
const optStrings = z.array(z.string()).nullable().optional();

/** Free text, white space collapsed; empty is unknown. */
const text = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: HfPlacement<string | null>) =>
  def({ column, input: optStr, toColumn: (v) => cleanText(v), fromColumn: (c: string | null) => c, merge, doc, hf });

/** A URL or identifier kept as given; empty is unknown. */
const plain = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: HfPlacement<string | null>) =>
  def({ column, input: optStr, toColumn: (v) => v || null, fromColumn: (c: string | null) => c, merge, doc, hf });

/** A timestamp or day as the adapter normalized it. */
const date = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: HfPlacement<string | null>, input: z.ZodType<string | null | undefined> = optStr) =>
  def({ column, input, toColumn: (v) => v ?? null, fromColumn: (c: string | null) => c, merge, doc, hf });

/** A non-negative count; unknown is 0. */
const count = <const C extends string>(column: C, doc: string, hf?: HfPlacement<number>) =>
  def({ column, input: optCount, toColumn: (v) => Math.max(0, Math.trunc(v ?? 0)), fromColumn: (c: number) => c, merge: 'max', doc, hf });

const STR = { type: 'string' } as const;
const NULLABLE_STR = { type: ['string', 'null'] } as const;
const INT = { type: 'integer' } as const;
const STRINGS = { type: 'array', items: STR } as const;

function jsonStrings(s: string | null): string[] | null {
  if (s === null) return null;
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : null;
  } catch {
    return null;
  }
}

/**
 * Every field of a paper, in the order the JSONL export writes them. `id`, `seq`, `created_at` and
 * `modified_at` belong to the store, not to the paper, and are not listed.
 */
export const PAPER_FIELDS = {
  arxivId: def({
    column: 'arxiv_id', required: true, input: z.string(), merge: 'key',
    toColumn: (v) => v ?? '', fromColumn: (c: string) => c,
    hf: { paper: 'id', schema: { ...STR, description: 'arXiv id without version', examples: ['2310.06511'] } },
    doc: 'arXiv id without version: `2310.06511`, `hep-th/9901001` (the key)',
  }),
  version: def({
    column: 'version', input: z.number().int().min(1).nullable().optional(), merge: 'version',
    toColumn: (v) => v ?? 1, fromColumn: (c: number) => c,
    doc: 'the latest arXiv version seen (1 when unknown)',
  }),
  title: def({
    column: 'title', required: true, input: z.string().min(1), merge: 'bib',
    toColumn: (v) => cleanText(v) ?? '', fromColumn: (c: string) => c,
    hf: { paper: 'title', entry: 'title', schema: STR },
    doc: 'the title',
  }),
  abstract: def({
    column: 'abstract', input: optStr, merge: 'bib',
    toColumn: (v) => cleanText(v) ?? '', fromColumn: (c: string) => c,
    hf: { paper: 'summary', entry: 'summary', schema: { ...STR, description: 'the abstract' } },
    doc: 'the abstract (empty when unknown)',
  }),
  authors: def({
    column: 'authors', input: optStrings, merge: 'bib',
    toColumn: (v) => JSON.stringify((v ?? []).map((a) => cleanText(a)).filter(Boolean)),
    fromColumn: (c: string) => jsonStrings(c) ?? [],
    hf: {
      paper: 'authors',
      schema: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: STR } } },
      json: (names) => names.map((name) => ({ name })),
    },
    doc: 'author names in order (a JSON array in the column)',
  }),
  categories: def({
    column: 'categories', input: optStrings, merge: 'bib',
    toColumn: (v) => (v ?? []).filter(Boolean).join(' '),
    fromColumn: (c: string) => (c ? c.split(' ') : []),
    hf: { paper: 'categories', schema: { ...STRINGS, description: 'arXiv categories, primary first' } },
    doc: 'arXiv categories, primary first (space-separated in the column)',
  }),
  publishedAt: date('published_at', 'earliest', 'when the first version appeared on arXiv (ISO-8601)', { paper: 'publishedAt', entry: 'publishedAt', schema: NULLABLE_STR }),
  updatedAt: date('updated_at', 'bib', 'when the latest version appeared (ISO-8601)'),
  dailyDate: date('daily_date', 'earliest', 'the day (YYYY-MM-DD) the paper entered the daily list, if it did',
    { paper: 'submittedOnDailyAt', schema: { ...NULLABLE_STR, description: 'when the paper entered the daily list' }, json: (d) => (d ? `${d}T00:00:00.000Z` : null) },
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').nullable().optional()),
  comment: text('comment', 'bib', "the authors' arXiv comment (pages, figures, venue)", { paper: 'comment', schema: NULLABLE_STR }),
  journalRef: text('journal_ref', 'bib', 'journal reference, when published'),
  doi: text('doi', 'bib', 'DOI, when known'),
  githubRepo: plain('github_repo', 'latest', 'code repository URL', { paper: 'githubRepo', schema: NULLABLE_STR }),
  projectPage: plain('project_page', 'latest', 'project page URL', { paper: 'projectPage', schema: NULLABLE_STR }),
  upvotes: count('upvotes', 'upvotes imported from the source (the largest seen)', { paper: 'upvotes', schema: INT }),
  numComments: count('num_comments', 'comments counted by the source (the largest seen)', { paper: 'numComments', entry: 'numComments', schema: INT }),
  submittedBy: plain('submitted_by', 'first', 'who submitted the paper to the daily list (a user name)', {
    entry: 'submittedBy',
    schema: { type: ['object', 'null'], properties: { name: STR } },
    json: (name) => (name ? { name } : null),
  }),
  aiSummary: text('ai_summary', 'latest', "the source's one-sentence AI summary", { paper: 'ai_summary', schema: NULLABLE_STR }),
  aiKeywords: def({
    column: 'ai_keywords', input: optStrings, merge: 'latest',
    toColumn: (v) => (v && v.length ? JSON.stringify(v) : null),
    fromColumn: (c: string | null) => jsonStrings(c) ?? [],
    toExport: (c) => jsonStrings(c),
    hf: { paper: 'ai_keywords', schema: STRINGS },
    doc: "the source's AI keywords (a JSON array in the column)",
  }),
  source: def({
    column: 'source', required: true, input: z.string().min(1), merge: 'provenance',
    toColumn: (v) => v ?? '', fromColumn: (c: string) => c,
    doc: 'which source the stored version came from (`hf-daily`, `kaggle`, `arxiv-api`, …)',
  }),
} as const;

export type PaperFieldTable = typeof PAPER_FIELDS;
export type PaperKey = keyof PaperFieldTable;

type InOf<F> = F extends FieldDef<string, infer In, unknown, unknown, boolean> ? NonNullable<In> : never;
type ColOf<F> = F extends FieldDef<string, unknown, infer Col, unknown, boolean> ? Col : never;
type OutOf<F> = F extends FieldDef<string, unknown, unknown, infer Out, boolean> ? Out : never;
type Sourced = { [K in PaperKey]: PaperFieldTable[K]['merge'] extends 'local' ? never : K }[PaperKey];
type Local = Exclude<PaperKey, Sourced>;
type RequiredKey = { [K in PaperKey]: PaperFieldTable[K]['required'] extends true ? K : never }[PaperKey];

/** What an ingest adapter yields: one source's view of a paper. Absent or null means "not known here". */
export type PaperInput = { [K in RequiredKey]: InOf<PaperFieldTable[K]> } & { [K in Exclude<Sourced, RequiredKey>]?: InOf<PaperFieldTable[K]> | null };

/** The columns an ingest writes and a merge decides. */
export type SourcedColumns = { [K in Sourced as PaperFieldTable[K]['column']]: ColOf<PaperFieldTable[K]> };

/** The paper's columns, as the store holds them; local ones have database defaults, so inserts omit them. */
export type PaperColumns = SourcedColumns & { [K in Local as PaperFieldTable[K]['column']]: Generated<ColOf<PaperFieldTable[K]>> };

/** The paper's fields as the rest of the code reads them (Paper adds what the store and URLs derive). */
export type PaperValues = { [K in PaperKey]: OutOf<PaperFieldTable[K]> };

/** A complete JSONL line: every sourced field, null when unknown. */
export type PaperExport = { [K in Sourced]: InOf<PaperFieldTable[K]> | (K extends RequiredKey ? never : null) };

type AnyField = FieldDef<string, unknown, unknown, unknown, boolean>;
const ENTRIES = Object.entries(PAPER_FIELDS) as [PaperKey, AnyField][];

/** The sourced fields in export order (everything but `local` ones). */
export const SOURCED_KEYS = ENTRIES.filter(([, f]) => f.merge !== 'local').map(([k]) => k) as Sourced[];

/** Every column the store holds for a paper (sourced and local). */
export const PAPER_COLUMNS = ENTRIES.map(([, f]) => f.column) as (keyof PaperColumns)[];

/** The columns an ingest writes: every sourced one. The upsert's insert and update lists. */
export const SOURCED_COLUMNS = ENTRIES.filter(([, f]) => f.merge !== 'local').map(([, f]) => f.column) as (keyof PaperColumns)[];

/** Fields with their keys, for code that walks the table (merge, export, validation). */
export function paperFields(): readonly [PaperKey, AnyField][] {
  return ENTRIES;
}
