/**
 * The community's table types (migrations 0010+), merged into the store's `Database` type.
 * Timestamps are ISO-8601 text like the catalog's; secrets are stored only as SHA-256 hashes.
 */
import type { Generated, Selectable } from 'kysely';

export type Role = 'user' | 'moderator' | 'admin';
export const ROLES: readonly Role[] = ['user', 'moderator', 'admin'];

export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased, trimmed; never shown to anyone but its owner. */
  email: string;
  /** The public name in URLs and mentions: `[a-z0-9-]`, unique. */
  handle: string;
  name: string;
  bio: Generated<string>;
  avatar_url: string | null;
  /** JSON array of https URLs. */
  links: Generated<string>;
  role: Generated<Role>;
  /** `scrypt$N$r$p$salt$hash` (base64url), or null for magic-link-only accounts. */
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  last_signin_at: string | null;
  banned_at: string | null;
  ban_reason: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: Generated<string>;
  ip: Generated<string>;
}

export interface SigninTokensTable {
  token_hash: string;
  email: string;
  /** Where to go after signing in (a local path, checked when stored and when used). */
  next: Generated<string>;
  invite_hash: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface InvitesTable {
  code_hash: string;
  created_by: number | null;
  note: Generated<string>;
  created_at: string;
  expires_at: string;
  used_by: number | null;
  used_at: string | null;
}

export interface VotesTable {
  user_id: number;
  paper_id: number;
  created_at: string;
}

export interface PaperCountsTable {
  paper_id: number;
  votes: Generated<number>;
  comments: Generated<number>;
  dirty: Generated<number>;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: number;
  parent_id: number | null;
  author_id: number | null;
  body: string;
  html: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  hidden_reason: string | null;
}

export interface CommentRevisionsTable {
  id: Generated<number>;
  comment_id: number;
  body: string;
  written_at: string;
}

export interface CommentReportsTable {
  id: Generated<number>;
  comment_id: number;
  reporter_id: number;
  reason: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
  resolution: string | null;
}

export interface DiscussionsTable {
  paper_id: number;
  locked_at: string | null;
  locked_by: number | null;
  lock_reason: string | null;
}

export interface SubmissionsTable {
  id: Generated<number>;
  arxiv_id: string;
  user_id: number | null;
  day: string;
  created_at: string;
}

export interface ModerationLogTable {
  id: Generated<number>;
  at: string;
  moderator_id: number | null;
  action: string;
  target: string;
  reason: string;
}

export interface AuthorClaimsTable {
  id: Generated<number>;
  paper_id: number;
  author_index: number;
  author_name: string;
  user_id: number;
  state: 'pending' | 'verified' | 'rejected';
  hidden: Generated<number>;
  created_at: string;
  decided_at: string | null;
  decided_by: number | null;
  decision_reason: string | null;
}

export type Visibility = 'public' | 'private';

export interface CollectionsTable {
  id: Generated<number>;
  /** The random public identifier in the collection's URL. */
  key: string;
  user_id: number;
  name: string;
  description: Generated<string>;
  visibility: Generated<Visibility>;
  created_at: string;
  updated_at: string;
}

export interface CollectionItemsTable {
  collection_id: number;
  paper_id: number;
  /** Ascending order in the collection; gaps allowed, ties broken by added_at. */
  position: number;
  /** Plain text, shown escaped. */
  note: Generated<string>;
  added_at: string;
}

export interface CommunityTables {
  author_claims: AuthorClaimsTable;
  collections: CollectionsTable;
  collection_items: CollectionItemsTable;
  moderation_log: ModerationLogTable;
  submissions: SubmissionsTable;
  comments: CommentsTable;
  comment_revisions: CommentRevisionsTable;
  comment_reports: CommentReportsTable;
  discussions: DiscussionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  signin_tokens: SigninTokensTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  votes: VotesTable;
  paper_counts: PaperCountsTable;
}

export type UserRow = Selectable<UsersTable>;
export type CommentRow = Selectable<CommentsTable>;
