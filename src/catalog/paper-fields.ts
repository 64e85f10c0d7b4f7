/**
 * The one description of a paper: every field once, with its column, the JSONL value's schema, how a
 * source value is normalized into the column, how the column reads back, how two sources' values merge,
 * and where Hugging Face's JSON carries it. The table type (store/schema.ts), `PaperInput`, `Paper`, the
 * upsert's column lists, the JSONL export and its validator, and the HF JSON shapes with their schemas
 * (web/hf-json.ts) are all derived from this table, so a new column is one entry here plus a migration
 * (`test/integration/paper-schema.test.ts` fails when the two disagree).
 */
import type { Generated } from 'kysely';
import { z } from 'zod';
import { authorNames, authorsExport, authorInputSchema, authorsToColumn, type AuthorInput, type PersonLookup } from './paper-authors.ts';
import {
  bareOrg, barePerson, hfOrgJson, hfOrgSchema, hfSubmitterJson, hfSubmitterSchema, hfUserJson, hfUserSchema, orgInputSchema,
  personInputSchema, type OrgInput, type Organization, type Person, type PersonInput,
} from './people.ts';
import { cleanText, cleanToken, sourceText } from './text.ts';

/**
 * How a stored value and a source's value combine (see docs/catalog.md, "Merging what sources say").
 * - `key`: the identity; never changes.
 * - `version`: the highest arXiv version seen.
 * - `bib`: bibliographic text; a newer version replaces it, an older one only fills gaps.
 * - `latest`: one observation's view (links, AI fields, media); the later observation (newer version or
 *   more upvotes) wins, otherwise the input only fills gaps.
 * - `max`: counts that only grow.
 * - `earliest`: the earliest value (dates).
 * - `listing`: belongs to the paper's first daily listing (who submitted it, when, the entry's own
 *   title and date): taken from the observation with the earliest daily date, gaps filled from others.
 * - `provenance`: the source follows the newest version.
 * - `local`: written by this site (votes, moderation), never by ingest: not in PaperInput, not in the
 *   JSONL export, never in an upsert's column list, so a re-import cannot overwrite it. Its migration
 *   gives the column a default.
 */
export type MergeRule = 'key' | 'version' | 'bib' | 'latest' | 'max' | 'earliest' | 'listing' | 'provenance' | 'local';

/** Looks up the records a paper refers to by name; bare records when nothing more is known. */
export interface ReadContext {
  person: PersonLookup;
  org: (name: string) => Organization;
}

export const BARE_CONTEXT: ReadContext = { person: barePerson, org: bareOrg };

/** One field. `In` is the PaperInput/JSONL value, `Col` the column's value, `Out` the Paper's value. */
export interface FieldDef<C extends string = string, In = unknown, Col = unknown, Out = unknown, R extends boolean = boolean> {
  column: C;
  /** Required in every PaperInput (arxivId, title, source). */
  required: R;
  /** Validates the value of a JSONL line (the export layout). */
  input: z.ZodType<In>;
  /** Normalize a source's value into the column. */
  toColumn(v: In | null | undefined): Col;
  /** The column as the Paper carries it (records a paper refers to come from `ctx`). */
  fromColumn(c: Col, ctx: ReadContext): Out;
  /** The column as the JSONL export writes it (default: `fromColumn`). */
  toExport?(c: Col, ctx: ReadContext): In | null;
  merge: MergeRule;
  /** Where Hugging Face's JSON shapes carry the field (web/hf-json.ts); absent: not in those shapes. */
  hf?: { paper?: HfSlot<Out>; entry?: HfSlot<Out> };
  /** What the field means, for people reading the table. */
  doc: string;
}

/** A field's key and JSON schema on Hugging Face's paper object or daily-list entry. */
export interface HfSlot<Out> {
  name: string;
  /** The JSON schema of the value as written: Fastify serializes with it and OpenAPI documents it. */
  schema: Record<string, unknown>;
  /** The value as written, given the field's value and the whole paper (default: the field's value). */
  json?(v: Out, paper: Readonly<Record<string, unknown>>): unknown;
}

function def<const C extends string, In, Col, Out, const R extends boolean = false>(
  f: Omit<FieldDef<C, In, Col, Out, R>, 'required'> & { required?: R },
): FieldDef<C, In, Col, Out, R> {
  return { ...f, required: (f.required ?? false) as R };
}

type Slots<Out> = FieldDef<string, unknown, unknown, Out>['hf'];
const optStr = z.string().nullable().optional();
const optCount = z.number().int().min(0).nullable().optional();
const optStrings = z.array(z.string()).nullable().optional();

