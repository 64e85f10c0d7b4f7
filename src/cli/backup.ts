import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { redactUrl } from '../store/db.ts';
import type { Command } from './command.ts';

/** The documented PostgreSQL backup: a consistent snapshot in pg_dump's compressed custom format. */
export function pgDumpCommand(databaseUrl: string, file: string): string {
  return `pg_dump --format=custom --no-owner --file ${JSON.stringify(file)} ${JSON.stringify(databaseUrl)}`;
}

/**
 * `paperboy backup --out FILE`. SQLite: an online backup (better-sqlite3's backup(), SQLite's backup API)
 * that runs while the server keeps serving and writing. PostgreSQL: prints the pg_dump command to run,
 * because pg_dump is the tool operators already trust for that engine.
 */
export const backup: Command = {
  name: 'backup',
  summary: 'back up the database (SQLite online backup; prints the pg_dump command for PostgreSQL)',
  usage: 'paperboy backup --out FILE [--json]',
  options: { out: { type: 'string' } },
  async run({ values, env, out }) {
    if (typeof values.out !== 'string' || !values.out) throw new AppError('USAGE', 'backup needs --out FILE');
    const file = path.resolve(values.out);
    const config = loadConfig(env);
    if (config.engine === 'postgres') {
      const command = pgDumpCommand(config.databaseUrl, file);
      out.data({ engine: 'postgres', performed: false, command: pgDumpCommand(redactUrl(config.databaseUrl), file) }, () => command);
      out.info('PostgreSQL: run the command above (see docs/operations.md); Paperboy does not run pg_dump itself.');
      return 0;
    }
    const source = config.databaseUrl.slice('sqlite:'.length);
    if (!fs.existsSync(source)) throw new AppError('DB_UNAVAILABLE', `no SQLite database at ${source}`);
    if (fs.existsSync(file)) throw new AppError('USAGE', `${file} exists; choose a new file (backups never overwrite)`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const db = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      const started = performance.now();
      const r = await db.backup(tmp);
      fs.renameSync(tmp, file);
      const seconds = (performance.now() - started) / 1000;
      const bytes = fs.statSync(file).size;
      out.data({ engine: 'sqlite', performed: true, file, pages: r.totalPages, bytes, seconds }, () =>
        `backed up ${source} to ${file} (${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s)`,
      );
      return 0;
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    } finally {
      db.close();
    }
  },
};
