/**
 * The paper as the rest of the code sees it, and the rules for merging what sources say about one.
 */
import type { NewPaperRow, PaperRow } from '../store/schema.ts';
import { absUrl, pdfUrl } from './arxiv-id.ts';
import { shownComments, shownUpvotes } from './counts.ts';

/** What an ingest adapter yields: one source's view of a paper. Absent or null means "not known here". */
export interface PaperInput {
  arxivId: string;
  version?: number | null;
  title: string;
  abstract?: string | null;
  authors?: string[] | null;
  categories?: string[] | null;
  publishedAt?: string | null;
  updatedAt?: string | null;
  dailyDate?: string | null;
  comment?: string | null;
  journalRef?: string | null;
  doi?: string | null;
  githubRepo?: string | null;
  projectPage?: string | null;
  upvotes?: number | null;
  numComments?: number | null;
  submittedBy?: string | null;
  aiSummary?: string | null;
  aiKeywords?: string[] | null;
  source: string;
}

export interface Paper {
  id: number;
  arxivId: string;
  version: number;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primaryCategory: string | null;
  publishedAt: string | null;
  updatedAt: string | null;
  dailyDate: string | null;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
  githubRepo: string | null;
  projectPage: string | null;
  absUrl: string;
  pdfUrl: string;
  /** Shown count: imported baseline + local votes (catalog/counts.ts). */
  upvotes: number;
  /** Shown count: imported baseline + local comments. */
  numComments: number;
  /** The local parts of the two counts above, as last folded into the catalog. */
  localUpvotes: number;
  localComments: number;
  submittedBy: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  source: string;
  seq: number;
  createdAt: string;
  modifiedAt: string;
}

