import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesFromParsed, splitAuthors } from '../../src/ingest/authors.ts';

describe('splitAuthors', () => {
  const cases: Array<[string, string[]]> = [
    ['Jiaqi Yin, Zhan Song, Chen Chen', ['Jiaqi Yin', 'Zhan Song', 'Chen Chen']],
    ['Ada Lovelace and Alan Turing', ['Ada Lovelace', 'Alan Turing']],
    ['A. Smith, B. Jones, and C. Lee', ['A. Smith', 'B. Jones', 'C. Lee']],
    ['A. Smith (MIT, Cambridge and Boston), B. Jones ((1) CERN)', ['A. Smith', 'B. Jones']],
    ["C. Bal\\'azs, E. L. Berger,\n  P. M. Nadolsky, C.-P. Yuan", ["C. Bal\\'azs", 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan']],
    ['Martin Luther King, Jr., Rosa Parks', ['Martin Luther King, Jr.', 'Rosa Parks']],
    ['Sandra Anderson, Brandon Rand', ['Sandra Anderson', 'Brandon Rand']],
    ['ATLAS Collaboration et al.', ['ATLAS Collaboration et al.']],
    ['', []],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(splitAuthors(input), want));
  }
});

describe('namesFromParsed', () => {
  it('joins first, last and suffix', () => {
    assert.deepEqual(namesFromParsed([['Balázs', 'C.', ''], ['King', 'Martin Luther', 'Jr']]), ['C. Balázs', 'Martin Luther King Jr']);
  });
  it('gives null when absent or malformed, so the string is used', () => {
    assert.equal(namesFromParsed(undefined), null);
    assert.equal(namesFromParsed([]), null);
    assert.equal(namesFromParsed(['x']), null);
  });
});
