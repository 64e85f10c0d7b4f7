import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { SNIPPET_TOKENS, type PageText } from '../../src/search/keyword/ascii-marks.ts';
import { createHighlighter } from '../../src/search/keyword/highlight.ts';
import { readMarks } from '../../src/search/keyword/native-marks.ts';
import { TOKENIZE } from '../../src/search/keyword/schema.ts';
import { MARK_END, MARK_START } from '../../src/search/keyword/types.ts';
import { loadRankExtension } from '../../src/search/native-rank.ts';
import { seededRandom } from '../helpers/fuzz.ts';
import { skipWithoutNativeRank } from '../helpers/native-rank.ts';
import { slicePageTexts } from '../helpers/page-texts.ts';

// pb_marks (native/pb_marks.c) must give FTS5's own highlight() and snippet(): compared here with FTS5
// on the index itself, over real arXiv papers and papers in other scripts, for plain queries of their words.
type Row = PageText;

const real: Row[] = slicePageTexts();
const other: Row[] = [
  { id: 5001, title: 'Graph neural networks for café menus', abstract: 'We study naïve graph models. Neural graphs of Zürich: résumé.', authors: 'Zoë Graph', expansion: '' },
  { id: 5002, title: 'Neural α-graphs and β-models', abstract: 'The α graph. Δ models: ε-neural graphs, over ℝ. Graph → model ≤ 3.', authors: '', expansion: '' },
  { id: 5003, title: '图神经网络 graph 模型', abstract: '我们研究 graph 模型。Neural 网络 models and graphs.', authors: '李雷', expansion: '' },
  { id: 5004, title: 'Emoji 🚀 graph models', abstract: 'Models 🙂 of graphs 🧠 and neural 𝔾raphs. 𝕄odels.', authors: '', expansion: '' },
  { id: 5005, title: 'Control\u0001chars\tgraph', abstract: 'Graph\u0000models\u0007 and\r\nneural\u001fgraphs. Models.', authors: '', expansion: '' },
  { id: 5006, title: '', abstract: '', authors: 'Jürgen Gràph', expansion: 'models' },
  { id: 5007, title: 'Long words', abstract: `${'graph'.repeat(30)} graph ${'x'.repeat(300)} models. ${'graphs '.repeat(300)}`, authors: '', expansion: '' },
  { id: 5008, title: 'Ünïcödé Grâph Mödels', abstract: 'ÀÉÎÕÜ graph. ﬁnite models (ligature). Straße graphs; İstanbul neural.', authors: 'José Müller', expansion: '' },
];

function index(rows: Row[]): SQLite.Database {
  const db = new SQLite(':memory:');
  const loaded = loadRankExtension(db);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.why);
  db.exec(`CREATE VIRTUAL TABLE fts USING fts5(title, abstract, authors, expansion, ${TOKENIZE})`);
  const put = db.prepare('INSERT INTO fts (rowid, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) put.run(r.id, r.title, r.abstract, r.authors, r.expansion);
  return db;
}

/** Plain queries as query.ts writes them, from words of the rows (common and rare), and their specs. */
function queries(rows: Row[]): string[] {
  const words = [...new Set(rows.flatMap((r) => r.abstract.split(/[^A-Za-z0-9]+/)).filter((w) => w.length > 0))];
  const out: string[] = [];
  for (let i = 0; i < 120; i++) {
    const [a, b, c] = [words[(i * 7) % words.length]!, words[(i * 131 + 3) % words.length]!, words[(i * 13 + 5) % words.length]!];
    out.push(`("${a}" OR "${b}")`, `("${a}" AND "${c}")`, `("${b}")`, `(("${a}" OR "${c}")) NOT ("${b}")`);
  }
  out.push('("graph" OR "neural")', '("graph" AND "models")', '("graphs")', '(("graph" OR "models")) NOT ("zoe")', '("muller")', '("zurich" AND "graph")', '("the" OR "of" OR "and")', '("istanbul")', '("strasse")');
  return out;
}