export function toPaper(r: PaperRow): Paper {
  const categories = r.categories ? r.categories.split(' ') : [];
  return {
    id: Number(r.id),
    arxivId: r.arxiv_id,
    version: r.version,
    title: r.title,
    abstract: r.abstract,
    authors: parseJsonArray(r.authors),
    categories,
    primaryCategory: categories[0] ?? null,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    dailyDate: r.daily_date,
    comment: r.comment,
    journalRef: r.journal_ref,
    doi: r.doi,
    githubRepo: r.github_repo,
    projectPage: r.project_page,
    absUrl: absUrl(r.arxiv_id),
    pdfUrl: pdfUrl(r.arxiv_id),
    upvotes: shownUpvotes(r),
    numComments: shownComments(r),
    localUpvotes: r.local_upvotes ?? 0,
    localComments: r.local_comments ?? 0,
    submittedBy: r.submitted_by,
    aiSummary: r.ai_summary,
    aiKeywords: r.ai_keywords ? parseJsonArray(r.ai_keywords) : [],
    source: r.source,
    seq: Number(r.seq),
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

function parseJsonArray(s: string): string[] {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Collapse runs of white space (sources hard-wrap abstracts at 80 columns). */
export function cleanText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length ? t : null;
}

/** The columns a merge decides; `id`, `seq` and timestamps are the repository's business. */
export type PaperFields = Omit<NewPaperRow, 'id' | 'seq' | 'created_at' | 'modified_at'>;

const MERGED_KEYS = [
  'arxiv_id', 'version', 'title', 'abstract', 'authors', 'categories', 'published_at', 'updated_at',
  'daily_date', 'comment', 'journal_ref', 'doi', 'github_repo', 'project_page', 'upvotes',
  'num_comments', 'submitted_by', 'ai_summary', 'ai_keywords', 'source',
] as const satisfies readonly (keyof PaperFields)[];

/** The row an input becomes when nothing is stored for it yet. */
export function fieldsFromInput(p: PaperInput): PaperFields {
  return {
    arxiv_id: p.arxivId,
    version: p.version ?? 1,
    title: cleanText(p.title) ?? '',
    abstract: cleanText(p.abstract) ?? '',
    authors: JSON.stringify((p.authors ?? []).map((a) => cleanText(a)).filter(Boolean)),
    categories: (p.categories ?? []).filter(Boolean).join(' '),
    published_at: p.publishedAt ?? null,
    updated_at: p.updatedAt ?? null,
    daily_date: p.dailyDate ?? null,
    comment: cleanText(p.comment),
    journal_ref: cleanText(p.journalRef),
    doi: cleanText(p.doi),
    github_repo: p.githubRepo || null,
    project_page: p.projectPage || null,
    upvotes: Math.max(0, Math.trunc(p.upvotes ?? 0)),
    num_comments: Math.max(0, Math.trunc(p.numComments ?? 0)),
    submitted_by: p.submittedBy || null,
    ai_summary: cleanText(p.aiSummary),
    ai_keywords: p.aiKeywords && p.aiKeywords.length ? JSON.stringify(p.aiKeywords) : null,
    source: p.source,
  };
}

/**
 * Merge a source's view into the stored row. The rules make the result independent of import order
 * and re-imports idempotent:
 * - a newer arXiv version replaces the bibliographic fields; an older one only fills gaps;
 * - community fields keep the largest count and the earliest daily date;
 * - a value a source does not know (null/empty) never erases one that is stored.
 */
export function mergePaper(stored: PaperFields, input: PaperInput): PaperFields {
  const inc = fieldsFromInput(input);
  const incVersion = input.version ?? stored.version ?? 1;
  const newer = incVersion > (stored.version ?? 1);
  const older = incVersion < (stored.version ?? 1);
  const pick = <T>(a: T | null | undefined, b: T | null | undefined, empty: T): T => {
    const aKnown = a != null && a !== '' && a !== '[]';
    const bKnown = b != null && b !== '' && b !== '[]';
    if (older) return (bKnown ? b : aKnown ? a : empty) as T;
    return (aKnown ? a : bKnown ? b : empty) as T;
  };
  const minDate = (a: string | null | undefined, b: string | null | undefined) =>
    a && b ? (a < b ? a : b) : (a ?? b ?? null);
  // Links and AI fields describe the paper as of one observation, and the later one should win. Upvotes
  // only grow, so a newer version or more upvotes marks the later observation; otherwise the stored
  // value stays and the input only fills gaps. (Letting every input win made re-imports flip-flop
  // when one paper is listed on two days with different links: never "unchanged".)
  const later = newer || (!older && (inc.upvotes ?? 0) > (stored.upvotes ?? 0));
  const latest = (a: string | null | undefined, b: string | null | undefined): string | null =>
    later ? (a ?? b ?? null) : (b ?? a ?? null);
  return {
    arxiv_id: stored.arxiv_id,
    version: newer ? incVersion : (stored.version ?? 1),
    title: pick(inc.title, stored.title, ''),
    abstract: pick(inc.abstract, stored.abstract, ''),
    authors: pick(inc.authors, stored.authors, '[]'),
    categories: pick(inc.categories, stored.categories, ''),
    published_at: minDate(stored.published_at, inc.published_at),
    updated_at: pick(inc.updated_at, stored.updated_at, null),
    daily_date: minDate(stored.daily_date, inc.daily_date),
    comment: pick(inc.comment, stored.comment, null),
    journal_ref: pick(inc.journal_ref, stored.journal_ref, null),
    doi: pick(inc.doi, stored.doi, null),
    github_repo: latest(inc.github_repo, stored.github_repo),
    project_page: latest(inc.project_page, stored.project_page),
    upvotes: Math.max(inc.upvotes ?? 0, stored.upvotes ?? 0),
    num_comments: Math.max(inc.num_comments ?? 0, stored.num_comments ?? 0),
    submitted_by: stored.submitted_by ?? inc.submitted_by ?? null,
    ai_summary: latest(inc.ai_summary, stored.ai_summary),
    ai_keywords: latest(inc.ai_keywords, stored.ai_keywords),
    source: newer ? inc.source : stored.source,
  };
}

export function sameFields(a: PaperFields, b: PaperFields): boolean {
  return MERGED_KEYS.every((k) => (a[k] ?? null) === (b[k] ?? null));
}
