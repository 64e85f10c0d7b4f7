/**
 * Database backups. SQLite: an online backup through SQLite's backup API (better-sqlite3 `backup()`)
 * from a separate read-only connection, so the server keeps serving and writing meanwhile and the copy
 * is a consistent snapshot. PostgreSQL: the pg_dump command operators already trust, printed without
 * the password (pg_dump takes it from PGPASSWORD or ~/.pgpass), never run by Paperboy.
 */
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { AppError } from '../errors.ts';

/** A database URL with any password removed (not masked: the result must still be a working URL). */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@');
}

/** The documented PostgreSQL backup: a consistent snapshot in pg_dump's compressed custom format. */
export function pgDumpCommand(databaseUrl: string, file: string): string {
  return `pg_dump --format=custom --no-owner --file ${JSON.stringify(file)} ${JSON.stringify(withoutPassword(databaseUrl))}`;
}

/**
 * Copy the SQLite database at `source` to `dest` (a new file).
 * @throws AppError DB_UNAVAILABLE when there is no database at `source`
 */
export async function backupSqlite(source: string, dest: string): Promise<{ pages: number }> {
  if (!fs.existsSync(source)) throw new AppError('DB_UNAVAILABLE', `no SQLite database at ${source}`);
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    const r = await db.backup(dest);
    return { pages: r.totalPages };
  } finally {
    db.close();
  }
}
