import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expansionTerms } from '../../src/search/prf.ts';

describe('pseudo-relevance feedback', () => {
  it('picks the words the best-matching documents share, not the query’s own or stop words', () => {
    const docs = [
      { text: 'Aspirin inhibits platelet aggregation and the platelet thromboxane pathway', score: 10 },
      { text: 'Low-dose aspirin and platelet function in 2019 trials', score: 9 },
      { text: 'Unrelated text about volcanoes', score: 1 },
    ];
    const terms = expansionTerms(docs, new Set(['aspirin']), 3);
    assert.equal(terms[0], 'platelet');
    assert.ok(!terms.includes('aspirin') && !terms.includes('the') && !terms.includes('2019'));
    assert.ok(!terms.includes('volcanoes'), 'a weak match contributes little');
  });

  it('is empty without feedback documents', () => {
    assert.deepEqual(expansionTerms([], new Set(), 5), []);
  });
});
