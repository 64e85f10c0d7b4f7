import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clearCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from '../../src/ingest/checkpoints.ts';
import { describeEngines } from '../helpers/stores.ts';

describeEngines('checkpoints repository', (ctx) => {
  it('saves, replaces, lists by prefix and clears', async () => {
    const key = 'oai:http://127.0.0.1:9/oai_pmh:cs:2025-03-18:';
    assert.equal(await loadCheckpoint(ctx.store, key), null);
    await saveCheckpoint(ctx.store, key, { resumptionToken: 'a|1', page: 1 });
    await saveCheckpoint(ctx.store, key, { resumptionToken: 'a|2', page: 2 });
    await saveCheckpoint(ctx.store, 'oai:http://127.0.0.1:9/oaiXpmh:cs::', { page: 9 });
    await saveCheckpoint(ctx.store, 'other:thing', { page: 3 });
    assert.deepEqual(await loadCheckpoint(ctx.store, key), { resumptionToken: 'a|2', page: 2 });
    // `_` in the prefix is a literal underscore, not a LIKE wildcard matching the `X` key.
    const listed = await listCheckpoints(ctx.store, 'oai:http://127.0.0.1:9/oai_');
    assert.deepEqual(listed.map((c) => [c.key, c.value]), [[key, { resumptionToken: 'a|2', page: 2 }]]);
    assert.equal((await listCheckpoints(ctx.store)).length, 3);
    await clearCheckpoint(ctx.store, key);
    assert.equal(await loadCheckpoint(ctx.store, key), null);
    assert.equal((await listCheckpoints(ctx.store, 'oai:')).length, 1);
  });

  it('a damaged value reads as no checkpoint (start over is always safe)', async () => {
    await ctx.store.db.insertInto('checkpoints').values({ key: 'oai:broken', value: '{not json', updated_at: new Date().toISOString() }).execute();
    assert.equal(await loadCheckpoint(ctx.store, 'oai:broken'), null);
  });
});
