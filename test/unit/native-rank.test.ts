import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { idfArgument, loadRankExtension, matchPhrases } from '../../src/search/native-rank.ts';
import { parseQuery, toFtsMatch } from '../../src/search/query.ts';
import { openSearchIndex, type IndexDoc, type SearchIndex } from '../../src/search/index.ts';
import { createSearchService } from '../../src/search/index.ts';
import { syntheticKeywordQueries, syntheticTexts } from '../../bench/synthetic.ts';
import { skipWithoutNativeRank } from '../helpers/native-rank.ts';

// pb_bm25 is built by `npm install` (scripts/build-native.mjs) where a C compiler exists; CI must have it.
const skip = skipWithoutNativeRank('native ranking tests');

describe('matchPhrases / idfArgument', () => {
  it('lists phrases in FTS5 order and marks the excluded ones', () => {
    const m = toFtsMatch(parseQuery('graph "neural net" author:"Ada Lovelace" -protein -"cell wall"'))!;
    assert.deepEqual(matchPhrases(m), [
      { phrase: '"graph"', negated: false },
      { phrase: '"neural net"', negated: false },
      { phrase: '"ada lovelace"', negated: false },
      { phrase: '"protein"', negated: true },
      { phrase: '"cell"', negated: true },
      { phrase: '"wall"', negated: true },
    ]);
    // Quotes inside a phrase are doubled; an operator inside quotes is text.
    assert.deepEqual(matchPhrases('("a "" NOT b" OR "c") NOT ("d")').map((p) => p.negated), [false, false, true]);
  });

  it('encodes given idfs, −1 to count and 0 under NOT', () => {
    const buf = idfArgument('("a" OR "b") NOT ("c")', (p) => (p === '"b"' ? 2.5 : null));
    assert.deepEqual([0, 1, 2].map((i) => buf.readDoubleLE(8 * i)), [-1, 2.5, 0]);
  });
});

