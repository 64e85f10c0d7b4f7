/**
 * Personal API tokens for the JSON API: `pb_` + 256 random bits, shown once when made, stored as a
 * hash, revocable. A request with `Authorization: Bearer pb_…` acts as the token's owner (and needs
 * no CSRF token: a browser never attaches it on its own).
 */
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { findToken, insertToken, listTokens, revokeToken, touchToken } from './tokens.repo.ts';
import { toSessionUser, type SessionUser } from './user.ts';

export const TOKEN_PREFIX = 'pb_';
const TOKEN = /^pb_[A-Za-z0-9_-]{43}$/;
/** Record last use at most this often per token (a write per API call would be wasteful). */
const TOUCH_MS = 60_000;
export const TOKEN_NAME_MAX = 100;
export const TOKENS_PER_USER = 50;

export interface TokenInfo {
  id: number;
  name: string;
  /** The first characters, to tell tokens apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Tokens {
  /** Make a token; its secret is in the result and nowhere else. */
  create(userId: number, name: string): Promise<TokenInfo & { token: string }>;
  list(userId: number): Promise<TokenInfo[]>;
  /** @throws AppError NOT_FOUND when the token is not the user's or already revoked */
  revoke(userId: number, id: number): Promise<void>;
  /** The owner of a live token, or null. */
  authenticate(token: string): Promise<{ user: SessionUser; tokenId: number } | null>;
}

export function createTokens(o: { store: Store; now?: () => number }): Tokens {
  const db = o.store.db;
  const now = o.now ?? Date.now;
  const info = (r: { id: number; name: string; prefix: string; created_at: string; last_used_at?: string | null; revoked_at?: string | null }): TokenInfo => ({
    id: Number(r.id), name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? null, revokedAt: r.revoked_at ?? null,
  });
  return {
    async create(userId, nameInput) {
      const name = nameInput.trim();
      if (!name) throw new AppError('BAD_REQUEST', 'Give the token a name, e.g. "laptop script".');
      if (name.length > TOKEN_NAME_MAX) throw new AppError('FIELD_TOO_LONG', `A token name has at most ${TOKEN_NAME_MAX} characters.`);
      const live = (await listTokens(db, userId)).filter((t) => !t.revoked_at).length;
      if (live >= TOKENS_PER_USER) throw new AppError('CONFLICT', `You have ${live} tokens; revoke one before making another.`);
      const token = `${TOKEN_PREFIX}${newSecret(32)}`;
      const row = await insertToken(db, { userId, name, tokenHash: hashSecret(token), prefix: token.slice(0, 7), now: new Date(now()).toISOString() });
      return { ...info(row), token };
    },
    async list(userId) {
      return (await listTokens(db, userId)).map(info);
    },
    async revoke(userId, id) {
      if (!(await revokeToken(db, userId, id, new Date(now()).toISOString()))) throw new AppError('NOT_FOUND', 'No such token among yours (or it was revoked already).');
    },
    async authenticate(token) {
      if (!TOKEN.test(token)) return null;
      const found = await findToken(db, hashSecret(token));
      if (!found) return null;
      const t = now();
      if (!found.lastUsedAt || t - Date.parse(found.lastUsedAt) > TOUCH_MS) await touchToken(db, found.tokenId, new Date(t).toISOString());
      return { user: toSessionUser(found.user), tokenId: found.tokenId };
    },
  };
}
