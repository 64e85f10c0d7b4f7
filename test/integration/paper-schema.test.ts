import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { PAPER_COLUMNS } from '../../src/catalog/paper-fields.ts';
import { describeEngines } from '../helpers/stores.ts';

/** The columns the store adds to a paper's own (paper-fields.ts). */
const STORE_COLUMNS = ['id', 'seq', 'created_at', 'modified_at'];

describeEngines('the paper field table and the migrations', (ctx) => {
  it('describe the same columns: a field without its migration (or a migration without its field) fails here', async () => {
    const rows =
      ctx.engine === 'sqlite'
        ? (await sql<{ name: string }>`select name from pragma_table_info('papers')`.execute(ctx.store.db)).rows
        : (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = 'papers' and table_schema = current_schema()`.execute(ctx.store.db)).rows;
    const inDb = rows.map((r) => r.name).sort();
    assert.deepEqual(inDb, [...PAPER_COLUMNS, ...STORE_COLUMNS].sort());
  });
});
