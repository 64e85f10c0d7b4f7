import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { hasFilters, parseQuery, toFtsMatch, words } from '../../src/search/query.ts';
import { filterSql } from '../../src/search/keyword/filters.ts';

describe('search query language', () => {
  it('parses words, phrases, exclusions and fields', () => {
    const q = parseQuery('"graph neural" networks -survey author:Kipf cat:cs.LG year:2017 after:2017-01 before:2018-06-30 sort:date');
    assert.deepEqual(q.terms, ['networks']);
    assert.deepEqual(q.phrases, [['graph', 'neural']]);
    assert.deepEqual(q.excluded, ['survey']);
    assert.deepEqual(q.authors, ['kipf']);
    assert.deepEqual(q.categories, ['cs.LG']);
    assert.equal(q.year, 2017);
    assert.equal(q.after, '2017-01');
    assert.equal(q.before, '2018-06-30');
    assert.equal(q.sort, 'date');
  });

  it('quotes every word in MATCH, so FTS5 syntax in user text is inert', () => {
    const q = parseQuery('NEAR(a b) OR title:* ^c "unbalanced');
    const m = toFtsMatch(q)!;
    for (const piece of m.match(/"(?:[^"]|"")*"|[^\s"()]+/g)!) {
      assert.ok(piece.startsWith('"') || ['AND', 'OR', 'NOT', 'authors', ':'].includes(piece), `bare token ${piece} in ${m}`);
    }
  });

  it('ORs free words by default and ANDs them on request', () => {
    assert.equal(toFtsMatch(parseQuery('graph neural networks')), '("graph" OR "neural" OR "networks")');
    assert.equal(toFtsMatch(parseQuery('graph neural networks'), { words: 'all' }), '("graph" AND "neural" AND "networks")');
  });

  it('drops stop words but keeps a query made only of them', () => {
    assert.equal(toFtsMatch(parseQuery('the transformer')), '("transformer")');
    assert.equal(toFtsMatch(parseQuery('the who')), '("the" OR "who")');
  });

  it('treats unknown fields and stray symbols as text', () => {
    assert.deepEqual(parseQuery('re:invent ++ -- ::').terms, ['re', 'invent']);
    assert.equal(toFtsMatch(parseQuery('!!! ??? ---')), null);
  });

  it('folds case and accents like the index tokenizer', () => {
    assert.deepEqual(words('Schrödinger CAFÉ naïve 中文'), ['schrodinger', 'cafe', 'naive', '中文']);
  });

  it('hasFilters is false exactly when filterIds would keep every paper (its SQL checks nothing)', () => {
    for (const [text, filtered] of [
      ['graph neural', false], ['the who', false], ['re:invent', false], ['"single"', false],
      ['cat:cs.CL graph', true], ['year:2024 x', true], ['after:2024-01 x', true], ['before:2024 x', true],
      ['"graph neural" x', true], ['author:kipf x', true], ['x -survey', true],
    ] as const) {
      const q = parseQuery(text);
      assert.equal(hasFilters(q), filtered, text);
      const checks = filterSql(q).where.length > 0 || toFtsMatch({ ...q, terms: [], excluded: [] }) !== null || q.excluded.length > 0;
      assert.equal(checks, filtered, text);
    }
  });

  for (const bad of ['year:20x4', 'year:1800', 'after:yesterday', 'before:2024-13-45', 'sort:random', 'cat:"cs CL"', 'x'.repeat(2001)]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 30))} with a clear message`, () => {
      assert.throws(() => parseQuery(bad), (e) => isAppError(e, 'INVALID_QUERY') && e.message.length < 200);
    });
  }
});
