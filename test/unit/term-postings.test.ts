import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { syntheticTexts } from '../../bench/synthetic.ts';
import { openSearchIndex, parseQuery, type IndexDoc, type SearchIndex } from '../../src/search/index.ts';
import { openKeywordReader } from '../../src/search/keyword/keyword-reader.ts';
import { plainWords } from '../../src/search/keyword/scoring.ts';
import { createTermPostings } from '../../src/search/keyword/term-postings.ts';
import { DEFAULT_WEIGHTS } from '../../src/search/keyword/types.ts';
import { loadRankExtension } from '../../src/search/native-rank.ts';
import { skipWithoutNativeRank } from '../helpers/native-rank.ts';

const skip = skipWithoutNativeRank('term postings tests');

const doc = (id: number, title: string, abstract: string, extra: Partial<IndexDoc> = {}): IndexDoc => ({
  id, arxivId: `t.${id}`, title, abstract, authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id, ...extra,
});

describe('plainWords', () => {
  it('takes a plain AND or a plain OR of quoted words and nothing else', () => {
    assert.deepEqual(plainWords('("graph" AND "neural")'), { op: 'AND', words: ['"graph"', '"neural"'] });
    assert.deepEqual(plainWords('("llama")'), { op: 'AND', words: ['"llama"'] });
    assert.deepEqual(plainWords('("a "" b" AND "c")'), { op: 'AND', words: ['"a "" b"', '"c"'] });
    assert.deepEqual(plainWords('("graph" OR "neural" OR "x")'), { op: 'OR', words: ['"graph"', '"neural"', '"x"'] });
    for (const m of ['("a" OR "b" AND "c")', '(("a" AND "b")) NOT ("c")', '(("a" OR "b")) NOT ("c")', '"a" AND "b"', '("a" AND b)', '(authors : "a")']) assert.equal(plainWords(m), null, m);
  });
});

