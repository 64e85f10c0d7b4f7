import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CompiledQuery, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { catalogStats, changesSince, getPaperRow, listDaily, upsertPapers } from '../../src/catalog/papers.repo.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { describeEngines } from '../helpers/stores.ts';

const base: PaperInput = {
  arxivId: '2401.00001',
  version: 1,
  title: ' A  paper\n about things\u0000 ',
  abstract: 'Line one\r\nline two.\u0007\n',
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['cs.LG', 'stat.ML'],
  publishedAt: '2024-01-01T00:00:00.000Z',
  source: 'test',
};

describeEngines('papers repository', (ctx) => {
  it('inserts, then re-importing the same input changes nothing', async () => {
    const r1 = await upsertPapers(ctx.store, [base, { ...base, arxivId: '2401.00002', title: 'Second' }]);
    assert.deepEqual(r1, { inserted: 2, updated: 0, unchanged: 0 });
    const r2 = await upsertPapers(ctx.store, [base, { ...base, arxivId: '2401.00002', title: 'Second' }]);
    assert.deepEqual(r2, { inserted: 0, updated: 0, unchanged: 2 });
    const row = await getPaperRow(ctx.store.db, '2401.00001');
    // Texts are kept as the source wrote them: inner white space and line breaks stay (CR LF becomes LF);
    // control characters and the edges' white space go.
    assert.equal(row?.title, 'A  paper\n about things');
    assert.equal(row?.abstract, 'Line one\nline two.');
    assert.deepEqual(JSON.parse(row!.authors), ['Ada Lovelace', 'Alan Turing']);
    assert.equal(row?.categories, 'cs.LG stat.ML');
  });

  it('a newer version replaces; an older one does not; community fields merge', async () => {
    const before = await getPaperRow(ctx.store.db, '2401.00001');
    const r = await upsertPapers(ctx.store, [{ ...base, version: 2, title: 'Revised title', upvotes: 5, dailyDate: '2024-01-03' }]);
    assert.deepEqual(r, { inserted: 0, updated: 1, unchanged: 0 });
    const after = await getPaperRow(ctx.store.db, '2401.00001');
    assert.equal(after?.title, 'Revised title');
    assert.equal(after?.version, 2);
    assert.equal(after?.upvotes, 5);
    assert.equal(after?.daily_date, '2024-01-03');
    assert.ok(Number(after!.seq) > Number(before!.seq), 'seq grows on update');

    const r2 = await upsertPapers(ctx.store, [{ ...base, version: 1, title: 'Old title', upvotes: 2, dailyDate: '2024-01-05', source: 'other' }]);
    assert.deepEqual(r2, { inserted: 0, updated: 0, unchanged: 1 });
    const still = await getPaperRow(ctx.store.db, '2401.00001');
    assert.equal(still?.title, 'Revised title');
    assert.equal(still?.upvotes, 5);
    assert.equal(still?.daily_date, '2024-01-03');
  });

  it('duplicates inside one batch are written once', async () => {
    const r = await upsertPapers(ctx.store, [
      { ...base, arxivId: '2401.00003', upvotes: 1 },
      { ...base, arxivId: '2401.00003', upvotes: 7 },
    ]);
    assert.deepEqual(r, { inserted: 1, updated: 0, unchanged: 1 });
    assert.equal((await getPaperRow(ctx.store.db, '2401.00003'))?.upvotes, 7);
  });

  it('the change feed returns rows in strictly increasing sequence', async () => {
    const rows = await changesSince(ctx.store.db, 0, 100);
    const seqs = rows.map((r) => Number(r.seq));
    assert.equal(seqs.length, 3);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
    assert.equal(new Set(seqs).size, seqs.length);
    const stats = await catalogStats(ctx.store.db);
    assert.equal(stats.papers, 3);
    assert.equal(stats.maxSeq, Math.max(...seqs));
  });

  it('concurrent writers never share or reorder sequence numbers', async () => {
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 40 }, (_, i) => ({ ...base, arxivId: `2402.${String(b * 100 + i).padStart(5, '0')}` })),
    );
    await Promise.all(batches.map((batch) => upsertPapers(ctx.store, batch)));
    const rows = await changesSince(ctx.store.db, 0, 10_000);
    assert.equal(rows.length, 243);
    assert.equal(new Set(rows.map((r) => r.seq)).size, 243);
  });

  it('lists a day by upvotes', async () => {
    await upsertPapers(ctx.store, [
      { ...base, arxivId: '2403.00001', dailyDate: '2024-03-01', upvotes: 3 },
      { ...base, arxivId: '2403.00002', dailyDate: '2024-03-01', upvotes: 9 },
      { ...base, arxivId: '2403.00003', dailyDate: '2024-03-02', upvotes: 99 },
    ]);
    const rows = await listDaily(ctx.store.db, '2024-03-01', '2024-03-01', { limit: 10, offset: 0 });
    assert.deepEqual(rows.map((r) => r.arxiv_id), ['2403.00002', '2403.00001']);
  });
  it('catalog stats are right and, on SQLite, read indexes only (they run on the event loop at every /metrics scrape)', async () => {
    await upsertPapers(ctx.store, [
      { ...base, arxivId: '2403.00001', dailyDate: '2024-03-01' },
      { ...base, arxivId: '2403.00002', dailyDate: '2024-03-05' },
    ]);
    const nodes: RootOperationNode[] = [];
    const spy: KyselyPlugin = { transformQuery: (a) => (nodes.push(a.node), a.node), transformResult: async (a) => a.result };
    const stats = await catalogStats(ctx.store.db.withPlugin(spy));
    const rows = await changesSince(ctx.store.db, 0, 10_000);
    assert.equal(stats.papers, rows.length);
    assert.equal(stats.maxSeq, Math.max(...rows.map((r) => Number(r.seq))));
    assert.equal(Object.values(stats.bySource).reduce((a, b) => a + b, 0), rows.length);
    assert.equal(stats.dailyPapers, rows.filter((r) => r.daily_date !== null).length);
    const days = rows.map((r) => r.daily_date as string | null).filter((d): d is string => d !== null).sort();
    assert.ok(days.length > 0);
    assert.deepEqual([stats.firstDaily, stats.lastDaily], [days[0], days[days.length - 1]]);
    if (ctx.store.engine !== 'sqlite') return;
    for (const node of nodes) {
      const c = ctx.store.db.getExecutor().compileQuery(node, { queryId: 'plan' } as never);
      const plan = (await ctx.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]))).rows.map((r) => r.detail);
      assert.ok(plan.every((d) => !/^SCAN papers$/.test(d)), `${c.sql}: ${plan.join('; ')}`);
    }
  });
});
