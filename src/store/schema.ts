/**
 * The catalog's table types, shared by both engines. Dates are ISO-8601 text in both,
 * so they sort and compare the same way everywhere.
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { CommunityTables } from '../community/schema.ts';

export interface PapersTable {
  id: Generated<number>;
  /** Normalized arXiv id without version: `2310.06511`, `hep-th/9901001`. */
  arxiv_id: string;
  version: number;
  title: string;
  abstract: string;
  /** JSON array of author names, in order. */
  authors: string;
  /** Space-separated arXiv categories, primary first. */
  categories: string;
  published_at: string | null;
  updated_at: string | null;
  /** The day (YYYY-MM-DD) the paper entered the daily list, if it did. */
  daily_date: string | null;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  github_repo: string | null;
  project_page: string | null;
  /** The imported baseline (Hugging Face's count); the shown count adds local_upvotes (catalog/counts.ts). */
  upvotes: number;
  num_comments: number;
  /** Local votes and comments, folded in by the community's count folder; ingest never writes them. */
  local_upvotes: Generated<number>;
  local_comments: Generated<number>;
  submitted_by: string | null;
  ai_summary: string | null;
  /** JSON array of keywords. */
  ai_keywords: string | null;
  source: string;
  /** Change sequence: strictly increasing across every insert and update of any paper. */
  seq: number;
  created_at: string;
  modified_at: string;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface CheckpointsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** One run of a scheduled job for one period (src/jobs). */
export interface JobRunsTable {
  job: string;
  /** The period's key: the ISO start of the interval, e.g. `2026-08-21T00:00:00.000Z`. */
  period: string;
  status: 'running' | 'done' | 'failed';
  /** The node that holds (or last held) the run. */
  owner: string;
  lease_expires_at: string;
  attempts: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface Database extends CommunityTables {
  papers: PapersTable;
  counters: CountersTable;
  checkpoints: CheckpointsTable;
  job_runs: JobRunsTable;
}

export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
