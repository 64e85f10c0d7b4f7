/**
 * Plain text as BibTeX field text that classic `bibtex` + pdflatex, biber and reference managers all read
 * back as the same text.
 *
 * - Braces must balance in a field, and BibTeX counts `\{` as a brace too, so unbalanced braces become
 *   `\textbraceleft{}` / `\textbraceright{}`; the other TeX specials are escaped (`\&`, `\%`, `$<$`…).
 * - Latin letters with one diacritic become TeX accents (`{\'e}`, `{\v{c}}`): classic bibtex abbreviates
 *   "Élodie" to a broken UTF-8 byte but `{\'E}lodie` to `{\'E}.`. Other characters (CJK, Greek, emoji,
 *   typographic quotes) stay UTF-8, which biber, LaTeX since 2018 and every reference manager read.
 * - In titles, `$…$` math is passed through verbatim inside braces (`{$O(n^2)$}`), so styles neither
 *   escape nor re-case it; and words with a capital after their first letter (BERT, GPT-4o, LLaMA,
 *   ImageNet) are braced so sentence-casing styles keep them.
 */

// Each chosen so LaTeX prints the character in any font encoding and bibutils reads it back as that
// character (`<` is "¡" in pdflatex's default OT1 encoding; bibutils knows `$<$` but not `\textless`).
const SPECIAL: Record<string, string> = {
  '\\': '$\\backslash$',
  '{': '\\textbraceleft{}',
  '}': '\\textbraceright{}',
  '&': '\\&',
  '%': '\\%',
  '#': '\\#',
  _: '\\_',
  $: '\\$',
  '^': '\\^{}',
  '~': '\\textasciitilde{}',
  '<': '$<$',
  '>': '$>$',
};

// Accents written as a symbol take the letter directly ({\'e}); letter-named ones take it braced ({\v{c}}).
const ACCENTS: Record<string, string> = {
  '\u0300': '`', '\u0301': "'", '\u0302': '^', '\u0303': '~', '\u0304': '=', '\u0307': '.', '\u0308': '"',
  '\u0306': 'u', '\u030A': 'r', '\u030B': 'H', '\u030C': 'v', '\u0327': 'c', '\u0328': 'k', '\u0323': 'd',
};
const LETTERS: Record<string, string> = {
  ß: '{\\ss}', æ: '{\\ae}', Æ: '{\\AE}', œ: '{\\oe}', Œ: '{\\OE}', ø: '{\\o}', Ø: '{\\O}', ł: '{\\l}', Ł: '{\\L}', ı: '{\\i}',
};

function texChar(c: string): string {
  if (SPECIAL[c]) return SPECIAL[c]!;
  if (LETTERS[c]) return LETTERS[c]!;
  if (c.charCodeAt(0) < 0x80) return c;
  const d = c.normalize('NFD');
  if (d.length === 2 && /[A-Za-z]/.test(d[0]!) && ACCENTS[d[1]!]) {
    const a = ACCENTS[d[1]!]!;
    return /[a-z]/i.test(a) ? `{\\${a}{${d[0]}}}` : `{\\${a}${d[0]}}`;
  }
  return c;
}

/** Drop control characters and collapse white space (BibTeX and RIS fields are one logical line). */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Text as TeX: specials escaped, accented Latin letters as accent commands. */
export function texText(s: string): string {
  let out = '';
  for (const c of oneLine(s)) out += texChar(c);
  return out;
}

/** Braces that balance and never close more than they opened (BibTeX rejects anything else). */
function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

// TeX that arXiv titles carry (they are TeX source: about 1 in 2,500 has a command outside math) and that
// compiles in any document. Anything else after a backslash (an author's own macro) is printed literally.
const SAFE_COMMANDS = new Set([
  'textsc', 'textit', 'textbf', 'texttt', 'textrm', 'textsf', 'emph', 'underline', 'textsuperscript', 'textsubscript',
  'textregistered', 'texttrademark', 'textcopyright', 'textperthousand', 'textpertenthousand', 'textdegree',
  'ldots', 'dots', 'em', 'LaTeX', 'TeX', 'ss', 'ae', 'AE', 'oe', 'OE', 'o', 'O', 'l', 'L', 'i', 'j', 'aa', 'AA',
  'u', 'v', 'H', 'c', 'k', 'r', 'd', 'b', 't',
]);

/** One word of a title (no white space) as TeX; `braces` says whether its braces are TeX grouping. */
function texWord(w: string, braces: boolean): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    if (c === '{' || c === '}') {
      out += braces ? c : SPECIAL[c]!;
      continue;
    }
    if (c !== '\\') {
      out += texChar(c);
      continue;
    }
    const next = w[i + 1] ?? '';
    const name = /^[A-Za-z]+/.exec(w.slice(i + 1))?.[0];
    if (name && SAFE_COMMANDS.has(name)) {
      out += `\\${name}`;
      i += name.length;
    } else if ('&%_#$\'"^`~=.,'.includes(next) && next) {
      out += `\\${next}`; // an escaped special, an accent or a thin space, as TeX wrote it
      i++;
    } else if ((next === '{' || next === '}') && braces) {
      out += `\\${next}`;
      i++;
    } else if (next === '\\') {
      i++; // a forced line break has no place in a reference
    } else {
      out += SPECIAL['\\'];
    }
  }
  return out;
}

// A word with a capital after its first letter: an acronym or a name styles must not lower-case.
const NEEDS_CASE_PROTECTION = /^[\p{P}\p{S}]*[\p{L}\p{N}].*\p{Lu}/u;

function texWords(text: string, braces: boolean): string {
  return text
    .split(/(\s+)/)
    .map((chunk) => {
      if (/^\s*$/.test(chunk)) return chunk ? ' ' : '';
      const tex = texWord(chunk, braces);
      // The letters a style would re-case: the word without TeX command names.
      if (!NEEDS_CASE_PROTECTION.test(chunk.replace(/\\[A-Za-z]+/g, ''))) return tex;
      // `{\cmd…}` would be a BibTeX "special character", whose letters styles do re-case; `{{\cmd…}}` is not.
      return tex.startsWith('\\') ? `{{${tex}}}` : `{${tex}}`;
    })
    .join('');
}

const MATH = /\$(?:\\.|[^$\\])+\$|\\\((.+?)\\\)/g;

/**
 * A title as BibTeX text: math verbatim and braced, acronyms braced, the rest escaped; the title's own
 * TeX (balanced braces, `\textsc{…}`, `\&`, accents) kept, since arXiv titles are TeX source.
 * @example texTitle('BERT: $O(n^2)$ attention & more') // '{BERT:} {$O(n^2)$} attention \\& more'
 */
export function texTitle(title: string): string {
  const s = oneLine(title);
  const parts: Array<{ math: boolean; text: string }> = [];
  let at = 0;
  for (const m of s.matchAll(MATH)) {
    if (!balanced(m[0])) continue;
    parts.push({ math: false, text: s.slice(at, m.index) }, { math: true, text: m[1] !== undefined ? `$${m[1]}$` : m[0] });
    at = m.index! + m[0].length;
  }
  parts.push({ math: false, text: s.slice(at) });
  const braces = balanced(parts.filter((p) => !p.math).map((p) => p.text).join(''));
  return parts.map((p) => (p.math ? `{${p.text}}` : texWords(p.text, braces))).join('').replace(/ {2,}/g, ' ').trim();
}

/** A value that must stay as written (URL, DOI, arXiv id): one line, no braces that could unbalance the field. */
export function texVerbatim(s: string): string {
  return oneLine(s).replace(/[{}]/g, '');
}
