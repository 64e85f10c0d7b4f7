/**
 * The subscription tables (migration 0020), merged into the store's `Database` type.
 * Timestamps are ISO-8601 text; link and confirmation tokens are stored only as SHA-256 hashes.
 */
import type { Generated, Selectable } from 'kysely';

export interface SubscribersTable {
  id: Generated<number>;
  /** Lower-cased, trimmed. */
  email: string;
  user_id: number | null;
  /** SubscriberStatus (types.ts), written out here: the store's types import nothing above the store. */
  status: 'pending' | 'active' | 'unsubscribed' | 'suspended';
  frequency: 'daily' | 'weekly';
  send_hour: number;
  time_zone: string;
  weekly_day: Generated<number>;
  /** JSON array of section kinds. */
  sections: string;
  link_generation: Generated<number>;
  confirm_token_hash: string | null;
  confirm_expires_at: string | null;
  confirm_sent_at: string | null;
  confirmed_at: string | null;
  suspended_reason: string | null;
  suspended_at: string | null;
  unsubscribed_at: string | null;
  created_at: string;
  updated_at: string;
}

export type TokenPurpose = 'manage' | 'unsubscribe' | 'feed';

export interface SubscriptionTokensTable {
  token_hash: string;
  subscriber_id: number;
  purpose: TokenPurpose;
  generation: number;
  created_at: string;
  revoked_at: string | null;
}

export interface SubscriptionSearchesTable {
  subscriber_id: number;
  position: number;
  query: string;
}

export interface SubscriptionFollowsTable {
  subscriber_id: number;
  kind: 'author' | 'category';
  value: string;
}

export interface SentPapersTable {
  subscriber_id: number;
  arxiv_id: string;
  sent_at: string;
}

export interface DigestKeysTable {
  name: string;
  value: string;
  created_at: string;
}

export interface SubscriptionTables {
  subscribers: SubscribersTable;
  subscription_tokens: SubscriptionTokensTable;
  subscription_searches: SubscriptionSearchesTable;
  subscription_follows: SubscriptionFollowsTable;
  sent_papers: SentPapersTable;
  digest_keys: DigestKeysTable;
}

export type SubscriberRow = Selectable<SubscribersTable>;
