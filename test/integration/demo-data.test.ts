import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { catalogStats } from '../../src/catalog/papers.repo.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_BUNDLE, loadDemoData } from '../../src/ingest/demo.ts';
import { describeEngines, tempDir } from '../helpers/stores.ts';

describeEngines('demo data', (ctx) => {
  let app: App;
  const dir = tempDir('paperboy-demo-');
  before(async () => {
    app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_URL: ctx.url }), { log: pino({ level: 'silent' }) });
  });
  after(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the committed bundle is compact', () => {
    assert.ok(fs.statSync(DEMO_BUNDLE).size < 5_000_000);
  });

  it('loads into an empty catalog: seed papers and recent daily papers, no rejections', async () => {
    const s = await loadDemoData(app);
    assert.ok(s, 'loaded');
    assert.equal(s.rejected, 0);
    assert.ok(s.inserted > 1000, `inserted ${s.inserted}`);
    const stats = await catalogStats(app.store.db);
    assert.equal(stats.papers, s.inserted);
    assert.equal(stats.bySource.seed, 34);
    assert.ok(stats.dailyPapers > 1000);
    assert.ok(stats.lastDaily && stats.lastDaily >= '2026-08-01', `latest day ${stats.lastDaily}`);
    // What Hugging Face's data holds is in the bundle (cards show thumbnails, organisations, submitters), and
    // the daily papers found in the arXiv slice carry its categories, so an offline demo has category feeds.
    const daily = await app.catalog.recentDaily({ today: stats.lastDaily!, days: 90, limit: 2000 });
    assert.ok(daily.filter((p) => p.thumbnail).length > 1000, 'thumbnails');
    assert.ok(daily.filter((p) => p.submittedBy?.fullname).length > 1000, 'submitters as people');
    assert.ok(daily.filter((p) => p.categories.length).length > 300, 'categories from the arXiv slice');
    const categories = await app.catalog.categories();
    assert.ok(categories.some((c) => c.category === 'cs.CV' && c.papers > 50), JSON.stringify(categories.slice(0, 5)));
  });

  it('loads only once: a second call loads nothing', async () => {
    const before = (await catalogStats(app.store.db)).maxSeq;
    assert.equal(await loadDemoData(app), null);
    assert.equal((await catalogStats(app.store.db)).maxSeq, before);
  });

  it('is not reloaded into a catalog that was emptied after it was loaded', async () => {
    await app.store.db.deleteFrom('papers').execute();
    assert.equal(await loadDemoData(app), null);
  });
});
