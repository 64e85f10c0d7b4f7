/**
 * The delivery tables (migrations 0021, 0022, 0023), merged into the store's `Database` type.
 */
import type { Generated, Selectable } from 'kysely';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface DigestOutboxTable {
  id: Generated<number>;
  subscriber_id: number;
  period: 'daily' | 'weekly';
  period_key: string;
  email: string;
  status: OutboxStatus;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  arxiv_ids: string;
  message_date: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  response_code: number | null;
  last_error: string | null;
  smtp_response: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface DigestBouncesTable {
  email: string;
  score: number;
  soft: Generated<number>;
  hard: Generated<number>;
  first_bounce_at: string;
  last_bounce_at: string;
  last_code: number | null;
  last_error: string | null;
  suspended_at: string | null;
}

/** A digest's rendered message (migration 0023), written with its outbox row, read once by the sender. */
export interface DigestMessagesTable {
  outbox_id: number;
  raw: string;
}

export interface DeliveryTables {
  digest_outbox: DigestOutboxTable;
  digest_messages: DigestMessagesTable;
  digest_bounces: DigestBouncesTable;
}

export type OutboxRow = Selectable<DigestOutboxTable>;
