/**
 * Server-side sessions. The cookie holds a random 256-bit id; the database holds its hash, the user
 * and an expiry that slides forward with use. Signing in always makes a new session (the old one,
 * if the browser had one, is deleted), so a session id planted before sign-in is worth nothing after.
 *
 * Each node caches looked-up sessions. Every change that must end or alter a cached session elsewhere
 * (sign-out, sign out everywhere, a ban, an account change, a rotation) bumps a shared epoch in the
 * database; each node reads the epoch about twice per `cacheMs` while busy (ahead of need, so no
 * request waits for it) and drops its whole cache when it moved. So a change reaches every node within `cacheMs`, as before, while a busy session is looked up
 * once per CACHE_TTL_MS instead of once per `cacheMs`. Under bench:votes (200 members, each toggling a
 * few times a second across two nodes) the per-`cacheMs` expiry made ~40% of vote requests pay a
 * session query first; with the epoch that is two epoch reads per node per second.
 */
import type { Store } from '../store/db.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { bumpSessionsEpoch, deleteSession, deleteUserSessions, findSession, insertSession, listUserSessions, readSessionsEpoch, touchSession } from './sessions.repo.ts';
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
  /** Drop cached lookups of a user's sessions (after their account changed), here and on every node. */
  forget(userId: number): Promise<void>;
  list(userId: number): Promise<Array<{ idHash: string; createdAt: string; lastSeenAt: string; userAgent: string; ip: string }>>;
  hashOf(secret: string): string;
}

/** Sessions last this long without use; each use more than TOUCH_MS after the last extends them. */
const TOUCH_MS = 60 * 60 * 1000;
const CACHE_MAX = 10_000;
/**
 * How long a cached session lives without an epoch change: a bound on staleness should an epoch bump
 * ever be missed (a session deleted by hand in SQL, say).
 */
const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * `cacheMs`: how often this process reads the sessions epoch (see the header); looked-up sessions are
 * kept until it moves (at most CACHE_TTL_MS). Every signed-in request otherwise costs a query before
 * its own work. Signing out, signing out everywhere and account changes made through this node take
 * effect here at once; made on another node (or the CLI), within `cacheMs`. 0 turns the cache off.
 */
export function createSessions(o: { store: Store; days: number; cacheMs?: number; now?: () => number }): Sessions {
  const now = o.now ?? Date.now;
  const lifeMs = o.days * 86_400_000;
  const db = o.store.db;
  const cacheMs = o.cacheMs ?? 0;
  const cache = new Map<string, { at: number; expiresAt: number; value: Authenticated }>();
  // Concurrent lookups of one uncached session share one query.
  const inflight = new Map<string, Promise<Authenticated | null>>();
  let epoch: { known: number | null; checkedAt: number; read: Promise<void> | null } = { known: null, checkedAt: -Infinity, read: null };

  /**
   * Drop the whole cache when another node (or this one) bumped the epoch, known to be at most cacheMs old.
   * The read starts ahead, once half of cacheMs has passed, and requests go on with the cache meanwhile
   * (the epoch they rely on is still under cacheMs old): with a read only once cacheMs was up, every
   * request arriving during it waited one round trip, once a second on a busy node (bench:votes).
   */
  const checkEpoch = async (t: number): Promise<void> => {
    const age = t - epoch.checkedAt;
    if (age < cacheMs / 2) return;
    // Dated when the read starts: a bump committed during the read is seen by the next check.
    epoch.read ??= readSessionsEpoch(db)
      .then((value) => {
        if (value !== epoch.known) cache.clear();
        epoch = { known: value, checkedAt: t, read: null };
      })
      .catch((e: unknown) => {
        // Unknown state: cache nothing until the epoch can be read again.
        cache.clear();
        epoch = { ...epoch, read: null };
        throw e;
      });
    if (age < cacheMs) {
      epoch.read.catch(() => {}); // read ahead: a failure is seen by the request that has to wait
      return;
    }
    await epoch.read;
  };
  const changed = async () => {
    if (cacheMs > 0) await bumpSessionsEpoch(db);
  };
  const forget = async (userId: number) => {
    for (const [k, v] of cache) if (v.value.user.id === userId) cache.delete(k);
    await changed();
  };
  const lookup = async (hash: string, t: number): Promise<Authenticated | null> => {
    const found = await findSession(db, hash, new Date(t).toISOString());
    if (!found) return null;
    let refreshed = false;
    let expiresAt = Date.parse(found.session.expiresAt);
    if (t - Date.parse(found.session.lastSeenAt) > TOUCH_MS) {
      expiresAt = t + lifeMs;
      await touchSession(db, hash, new Date(t).toISOString(), new Date(expiresAt).toISOString());
      refreshed = true;
    }
    const value = { user: toSessionUser(found.user), sessionHash: hash, refreshed };
    if (cacheMs > 0) {
      cache.delete(hash);
      cache.set(hash, { at: t, expiresAt, value });
      if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
    }
    return value;
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
        await changed();
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
      if (cacheMs > 0) {
        await checkEpoch(t);
        const hit = cache.get(hash);
        if (hit && t - hit.at < CACHE_TTL_MS && t < hit.expiresAt) return { ...hit.value, refreshed: false };
      }
      let p = inflight.get(hash);
      if (!p) {
        p = lookup(hash, t).finally(() => inflight.delete(hash));
        inflight.set(hash, p);
      }
      return p;
    },
    async end(sessionHash) {
      cache.delete(sessionHash);
      await deleteSession(db, sessionHash);
      await changed();
    },
    async endAll(userId, keep) {
      for (const [k, v] of cache) if (v.value.user.id === userId) cache.delete(k);
      const n = await deleteUserSessions(db, userId, keep);
      await changed();
      return n;
    },
    forget,
    async list(userId) {
      const rows = await listUserSessions(db, userId, new Date(now()).toISOString());
      return rows.map((r) => ({ idHash: r.id_hash, createdAt: r.created_at, lastSeenAt: r.last_seen_at, userAgent: r.user_agent, ip: r.ip }));
    },
  };
}
