import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { texText, texTitle } from '../../src/catalog/tex.ts';

describe('titles as BibTeX text', () => {
  const cases: Array<[string, string]> = [
    ['BERT: $O(n^2)$ attention & more', '{BERT:} {$O(n^2)$} attention \\& more'],
    ["Let's <think> about LLM Reasoning", "Let's $<$think$>$ about {LLM} Reasoning"],
    // arXiv titles are TeX source: their own safe TeX is kept, an author's macro is printed literally.
    ['\\textsc{SimInstruct}: A Tool', '{{\\textsc{SimInstruct}:}} A Tool'],
    ['\\ECUAS{n}: metrics', '$\\backslash$ECUAS{n}: metrics'],
    ['Schr\\"odinger and \\$100', 'Schr\\"odinger and \\$100'],
    ['\\(X\\)-evolve', '{$X$}-evolve'],
    ['Towards PCBA \\\\ via', 'Towards {PCBA} via'],
    // Braces that do not balance are characters, not grouping.
    ['unbalanced { brace', 'unbalanced \\textbraceleft{} brace'],
    ['{GSR4B}: Biomass', '{{GSR4B}:} Biomass'],
    ['A $ lonely dollar_x #1 ~ ^', 'A \\$ lonely dollar\\_x \\#1 \\textasciitilde{} \\^{}'],
    ['Émile and ÉCOLE, 3D, Łódź', "{\\'E}mile and {{\\'E}COLE,} {3D,} {\\L}{\\'o}d{\\'z}"],
    ['Control\u0000 chars\u0007 and\nnewlines', 'Control chars and newlines'],
  ];
  for (const [title, tex] of cases) it(JSON.stringify(title), () => assert.equal(texTitle(title), tex));

  it('keeps every BibTeX field balanced, whatever the input', () => {
    const alphabet = ['{', '}', '\\', '$', '\\{', '\\}', 'a', 'B', ' ', '\\textsc{', '^', '%'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      for (const out of [texTitle(s), texText(s)]) {
        let depth = 0;
        for (const c of out) {
          depth += c === '{' ? 1 : c === '}' ? -1 : 0;
          assert.ok(depth >= 0, `${JSON.stringify(s)} → ${out}`);
        }
        assert.equal(depth, 0, `${JSON.stringify(s)} → ${out}`);
      }
    }
  });
});
