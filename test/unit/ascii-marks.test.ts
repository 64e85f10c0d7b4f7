import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { createStems, isAscii, marksOf, plainMatch, SNIPPET_TOKENS, type PageText } from '../../src/search/keyword/ascii-marks.ts';
import { createHighlighter } from '../../src/search/keyword/highlight.ts';
import { TOKENIZE } from '../../src/search/keyword/schema.ts';
import { MARK_END, MARK_START } from '../../src/search/keyword/types.ts';
import { slicePageTexts } from '../helpers/page-texts.ts';

// The JS marks must be FTS5's own: compared here with highlight()/snippet() on a scratch table of the
// same tokenizer, over real arXiv abstracts and queries of their words (and some hostile shapes).
const papers: PageText[] = slicePageTexts()
  // Authors may be in any script (only whether a paper matches depends on them); titles and abstracts are ASCII.
  .filter((p) => isAscii(p.title + p.abstract));
const edge: PageText[] = [
  { id: 1001, title: '', abstract: '', authors: 'Graph Author', expansion: '' },
  { id: 1002, title: 'Graph graph GRAPH', abstract: 'graph. Graph: graph\n\ngraphs graphing. neural', authors: '', expansion: '' },
  { id: 1003, title: 'a', abstract: `${'word '.repeat(100)}graph ${'other '.repeat(100)}. Neural graph networks.`, authors: '', expansion: '' },
  { id: 1004, title: 'GPT4 and gpt-4: 3D models', abstract: '...graph...neural;;;  networks:   Models (3d) of graphs.', authors: '', expansion: '' },
  // Matched only through an author or expansion in another script (FTS5 folds à to a): its terms come from FTS5.
  { id: 1005, title: 'Other things', abstract: 'Nothing to see.', authors: 'Jürgen Gràph, José Müller', expansion: '' },
  { id: 1006, title: 'Neural models', abstract: 'A graph of models.', authors: '李雷 and Zoë Modèls', expansion: 'naïve graphs' },
];
const O = { open: '[', close: ']', ellipsis: '…' };

