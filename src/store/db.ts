/**
 * Opens the catalog database (SQLite file or PostgreSQL) behind one Kysely instance and migrates it.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Dialect } from 'kysely';
import type { Logger } from 'pino';
import { AppError, isAppError, messageOf } from '../errors.ts';
import { checkSqliteFolder } from './data-dir.ts';
import { createHealth, guardDialect, type Health, type HealthTracker } from './guard.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** For SQLite, the file path (or `:memory:`); for PostgreSQL, the URL without password. */
  location: string;
  /** Up or down, as the last query found it (DB_UNAVAILABLE errors mark it down; src/store/guard.ts). */
  health(): Health;
  /** Ask the database now (`select 1`); true when it answered within `timeoutMs` (default 2 s). */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Run `fn` on a connection without the statement timeout (migrations, which may rewrite big tables).
   * PostgreSQL: a separate one-connection pool, closed afterwards; SQLite: the same database.
   */
  unbounded<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection (new, or a free one from the pool). */
  connectTimeoutMs?: number;
  /** PostgreSQL: the server cancels a statement running longer; the client gives up a second later. */
  statementTimeoutMs?: number;
  /** SQLite: how long a statement waits for another connection's write lock. */
  busyTimeoutMs?: number;
  /** Where pool errors and health changes are logged. */
  log?: Logger;
}

/** Defaults of the timeouts (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, DB_BUSY_TIMEOUT_MS in config). */
export const DB_TIMEOUT_DEFAULTS = { connectTimeoutMs: 3000, statementTimeoutMs: 5000, busyTimeoutMs: 5000 } as const;