/** Running text as the source wrote it (control characters removed); empty is unknown. */
const text = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<string | null>) =>
  def({ column, input: optStr, toColumn: (v) => sourceText(v), fromColumn: (c: string | null) => c, merge, doc, hf });

/** One-line metadata (arXiv wraps it at 80 columns, which carries no meaning): white space collapsed. */
const line = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<string | null>) =>
  def({ column, input: optStr, toColumn: (v) => cleanText(v), fromColumn: (c: string | null) => c, merge, doc, hf });

/** A URL, identifier or model name; empty is unknown. */
const token = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<string | null>) =>
  def({ column, input: optStr, toColumn: (v) => cleanToken(v), fromColumn: (c: string | null) => c, merge, doc, hf });

/** A timestamp or day as the adapter normalized it. */
const date = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<string | null>, input: z.ZodType<string | null | undefined> = optStr) =>
  def({ column, input, toColumn: (v) => cleanToken(v), fromColumn: (c: string | null) => c, merge, doc, hf });

/** A non-negative count; unknown is 0. */
const count = <const C extends string>(column: C, doc: string, hf?: Slots<number>) =>
  def({ column, input: optCount, toColumn: (v) => Math.max(0, Math.trunc(v ?? 0)), fromColumn: (c: number) => c, merge: 'max', doc, hf });

/** A JSON array of strings; empty is unknown. */
const strings = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<string[]>) =>
  def({
    column, input: optStrings, merge, doc, hf,
    toColumn: (v) => {
      const list = (v ?? []).map((x) => cleanText(x)).filter((x): x is string => x !== null);
      return list.length ? JSON.stringify(list) : null;
    },
    fromColumn: (c: string | null) => jsonStrings(c) ?? [],
    toExport: (c) => jsonStrings(c),
  });

/** A reference to a person by user name; the record itself lives in `people`. */
const personRef = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<Person | null>) =>
  def({
    column, input: z.union([z.string().min(1), personInputSchema]).nullable().optional(), merge, doc, hf,
    toColumn: (v: string | PersonInput | null | undefined) => cleanToken(typeof v === 'string' ? v : v?.user),
    fromColumn: (c: string | null, ctx) => (c ? ctx.person(c) : null),
    toExport: (c, ctx) => (c ? { ...ctx.person(c) } : null),
  });

/** A reference to an organisation by name; the record itself lives in `organizations`. */
const orgRef = <const C extends string>(column: C, merge: MergeRule, doc: string, hf?: Slots<Organization | null>) =>
  def({
    column, input: z.union([z.string().min(1), orgInputSchema]).nullable().optional(), merge, doc, hf,
    toColumn: (v: string | OrgInput | null | undefined) => cleanToken(typeof v === 'string' ? v : v?.name),
    fromColumn: (c: string | null, ctx) => (c ? ctx.org(c) : null),
    toExport: (c, ctx) => (c ? { ...ctx.org(c) } : null),
  });

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

const AUTHOR_JSON = {
  type: 'object',
  required: ['name'],
  properties: { _id: STR, name: STR, hidden: { type: 'boolean' }, status: STR, statusLastChangedAt: STR, user: hfUserSchema },
} as const;

/**
 * Every field of a paper, in the order the JSONL export writes them. `id`, `seq`, `created_at` and
 * `modified_at` belong to the store, not to the paper, and are not listed.
 */
