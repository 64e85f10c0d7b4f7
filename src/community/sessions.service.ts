/**
 * Server-side sessions. The cookie holds a random 256-bit id; the database holds its hash, the user
 * and an expiry that slides forward with use. Signing in always makes a new session (the old one,
 * if the browser had one, is deleted), so a session id planted before sign-in is worth nothing after.
 */
import type { Store } from '../store/db.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { deleteSession, deleteUserSessions, findSession, insertSession, listUserSessions, touchSession } from './sessions.repo.ts';
import { toSessionUser, type SessionUser } from './user.ts';

export interface SessionMeta {
  userAgent: string;
  ip: string;
}

export interface Authenticated {
  user: SessionUser;
  /** The session's stored hash: identifies it for sign-out without keeping the secret. */
  sessionHash: string;
  /** Set when the expiry moved forward: the cookie should be sent again with a fresh Max-Age. */
  refreshed: boolean;
}

export interface Sessions {
  readonly maxAgeSeconds: number;
  /** Start a session for a user; returns the secret for the cookie. Deletes `replacing` (rotation). */
  start(userId: number, meta: SessionMeta, replacing?: string | null): Promise<string>;
  /** The user of a cookie's session, or null when it is unknown or expired. */
  authenticate(secret: string): Promise<Authenticated | null>;
  end(sessionHash: string): Promise<void>;
  /** Sign out everywhere (optionally keeping the current session); returns how many ended. */
  endAll(userId: number, keep?: string): Promise<number>;
  /** Drop cached lookups of a user's sessions (after their account changed). */
  forget(userId: number): void;
  list(userId: number): Promise<Array<{ idHash: string; createdAt: string; lastSeenAt: string; userAgent: string; ip: string }>>;
  hashOf(secret: string): string;
}

/** Sessions last this long without use; each use more than TOUCH_MS after the last extends them. */
const TOUCH_MS = 60 * 60 * 1000;
const CACHE_MAX = 10_000;

/**
 * `cacheMs`: keep a looked-up session this long in this process. Every signed-in request otherwise
 * costs a query before its own work (bench:votes: one of three statements per vote). Signing out,
 * signing out everywhere and account changes made through this node take effect here at once; made on
 * another node (or the CLI), within `cacheMs`. 0 turns the cache off.
 */
export function createSessions(o: { store: Store; days: number; cacheMs?: number; now?: () => number }): Sessions {
  const now = o.now ?? Date.now;
  const lifeMs = o.days * 86_400_000;
  const db = o.store.db;
  const cacheMs = o.cacheMs ?? 0;
  const cache = new Map<string, { at: number; value: Authenticated }>();
  const forget = (userId: number) => {
    for (const [k, v] of cache) if (v.value.user.id === userId) cache.delete(k);
  };
  return {
    maxAgeSeconds: Math.floor(lifeMs / 1000),
    hashOf: hashSecret,
    async start(userId, meta, replacing) {
      const secret = newSecret(32);
      const t = now();
      if (replacing) {
        cache.delete(hashSecret(replacing));
        await deleteSession(db, hashSecret(replacing));
      }
      await insertSession(db, {
        idHash: hashSecret(secret),
        userId,
        now: new Date(t).toISOString(),
        expiresAt: new Date(t + lifeMs).toISOString(),
        userAgent: meta.userAgent.slice(0, 300),
        ip: meta.ip.slice(0, 64),
      });
      return secret;
    },
    async authenticate(secret) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
      const t = now();
      const hash = hashSecret(secret);
      const hit = cache.get(hash);
      if (hit && t - hit.at < cacheMs) return { ...hit.value, refreshed: false };
      const found = await findSession(db, hash, new Date(t).toISOString());
      if (!found) return null;
      let refreshed = false;
      if (t - Date.parse(found.session.lastSeenAt) > TOUCH_MS) {
        await touchSession(db, hash, new Date(t).toISOString(), new Date(t + lifeMs).toISOString());
        refreshed = true;
      }
      const value = { user: toSessionUser(found.user), sessionHash: hash, refreshed };
      if (cacheMs > 0) {
        cache.delete(hash);
        cache.set(hash, { at: t, value });
        if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
      }
      return value;
    },
    async end(sessionHash) {
      cache.delete(sessionHash);
      await deleteSession(db, sessionHash);
    },
    async endAll(userId, keep) {
      forget(userId);
      return deleteUserSessions(db, userId, keep);
    },
    forget,
    async list(userId) {
      const rows = await listUserSessions(db, userId, new Date(now()).toISOString());
      return rows.map((r) => ({ idHash: r.id_hash, createdAt: r.created_at, lastSeenAt: r.last_seen_at, userAgent: r.user_agent, ip: r.ip }));
    },
  };
}
