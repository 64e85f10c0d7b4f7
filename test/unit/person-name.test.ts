import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePersonName } from '../../src/catalog/person-name.ts';
import { HARD_NAMES } from '../fixtures/hard-names.ts';


describe('author names', () => {
  for (const [name, given, particle, family, suffix] of HARD_NAMES) {
    it(`${JSON.stringify(name)} → ${[given, particle, family, suffix].filter(Boolean).join(' | ')}`, () => {
      const n = parsePersonName(name);
      assert.deepEqual({ given: n.given, particle: n.particle, family: n.family, suffix: n.suffix, literal: n.literal }, { given, particle, family, suffix, literal: false });
    });
  }

  it('groups stay whole', () => {
    for (const g of ['The ATLAS Collaboration', 'SIMA team', 'o3 contributors', 'Google DeepMind Gemini Team']) {
      assert.deepEqual(parsePersonName(g), { given: '', particle: '', family: g, suffix: '', literal: true }, g);
    }
  });

  it('never loses a word: given, particle, family and suffix hold every word of the name', () => {
    for (const [name] of HARD_NAMES.filter(([n]) => !n.includes(','))) {
      const n = parsePersonName(name);
      const clean = name.replace(/\u0000/g, ' ').split(/\s+/).filter(Boolean).join(' ');
      assert.equal([n.given, n.particle, n.family, n.suffix].filter(Boolean).join(' '), clean);
    }
  });
});
