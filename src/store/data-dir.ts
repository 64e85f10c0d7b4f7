/**
 * The data folder (DATA_DIR: the SQLite file, the search index) is real or the node says so. At start
 * a folder that is a file, unwritable or unusable stops the command with one line naming DATA_DIR;
 * only the default ./data is created with its parents (a DATA_DIR that was set is created only inside
 * an existing folder, so a typo never starts an empty catalog somewhere unexpected). While serving, a
 * watch notices the folder or the database file being removed or replaced under the process and
 * reports it (readiness fails, one log line per change).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppError, messageOf } from '../errors.ts';

function fail(dir: string, why: string): never {
  throw new AppError('CONFIG_INVALID', `DATA_DIR=${dir} ${why}`);
}

/**
 * Make sure DATA_DIR is a folder this process can write, creating it as described above.
 * @throws AppError CONFIG_INVALID naming DATA_DIR
 */
export function prepareDataDir(dir: string, isDefault: boolean): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(dir, `cannot be read: ${messageOf(e)}`);
  }
  if (!st) {
    const parent = path.dirname(dir);
    if (!isDefault && !fs.existsSync(parent)) fail(dir, `does not exist, nor does its parent folder ${parent} (create it, or fix the path)`);
    try {
      fs.mkdirSync(dir, { recursive: isDefault });
    } catch (e) {
      fail(dir, `does not exist and cannot be created: ${messageOf(e)}`);
    }
  } else if (!st.isDirectory()) {
    fail(dir, 'is a file, not a folder');
  }
  // access(W_OK) believes /proc and read-only mounts: write a file to be sure.
  const probe = path.join(dir, `.paperboy-write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    fail(dir, `is not writable by this process: ${messageOf(e)}`);
  }
}

/**
 * A `sqlite:PATH` whose folder does not exist is a mistake, not a request for a new folder.
 * @throws AppError CONFIG_INVALID naming DATABASE_URL
 */
export function checkSqliteFolder(file: string): void {
  if (file === ':memory:') return;
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new AppError('CONFIG_INVALID', `DATABASE_URL=sqlite:${file}: the folder ${dir} does not exist (create it, or fix the path)`);
  }
  if (!st.isDirectory()) throw new AppError('CONFIG_INVALID', `DATABASE_URL=sqlite:${file}: ${dir} is not a folder`);
}

/** The identity of a file system entry: a removed-and-recreated one has another inode. */
function identity(p: string): string | null {
  try {
    const st = fs.statSync(p);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

export interface StorageWatch {
  /** Null while the folder and database file are the ones this process opened; else why not. */
  check(): string | null;
  stop(): void;
}

/**
 * Remember what was opened; `check()` compares, and a timer logs each change of state once.
 * @example const w = watchStorage({ dataDir, sqliteFile, log }); … w.check() // 'the database file … was replaced'
 */
export function watchStorage(o: { dataDir: string; sqliteFile?: string | undefined; log?: Logger | undefined; everyMs?: number }): StorageWatch {
  const dirId = identity(o.dataDir);
  const file = o.sqliteFile && o.sqliteFile !== ':memory:' ? path.resolve(o.sqliteFile) : undefined;
  const fileId = file ? identity(file) : null;
  let last: string | null = null;
  const check = (): string | null => {
    let why: string | null = null;
    const dirNow = identity(o.dataDir);
    if (dirNow === null) why = `DATA_DIR ${o.dataDir} was removed while this node runs`;
    else if (dirNow !== dirId) why = `DATA_DIR ${o.dataDir} was replaced while this node runs`;
    else if (file && fileId) {
      const now = identity(file);
      if (now === null) why = `the database file ${file} was removed while this node runs (writes would be lost)`;
      else if (now !== fileId) why = `the database file ${file} was replaced while this node runs (this node still has the old one open)`;
    }
    if (why !== last) {
      if (why) o.log?.error({ reason: why }, 'storage changed under the node: not ready; restart it once the data is back');
      else o.log?.info('storage is back as it was opened');
      last = why;
    }
    return why;
  };
  const timer = setInterval(check, o.everyMs ?? 5000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