describe('pb_bm25', { skip }, () => {
  const N = 6000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-rank-'));
  let native: SearchIndex;
  let plain: SearchIndex;
  let db: SQLite.Database;
  const texts = syntheticKeywordQueries(60);
  const queries = texts.map((q) => parseQuery(q));

  before(() => {
    // A stage budget far below the catalog size makes many words "common" on this small index.
    // FTS5's idf: the same ranking as bm25() (Lucene's, the default, has its own test below).
    // Term postings from the first query (not 5 s after the last write): the comparisons below then hold
    // for the postings path whatever the test's timing (term-postings.test.ts compares it with FTS5's).
    native = openSearchIndex(dir, { rank: 'native', budget: 300, idf: 'fts5', postings: { stableMs: 0 } });
    plain = openSearchIndex(dir, { rank: 'bm25', budget: 300 });
    native.apply([...syntheticTexts(N)].map((t) => ({ ...t, arxivId: `syn.${t.id}`, authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: t.id % 7, seq: t.id })));
    db = new SQLite(path.join(dir, 'search.db'), { readonly: true });
    assert.equal(loadRankExtension(db).ok, true);
  });
  after(() => {
    db.close();
    native.close();
    plain.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('equals bm25() when it counts every phrase itself, NOT and column filters included', () => {
    let rows = 0;
    for (const q of queries.slice(0, 20)) {
      const m = `${toFtsMatch(q)!} NOT "zzzz"`;
      const a = db.prepare('SELECT rowid, bm25(fts, 3, 1, 1, 0.3) AS s FROM fts WHERE fts MATCH ? ORDER BY rowid').all(m) as Array<{ rowid: number; s: number }>;
      const b = db.prepare('SELECT rowid, pb_bm25(fts, NULL, 3, 1, 1, 0.3) AS s FROM fts WHERE fts MATCH ? ORDER BY rowid').all(m) as Array<{ rowid: number; s: number }>;
      assert.deepEqual(b, a, m);
      rows += a.length;
    }
    const m = '"graph" OR authors : "author"';
    const a = db.prepare('SELECT rowid, bm25(fts, 3, 1, 1, 0.3) AS s FROM fts WHERE fts MATCH ? ORDER BY rowid').all(m);
    assert.deepEqual(db.prepare('SELECT rowid, pb_bm25(fts, NULL, 3, 1, 1, 0.3) AS s FROM fts WHERE fts MATCH ? ORDER BY rowid').all(m), a);
    assert.ok(rows > 1000, `${rows} rows compared`);
  });

  it('uses the idf it is given instead of counting', () => {
    const [a, b] = texts[0]!.split(' ').map((w) => `"${w}"`);
    const m = `${a} OR ${b}`;
    const row = `AND rowid = (SELECT min(rowid) FROM fts WHERE fts MATCH '${a} AND ${b}')`;
    const counted = db.prepare(`SELECT pb_bm25(fts, NULL) AS s FROM fts WHERE fts MATCH ? ${row}`).get(m) as { s: number };
    const withIdf = db.prepare(`SELECT pb_bm25(fts, ?) AS s FROM fts WHERE fts MATCH ? ${row}`).get(idfArgument(m, () => 10), m) as { s: number };
    assert.ok(withIdf.s < counted.s * 2, `given idf 10: ${withIdf.s}, counted: ${counted.s}`);
  });

  it('the search service counts the common words once it has caught up with a large catalog', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'native-rank-service-'));
    // Over the 8,000-posting budget, so the service's index needs the counts.
    const docs: IndexDoc[] = [...syntheticTexts(9000)].map((t) => ({ ...t, arxivId: `syn.${t.id}`, authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: t.id }));
    const service = createSearchService({ dir: d, feed: { since: async (seq, limit) => docs.filter((x) => x.seq > seq).slice(0, limit), head: async () => docs.length } });
    try {
      assert.equal((await service.status()).ranking, 'pb_bm25 (native; common-word counts not needed at this size)');
      await service.syncOnce();
      const until = Date.now() + 30_000;
      while (!/counts current/.test((await service.status()).ranking) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await service.status()).ranking, 'pb_bm25 (native; common-word counts current)');
    } finally {
      service.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a count still running when the index closes ends quietly', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'native-rank-close-'));
    const idx = openSearchIndex(d, { rank: 'native', budget: 10 });
    idx.apply([...syntheticTexts(200)].map((t) => ({ ...t, arxivId: `syn.${t.id}`, authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: t.id })));
    assert.equal(idx.termStatsState(), 'stale');
    const counting = idx.refreshTermStats();
    idx.close();
    await counting;
    fs.rmSync(d, { recursive: true, force: true });
  });

  it('pb_scored() is the match count of the latest statement ordered by score, filtered or not', () => {
    const scored = db.prepare('SELECT pb_scored()').pluck();
    let compared = 0;
    for (const q of queries.slice(0, 30)) {
      for (const m of [toFtsMatch(q, { words: 'all' })!, toFtsMatch(q)!]) {
        for (const from of ['FROM fts WHERE fts MATCH ?', "FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND d.upvotes % 3 = 1"]) {
          const n = (db.prepare(`SELECT count(*) AS n ${from}`).get(m) as { n: number }).n;
          if (n === 0) continue;
          db.prepare(`SELECT fts.rowid AS id, pb_bm25(fts, NULL, 3, 1, 1, 0.3) AS score ${from} ORDER BY score, id LIMIT 5`).all(m);
          assert.equal(scored.get(), n, `${m} ${from}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 60, `${compared} statements compared`);
  });

  it('a page of matches is counted while ranking: the same totals as count(*) under bm25()', () => {
    for (const q of queries) {
      for (const o of [{ limit: 20 }, { limit: 5, offset: 5 }]) assert.equal(native.search(q, o).total, plain.search(q, o).total, JSON.stringify(o));
    }
    // One word (and the query of a phrase): counted the same way.
    for (const w of ['graph', '"neural network"']) assert.equal(native.search(parseQuery(w), { limit: 3 }).total, plain.search(parseQuery(w), { limit: 3 }).total, w);
  });

  it('caches row lengths until pb_forget, and loads them all from %_docsize', () => {
    const mem = new SQLite(':memory:');
    assert.equal(loadRankExtension(mem).ok, true);
    mem.exec(`CREATE VIRTUAL TABLE fts USING fts5(title, abstract)`);
    const put = mem.prepare('INSERT INTO fts (rowid, title, abstract) VALUES (?, ?, ?)');
    const del = mem.prepare('DELETE FROM fts WHERE rowid = ?');
    for (let i = 1; i <= 50; i++) put.run(i, `graph ${i % 3 ? 'neural' : 'protein'}`, 'word '.repeat(i) + 'graph');
    const scores = (fn: string) => mem.prepare(`SELECT rowid, ${fn} AS s FROM fts WHERE fts MATCH 'graph' ORDER BY rowid`).all();
    assert.deepEqual(scores('pb_bm25(fts, NULL, 2, 1)'), scores('bm25(fts, 2, 1)'));
    // Row 7 rewritten longer: without pb_forget the cached length is stale, with it the score is bm25's.
    del.run(7);
    put.run(7, 'graph', 'word '.repeat(300) + 'graph');
    assert.notDeepEqual(scores('pb_bm25(fts, NULL, 2, 1)'), scores('bm25(fts, 2, 1)'));
    mem.prepare('SELECT pb_forget(7)').get();
    assert.deepEqual(scores('pb_bm25(fts, NULL, 2, 1)'), scores('bm25(fts, 2, 1)'));
    // Rewritten again, then every length reloaded at once (as after refreshTermStats).
    del.run(7);
    put.run(7, 'graph', 'graph');
    assert.deepEqual(mem.prepare(`SELECT pb_lengths_load('fts') AS n`).get(), { n: 50 });
    assert.deepEqual(scores('pb_bm25(fts, NULL, 2, 1)'), scores('bm25(fts, 2, 1)'));
    mem.close();
  });

  it('ranks exactly as bm25() once the common words are counted, and says when the counts are stale', async () => {
    assert.equal(native.termStatsState(), 'stale');
    assert.equal(plain.termStatsState(), 'unneeded', 'bm25() needs no counts');
    await native.refreshTermStats();
    assert.equal(native.termStatsState(), 'current');
    const opts = [{ limit: 100, plain: true, candidates: true }, { limit: 20 }, { limit: 10, offset: 10 }];
    for (const [i, q] of queries.entries()) {
      for (const o of opts) {
        const a = native.search(q, o);
        const b = plain.search(q, o);
        assert.deepEqual(a.hits.map((h) => h.id), b.hits.map((h) => h.id), JSON.stringify([texts[i], o]));
        a.hits.forEach((h, j) => assert.ok(Math.abs(h.score - b.hits[j]!.score) < 1e-9, `${texts[i]}: ${h.score} vs ${b.hits[j]!.score}`));
        assert.equal(a.total, b.total);
      }
    }
    // An upvote changes no text: the counts stay current. New text past 1% of the catalog makes them stale.
    const doc = { authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null };
    native.apply([{ ...[...syntheticTexts(1)][0]!, ...doc, arxivId: 'syn.1', upvotes: 99, seq: N + 1 }]);
    assert.equal(native.termStatsState(), 'current');
    native.apply([...syntheticTexts(N + 100)].slice(N).map((t) => ({ ...t, ...doc, arxivId: `syn.${t.id}`, upvotes: 0, seq: t.id + 1 })));
    assert.equal(native.termStatsState(), 'stale');
    // Rewritten papers (new lengths) and new ones: exact again once recounted.
    native.apply([...syntheticTexts(40)].map((t) => ({ ...t, ...doc, title: `${t.title} ${t.abstract.slice(0, 200)}`, abstract: t.abstract.slice(200), arxivId: `syn.${t.id}`, upvotes: 0, seq: N + 200 + t.id })));
    await native.refreshTermStats();
    for (const q of queries) {
      const a = native.search(q, { limit: 50, plain: true });
      const b = plain.search(q, { limit: 50, plain: true });
      assert.deepEqual(a.hits.map((h) => [h.id, h.score.toFixed(9)]), b.hits.map((h) => [h.id, h.score.toFixed(9)]));
    }
  });

  it('ranks with Lucene’s idf by default: bm25()’s scores rescaled word by word, every word counting', (t) => {
    // Opened here, after whatever other tests wrote (it caches the row count); no community prior nor feedback: they rescale scores.
    const lucene = openSearchIndex(dir, { rank: 'native', budget: 300, prior: null, prf: null });
    // The truth from a fresh connection too: pb_bm25 caches row lengths per connection, and `db` saw none of the rewrites.
    const db = new SQLite(path.join(dir, 'search.db'), { readonly: true });
    assert.equal(loadRankExtension(db).ok, true);
    t.after(() => {
      lucene.close();
      db.close();
    });
    const n = (db.prepare('SELECT count(*) AS n FROM fts').get() as { n: number }).n;
    const df = (w: string) => (db.prepare('SELECT count(*) AS n FROM fts WHERE fts MATCH ?').get(`"${w}"`) as { n: number }).n;
    // One word: the score is idf × the same term part, so the two rankings differ by the idfs' ratio alone.
    const vocabulary = [...new Set(texts.join(' ').split(' '))].filter((w) => /^[a-z]+$/.test(w));
    for (const w of vocabulary.slice(0, 40)) {
      const d = df(w);
      if (d === 0) continue;
      const a = lucene.search(parseQuery(w), { limit: 10, plain: true });
      const b = { hits: db.prepare('SELECT rowid AS id, -bm25(fts, 3, 1, 1, 0.3) AS score FROM fts WHERE fts MATCH ? ORDER BY score DESC, id LIMIT 10').all(`"${w}"`) as Array<{ id: number; score: number }> };
      assert.deepEqual(a.hits.map((h) => h.id), b.hits.map((h) => h.id), w);
      const fts5 = Math.max(1e-6, Math.log((n - d + 0.5) / (d + 0.5)));
      const ratio = Math.log(1 + (n - d + 0.5) / (d + 0.5)) / fts5;
      a.hits.forEach((h, j) => assert.ok(Math.abs(h.score - b.hits[j]!.score * ratio) < 1e-6 * Math.max(1, h.score), `${w}: ${h.score} vs ${b.hits[j]!.score} × ${ratio}`));
    }
    // A word in most papers scores ~0 under FTS5's idf (floored at 1e-6) and clearly above 0 under Lucene's.
    const everywhere = vocabulary.find((w) => df(w) > n / 2);
    if (everywhere) {
      assert.ok(lucene.search(parseQuery(everywhere), { limit: 1, plain: true }).hits[0]!.score > 0.1);
      assert.ok((db.prepare('SELECT max(-bm25(fts, 3, 1, 1, 0.3)) AS s FROM fts WHERE fts MATCH ?').get(`"${everywhere}"`) as { s: number }).s < 1e-5);
    }
    // Several words, bounded stage or not: each hit's score is the OR's score with every phrase's Lucene idf.
    let same = 0;
    let all = 0;
    for (const q of queries.slice(0, 20)) {
      const m = toFtsMatch(q, { words: 'any' })!;
      const idfs = idfArgument(m, (p) => {
        const d = (db.prepare('SELECT count(*) AS n FROM fts WHERE fts MATCH ?').get(p) as { n: number }).n;
        return Math.log(1 + (n - d + 0.5) / (d + 0.5));
      });
      const truth = new Map((db.prepare('SELECT rowid AS id, -pb_bm25(fts, ?, 3, 1, 1, 0.3) AS s FROM fts WHERE fts MATCH ?').all(idfs, m) as Array<{ id: number; s: number }>).map((r) => [r.id, r.s]));
      // The bounded stage (budget 300) scores its candidates with the same idfs, and bounds them with them.
      const exact = lucene.search(q, { limit: 20, plain: true, exhaustive: true }).hits;
      const bounded = lucene.search(q, { limit: 20, plain: true }).hits;
      same += bounded.filter((h) => exact.some((e) => e.id === h.id)).length;
      all += exact.length;
      for (const h of [...exact, ...bounded]) assert.ok(Math.abs(h.score - truth.get(h.id)!) < 1e-9, `${q.terms.join(' ')}: paper ${h.id} ${h.score} vs ${truth.get(h.id)}`);
    }
    assert.ok(same / all > 0.9, `bounded top-20 overlap ${same}/${all}`);
  });
});
