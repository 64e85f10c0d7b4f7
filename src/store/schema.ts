/**
 * The catalog's table types, shared by both engines. Dates are ISO-8601 text in both,
 * so they sort and compare the same way everywhere.
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { CommunityTables } from '../community/schema.ts';
import type { DeliveryTables } from '../digest/outbox.schema.ts';
import type { SubscriptionTables } from '../digest/subscriptions.schema.ts';
import type { PaperColumns } from '../catalog/paper-fields.ts';
import type { OrganizationsTable, PeopleTable } from '../catalog/people.ts';

/**
 * The papers table: the paper's own columns come from the one field table (catalog/paper-fields.ts);
 * the store adds the row id, the change sequence and its timestamps.
 */
export type PapersTable = PaperColumns & {
  id: Generated<number>;
  /** Change sequence: strictly increasing across every insert and update of any paper. */
  seq: number;
  created_at: string;
  modified_at: string;
};

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

export interface Database extends CommunityTables, SubscriptionTables, DeliveryTables {
  papers: PapersTable;
  /** People imported from Hugging Face (submitters, claimed authors): records, not accounts. */
  people: PeopleTable;
  organizations: OrganizationsTable;
  counters: CountersTable;
  checkpoints: CheckpointsTable;
  job_runs: JobRunsTable;
}

export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
