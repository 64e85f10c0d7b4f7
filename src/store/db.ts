/**
 * Opens the catalog database (SQLite file or PostgreSQL) behind one Kysely instance and migrates it.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { AppError, messageOf } from '../errors.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** For SQLite, the file path (or `:memory:`); for PostgreSQL, the URL without password. */
  location: string;
  close(): Promise<void>;
}

// bigint (int8) and numeric arrive from pg as strings; our counts and sequences fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Open a store from a `sqlite:PATH` or `postgres://` URL. Does not migrate. */
export function openStore(databaseUrl: string, opts: { poolSize?: number } = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let sqlite: SQLite.Database;
    try {
      sqlite = new SQLite(file);
    } catch (e) {
      throw new AppError('DB_UNAVAILABLE', `cannot open SQLite database ${file}: ${messageOf(e)}`, { cause: e });
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, engine: 'sqlite', location: file, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', location: redactUrl(databaseUrl), close: () => db.destroy() };
}

/** Apply every pending migration; throws with the failing migration's name. */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.engine), allowUnorderedMigrations: true });
  let result;
  try {
    result = await migrator.migrateToLatest();
  } catch (e) {
    throw new AppError('DB_UNAVAILABLE', `cannot migrate ${store.location}: ${messageOf(e)}`, { cause: e });
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError('DB_UNAVAILABLE', `migration ${failed} failed on ${store.location}: ${messageOf(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
