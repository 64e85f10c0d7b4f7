/**
 * Papers as BibTeX entries that classic bibtex, biber, bibtexparser and bibutils all read the same way.
 *
 * - An arXiv preprint is an `@article` in "arXiv preprint arXiv:ID" (Google Scholar's form, shown by every
 *   style); a paper with a journal reference is an `@article` in that journal. Both carry biblatex's eprint
 *   fields (`eprint`, `archivePrefix`, `primaryClass`) as arXiv's own export does. No `publisher`:
 *   articles have none, and arXiv is not one.
 * - `month = jan` is the month macro every style defines (not `{jan 4}`), and `day = {4}` is separate.
 * - Authors are written "von Last, Jr, First" (person-name.ts decides the parts), so no parser has to guess
 *   where a surname starts; groups are braced whole.
 * - Titles keep TeX math and protect acronyms with braces (tex.ts).
 */
import { citationFacts } from './citation-facts.ts';
import type { Paper } from './paper.ts';
import { parsePersonName, type PersonName } from './person-name.ts';
import { texText, texTitle, texVerbatim } from './tex.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const KEY_STOP = new Set(['a', 'an', 'the', 'on', 'of', 'for', 'in', 'to', 'and', 'with', 'from', 'towards', 'toward', 'via', 'is', 'are', 'do', 'does', 'can', 'how', 'what', 'why', 'when', 'we']);

/** ASCII letters and digits only (citation keys travel through every tool). */
function ascii(s: string): string {
  return s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '');
}

// A part BibTeX would split or mis-case: it holds the word "and", or a lower-case word inside a family name.
function needsBraces(part: string, family: boolean): boolean {
  return /(^|\s)and(\s|$)/i.test(part) || (family && /\s/.test(part) && /(^|\s)\p{Ll}/u.test(part));
}

function bibName(n: PersonName): string {
  if (n.literal) return `{${texText(n.family)}}`;
  const family = needsBraces(n.family, true) ? `{${texText(n.family)}}` : texText(n.family);
  const last = n.particle ? `${texText(n.particle)} ${family}` : family;
  if (!n.given) return n.suffix ? `${last}, ${texText(n.suffix)},` : last;
  const given = needsBraces(n.given, false) ? `{${texText(n.given)}}` : texText(n.given);
  return n.suffix ? `${last}, ${texText(n.suffix)}, ${given}` : `${last}, ${given}`;
}

function citationKey(p: Paper, first: PersonName | undefined, year: number | null): string {
  const family = first ? ascii(first.literal ? first.family.split(' ').find((w) => /^[A-Z]/.test(w) && w.toLowerCase() !== 'the') ?? '' : first.family) : '';
  const word = p.title.split(/[^\p{L}\p{N}]+/u).find((w) => ascii(w).length >= 2 && !KEY_STOP.has(w.toLowerCase())) ?? '';
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(family) || 'arXiv'}${year ?? ''}${cap(ascii(word))}` || ascii(p.arxivId);
}

function entry(p: Paper, key: string): string {
  const f = citationFacts(p);
  const fields: Array<[string, string]> = [
    ['title', `{${texTitle(p.title)}}`],
    ['author', `{${p.authors.map((a) => bibName(parsePersonName(a))).join(' and ')}}`],
    ['journal', `{${texText(f.venue)}}`],
    ...(f.year ? ([['year', `{${f.year}}`]] as Array<[string, string]>) : []),
    ...(f.month ? ([['month', MONTHS[f.month - 1]!]] as Array<[string, string]>) : []),
    ...(f.day ? ([['day', `{${f.day}}`]] as Array<[string, string]>) : []),
    ['eprint', `{${texVerbatim(p.arxivId)}}`],
    ['archivePrefix', '{arXiv}'],
    ...(p.primaryCategory ? ([['primaryClass', `{${texVerbatim(p.primaryCategory)}}`]] as Array<[string, string]>) : []),
    ...(p.doi ? ([['doi', `{${texVerbatim(p.doi)}}`]] as Array<[string, string]>) : []),
    ['url', `{${texVerbatim(p.absUrl)}}`],
  ];
  if (p.authors.length === 0) fields.splice(1, 1);
  return `@article{${key},\n${fields.map(([k, v]) => `  ${k} = ${v},\n`).join('')}}\n`;
}

/**
 * One BibTeX document; keys that would repeat get a, b, c… suffixes as Google Scholar does.
 * @example formatBibtex([paper]) // '@article{Do2024Think,\n  title = {Let's think…},\n …}\n'
 */
export function formatBibtex(papers: Paper[]): string {
  const seen = new Map<string, number>();
  const keys = papers.map((p) => {
    const base = citationKey(p, p.authors[0] ? parsePersonName(p.authors[0]) : undefined, citationFacts(p).year);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { p, base, n };
  });
  return keys
    .map(({ p, base, n }) => entry(p, (seen.get(base)! > 1 ? `${base}${String.fromCharCode(97 + (n % 26))}${n >= 26 ? Math.floor(n / 26) : ''}` : base)))
    .join('\n');
}
