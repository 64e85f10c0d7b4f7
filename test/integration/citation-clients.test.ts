import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';
import { clientSkipReason, python, runWithInput } from '../helpers/clients.ts';
import { kid, kids, parseXml, type El } from '../helpers/xml.ts';
import { HARD_NAMES } from '../fixtures/hard-names.ts';

const NAMES = HARD_NAMES.filter(([n]) => !n.includes(',') && !n.includes('\u0000'));
const GROUP = 'The ATLAS Collaboration';

const MATHY: PaperInput = {
  arxivId: '2401.00004',
  title: 'BERT for $O(n^2)$ attention: GPT-4o & LLaMA at 100% cost',
  abstract: 'A first line\nand a second one, long enough to have been hard-wrapped at seventy characters by the old exporter, which split words.',
  authors: [...NAMES.map(([n]) => n), GROUP],
  categories: ['cs.CL', 'cs.LG'],
  publishedAt: '2024-01-04T10:00:00Z',
  source: 'test',
};
const THINK: PaperInput = {
  arxivId: '2502.00001',
  title: "Let's <think> about LLM Reasoning",
  abstract: 'Reasoning, <b>bold</b> & more.',
  authors: ['Anh Do', 'Quoc V. Le'],
  categories: ['cs.AI'],
  publishedAt: '2025-02-01T10:00:00Z',
  journalRef: 'Advances in Neural Information Processing Systems 37 (2024)',
  doi: '10.48550/arXiv.2502.00001',
  source: 'test',
};

/**
 * What a MODS <name> holds (bibutils' reading of an author). MODS keeps initials without their period
 * ("Quoc V"), so given names are compared that way.
 */
function modsName(n: El): { given: string; family: string; suffix: string } {
  const parts = kids(n, 'namePart');
  const of = (type: string) => parts.filter((p) => p.attrs.type === type).map((p) => p.text).join(' ');
  const untyped = parts.filter((p) => !p.attrs.type).map((p) => p.text).join(' ');
  return { given: of('given'), family: of('family') || untyped, suffix: of('suffix') };
}

/** The names bibutils should read: particles in the family, initials without periods. */
function modsExpected(names: Array<{ given: string; particle: string; family: string; suffix: string }>) {
  return names.map((n) => ({ given: n.given.replace(/\./g, ''), family: [n.particle, n.family].filter(Boolean).join(' '), suffix: n.suffix }));
}

function modsTitle(m: El): string {
  const t = kid(m, 'titleInfo');
  const sub = kids(t, 'subTitle')[0]?.text;
  return `${kid(t, 'title').text}${sub ? `: ${sub}` : ''}`.replace(/’/g, "'");
}

