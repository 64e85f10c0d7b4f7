import fs from 'node:fs';
import { AppError } from '../errors.ts';
import { backupSqlite, pgDumpCommand } from '../store/backup.ts';
import type { Command } from './command.ts';
import { outFile } from './out-file.ts';

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
  async run({ values, out, config }) {
    if (typeof values.out !== 'string' || !values.out) throw new AppError('USAGE', 'backup needs --out FILE');
    const target = outFile(values.out, { overwrite: false });
    if (config.engine === 'postgres') {
      // Never the password, in any mode: pg_dump reads it from PGPASSWORD or ~/.pgpass.
      const command = pgDumpCommand(config.databaseUrl, target.file);
      out.data({ engine: 'postgres', performed: false, command }, () => command);
      out.info('PostgreSQL: run the command above (the password comes from PGPASSWORD or ~/.pgpass; see docs/operations.md). Paperboy does not run pg_dump itself.');
      return 0;
    }
    const source = config.databaseUrl.slice('sqlite:'.length);
    const started = performance.now();
    try {
      const { pages } = await backupSqlite(source, target.tmp);
      target.commit();
      const seconds = (performance.now() - started) / 1000;
      const bytes = fs.statSync(target.file).size;
      out.data({ engine: 'sqlite', performed: true, file: target.file, pages, bytes, seconds }, () =>
        `backed up ${source} to ${target.file} (${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s)`,
      );
      return 0;
    } catch (e) {
      target.discard();
      throw target.failed(e);
    }
  },
};