// bigint (int8) and numeric arrive from pg as strings; our counts and sequences fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Open a store from a `sqlite:PATH` or `postgres://` URL. Does not migrate. */
export function openStore(databaseUrl: string, opts: StoreOptions = {}): Store {
  const t = { ...DB_TIMEOUT_DEFAULTS, ...opts };
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    checkSqliteFolder(file);
    let sqlite: SQLite.Database;
    try {
      sqlite = new SQLite(file);
    } catch (e) {
      throw new AppError('DB_UNAVAILABLE', `cannot open SQLite database ${file}: ${messageOf(e)}`, { cause: e });
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.round(t.busyTimeoutMs)}`);
    const health = createHealth({ log: opts.log, location: file });
    return guarded(new SqliteDialect({ database: keptStatements(sqlite) }), 'sqlite', 'SQLite', file, health, 0, async (fn, db) => fn(db));
  }
  const location = redactUrl(databaseUrl);
  const pool = createPool(databaseUrl, { max: opts.poolSize ?? 10, connectTimeoutMs: t.connectTimeoutMs, statementTimeoutMs: t.statementTimeoutMs });
  const health = createHealth({ log: opts.log, location });
  const store = guarded(new PostgresDialect({ pool }), 'postgres', 'PostgreSQL', location, health, PG_FAIL_FAST_MS, async (fn) => {
    const migrations = createPool(databaseUrl, { max: 1, connectTimeoutMs: t.connectTimeoutMs, statementTimeoutMs: 0 });
    migrations.on('error', (e) => health.down(`idle connection lost: ${messageOf(e)}`));
    const one = guarded(new PostgresDialect({ pool: migrations }), 'postgres', 'PostgreSQL', location, health, 0, async () => {
      // eslint-disable-next-line no-restricted-syntax -- programming error: unbounded() inside unbounded()
      throw new Error('nested unbounded()');
    });
    try {
      return await fn(one.db);
    } finally {
      await one.close();
    }
  });
  // An idle client's error (server restart, network cut) must not crash the process: it marks the
  // store down, which is logged once per outage (guard.ts); the next query that works marks it up.
  pool.on('error', (e) => health.down(`idle connection lost: ${messageOf(e)}`));
  return store;
}

/** How many prepared statements a SQLite store keeps (the app runs a few hundred distinct SQL texts). */
const KEPT_STATEMENTS = 500;

/**
 * The SQLite database as Kysely's dialect sees it, with prepared statements kept by SQL text (least
 * recently used dropped first): Kysely's driver prepares every query it runs, and a page of search
 * results runs four (papers, people, organisations, claims) on every request. A kept statement is
 * never run twice at once: the dialect's one connection is held by one query (or stream, or
 * transaction) at a time. SQLite re-prepares a kept statement itself after a schema change.
 *
 * Rows are read as arrays and made into objects here (keptRows): better-sqlite3's own row objects cost
 * more to make and to read. A search page's 20 papers (40 columns) with their people, organisations and
 * claims, through Kysely to toPaper: 0.50–0.55 ms with better-sqlite3's objects, 0.43–0.47 ms with these
 * (`bench/lab/row-objects.ts`, 80k papers); the catalog's queries were a quarter of the HTTP thread's
 * time under bench:http.
 */
function keptStatements(sqlite: SQLite.Database): Pick<SQLite.Database, 'close' | 'prepare'> {
  const kept = new Map<string, KeptStatement>();
  const schemaVersion = sqlite.prepare('PRAGMA schema_version').pluck();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let s = kept.get(text);
      if (s) kept.delete(text);
      else s = keptRows(sqlite.prepare(text), () => schemaVersion.get() as number);
      kept.set(text, s); // the newest last
      if (kept.size > KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      return s;
    },
  } as unknown as Pick<SQLite.Database, 'close' | 'prepare'>;
}

/** What Kysely's SQLite driver uses of a statement. */
type KeptStatement = Pick<SQLite.Statement, 'reader' | 'run' | 'all' | 'iterate'>;

/**
 * `stmt` answering Kysely's driver with rows made from arrays. The column names are the statement's
 * own, asked once (`columns()` costs ~30 µs at 40 columns, more than the saving) and again after a
 * schema change (another process's migration: SQLite re-prepares the statement, and `select *` may then
 * have other columns): `PRAGMA schema_version` is read before each run, ~2 µs.
 */
export function keptRows(stmt: SQLite.Statement, schemaVersion: () => number): KeptStatement {
  // Reads only: a write with RETURNING opens its transaction as a writer, and a version read before it
  // would open it as a reader instead, which SQLite then cannot upgrade while another connection has
  // written (SQLITE_BUSY at once, not after the busy timeout: the two digest senders test saw it).
  if (!stmt.reader || !stmt.readonly) return stmt;
  const raw = stmt.raw(true);
  let names: string[] = [];
  let at = -1;
  /**
   * The statement's column names after a run that began at schema version `v`: asked again when the
   * version moved (SQLite re-prepared the statement in that run, so only now are they the new ones) or
   * the width differs. The version is read before the run: the connection runs nothing else while a
   * statement iterates ("This database connection is busy executing a query"); a change that lands
   * between that read and the run is picked up by the next run.
   */
  const columns = (v: number, width: number) => {
    if (v !== at || width !== names.length) {
      names = raw.columns().map((c) => c.name);
      at = v;
    }
    return names;
  };
  const object = (cols: string[], r: unknown[]) => {
    const o: Record<string, unknown> = {};
    for (let j = 0; j < cols.length; j++) o[cols[j]!] = r[j];
    return o;
  };
  return {
    reader: true,
    run: (...params: unknown[]) => raw.run(...params),
    all: (...params: unknown[]) => {
      const v = schemaVersion();
      const rows = raw.all(...params) as unknown[][];
      if (rows.length === 0) return rows;
      const cols = columns(v, rows[0]!.length);
      return rows.map((r) => object(cols, r));
    },
    *iterate(...params: unknown[]) {
      const v = schemaVersion();
      let cols: string[] | undefined;
      for (const r of raw.iterate(...params) as IterableIterator<unknown[]>) yield object((cols ??= columns(v, r.length)), r);
    },
  } as unknown as KeptStatement;
}

/**
 * While PostgreSQL is down, one request a second tries it; the others get DB_UNAVAILABLE at once
 * instead of each waiting out the connect or statement timeout. (SQLite is local: a busy lock on one
 * write says nothing about the next read, so it gets no such breaker.)
 */
const PG_FAIL_FAST_MS = 1000;

function guarded(
  dialect: Dialect,
  engine: Engine,
  label: string,
  location: string,
  health: HealthTracker,
  failFastMs: number,
  unbounded: <T>(fn: (db: Kysely<Database>) => Promise<T>, db: Kysely<Database>) => Promise<T>,
): Store {
  const db = new Kysely<Database>({ dialect: guardDialect(dialect, { engine: label, location, health, failFastMs }) });
  return {
    db,
    engine,
    location,
    health: () => health.current(),
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          health.down(`no answer to select 1 within ${timeoutMs} ms`);
          resolve(false);
        }, timeoutMs);
      });
      const answer = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answer, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    unbounded: (fn) => unbounded(fn, db),
    close: () => db.destroy(),
  };
}

/**
 * A pg pool that never waits without a deadline: connecting (or waiting for a free client) gives up
 * after connectTimeoutMs; the server cancels statements past statementTimeoutMs, and the client gives
 * up a second later still (a frozen server cancels nothing) and drops that connection, whose late answer
 * would otherwise block the next query on it.
 */
function createPool(url: string, o: { max: number; connectTimeoutMs: number; statementTimeoutMs: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max,
    connectionTimeoutMillis: o.connectTimeoutMs,
    keepAlive: true,
    ...(o.statementTimeoutMs > 0 ? { statement_timeout: o.statementTimeoutMs, query_timeout: o.statementTimeoutMs + 1000 } : {}),
  });
  pool.on('connect', (client) => {
    // A checked-out client whose connection dies emits 'error' with nobody listening (pg-pool only
    // listens on idle ones), which would crash the process; the query on it fails and says why.
    client.on('error', () => {});
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const r = query(...args);
      if (r instanceof Promise) {
        r.catch((e: unknown) => {
          if (messageOf(e) === 'Query read timeout') (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        });
      }
      return r;
    };
  });
  return pool;
}

/**
 * Apply every pending migration (without the statement timeout: a migration may rewrite a big table).
 * A database that does not answer is DB_UNAVAILABLE saying so; a migration that fails is MIGRATION_FAILED
 * naming it.
 */
export async function migrate(store: Store): Promise<string[]> {
  const result = await store.unbounded(async (db) => {
    const migrator = new Migrator({ db, provider: migrationProvider(store.engine), allowUnorderedMigrations: true });
    try {
      return await migrator.migrateToLatest();
    } catch (e) {
      if (isAppError(e)) throw e;
      throw new AppError('MIGRATION_FAILED', `cannot migrate ${store.location}: ${messageOf(e)}`, { cause: e });
    }
  });
  if (result.error) {
    if (isAppError(result.error)) throw result.error;
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'migrating failed';
    throw new AppError('MIGRATION_FAILED', `${what} on ${store.location}: ${messageOf(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