describe('native marks (pb_marks)', () => {
  it('marks every page exactly as FTS5 highlight() and snippet() do on the index, in any script', (t) => {
    if (skipWithoutNativeRank('pb_marks')) return t.skip('the native extension is not built');
    const rows = [...real, ...other];
    const db = index(rows);
    // The highlighter takes pb_marks when the connection has it (else it marks in JS: ascii-marks.test.ts).
    assert.ok(db.prepare(`SELECT 1 FROM pragma_function_list WHERE name = 'pb_marks'`).get());
    const decorate = createHighlighter(db);
    const fts5 = db.prepare(
      `SELECT rowid AS id, highlight(fts, 0, '${MARK_START}', '${MARK_END}') AS t, snippet(fts, 1, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS s FROM fts WHERE fts MATCH ?`,
    );
    let compared = 0;
    let otherScripts = 0;
    for (const [qi, q] of queries(rows).entries()) {
      const start = (qi * 20) % real.length;
      // Pages of 20 real papers, and the papers in other scripts on every page.
      const page = [...real.slice(start, start + 20), ...other].map((r, i) => ({ id: r.id, arxivId: String(r.id), score: -i }));
      const want = new Map((fts5.all(q) as Array<{ id: number; t: string; s: string }>).map((r) => [r.id, r]));
      const hits = decorate(q, page);
      assert.deepEqual(hits.map((h) => h.id), page.map((p) => p.id), q);
      for (const h of hits) {
        const w = want.get(h.id);
        if (!w) {
          assert.ok(!h.titleMarked.includes(MARK_START) && !h.snippetMarked.includes(MARK_START), `${q} ${h.id} is marked but does not match`);
          continue;
        }
        assert.deepEqual({ t: h.titleMarked, s: h.snippetMarked }, { t: w.t, s: w.s }, `${q} ${h.id}`);
        compared++;
        if (h.id > 5000) otherScripts++;
      }
    }
    assert.ok(compared > 1000 && otherScripts > 40, `${compared} papers compared, ${otherScripts} in other scripts`);
    db.close();
  });

  it('agrees with FTS5 on seeded random texts: any script, separators, control bytes, long and repeated words', (t) => {
    if (skipWithoutNativeRank('pb_marks')) return t.skip('the native extension is not built');
    const rand = seededRandom(20261203);
    const words = ['graph', 'Graph', 'GRAPHS', 'graphing', 'neural', 'net', 'models', 'model', 'a', 'x1', '3d', 'gràph', 'Müller', 'naïve', 'αβγ', '图', '🚀', 'ﬁ', 'İ', 'ß'];
    const seps = [' ', ' ', ' ', '. ', ': ', ', ', '-', '\n', '\t', '\u00a0', '\u2014', '’', '\u0000', '\u0001', '\uE000', '...', '  ', '(', ')'];
    const text = (n: number) => {
      let s = '';
      for (let i = 0; i < n; i++) s += (rand() < 0.02 ? words[0]!.repeat(20) : words[Math.floor(rand() * words.length)]!) + seps[Math.floor(rand() * seps.length)]!;
      return s;
    };
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, title: text(Math.floor(rand() * 12)), abstract: text(Math.floor(rand() * 300)), authors: rand() < 0.3 ? text(3) : '', expansion: rand() < 0.2 ? text(4) : '' }));
    const db = index(rows);
    const decorate = createHighlighter(db);
    const fts5 = db.prepare(
      `SELECT rowid AS id, highlight(fts, 0, '${MARK_START}', '${MARK_END}') AS t, snippet(fts, 1, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS s FROM fts WHERE fts MATCH ?`,
    );
    const ascii = ['graph', 'graphs', 'neural', 'net', 'models', 'a', 'x1', '3d', 'muller', 'naive', 'fi', 'ss', 'i'];
    let compared = 0;
    for (let i = 0; i < 150; i++) {
      const ws = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ascii[Math.floor(rand() * ascii.length)]!);
      const q = i % 4 === 3 ? `(("${ws[0]}" OR "${ws.at(-1)}")) NOT ("${ascii[i % ascii.length]}")` : `(${ws.map((w) => `"${w}"`).join(i % 2 ? ' AND ' : ' OR ')})`;
      const page = rows.slice((i * 20) % 180, ((i * 20) % 180) + 20).map((r) => ({ id: r.id, arxivId: String(r.id), score: 0 }));
      const want = new Map((fts5.all(q) as Array<{ id: number; t: string; s: string }>).map((r) => [r.id, r]));
      for (const h of decorate(q, page)) {
        const w = want.get(h.id);
        if (w) {
          assert.deepEqual({ t: h.titleMarked, s: h.snippetMarked }, { t: w.t, s: w.s }, `${q} ${h.id}`);
          compared++;
          // Unmarked: the title as stored (SQLite's text functions, like FTS5's output, end at a NUL).
        } else assert.equal(h.titleMarked, rows[h.id - 1]!.title.split('\0')[0], `${q} ${h.id} is marked but does not match`);
      }
    }
    assert.ok(compared > 300, `${compared} papers compared`);
    db.close();
  });

  it('answers queries it does not take (more than 64 words) the other way, with the same marks', (t) => {
    if (skipWithoutNativeRank('pb_marks')) return t.skip('the native extension is not built');
    const db = index(other);
    const decorate = createHighlighter(db);
    const words = Array.from({ length: 70 }, (_, i) => `w${i}`).concat(['graph']);
    const q = `(${words.map((w) => `"${w}"`).join(' OR ')})`;
    const want = db.prepare(`SELECT rowid AS id, highlight(fts, 0, '${MARK_START}', '${MARK_END}') AS t FROM fts WHERE fts MATCH ?`).all(q) as Array<{ id: number; t: string }>;
    const hits = decorate(q, other.map((r) => ({ id: r.id, arxivId: String(r.id), score: 0 })));
    for (const w of want) assert.equal(hits.find((h) => h.id === w.id)?.titleMarked, w.t);
    assert.ok(want.length >= 3);
    db.close();
  });

  it('says what is wrong with a malformed spec', (t) => {
    if (skipWithoutNativeRank('pb_marks')) return t.skip('the native extension is not built');
    const db = index([]);
    const call = (spec: unknown) => db.prepare(`SELECT pb_marks(?, '[', ']', '…', 40, 'Graph models', 'A graph.', '', '') AS m`).get(spec) as { m: Buffer | null };
    for (const [spec, why] of [
      ['graph', /must start with AND or OR/],
      ['AND gr-aph', /not ASCII letters and digits/],
      ['OR café', /not ASCII letters and digits/],
      ['AND ', /no word to find/],
      ['AND -graph', /no word to find/],
      [null, /spec is NULL/],
      [`OR ${Array.from({ length: 65 }, (_, i) => `w${i}`).join(' ')}`, /too many words/],
    ] as const) assert.throws(() => call(spec), why, String(spec));
    for (const n of [0, 5000]) assert.throws(() => db.prepare(`SELECT pb_marks('AND graph', '[', ']', '…', ?, 'Graph', 'graph', '', '')`).get(n), /ntokens 1 to 1000/);
    const m = call('AND graph -neural').m!;
    assert.deepEqual(readMarks(m), { t: '[Graph] models', s: 'A [graph].' });
    assert.equal(call('AND graph -models').m, null);
    db.close();
  });
});
