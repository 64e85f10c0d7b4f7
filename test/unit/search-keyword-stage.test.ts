import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { fts5Idf, luceneIdf, rankAnyWords, type StageSql } from '../../src/search/keyword-stage.ts';
import { parseQuery } from '../../src/search/query.ts';
import { openSearchIndex, type SearchIndex } from '../../src/search/index.ts';
import { syntheticKeywordQueries, syntheticTexts } from '../../bench/synthetic.ts';

const N = 6000;
const BM25 = 'bm25(fts, 3, 1, 1, 0.3)';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyword-stage-'));
let idx: SearchIndex;
let db: SQLite.Database;
let sql: StageSql;
const exhaustive = (m: string, n: number) =>
  db.prepare(`SELECT rowid AS id, -${BM25} AS score FROM fts WHERE fts MATCH ? ORDER BY ${BM25} LIMIT ?`).all(m, n) as Array<{ id: number; score: number }>;
const words = (q: string) => q.split(' ').map((w) => `"${w}"`);

before(() => {
  idx = openSearchIndex(dir);
  const docs = [...syntheticTexts(N)].map((t) => ({ ...t, arxivId: `syn.${t.id}`, authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: t.id % 7, seq: t.id }));
  idx.apply(docs);
  db = new SQLite(path.join(dir, 'search.db'), { readonly: true });
  sql = {
    scores: (m, n) => (n === null ? [] : exhaustive(m, n)),
    docFreq: (w, cap) => (db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)').get(w, cap) as { n: number }).n,
  };
});
after(() => {
  db.close();
  idx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bounded keyword stage', () => {
  // A budget far below the catalog size forces the bounded plan on this small index.
  const queries = syntheticKeywordQueries(80);

  it('scores every candidate exactly as the exhaustive OR ranking does', () => {
    let checked = 0;
    for (const q of queries) {
      const m = `(${words(q).join(' OR ')})`;
      const r = rankAnyWords(sql, { words: words(q), wrap: (g) => g, n: 20, docCount: N, budget: 300 });
      const ids = r.ranked.map((h) => h.id);
      const truth = new Map((db.prepare(`SELECT rowid AS id, -${BM25} AS score FROM fts WHERE fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`).all(m, JSON.stringify(ids)) as Array<{ id: number; score: number }>).map((x) => [x.id, x.score]));
      for (const h of r.ranked) assert.ok(Math.abs(h.score - truth.get(h.id)!) < 1e-9, `${q}: paper ${h.id} scored ${h.score}, exhaustively ${truth.get(h.id)}`);
      checked += r.ranked.length;
    }
    assert.ok(checked > 1000);
  });

  it('returns the exhaustive top when it says the cut is proven, and nearly it otherwise', () => {
    const seen = { exhaustive: 0, proven: 0, bounded: 0 };
    let same = 0;
    let all = 0;
    for (const q of queries) {
      const r = rankAnyWords(sql, { words: words(q), wrap: (g) => g, n: 10, docCount: N, budget: 300 });
      const truth = exhaustive(`(${words(q).join(' OR ')})`, 10).map((h) => h.id);
      seen[r.how]++;
      if (r.how !== 'bounded') assert.deepEqual(r.ranked.map((h) => h.id), truth, q);
      const got = new Set(r.ranked.map((h) => h.id));
      same += truth.filter((id) => got.has(id)).length;
      all += truth.length;
    }
    assert.ok(seen.proven > 0 && seen.bounded + seen.proven > 40, JSON.stringify(seen));
    assert.ok(same / all >= 0.95, `top-10 overlap ${(same / all).toFixed(3)}`);
  });

  it('ranks exhaustively when the words are rare or the catalog small', () => {
    const q = words(queries[0]!);
    assert.equal(rankAnyWords(sql, { words: q, wrap: (g) => g, n: 10, docCount: N }).how, 'exhaustive');
    assert.equal(rankAnyWords(sql, { words: q.slice(0, 1), wrap: (g) => g, n: 10, docCount: N, budget: 1 }).how, 'exhaustive');
  });

  it('falls back to every match when too few candidates are found, unless told not to', () => {
    const r = rankAnyWords(sql, { words: words(queries[1]!), wrap: (g) => g, n: 5000, docCount: N, budget: 300 });
    assert.equal(r.how, 'exhaustive');
    const partial = rankAnyWords(sql, { words: words(queries[1]!), wrap: (g) => g, n: 5000, docCount: N, budget: 300, atLeast: 0 });
    assert.notEqual(partial.how, 'exhaustive');
  });

  it('lean candidates skip the all-common-words pass only when two or more rare words filled the list', () => {
    let statements = 0;
    const counting: StageSql = { ...sql, scores: (m, n, f) => (statements++, sql.scores(m, n, f)) };
    let skipped = 0;
    let same = 0;
    let all = 0;
    for (const q of queries) {
      statements = 0;
      const full = rankAnyWords(counting, { words: words(q), wrap: (g) => g, n: 20, docCount: N, budget: 300, atLeast: 0 });
      const fullStatements = statements;
      statements = 0;
      const lean = rankAnyWords(counting, { words: words(q), wrap: (g) => g, n: 20, docCount: N, budget: 300, atLeast: 0, lean: true });
      assert.ok(statements <= fullStatements, q);
      if (statements < fullStatements) skipped++;
      const truth = exhaustive(`(${words(q).join(' OR ')})`, 10).map((h) => h.id);
      const got = new Set(lean.ranked.slice(0, 10).map((h) => h.id));
      same += truth.filter((id) => got.has(id)).length;
      all += truth.length;
      if (full.how === 'exhaustive') assert.deepEqual(lean.ranked, full.ranked, 'nothing to skip when every match is scored');
    }
    assert.ok(skipped > 0, 'some queries skip the pass');
    assert.ok(same / all >= 0.85, `top-10 overlap ${(same / all).toFixed(3)}`);
  });

  it('uses FTS5’s idf', () => {
    assert.equal(fts5Idf(1000, 10), Math.log(990.5 / 10.5));
    assert.equal(fts5Idf(1000, 900), 1e-6);
    // Lucene's stays positive for a word in most papers.
    assert.equal(luceneIdf(1000, 900), Math.log(1 + 100.5 / 900.5));
    assert.ok(luceneIdf(1000, 1000) > 0);
  });
});