export const PAPER_FIELDS = {
  arxivId: def({
    column: 'arxiv_id', required: true, input: z.string(), merge: 'key',
    toColumn: (v) => v ?? '', fromColumn: (c: string) => c,
    hf: { paper: { name: 'id', schema: { ...STR, description: 'arXiv id without version', examples: ['2310.06511'] } } },
    doc: 'arXiv id without version: `2310.06511`, `hep-th/9901001` (the key)',
  }),
  version: def({
    column: 'version', input: z.number().int().min(1).nullable().optional(), merge: 'version',
    toColumn: (v) => v ?? 1, fromColumn: (c: number) => c,
    doc: 'the latest arXiv version seen (1 when unknown)',
  }),
  title: def({
    column: 'title', required: true, input: z.string().min(1), merge: 'bib',
    toColumn: (v) => sourceText(v) ?? '', fromColumn: (c: string) => c,
    hf: { paper: { name: 'title', schema: STR } },
    doc: 'the title as the source wrote it (arXiv hard-wraps long titles: `displayText` collapses them)',
  }),
  abstract: def({
    column: 'abstract', input: optStr, merge: 'bib',
    toColumn: (v) => sourceText(v) ?? '', fromColumn: (c: string) => c,
    hf: {
      paper: { name: 'summary', schema: { ...STR, description: 'the abstract' } },
      entry: { name: 'summary', schema: { ...STR, description: 'the abstract' } },
    },
    doc: 'the abstract as the source wrote it, line breaks included (empty when unknown)',
  }),
  authors: def({
    column: 'authors', input: z.array(authorInputSchema).nullable().optional(), merge: 'bib',
    toColumn: (v: readonly AuthorInput[] | null | undefined) => authorsToColumn(v),
    fromColumn: (c: string) => authorNames(c),
    toExport: (c, ctx) => authorsExport(c, ctx.person),
    hf: {
      paper: {
        name: 'authors',
        schema: { type: 'array', items: AUTHOR_JSON },
        json: (_names, p) => (p.authorInfo as import('./paper-authors.ts').AuthorInfo[]).map(hfAuthorJson),
      },
    },
    doc: 'authors in order: names, with Hugging Face\'s author facts where known (Paper.authorInfo)',
  }),
  categories: def({
    column: 'categories', input: optStrings, merge: 'bib',
    toColumn: (v) => (v ?? []).map((x) => cleanToken(x)).filter(Boolean).join(' '),
    fromColumn: (c: string) => (c ? c.split(' ') : []),
    hf: { paper: { name: 'categories', schema: { ...STRINGS, description: 'arXiv categories, primary first' } } },
    doc: 'arXiv categories, primary first (space-separated in the column)',
  }),
  publishedAt: date('published_at', 'earliest', 'when the first version appeared on arXiv (ISO-8601)', {
    paper: { name: 'publishedAt', schema: NULLABLE_STR },
  }),
  updatedAt: date('updated_at', 'bib', 'when the latest version appeared (ISO-8601)'),
  dailyDate: date('daily_date', 'earliest', 'the day (YYYY-MM-DD) the paper entered the daily list, if it did', undefined,
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').nullable().optional()),
  submittedOnDailyAt: date('submitted_on_daily_at', 'listing', 'when it was submitted to the daily list (ISO-8601), if the source says', {
    paper: { name: 'submittedOnDailyAt', schema: { ...NULLABLE_STR, description: 'when the paper was submitted to the daily list' } },
  }),
  dailyPublishedAt: date('daily_published_at', 'listing', "the daily entry's own `publishedAt`, as Hugging Face wrote it", {
    entry: {
      name: 'publishedAt',
      schema: { ...NULLABLE_STR, description: "the daily entry's publishedAt (the paper's when the source gave none)" },
      json: (v, p) => v ?? p.publishedAt ?? null,
    },
  }),
  dailyTitle: text('daily_title', 'latest', "the daily entry's own title, where it differs from the paper's", {
    entry: { name: 'title', schema: STR, json: (v, p) => v ?? p.title },
  }),
  comment: line('comment', 'bib', "the authors' arXiv comment (pages, figures, venue)", { paper: { name: 'comment', schema: NULLABLE_STR } }),
  journalRef: line('journal_ref', 'bib', 'journal reference, when published'),
  doi: token('doi', 'bib', 'DOI, when known'),
  githubRepo: token('github_repo', 'latest', 'code repository URL', { paper: { name: 'githubRepo', schema: NULLABLE_STR } }),
  githubRepoAddedBy: token('github_repo_added_by', 'latest', 'who linked the repository on Hugging Face (`author`, `user`)', {
    paper: { name: 'githubRepoAddedBy', schema: NULLABLE_STR },
  }),
  githubStars: def({
    column: 'github_stars', input: optCount, merge: 'latest',
    toColumn: (v) => (v == null ? null : Math.max(0, Math.trunc(v))), fromColumn: (c: number | null) => c,
    hf: { paper: { name: 'githubStars', schema: { type: ['integer', 'null'] } } },
    doc: "the repository's GitHub stars, as last counted by the source",
  }),
  projectPage: token('project_page', 'latest', 'project page URL', { paper: { name: 'projectPage', schema: NULLABLE_STR } }),
  thumbnail: token('thumbnail', 'latest', "the paper's social thumbnail image URL", {
    entry: { name: 'thumbnail', schema: NULLABLE_STR },
  }),
  mediaUrls: strings('media_urls', 'latest', 'images and videos the submitter attached (URLs)', {
    paper: { name: 'mediaUrls', schema: STRINGS },
    entry: { name: 'mediaUrls', schema: STRINGS },
  }),
  discussionId: token('discussion_id', 'latest', "Hugging Face's id of the paper's discussion", {
    // Every paper has a discussion here (docs/community.md, "Discussion"), addressed by its arXiv id
    // (`/api/comments?paper=`): a paper never discussed on HF shows that; HF's imported id stays as imported.
    paper: { name: 'discussionId', schema: NULLABLE_STR, json: (v, p) => v ?? p.arxivId },
  }),
  upvotes: count('upvotes', 'upvotes imported from the source (the largest seen)', { paper: { name: 'upvotes', schema: INT } }),
  numComments: count('num_comments', 'comments counted by the source (the largest seen)', {
    paper: { name: 'numComments', schema: INT },
    entry: { name: 'numComments', schema: INT },
  }),
  // The community's counts (docs/community.md, "Counts"): written by the count folder, never by ingest.
  // Paper.upvotes / Paper.numComments are the shown counts, baseline + these (paper.ts, counts.ts).
  localUpvotes: def({
    column: 'local_upvotes', input: optCount, merge: 'local', toColumn: (v) => v ?? 0, fromColumn: (c: number) => c,
    doc: 'upvotes cast on this site, as last folded into the catalog',
  }),
  localComments: def({
    column: 'local_comments', input: optCount, merge: 'local', toColumn: (v) => v ?? 0, fromColumn: (c: number) => c,
    doc: 'comments written on this site, as last folded into the catalog',
  }),
  // Moderation (community/paper-hiding.service.ts): a hidden paper leaves lists, search and feeds.
  hiddenAt: def({
    column: 'hidden_at', input: z.string().nullable().optional(), merge: 'local', toColumn: (v) => v ?? null, fromColumn: (c: string | null) => c,
    doc: 'when moderators hid the paper from lists, search and feeds (null: shown)',
  }),
  hiddenReason: def({
    column: 'hidden_reason', input: z.string().nullable().optional(), merge: 'local', toColumn: (v) => v ?? null, fromColumn: (c: string | null) => c,
    doc: 'why moderators hid it (shown on its page and in the moderation log)',
  }),
  submittedBy: personRef('submitted_by', 'listing', 'who submitted the paper to the daily list (a person, people.ts)', {
    paper: { name: 'submittedOnDailyBy', schema: hfUserSchema, json: (v) => (v ? hfUserJson(v) : null) },
    entry: { name: 'submittedBy', schema: hfSubmitterSchema, json: (v) => (v ? hfSubmitterJson(v) : null) },
  }),
  submitterOrganization: orgRef('submitter_organization', 'listing', 'the organisation the submitter submitted for', {
    entry: { name: 'submitterOrganization', schema: hfOrgSchema, json: (v) => (v ? hfOrgJson(v) : null) },
  }),
  organization: orgRef('organization', 'latest', 'the organisation the paper belongs to (an organisation, people.ts)', {
    paper: { name: 'organization', schema: hfOrgSchema, json: (v) => (v ? hfOrgJson(v) : null) },
    entry: { name: 'organization', schema: hfOrgSchema, json: (v) => (v ? hfOrgJson(v) : null) },
  }),
  isAuthorParticipating: def({
    column: 'is_author_participating', input: z.boolean().nullable().optional(), merge: 'latest',
    toColumn: (v) => (v == null ? null : v ? 1 : 0), fromColumn: (c: number | null) => (c == null ? null : c === 1),
    toExport: (c) => (c == null ? null : c === 1),
    hf: { entry: { name: 'isAuthorParticipating', schema: { type: ['boolean', 'null'] } } },
    doc: "whether an author takes part in the paper's discussion on Hugging Face",
  }),
  aiSummary: text('ai_summary', 'latest', "the source's one-sentence AI summary", { paper: { name: 'ai_summary', schema: NULLABLE_STR } }),
  aiSummaryModel: token('ai_summary_model', 'latest', 'the model that wrote the AI summary', { paper: { name: 'ai_summary_model', schema: NULLABLE_STR } }),
  aiKeywords: strings('ai_keywords', 'latest', "the source's AI keywords", { paper: { name: 'ai_keywords', schema: STRINGS } }),
  source: def({
    column: 'source', required: true, input: z.string().min(1), merge: 'provenance',
    toColumn: (v) => v ?? '', fromColumn: (c: string) => c,
    doc: 'which source the stored version came from (`hf-daily`, `kaggle`, `arxiv-api`, …)',
  }),
} as const;

function hfAuthorJson(a: import('./paper-authors.ts').AuthorInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a.hfId) out._id = a.hfId;
  if (a.user) out.user = hfUserJson(a.user);
  out.name = a.name;
  if (a.status) out.status = a.status;
  if (a.statusLastChangedAt) out.statusLastChangedAt = a.statusLastChangedAt;
  if (a.hidden != null) out.hidden = a.hidden;
  return out;
}

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
