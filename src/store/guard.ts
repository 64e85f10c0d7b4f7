/**
 * The store's answer to a sick database: every error that means "the database is not answering"
 * (refused or dropped connections, timeouts, a locked or vanished SQLite file) leaves the store as one
 * catalogue error, AppError DB_UNAVAILABLE naming the database and what failed, and moves the store's
 * health to "down" (logged once); the next query that works moves it back (logged once). Other
 * database errors (constraints, SQL) pass through untouched. A Kysely dialect wrapper, so every query,
 * transaction and stream is covered whichever part of the code runs it.
 */
import type { Dialect, DatabaseConnection, Driver, QueryResult, TransactionSettings, CompiledQuery, QueryCompiler } from 'kysely';
import type { Logger } from 'pino';
import { AppError, isAppError, messageOf } from '../errors.ts';

/** Node socket errors that mean the server cannot be reached. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** PostgreSQL SQLSTATEs of a server that is away, starting, stopping, full or too slow. */
const PG_STATES: Record<string, string> = {
  '57P01': 'the server is shutting down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting up or in recovery',
  '53300': 'the server has too many connections',
  '57014': 'a statement ran past the statement timeout',
  '25P03': 'a transaction sat idle past its timeout',
  // Not outages but a database this node cannot use, named as plainly.
  '3D000': 'the database does not exist',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
};
/** node-postgres messages of a connection that timed out or died. */
const PG_MESSAGES = [/timeout exceeded when trying to connect/i, /Connection terminated/i, /Query read timeout/i, /not queryable/i, /connection error/i];
/** SQLite result codes of a database that is locked, unreadable, gone or full. */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|NOTADB|CORRUPT|READONLY_DBMOVED|PROTOCOL)/;

/** Why `e` means the database is unavailable, or null when it is an ordinary database error. */
export function unavailableReason(e: unknown): string | null {
  if (isAppError(e, 'DB_UNAVAILABLE')) return e.message;
  const err = e as { code?: unknown; message?: unknown; errors?: unknown[] };
  const code = typeof err?.code === 'string' ? err.code : '';
  if (NET_CODES.has(code)) return `cannot connect (${messageOf(e)})`;
  if (PG_STATES[code]) return `${PG_STATES[code]} (${messageOf(e)})`;
  if (SQLITE_CODES.test(code)) return `${code}: ${messageOf(e)}`;
  if (typeof err?.message === 'string' && PG_MESSAGES.some((r) => r.test(err.message as string))) return `no answer in time or the connection dropped (${err.message})`;
  // AggregateError from a dual-stack connect: each attempt refused.
  if (Array.isArray(err?.errors) && err.errors.length && err.errors.every((x) => unavailableReason(x) !== null)) return `cannot connect (${err.errors.map(messageOf).join('; ')})`;
  return null;
}

export interface Health {
  readonly up: boolean;
  /** When the state last changed. */
  readonly since: Date;
  /** Why it is down (null while up). */
  readonly reason: string | null;
}

export interface HealthTracker {
  current(): Health;
  ok(): void;
  down(reason: string): void;
}

/** Up/down with one log line per change of state (not one per failed query). */
export function createHealth(o: { log?: Logger | undefined; location: string }): HealthTracker {
  let state: Health = { up: true, since: new Date(), reason: null };
  return {
    current: () => state,
    ok() {
      if (state.up) return;
      o.log?.info({ database: o.location, downSeconds: Math.round((Date.now() - state.since.getTime()) / 1000) }, 'database reachable again');
      state = { up: true, since: new Date(), reason: null };
    },
    down(reason) {
      if (!state.up) return;
      o.log?.warn({ database: o.location, reason }, 'database unreachable; answering 503 until it is back');
      state = { up: false, since: new Date(), reason };
    },
  };
}

/**
 * Wrap a dialect so its errors are classified as above.
 * @example new Kysely({ dialect: guardDialect(new PostgresDialect({ pool }), { engine: 'PostgreSQL', location, health }) })
 */
export interface GuardOptions {
  engine: string;
  location: string;
  health: HealthTracker;
  /**
   * While down, let one connection attempt through per this many ms and fail the others at once
   * (PostgreSQL: a frozen server would otherwise hold every request for the full timeout).
   */
  failFastMs?: number;
}

export function guardDialect(inner: Dialect, o: GuardOptions): Dialect {
  return {
    createDriver: () => new GuardedDriver(inner.createDriver(), o),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  readonly #o: GuardOptions;
  readonly #conns = new WeakMap<DatabaseConnection, DatabaseConnection>();
  #lastTrial = 0;

  constructor(inner: Driver, o: GuardOptions) {
    this.#inner = inner;
    this.#o = o;
  }

  /** Run `fn`, classifying its errors; `answered`: success means the server answered (not a pool hand-out). */
  async #guard<T>(fn: () => Promise<T>, answered = true): Promise<T> {
    try {
      const r = await fn();
      if (answered) this.#o.health.ok();
      return r;
    } catch (e) {
      const reason = unavailableReason(e);
      if (reason === null) {
        // The database answered (with an error of the query's own): it is reachable.
        if (answered) this.#o.health.ok();
        throw e;
      }
      this.#o.health.down(reason);
      if (isAppError(e, 'DB_UNAVAILABLE')) throw e;
      throw new AppError('DB_UNAVAILABLE', `${this.#o.engine} at ${this.#o.location} is unavailable: ${reason}`, { cause: e });
    }
  }

  #unwrap(c: DatabaseConnection): DatabaseConnection {
    return this.#conns.get(c) ?? c;
  }

  init(): Promise<void> {
    return this.#guard(() => this.#inner.init(), false);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const h = this.#o.health.current();
    if (!h.up && this.#o.failFastMs) {
      const now = Date.now();
      if (now - this.#lastTrial < this.#o.failFastMs) {
        throw new AppError('DB_UNAVAILABLE', `${this.#o.engine} at ${this.#o.location} is unavailable: ${h.reason}`);
      }
      this.#lastTrial = now;
    }
    // An idle pooled connection is handed out without asking the server: that proves nothing.
    const conn = await this.#guard(() => this.#inner.acquireConnection(), false);
    const guard = <T>(fn: () => Promise<T>) => this.#guard(fn);
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(q: CompiledQuery): Promise<QueryResult<R>> => guard(() => conn.executeQuery<R>(q)),
      async *streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        const it = conn.streamQuery<R>(q, chunkSize)[Symbol.asyncIterator]();
        for (;;) {
          const next = await guard(() => it.next());
          if (next.done) return;
          yield next.value;
        }
      },
    };
    this.#conns.set(wrapped, conn);
    return wrapped;
  }

  beginTransaction(c: DatabaseConnection, s: TransactionSettings): Promise<void> {
    return this.#guard(() => this.#inner.beginTransaction(this.#unwrap(c), s));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return this.#guard(() => this.#inner.commitTransaction(this.#unwrap(c)));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return this.#guard(() => this.#inner.rollbackTransaction(this.#unwrap(c)));
  }
  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#guard(async () => this.#inner.savepoint?.(this.#unwrap(c), name, compile));
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#guard(async () => this.#inner.rollbackToSavepoint?.(this.#unwrap(c), name, compile));
  }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#guard(async () => this.#inner.releaseSavepoint?.(this.#unwrap(c), name, compile));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(this.#unwrap(c));
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