function fts5Marks(db: SQLite.Database, rows: PageText[], match: string) {
  db.exec('DELETE FROM page_src');
  db.exec(`INSERT INTO page (page) VALUES ('delete-all')`);
  const put = db.prepare('INSERT INTO page_src (id, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) put.run(r.id, r.title, r.abstract, r.authors, r.expansion);
  db.exec('INSERT INTO page (rowid, title, abstract, authors, expansion) SELECT id, title, abstract, authors, expansion FROM page_src');
  return db
    .prepare(`SELECT rowid AS id, highlight(page, 0, '[', ']') AS t, snippet(page, 1, '[', ']', '…', ${SNIPPET_TOKENS}) AS s FROM page WHERE page MATCH ? ORDER BY rowid`)
    .all(match) as Array<{ id: number; t: string; s: string }>;
}

describe('ascii-marks', () => {
  it('reads only the plain shapes query.ts writes', () => {
    assert.deepEqual(plainMatch('("graph" OR "neural")'), { op: 'OR', words: ['graph', 'neural'], excluded: [] });
    assert.deepEqual(plainMatch('("graph" AND "neural")'), { op: 'AND', words: ['graph', 'neural'], excluded: [] });
    assert.deepEqual(plainMatch('(("graph" OR "neural")) NOT ("protein" OR "cell")'), { op: 'OR', words: ['graph', 'neural'], excluded: ['protein', 'cell'] });
    assert.deepEqual(plainMatch('("graph")'), { op: 'OR', words: ['graph'], excluded: [] });
    for (const m of ['("graph" OR "neural") AND "deep learning"', '("gpt-4")', '("graph") AND authors : "ada"', '("café")', '"graph"', '("a" OR "b" AND "c")']) assert.equal(plainMatch(m), null, m);
  });

  it('marks titles and snippets exactly as FTS5 highlight() and snippet() do', () => {
    const db = new SQLite(':memory:');
    db.exec(`CREATE TABLE page_src (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, expansion TEXT);
      CREATE VIRTUAL TABLE page USING fts5(title, abstract, authors, expansion, content = 'page_src', content_rowid = 'id', ${TOKENIZE});`);
    const stems = createStems(db);
    const words = [...new Set(papers.flatMap((p) => p.abstract.split(/[^A-Za-z0-9]+/)).filter((w) => w.length > 0))];
    // Words by frequency band: common ones give many instances (windows compete), rare ones few.
    const count = new Map<string, number>();
    for (const p of papers) for (const w of p.abstract.toLowerCase().split(/[^a-z0-9]+/)) count.set(w, (count.get(w) ?? 0) + 1);
    const common = words.filter((w) => (count.get(w.toLowerCase()) ?? 0) > 20);
    const queries: string[] = [];
    for (let i = 0; i < 150; i++) {
      const a = common[(i * 7) % common.length]!;
      const b = words[(i * 131) % words.length]!;
      const c = common[(i * 13 + 5) % common.length]!;
      queries.push(`("${a}" OR "${b}")`, `("${a}" AND "${c}")`, `("${a}" OR "${b}" OR "${c}" OR "${a}")`, `(("${a}" OR "${c}")) NOT ("${b}")`);
    }
    queries.push('("graph" OR "neural")', '("Graph" AND "networks")', '("models" OR "3d" OR "gpt4")', '("the" OR "of")', '("graphing")');
    queries.push('("muller")', '("graph" AND "jose")', '(("models")) NOT ("jurgen")', '(("graph")) NOT ("zoe")', '("naive" AND "neural")', '("zoe" OR "things")');
    let compared = 0;
    let marked = 0;
    const all = [...papers, ...edge];
    for (const [qi, q] of queries.entries()) {
      // Pages of 20 papers, as a search shows them.
      const start = (qi * 20) % all.length;
      const rows = [...new Map([...all.slice(start, start + 20), ...edge].map((r) => [r.id, r])).values()];
      const expected = fts5Marks(db, rows, q);
      const got = marksOf(stems, plainMatch(q)!, rows, O).sort((x, y) => x.id - y.id);
      assert.deepEqual(got, expected, q);
      compared += expected.length;
      marked += expected.filter((e) => e.s.includes('[')).length;
    }
    assert.ok(compared > 1500 && marked > 500, `${compared} papers compared, ${marked} with marks in the snippet`);
    // The folded authors did decide: FTS5 matches these papers only through them, and so does marksOf.
    for (const [q, id] of [['("muller")', 1005], ['("graph" AND "jose")', 1005], ['("zoe" OR "things")', 1006]] as const) {
      assert.ok(fts5Marks(db, edge, q).some((r) => r.id === id), q);
      assert.ok(marksOf(stems, plainMatch(q)!, edge, O).some((r) => r.id === id), q);
    }
    assert.ok(!marksOf(stems, plainMatch('(("models")) NOT ("jurgen")')!, edge, O).some((r) => r.id === 1005));
    db.close();
  });

  it('marks a page mixing ASCII papers with others exactly as FTS5 does on the index', () => {
    // highlight.ts marks the ASCII papers in JS and only the others through its scratch table: each
    // paper's marks must still be FTS5's own, and every paper must come back in the page's order.
    const db = new SQLite(':memory:');
    db.exec(`CREATE VIRTUAL TABLE fts USING fts5(title, abstract, authors, expansion, ${TOKENIZE})`);
    const others: PageText[] = [
      { id: 900_001, title: 'Graph neural networks for café menus', abstract: 'We study naïve graph models. Neural graphs of Zürich.', authors: 'Zoë Graph', expansion: '' },
      { id: 900_002, title: 'Neural α-graphs', abstract: `${'Long graph text. '.repeat(400)}Neural end.`, authors: '', expansion: '' },
      { id: 900_003, title: 'Models', abstract: 'Nothing about the words here.', authors: 'Jürgen Gràph', expansion: '' },
    ];
    const rows = [...papers.slice(0, 17), ...others, ...edge.map((r) => ({ ...r, id: r.id + 900_000 }))];
    const put = db.prepare('INSERT INTO fts (rowid, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
    for (const r of rows) put.run(r.id, r.title, r.abstract, r.authors, r.expansion);
    const decorate = createHighlighter(db);
    const fts5 = db.prepare(
      `SELECT highlight(fts, 0, '${MARK_START}', '${MARK_END}') AS t, snippet(fts, 1, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS s, rowid AS id FROM fts WHERE fts MATCH ?`,
    );
    const page = [...rows].reverse().map((r, i) => ({ id: r.id, arxivId: String(r.id), score: i }));
    let mixed = 0;
    for (const q of ['("graph" OR "neural")', '("graph" AND "neural")', '(("graph" OR "models")) NOT ("zoe")', '("gràph")']) {
      const hits = decorate(q, page);
      const fts5Of = new Map((fts5.all(q) as Array<{ id: number; t: string; s: string }>).map(({ id, t, s }) => [id, { t, s }]));
      assert.deepEqual(hits.map((h) => h.id), page.map((r) => r.id), q);
      for (const h of hits) {
        const r = rows.find((x) => x.id === h.id)!;
        if (r.abstract.length > 4000) continue; // a long abstract is snippeted from one piece (search-hostile.test.ts)
        const want = fts5Of.get(h.id);
        if (want) assert.deepEqual({ t: h.titleMarked, s: h.snippetMarked }, want, `${q} ${h.id}`);
        else assert.ok(!h.titleMarked.includes(MARK_START) && !h.snippetMarked.includes(MARK_START), `${q} ${h.id}`);
        if (want && !isAscii(r.title + r.abstract)) mixed++;
      }
    }
    assert.ok(mixed >= 3, `${mixed} non-ASCII papers marked beside ASCII ones`);
    db.close();
  });
});
