import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { startCheckpoints } from '../../src/search/keyword/checkpoint.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import type { IndexDoc } from '../../src/search/keyword/types.ts';

const doc = (id: number): IndexDoc => ({
  id, arxivId: `2401.${String(id).padStart(5, '0')}`, title: `paper ${id}`, abstract: Array.from({ length: 300 }, (_, k) => `w${id}x${k}`).join(' '),
  authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id,
});

/** SQLite's figures for the WAL, read without copying anything (NOOP). */
const walState = (file: string) => {
  const db = new SQLite(file);
  try {
    return (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>)[0]!;
  } finally {
    db.close();
  }
};

describe('search index WAL checkpoints', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-checkpoint-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the writer never checkpoints in a commit, even past 1,000 pages of WAL', () => {
    const index = openSearchIndex(path.join(dir, 'a'));
    try {
      // One write of well over SQLite's automatic threshold (1,000 pages), read back before the worker's
      // first round can run (it waits a second).
      index.apply(Array.from({ length: 1500 }, (_, i) => doc(i + 1)));
      const wal = walState(index.file);
      assert.ok(wal.log - wal.checkpointed > 1000, `${wal.log} frames in the WAL, ${wal.checkpointed} copied`);
    } finally {
      index.close();
    }
  });

  it('the worker copies the WAL into the file, round after round', async () => {
    const file = path.join(dir, 'b.db');
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x BLOB)');
    const seen: Array<{ log: number; checkpointed: number }> = [];
    const cp = startCheckpoints(file, { everyMs: 10, onCheckpoint: (r) => seen.push(r) });
    try {
      const insert = db.prepare('INSERT INTO t VALUES (randomblob(4000))');
      db.transaction(() => {
        for (let i = 0; i < 300; i++) insert.run();
      })();
      const deadline = Date.now() + 10_000;
      while (!seen.some((r) => r.log >= 300 && r.checkpointed === r.log)) {
        assert.ok(Date.now() < deadline, `rounds seen: ${JSON.stringify(seen)}`);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(walState(file).checkpointed, walState(file).log);
    } finally {
      await cp.stop();
      db.close();
    }
  });

  it('a worker that cannot run says so once; a stopped one says nothing', async () => {
    const reasons: string[] = [];
    startCheckpoints(path.join(dir, 'missing', 'gone.db'), { everyMs: 10, onFailure: (why) => reasons.push(why) });
    const deadline = Date.now() + 10_000;
    while (reasons.length === 0) {
      assert.ok(Date.now() < deadline, 'no failure reported');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.match(reasons[0]!, /gone\.db|directory does not exist|unable to open/i);
    const file = path.join(dir, 'c.db');
    new SQLite(file).close();
    const quiet: string[] = [];
    const cp = startCheckpoints(file, { everyMs: 10, onFailure: (why) => quiet.push(why) });
    // The stopped thread's exit reports nothing.
    await cp.stop();
    assert.deepEqual(quiet, []);
    assert.equal(reasons.length, 1, reasons.join(' | '));
  });
});
