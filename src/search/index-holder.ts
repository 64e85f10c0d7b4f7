/**
 * The node's current keyword index and starting it again: `rebuild` (asked for: the old file is deleted)
 * or `repair` (damage found: the file is moved aside, one warning line). Damage shows as SQLite errors
 * (SQLITE_CORRUPT…, SQLITE_NOTADB, SQLITE_IOERR…) from any operation, or as a failed quick_check after
 * the file is opened; either way the index starts again empty and the follower refills it from the
 * catalog, while keyword search answers from what is indexed so far.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { messageOf } from '../errors.ts';
import { isDamage, moveAside } from './keyword/integrity.ts';
import { indexFiles } from './keyword/schema.ts';
import type { SearchIndex } from './keyword/types.ts';

export interface IndexHolder {
  current(): SearchIndex;
  /** Bumped by every restart: a cached answer from an earlier index (same sequence numbers) is not reused. */
  generation(): number;
  /** Start again from an empty index: deleting the old file, or (`repair`: why) moving it aside. */
  restart(how: { repair?: string }): Promise<void>;
  /** Run `fn`; when it meets a damaged file, repair the index and run it once more. */
  guarded<T>(fn: () => Promise<T>): Promise<T>;
  /** Check the whole file in the background (quick_check) and repair it if that fails. */
  checkInBackground(): void;
}

export interface IndexHolderOptions {
  dir: string;
  open: (dir: string) => SearchIndex;
  log?: Logger | undefined;
  /** Before the index is closed: wait for work using it (a sync in flight). */
  quiesce: () => Promise<unknown>;
  /** After a new index is open: forget everything derived from the old one. */
  reset: () => void;
}

export function createIndexHolder(o: IndexHolderOptions): IndexHolder {
  const warnReplaced = (i: SearchIndex) => {
    if (i.replaced) o.log?.warn({ file: i.file, movedTo: i.replaced.aside }, `the search index was unusable (${i.replaced.why}); moved it aside and rebuilding it from the catalog`);
  };
  let index = o.open(o.dir);
  warnReplaced(index);
  let restarting: Promise<void> | null = null;
  let generation = 0;

  const restart = async (how: { repair?: string }) => {
    await o.quiesce();
    const file = index.file;
    try {
      index.close();
    } catch {
      // a damaged file may fail to close cleanly; it is replaced either way
    }
    if (how.repair) {
      const aside = moveAside(file);
      o.log?.warn({ file, movedTo: aside }, `the search index is damaged (${how.repair}); moved it aside and rebuilding it from the catalog`);
    } else {
      for (const f of indexFiles(file)) fs.rmSync(f, { force: true });
    }
    // The folder itself may be gone (deleted by hand): the index is derived, so start it again.
    fs.mkdirSync(o.dir, { recursive: true });
    // The saved vector index describes the old file's vectors.
    for (const f of fs.readdirSync(o.dir)) if (f.startsWith('vectors.idx')) fs.rmSync(path.join(o.dir, f), { force: true });
    index = o.open(o.dir);
    generation++;
    warnReplaced(index);
    index.setMeta('built_at', new Date().toISOString());
    o.reset();
  };

  const holder: IndexHolder = {
    current: () => index,
    generation: () => generation,
    restart: (how) => (restarting ??= restart(how).finally(() => (restarting = null))),
    async guarded(fn) {
      try {
        return await fn();
      } catch (e) {
        if (!isDamage(e)) throw e;
        await holder.restart({ repair: messageOf(e) });
        return fn();
      }
    },
    checkInBackground() {
      const checked = index;
      checked.check().then(
        (problem) => {
          if (problem && index === checked) void holder.restart({ repair: problem }).catch((err) => o.log?.error({ err }, 'repairing the search index failed'));
        },
        (err) => o.log?.warn({ err }, 'could not check the search index file'),
      );
    },
  };
  return holder;
}
