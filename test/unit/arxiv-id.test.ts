import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArxivId, tryParseArxivId } from '../../src/catalog/arxiv-id.ts';
import { isAppError } from '../../src/errors.ts';

describe('arXiv identifiers', () => {
  const good: Array<[string, string, number | null]> = [
    ['0704.0001', '0704.0001', null],
    ['2310.06511', '2310.06511', null],
    ['2310.06511v2', '2310.06511', 2],
    ['1412.9999v11', '1412.9999', 11],
    ['1501.00001', '1501.00001', null],
    ['hep-th/9901001', 'hep-th/9901001', null],
    ['hep-th/9901001v3', 'hep-th/9901001', 3],
    ['math.GT/0309136', 'math/0309136', null],
    ['math.GT/0309136v2', 'math/0309136', 2],
    ['cond-mat.str-el/0610123', 'cond-mat/0610123', null],
    ['astro-ph/0703001', 'astro-ph/0703001', null],
    ['arXiv:2310.06511', '2310.06511', null],
    ['arxiv:2310.06511v1', '2310.06511', 1],
    ['  arXiv: 2401.12345 ', '2401.12345', null],
    ['https://arxiv.org/abs/2310.06511', '2310.06511', null],
    ['https://arxiv.org/abs/2310.06511v2', '2310.06511', 2],
    ['http://arxiv.org/pdf/2310.06511v2.pdf', '2310.06511', 2],
    ['https://arxiv.org/pdf/2310.06511', '2310.06511', null],
    ['arxiv.org/abs/hep-th/9901001v1', 'hep-th/9901001', 1],
    ['https://export.arxiv.org/abs/math.GT/0309136', 'math/0309136', null],
    ['https://www.arxiv.org/abs/2608.19880/', '2608.19880', null],
    ['https://arxiv.org/abs/2310.06511?context=cs', '2310.06511', null],
    ['oai:arXiv.org:2310.06511', '2310.06511', null],
    ['https://huggingface.co/papers/2608.19880', '2608.19880', null],
  ];
  for (const [input, id, version] of good) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseArxivId(input), { id, version });
    });
  }

  const bad = [
    '', '   ', 'hello', '2310.065', '2313.06511', '2300.06511', '0703.0001', '1501.0001', '1412.00001',
    'hep-th/990100', 'hep-th/9913001', 'hep-th/1501001', 'https://example.org/abs/2310.06511', '2310.06511v0x',
    '../../etc/passwd', '2310.06511; DROP TABLE papers', 'x'.repeat(10_000),
  ];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.equal(tryParseArxivId(input), null);
      assert.throws(() => parseArxivId(input), (e) => isAppError(e, 'INVALID_ARXIV_ID') && e.message.includes('not an arXiv identifier'));
    });
  }

  it('rejects non-strings', () => {
    assert.equal(tryParseArxivId(undefined), null);
    assert.equal(tryParseArxivId(2310.06511), null);
  });
});