describe('citation exports through real reference-manager parsers', () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    db = await createTestDatabase('sqlite');
    ({ server, close } = await createTestServer(db.url, [MATHY, THINK]));
  });
  after(async () => {
    await close();
    await db.dispose();
  });
  const exportOf = async (format: string) => {
    const r = await server.inject(`/api/export?ids=${MATHY.arxivId},${THINK.arxivId}&format=${format}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.body;
  };

  const expected = [...NAMES.map(([, given, particle, family, suffix]) => ({ given, particle, family, suffix })), { given: '', particle: '', family: GROUP, suffix: '' }];

  it('BibTeX: month macro and day, no publisher, TeX math and acronyms braced, surnames kept', async () => {
    const bib = await exportOf('bibtex');
    assert.match(bib, /^@article\{Do2024BERT,\n/);
    assert.match(bib, /\n {2}title = \{\{BERT\} for \{\$O\(n\^2\)\$\} attention: \{GPT-4o\} \\& \{LLaMA\} at 100\\% cost\},\n/);
    assert.match(bib, /\n {2}month = jan,\n {2}day = \{4\},\n/);
    assert.match(bib, /author = \{Do, Anh and Le, Quoc V\. and van der Maaten, Laurens and De Bortoli, Valentin and /);
    assert.match(bib, /@article\{Do2025Let,\n {2}title = \{Let's \$<\$think\$>\$ about \{LLM\} Reasoning\},/);
    assert.doesNotMatch(bib, /publisher/);
    for (const e of bib.trim().split(/\n(?=@)/)) assert.equal([...e].filter((c) => c === '{').length, [...e].filter((c) => c === '}').length);
  });

  const bibtexparserSkip = clientSkipReason('bibtexparser');
  it('python3-bibtexparser reads every entry, field and name part back', { skip: bibtexparserSkip ?? false }, async () => {
    // common_strings=True defines the month macros, as every BibTeX style does (bibtexparser's default from 1.2).
    const script = `
import sys, json, re, bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import splitname, convert_to_unicode
from bibtexparser.latexenc import latex_to_unicode
raw = bibtexparser.loads(sys.stdin.read(), parser=BibTexParser(common_strings=True)).entries
def unbrace(s): return latex_to_unicode(s).replace('{', '').replace('}', '')
out = []
for e in raw:
    names = [{k: unbrace(' '.join(v)) for k, v in splitname(n).items()} for n in re.split(r'\\s+and\\s+', e['author'])]
    out.append({'type': e['ENTRYTYPE'], 'id': e['ID'], 'names': names, **{k: v for k, v in convert_to_unicode(dict(e)).items() if k not in ('author',)}})
print(json.dumps(out))`;
    const entries = await python<Array<Record<string, any>>>(script, await exportOf('bibtex'));
    assert.equal(entries.length, 2);
    const [a, b] = entries as [Record<string, any>, Record<string, any>];
    assert.equal(a.type, 'article');
    assert.equal(a.title, MATHY.title);
    assert.equal(a.journal, `arXiv preprint arXiv:${MATHY.arxivId}`);
    assert.deepEqual([a.year, a.month, a.day], ['2024', 'January', '4']);
    assert.deepEqual([a.eprint, a.archiveprefix, a.primaryclass], [MATHY.arxivId, 'arXiv', 'cs.CL']);
    assert.equal(a.publisher, undefined);
    assert.deepEqual(
      a.names.map((n: Record<string, string>) => ({ given: n.first, particle: n.von, family: n.last, suffix: n.jr })),
      expected,
    );
    assert.equal(b.journal, THINK.journalRef);
    assert.equal(b.doi, THINK.doi);
    assert.deepEqual([b.year, b.month, b.day], ['2025', 'February', '1']);
  });

  const bibutilsSkip = clientSkipReason('bibutils');
  it('bibutils (bib2xml) reads titles, names, dates and venues as the paper has them', { skip: bibutilsSkip ?? false }, async () => {
    const mods = parseXml((await runWithInput('/usr/bin/bib2xml', ['-i', 'utf8'], await exportOf('bibtex'))).replace(/^\uFEFF/, ''));
    const [a, b] = kids(mods, 'mods') as [El, El];
    assert.equal(modsTitle(a), MATHY.title.replace('$O(n^2)$', 'O(n²)'), 'bibutils renders the math as Unicode');
    assert.equal(modsTitle(b), THINK.title);
    assert.deepEqual(kids(a, 'name').map(modsName), modsExpected(expected));
    assert.equal(kid(kid(a, 'originInfo'), 'dateIssued').text, '2024-01-04');
    assert.equal(kid(kid(kid(a, 'relatedItem'), 'titleInfo'), 'title').text, `arXiv preprint arXiv:${MATHY.arxivId}`);
    assert.equal(kid(kid(kid(b, 'relatedItem'), 'titleInfo'), 'title').text, THINK.journalRef);
    assert.ok(kids(b, 'identifier').some((i) => i.attrs.type === 'doi' && i.text === THINK.doi));
  });

  it('RIS: one line per field, never wrapped; YYYY/MM/DD dates; CRLF', async () => {
    const ris = await exportOf('ris');
    const lines = ris.split('\r\n');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.ok(!ris.replace(/\r\n/g, '').includes('\n'), 'no bare LF');
    for (const l of lines.slice(0, -1)) assert.match(l, /^([A-Z][A-Z0-9] {2}- .*|ER {2}- |)$/, `a tagged line: ${JSON.stringify(l)}`);
    assert.ok(lines.includes('DA  - 2024/01/04'));
    assert.ok(lines.includes('PY  - 2024'));
    assert.ok(lines.includes(`AB  - ${MATHY.abstract!.replace(/\s+/g, ' ')}`));
    assert.ok(lines.includes('AU  - van der Maaten, Laurens'));
    assert.ok(lines.includes('AU  - Daumé, Hal III'));
    assert.ok(lines.includes(`TI  - ${THINK.title}`));
  });

  it('bibutils (ris2xml) reads the RIS back: names, dates, abstract, venue', { skip: bibutilsSkip ?? false }, async () => {
    const mods = parseXml((await runWithInput('/usr/bin/ris2xml', ['-i', 'utf8'], await exportOf('ris'))).replace(/^\uFEFF/, ''));
    const [a, b] = kids(mods, 'mods') as [El, El];
    assert.equal(modsTitle(a), MATHY.title);
    assert.equal(modsTitle(b), THINK.title);
    // RIS has no way to mark a group author, and bibutils files "The ATLAS Collaboration" as given
    // "The ATLAS", family "Collaboration" (its own xml2ris writes groups the same plain way): every
    // word is kept, in order.
    const names = kids(a, 'name').map(modsName);
    const group = names.pop()!;
    assert.equal(`${group.given} ${group.family}`, GROUP);
    assert.deepEqual(names, modsExpected(expected.slice(0, -1)));
    assert.equal(kid(kid(a, 'originInfo'), 'dateIssued').text, '2024-01-04');
    assert.equal(kid(a, 'abstract').text, MATHY.abstract!.replace(/\s+/g, ' '));
    assert.equal(kid(kid(kid(b, 'relatedItem'), 'titleInfo'), 'title').text, THINK.journalRef);
    assert.ok(kids(a, 'identifier').some((i) => i.attrs.type === 'arXiv' && i.text === MATHY.arxivId));
  });
});