describe('keyword search through the index', () => {
  it('keeps totals, pages, sorting, exclusions and highlighting', () => {
    const q = parseQuery(syntheticKeywordQueries(3)[2]!);
    const full = idx.search(q, { limit: 40 });
    const old = idx.search(q, { limit: 40, exhaustive: true });
    assert.equal(full.total, old.total);
    assert.deepEqual(idx.search(q, { limit: 20, offset: 20 }).hits.map((h) => h.id), full.hits.slice(20).map((h) => h.id));
    assert.ok(full.hits[0]!.titleMarked.includes('\uE000') || full.hits[0]!.snippetMarked.includes('\uE000'));
    const [w] = q.terms;
    const without = idx.search({ ...q, excluded: [w!] }, { limit: 20 });
    assert.ok(without.hits.every((h) => !`${idx.textOf(h.id)!.title} ${idx.textOf(h.id)!.abstract}`.split(' ').includes(w!)));
    // Sorted by upvotes, a short query lists the papers with every word (an exact count), most upvoted first.
    const byVotes = idx.search(q, { limit: 20, sort: 'upvotes' });
    assert.equal(byVotes.count, 'all');
    assert.equal(byVotes.hits.length, Math.min(20, byVotes.total));
    assert.equal(byVotes.more, byVotes.total > 20);
    const single = parseQuery(q.terms[0]!);
    const one = idx.search(single, { limit: 20, sort: 'upvotes' });
    assert.equal(one.hits.length, 20);
    assert.equal(one.total, idx.search(single, { limit: 20 }).total);
  });

  it('highlights a page exactly as FTS5 does on the index itself', () => {
    const q = parseQuery(syntheticKeywordQueries(5)[4]!);
    const page = idx.search(q, { limit: 20, plain: true }).hits.map((h) => ({ id: h.id, score: h.score }));
    const marked = idx.decorate(q, page);
    const m = `(${q.terms.map((w) => `"${w}"`).join(' OR ')})`;
    const direct = new Map(
      (db.prepare(`SELECT rowid AS id, highlight(fts, 0, '\uE000', '\uE001') AS t, snippet(fts, 1, '\uE000', '\uE001', '…', 40) AS s FROM fts WHERE fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`)
        .all(m, JSON.stringify(page.map((p) => p.id))) as Array<{ id: number; t: string; s: string }>).map((r) => [r.id, r]),
    );
    assert.equal(marked.length, page.length);
    for (const h of marked) {
      assert.equal(h.titleMarked, direct.get(h.id)!.t);
      assert.equal(h.snippetMarked, direct.get(h.id)!.s);
    }
    // The scratch table is emptied after each page: a second page is not polluted by the first.
    const again = idx.decorate(q, page.slice(0, 3));
    assert.deepEqual(again.map((h) => h.snippetMarked), marked.slice(0, 3).map((h) => h.snippetMarked));
  });

  it('candidates for fusion are the full keyword ranking on a catalog small enough to score every match', () => {
    for (const text of syntheticKeywordQueries(10)) {
      const q = parseQuery(text);
      assert.deepEqual(idx.search(q, { limit: 100, plain: true, candidates: true }).hits, idx.search(q, { limit: 100, plain: true }).hits, text);
    }
  });

  it('survives hostile queries', () => {
    for (const text of ['"a" OR NOT b*', 'title:x NEAR(y z)', '^start AND (', '"""', 'ü ß 中文 ﷽', 'a '.repeat(300), '- - -x']) {
      const r = idx.search(parseQuery(text), { limit: 20 });
      assert.ok(Array.isArray(r.hits), text);
      idx.search(parseQuery(text), { limit: 100, plain: true });
      idx.search(parseQuery(text), { limit: 100, plain: true, candidates: true });
    }
  });
});
