/**
 * The SQLite store's rows (src/store/db.ts keptRows): read as arrays and made into objects, they must be
 * what better-sqlite3's own objects are, through Kysely, for every kind of statement, and follow a schema
 * change made by another connection (a migration run by another process).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openStore, keptRows, type Store } from '../../src/store/db.ts';
import { tempDir } from '../helpers/stores.ts';

describe('SQLite rows made from arrays', () => {
  const file = path.join(tempDir('paperboy-rows-'), 'rows.db');
  let store: Store;
  let plain: SQLite.Database;
  before(() => {
    plain = new SQLite(file);
    plain.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, note TEXT);
      INSERT INTO t VALUES (1, 'a', 1.5, x'00ff', NULL), (2, 'b', -2, NULL, 'n'), (3, 'ünï', 0, x'', '')`);
    store = openStore(`sqlite:${file}`);
  });
  after(async () => {
    await store.close();
    plain.close();
  });

  const same = (text: string, params: unknown[] = []) => {
    const ours = keptRows(plain.prepare(text), () => plain.pragma('schema_version', { simple: true }) as number);
    assert.deepEqual(ours.all(...params), plain.prepare(text).all(...params), text);
    assert.deepEqual([...ours.iterate(...params)], [...plain.prepare(text).iterate(...params)], `${text} (iterate)`);
  };

  it('are the objects better-sqlite3 makes: every type, NULLs, aliases, duplicate names, no rows', () => {
    same('SELECT * FROM t ORDER BY id');
    same('SELECT id AS "odd name", name || ? AS "x", score FROM t WHERE id > ?', ['!', 1]);
    same('SELECT t.id, u.id FROM t JOIN t AS u ON u.id = t.id ORDER BY 1');
    same('SELECT * FROM t WHERE id > 100');
    same('SELECT count(*) AS n, max(score) FROM t');
  });

  it('leave writes to better-sqlite3 as they are, RETURNING too (no read before a write opens its transaction)', () => {
    let reads = 0;
    const version = () => (reads++, plain.pragma('schema_version', { simple: true }) as number);
    for (const text of ["INSERT INTO t (id, name) VALUES (9, 'z') RETURNING id", "UPDATE t SET note = 'w' WHERE id = 9", 'DELETE FROM t WHERE id = 9 RETURNING name']) {
      const stmt = plain.prepare(text);
      assert.equal(keptRows(stmt, version), stmt, text);
    }
    assert.deepEqual(keptRows(plain.prepare("INSERT INTO t (id) VALUES (9) RETURNING id"), version).all(), [{ id: 9 }]);
    plain.prepare('DELETE FROM t WHERE id = 9').run();
    assert.equal(reads, 0);
  });

  it('answer Kysely: selects, RETURNING writes, plain writes and streams', async () => {
    const db = store.db as unknown as import('kysely').Kysely<{ t: { id: number; name: string | null; score: number | null; note: string | null } }>;
    assert.deepEqual(await db.selectFrom('t').select(['id', 'name']).where('id', '<=', 2).orderBy('id').execute(), [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    assert.deepEqual(await db.insertInto('t').values({ id: 4, name: 'd', score: 4, note: null }).returning(['id', 'name']).execute(), [{ id: 4, name: 'd' }]);
    const r = await db.updateTable('t').set({ note: 'x' }).where('id', '=', 4).executeTakeFirst();
    assert.equal(r.numUpdatedRows, 1n);
    const streamed = [];
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) streamed.push(row.id);
    assert.deepEqual(streamed, [1, 2, 3, 4]);
    assert.deepEqual((await sql<{ v: number }>`SELECT 7 AS v`.execute(db)).rows, [{ v: 7 }]);
  });

  it('follow a schema change made by another connection (a migration elsewhere): same count of columns, new names', async () => {
    const db = store.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
    const read = () => sql<Record<string, unknown>>`SELECT * FROM t WHERE id = 1`.execute(db).then((r) => r.rows[0]);
    assert.deepEqual(Object.keys((await read())!), ['id', 'name', 'score', 'data', 'note']);
    plain.exec('ALTER TABLE t RENAME COLUMN note TO remark');
    assert.deepEqual(Object.keys((await read())!), ['id', 'name', 'score', 'data', 'remark']);
    plain.exec('ALTER TABLE t ADD COLUMN extra TEXT DEFAULT \'e\'');
    assert.deepEqual(await read(), { ...(await read()), extra: 'e' });
    assert.equal((await read())!.extra, 'e');
  });
});