describe('term postings', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'term-postings-'));
  let idx: SearchIndex;
  const file = path.join(dir, 'search.db');
  // Words in every field, repeated, so the weighted frequencies take fractional sums (expansion 0.3).
  const mixed: IndexDoc[] = Array.from({ length: 300 }, (_, i) =>
    doc(100_000 + i, i % 3 === 0 ? 'graph graph neural' : 'neural models', `graph ${'neural '.repeat(i % 5)} networks learn`, {
      authors: i % 4 === 0 ? ['Graph Neural'] : ['B. Writer'],
      expansion: i % 2 === 0 ? 'graph graph neural neural neural' : '',
    }),
  );

  before(() => {
    idx = openSearchIndex(dir, { rank: 'native', budget: 300 });
    idx.apply([...[...syntheticTexts(3000)].map((t) => doc(t.id, t.title, t.abstract, { upvotes: t.id % 7 })), ...mixed]);
  });
  after(() => {
    idx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `op` groups of common and rarer words ranked from postings against pb_bm25 on the index itself. */
  function compareWithPbBm25(op: 'AND' | 'OR', extra: (pick: (i: number) => string) => string[][], n: number): number {
    const db = new SQLite(file, { readonly: true });
    loadRankExtension(db);
    const postings = createTermPostings(db, DEFAULT_WEIGHTS, { stableMs: 0 });
    db.exec(`CREATE VIRTUAL TABLE temp.v USING fts5vocab('main', 'fts', 'row')`);
    const terms = db.prepare('SELECT term, doc FROM temp.v WHERE doc >= 3 ORDER BY doc DESC').all() as Array<{ term: string; doc: number }>;
    // Mostly the 200 most common words (so groups share papers), every 5th from anywhere in the vocabulary.
    const pick = (i: number) => terms[(i * 7919) % (i % 5 === 0 ? terms.length : Math.min(200, terms.length))]!.term;
    let rows = 0;
    for (const tokens of extra(pick)) {
      const m = `(${tokens.map((t) => `"${t}"`).join(` ${op} `)})`;
      const idfs = tokens.map((_, i) => 0.5 + i * 1.25);
      const idfBlob = Buffer.alloc(8 * idfs.length);
      idfs.forEach((x, i) => idfBlob.writeDoubleLE(x, 8 * i));
      const want = db.prepare('SELECT fts.rowid AS id, -pb_bm25(fts, ?, 3.0, 1.0, 1.0, 0.3) AS score FROM fts WHERE fts MATCH ? ORDER BY score DESC, id').all(idfBlob, m) as Array<{ id: number; score: number }>;
      const got = postings.top(tokens, idfs, tokens.map(() => 1), n, op);
      assert.ok(got, m);
      assert.deepEqual(got.rows, want.slice(0, n), m);
      assert.equal(got.matched, want.length, m);
      rows += want.length;
    }
    // Words holding too many papers between them are left to the bounded stage.
    if (op === 'OR') assert.equal(postings.top(['graph', 'neural'], [1, 1], [150_000, 60_000], 10, 'OR'), null);
    db.close();
    return rows;
  }

  it('scores an AND bit for bit as pb_bm25 does, and counts its matches', () => {
    // Words at every document frequency, in pairs and triples, and the mixed-field words.
    const rows = compareWithPbBm25('AND', (pick) => [['graph', 'neural'], ['graph'], ...Array.from({ length: 120 }, (_, i) => [pick(i), pick(i + 1), ...(i % 3 === 0 ? [pick(i + 2)] : [])])], 25);
    assert.ok(rows > 2000, `${rows} rows compared`);
  });

  it('scores an OR bit for bit as pb_bm25 does, and counts its matches', () => {
    const rows = compareWithPbBm25('OR', (pick) => [['graph', 'neural'], ['graph', 'neural', 'network'], ...Array.from({ length: 80 }, (_, i) => [pick(i), pick(i + 3), ...(i % 3 === 0 ? [pick(i + 5), pick(i + 7)] : [])])], 40);
    assert.ok(rows > 5000, `${rows} rows compared`);
  });

  it('reads nothing after a change until the text has been still, and keeps no more postings than allowed', () => {
    const db = new SQLite(file, { readonly: true });
    loadRankExtension(db);
    // Opened on a still index, it reads at once; after a change, not until the text has been still.
    const waiting = createTermPostings(db, DEFAULT_WEIGHTS, { stableMs: 60_000 });
    assert.ok(waiting.top(['graph'], [1], [1], 10));
    waiting.changed();
    assert.equal(waiting.size(), 0);
    assert.equal(waiting.top(['graph'], [1], [1], 10), null);
    assert.equal(waiting.size(), 0);
    db.exec(`CREATE VIRTUAL TABLE temp.v USING fts5vocab('main', 'fts', 'row')`);
    const df = (t: string) => (db.prepare('SELECT doc FROM temp.v WHERE term = ?').pluck().get(t) as number);
    const [graph, neural] = [df('graph'), df('neural')];
    // Room for either word's postings, not both: reading the second evicts the first.
    const small = createTermPostings(db, DEFAULT_WEIGHTS, { stableMs: 0, maxPostings: Math.max(graph, neural) + 1 });
    assert.ok(small.top(['graph'], [1], [1], 10));
    assert.equal(small.size(), graph);
    assert.ok(small.top(['neural'], [1], [1], 10));
    assert.equal(small.size(), neural);
    // The AND of both reads one of them again, and still answers exactly.
    assert.equal(small.top(['graph', 'neural'], [1, 1], [1, 1], 10)?.rows.length, 10);
    db.close();
  });

  it('a search ranks the same with postings as in FTS5, and sees papers added after it', () => {
    const fts = openKeywordReader(file, { postings: false, prior: null });
    const mem = openKeywordReader(file, { postings: { stableMs: 0 }, prior: null });
    try {
      const queries = ['graph neural', 'graph', 'neural networks learn', 'models', ...[...syntheticTexts(40)].map((t) => t.title.split(' ').slice(0, 2).join(' '))];
      const key = (r: ReturnType<typeof fts.search>) => `${r.total} ${r.count} ${r.hits.map((h) => `${h.id}:${h.score}:${h.titleMarked}`).join(',')}`;
      for (const q of queries) assert.equal(key(mem.search(parseQuery(q), { limit: 30 })), key(fts.search(parseQuery(q), { limit: 30 })), q);
      // A paper added now must be found: the postings read before it are forgotten.
      idx.apply([doc(200_000, 'graph neural graph neural graph neural', 'graph neural graph neural')]);
      for (const q of ['graph neural', 'graph']) {
        const a = mem.search(parseQuery(q), { limit: 30 });
        assert.equal(a.hits[0]?.id, 200_000, q);
        assert.equal(key(a), key(fts.search(parseQuery(q), { limit: 30 })), q);
      }
      // And the writing connection forgets its own postings when it writes.
      const writer = openSearchIndex(dir, { rank: 'native', budget: 300, postings: { stableMs: 0 }, prior: null });
      try {
        assert.notEqual(writer.search(parseQuery('graph neural'), { limit: 5 }).hits[0]?.id, 200_001);
        writer.apply([doc(200_001, 'graph neural graph neural graph neural graph neural', 'graph neural graph neural graph neural')]);
        assert.equal(writer.search(parseQuery('graph neural'), { limit: 5 }).hits[0]?.id, 200_001);
      } finally {
        writer.close();
      }
    } finally {
      fts.close();
      mem.close();
    }
  });
});
