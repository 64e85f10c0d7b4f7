/**
 * Papers as RIS records (the format of EndNote, Zotero, Mendeley), one `TAG  - value` line per field, CRLF
 * line ends as the format specifies, and never a hard wrap: a value is one line however long (readers
 * joined wrapped lines without a space, splitting words), with white space collapsed and control
 * characters dropped. Dates are `DA  - YYYY/MM/DD` beside `PY  - YYYY`.
 *
 * Authors are "Family, Given" with particles in the family ("van der Maaten, Laurens": RIS has no particle
 * field); a suffix follows the given name ("Daumé, Hal III"), which bibutils reads as given + suffix where
 * the "Family, Given, Suffix" form left it a given name ending in a comma. The venue goes in both `T2` and
 * `JF` (EndNote and Zotero read T2 as a journal article's journal; bibutils reads JF).
 */
import { citationFacts } from './citation-facts.ts';
import type { Paper } from './paper.ts';
import { parsePersonName } from './person-name.ts';
import { oneLine } from './tex.ts';

const pad = (n: number) => String(n).padStart(2, '0');

function risName(a: string): string {
  const n = parsePersonName(a);
  if (n.literal || !n.given) return oneLine([n.family, n.suffix].filter(Boolean).join(' '));
  const family = n.particle ? `${n.particle} ${n.family}` : n.family;
  return oneLine(`${family}, ${n.given}${n.suffix ? ` ${n.suffix}` : ''}`);
}

function record(p: Paper): string {
  const f = citationFacts(p);
  const lines: Array<[string, string]> = [
    ['TY', 'JOUR'],
    ['TI', p.title],
    ...p.authors.map((a): [string, string] => ['AU', risName(a)]),
    ...(f.year ? ([['PY', String(f.year)]] as Array<[string, string]>) : []),
    ...(f.year && f.month && f.day ? ([['DA', `${f.year}/${pad(f.month)}/${pad(f.day)}`]] as Array<[string, string]>) : []),
    ['T2', f.venue],
    ['JF', f.venue],
    ...(p.abstract ? ([['AB', p.abstract]] as Array<[string, string]>) : []),
    ...p.categories.map((c): [string, string] => ['KW', c]),
    ...(p.doi ? ([['DO', p.doi]] as Array<[string, string]>) : []),
    ['UR', p.absUrl],
    ['L1', p.pdfUrl],
    ['N1', `arXiv:${p.arxivId}`],
    ['ID', p.arxivId],
  ];
  return `${lines.map(([tag, v]) => `${tag}  - ${oneLine(v)}\r\n`).join('')}ER  - \r\n`;
}

/**
 * One RIS document, records separated by a blank line.
 * @example formatRis([paper]) // 'TY  - JOUR\r\nTI  - Let's <think> about LLM Reasoning\r\n…ER  - \r\n'
 */
export function formatRis(papers: Paper[]): string {
  return papers.map(record).join('\r\n');
}
