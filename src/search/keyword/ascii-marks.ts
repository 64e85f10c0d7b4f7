/**
 * FTS5's highlight() and snippet() for the common page, computed in JS: a plain query (words OR-ed or
 * AND-ed, optionally NOT some words) over papers whose text is ASCII (99% of the arXiv set). The scratch
 * FTS5 table of highlight.ts tokenizes every paper of the page three times (indexing it, highlight(),
 * snippet()) and writes and clears a segment: 1.35 ms a page of 20 at 80k papers, 0.62 ms here
 * (`npx tsx bench/lab/ascii-marks-check.ts DATA_DIR`: 861 pages, warm stem cache, 32,066 papers marked
 * identically). Here the text is split once (an ASCII token of `unicode61` is a run of letters and digits) and each word's
 * Porter stem comes from a cache filled by FTS5 itself (a scratch table read through fts5vocab), so the
 * terms are the index's by construction; the marks and the snippet window follow fts5_aux.c (SQLite
 * 3.53) line by line. Anything else (phrases, author: filters, prefixes, other scripts, long papers)
 * returns null and goes the FTS5 way. `test/unit/ascii-marks.test.ts` checks the two agree on real text.
 */
import type SQLite from 'better-sqlite3';
import { TOKENIZE } from './schema.ts';

/** Words whose stems are kept (a word costs ~60 bytes; real abstracts use ~150k distinct words at 80k papers). */
const STEM_CACHE_SIZE = 100_000;
/** snippet()'s token count, as highlight.ts asks for it. */
export const SNIPPET_TOKENS = 40;

/** A parsed plain match: free words joined by one operator, and words no paper on the page may have. */
export interface PlainMatch {
  op: 'AND' | 'OR';
  words: string[];
  excluded: string[];
}

const QUOTED = /^"([A-Za-z0-9]+)"$/;

/** The words of `("a" OR "b")`-shaped text, or null. */
function group(text: string, ops: Array<'AND' | 'OR'>): { op: 'AND' | 'OR'; words: string[] } | null {
  if (!text.startsWith('(') || !text.endsWith(')')) return null;
  const inner = text.slice(1, -1);
  for (const op of ops) {
    const words = inner.split(` ${op} `).map((p) => QUOTED.exec(p)?.[1]);
    if (words.every((w): w is string => w !== undefined)) return { op, words };
  }
  return null;
}

/**
 * `match` as query.ts writes a plain query (`("a" OR "b")`, `("a" AND "b")`, `(("a" OR "b")) NOT ("c" OR "d")`),
 * each quoted string one ASCII word; null for anything else.
 */
export function plainMatch(match: string): PlainMatch | null {
  const not = match.lastIndexOf(') NOT (');
  if (not < 0) {
    const g = group(match, ['OR', 'AND']);
    return g && { ...g, excluded: [] };
  }
  const positive = match.slice(0, not + 1);
  if (!positive.startsWith('((') || !positive.endsWith('))')) return null;
  const g = group(positive.slice(1, -1), ['OR', 'AND']);
  const e = group(match.slice(not + 6), ['OR']);
  return g && e ? { ...g, excluded: e.words } : null;
}

/** Only ASCII: the one script whose tokens this module splits exactly as `unicode61` does. */
// eslint-disable-next-line no-control-regex -- the test is for the ASCII range itself
export const isAscii = (s: string): boolean => /^[\u0000-\u007f]*$/.test(s);

/**
 * A text's tokens as parallel arrays (token i: characters start[i]..end[i], and term[i]): an object per
 * token made tokenizing ~40% of marksOf (lab profile, pages of 20 arXiv abstracts, 2026-12-03).
 */
interface Tokens {
  start: number[];
  end: number[];
  term: string[];
}

/** The index's term of each word (lowercased and Porter-stemmed), asked of FTS5 for words not seen before. */
export interface Stems {
  /** The term of a word as written (cached by its spelling, so no lowercasing per token), or undefined: not known yet. */
  known(word: string): string | undefined;
  /** Learn these words' terms (one scratch insert and read for all of them). */
  learn(words: Set<string>): void;
  /** The terms FTS5 makes of any text (any script): one scratch insert and read. */
  termsOf(text: string): Set<string>;
}

export function createStems(db: SQLite.Database): Stems {
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_src USING fts5(w, ${TOKENIZE});
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_terms USING fts5vocab('temp', 'stem_src', 'instance');
  `);
  const put = db.prepare('INSERT INTO stem_src (rowid, w) VALUES (1, ?)');
  const read = db.prepare('SELECT term, offset FROM stem_terms ORDER BY offset');
  const clear = db.prepare('DELETE FROM stem_src');
  const cache = new Map<string, string>();
  return {
    known: (word) => cache.get(word),
    learn(words) {
      if (words.size === 0) return;
      if (cache.size + words.size > STEM_CACHE_SIZE) cache.clear();
      const list = [...words];
      put.run(list.join(' '));
      const rows = read.all() as Array<{ term: string; offset: number }>;
      clear.run();
      // Each word is one token (letters and digits only), so token i is list[i].
      // eslint-disable-next-line no-restricted-syntax -- programming error: the tokenizer disagrees with this module's
      if (rows.length !== list.length) throw new Error(`stem cache: FTS5 made ${rows.length} tokens of ${list.length} words`);
      for (const r of rows) cache.set(list[r.offset]!, r.term);
    },
    termsOf(text) {
      put.run(text);
      const terms = new Set((read.all() as Array<{ term: string }>).map((r) => r.term));
      clear.run();
      return terms;
    },
  };
}

/** ASCII letters and digits: unicode61's token characters below 128. */
const WORD_CHAR = new Uint8Array(128).map((_, c) => ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0));
const isWordChar = (c: number) => WORD_CHAR[c] === 1;

/**
 * The tokens of ASCII `text`. `term` is the spelling of a token that may be a query word, to be replaced
 * by its term, else '': Porter rewrites only a word's ending and keeps at least its first letter, so a
 * token can have a query word's term only if it starts with that word's letter (`wanted`, by lowercase
 * character code). Looking up every token's term was most of the cost (4,500 tokens a page: 0.4 ms).
 */
function tokens(text: string, wanted: Uint8Array): Tokens {
  const out: Tokens = { start: [], end: [], term: [] };
  const n = text.length;
  for (let i = 0; i < n; ) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    out.start.push(start);
    out.end.push(i);
    out.term.push(wanted[text.charCodeAt(start) | 0x20] === 1 ? text.slice(start, i) : '');
  }
  return out;
}

/** An instance of a query phrase (a word here): which phrase, at which token. */
interface Inst {
  phrase: number;
  pos: number;
}

/** Instances in position order, lower phrase first at one position (FTS5's xInst order). */
function instances(toks: Tokens, phrases: string[]): Inst[] {
  const out: Inst[] = [];
  for (let pos = 0; pos < toks.term.length; pos++) {
    const term = toks.term[pos]!;
    for (let phrase = 0; phrase < phrases.length; phrase++) if (phrases[phrase] === term) out.push({ phrase, pos });
  }
  return out;
}

/** fts5HighlightCb over `toks` with the range [from, to] (to < 0: everything), as highlight() and snippet() run it. */
function markRange(text: string, toks: Tokens, inst: Inst[], open: string, close: string, from: number, to: number): { out: string; off: number } {
  // Coalesced instances (single words: one token each, duplicates at one position merged).
  const spans: Array<[number, number]> = [];
  for (const i of inst) {
    const last = spans[spans.length - 1];
    if (last && i.pos <= last[1]) last[1] = Math.max(last[1], i.pos);
    else spans.push([i.pos, i.pos]);
  }
  let k = 0;
  while (to >= 0 && k < spans.length && spans[k]![0] < from) k++;
  let out = '';
  let off = 0;
  let isOpen = false;
  const start = () => (k < spans.length ? spans[k]![0] : -1);
  const end = () => (k < spans.length ? spans[k]![1] : -1);
  for (let pos = 0; pos < toks.start.length; pos++) {
    const tStart = toks.start[pos]!;
    const tEnd = toks.end[pos]!;
    if (to >= 0) {
      if (pos < from || pos > to) continue;
      if (from && pos === from) off = tStart;
    }
    if (isOpen && (pos <= start() || start() < 0) && tStart > off) {
      out += close;
      isOpen = false;
    }
    if (pos === start() && !isOpen) {
      out += text.slice(off, tStart) + open;
      off = tStart;
      isOpen = true;
    }
    if (pos === end()) {
      if (!isOpen) {
        out += open;
        isOpen = true;
      }
      out += text.slice(off, tEnd);
      off = tEnd;
      k++;
    }
    if (pos === to) {
      if (isOpen) {
        if (start() >= 0 && pos >= start()) {
          out += text.slice(off, tEnd);
          off = tEnd;
        }
        out += close;
        isOpen = false;
      }
      out += text.slice(off, tEnd);
      off = tEnd;
    }
  }
  if (isOpen) out += close;
  return { out, off };
}

/** highlight(page, col, open, close). */
function highlight(text: string, toks: Tokens, inst: Inst[], open: string, close: string): string {
  const { out, off } = markRange(text, toks, inst, open, close, 0, -1);
  return out + text.slice(off);
}

/** fts5SnippetScore: the score of the window of `n` tokens from `from`, and where to start it. */
function score(inst: Inst[], size: number, from: number, n: number, phrases: number): { score: number; adj: number } {
  const seen = new Uint8Array(phrases);
  let s = 0;
  let first = -1;
  let last = 0;
  for (const i of inst) {
    if (i.pos >= from && i.pos < from + n) {
      s += seen[i.phrase] ? 1 : 1000;
      seen[i.phrase] = 1;
      if (first < 0) first = i.pos;
      last = i.pos + 1;
    }
  }
  let adj = first - Math.trunc((n - (last - first)) / 2);
  if (adj + n > size) adj = size - n;
  if (adj < 0) adj = 0;
  return { score: s, adj };
}

/** Tokens that start a sentence (fts5SentenceFinderCb): the first, and any after '.' or ':' and whitespace. */
function sentenceStarts(text: string, toks: Tokens): number[] {
  const out: number[] = [];
  toks.start.forEach((tokStart, pos) => {
    if (pos === 0) return void out.push(0);
    let i = tokStart - 1;
    let c = '';
    for (; i >= 0; i--) {
      c = text[i]!;
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
    }
    if (i !== tokStart - 1 && (c === '.' || c === ':')) out.push(pos);
  });
  return out;
}

/** snippet(page, col, open, close, ellipsis, n) of one column. */
function snippet(text: string, toks: Tokens, inst: Inst[], phrases: number, open: string, close: string, ellipsis: string, n: number): string {
  const size = toks.start.length;
  let best = 0;
  let bestStart = 0;
  const firsts = sentenceStarts(text, toks);
  for (const i of inst) {
    const s = score(inst, size, i.pos, n, phrases);
    if (s.score > best) {
      best = s.score;
      bestStart = s.adj;
    }
    if (firsts.length && size > n) {
      let jj = 0;
      for (; jj < firsts.length - 1; jj++) if (firsts[jj + 1]! > i.pos) break;
      if (firsts[jj]! < i.pos) {
        const at = firsts[jj]!;
        const sc = score(inst, size, at, n, phrases).score + (at === 0 ? 120 : 100);
        if (sc > best) {
          best = sc;
          bestStart = at;
        }
      }
    }
  }
  const to = bestStart + n - 1;
  const { out, off } = markRange(text, toks, inst, open, close, bestStart, to);
  return (bestStart > 0 ? ellipsis : '') + out + (to >= size - 1 ? text.slice(off) : ellipsis);
}

export interface PageText {
  id: number;
  title: string;
  abstract: string;
  authors: string;
  expansion: string;
}

/**
 * Marked title and snippet of each paper of the page that matches `m` (what `SELECT highlight(page, 0, …),
 * snippet(page, 1, …) FROM page WHERE page MATCH ?` returns); papers that do not match are left out.
 */
export function marksOf(stems: Stems, m: PlainMatch, rows: PageText[], o: { open: string; close: string; ellipsis: string }): Array<{ id: number; t: string; s: string }> {
  const words = [...m.words, ...m.excluded];
  // `| 0x20` lowercases a letter and leaves a digit as it is (digits are 48–57, which already have the bit).
  const wanted = new Uint8Array(128);
  for (const w of words) wanted[w.charCodeAt(0) | 0x20] = 1;
  const split = rows.map((r) => [r.title, r.abstract].map((c) => tokens(c, wanted)));
  // Spellings to terms: what the cache lacks is learned in one go, then every candidate token takes its term.
  const missing = new Set<string>();
  for (const w of words) if (stems.known(w) === undefined) missing.add(w);
  const termsIn = (lists: Tokens[]) => {
    const candidates: Array<[string[], number]> = [];
    for (const { term } of lists) {
      for (let pos = 0; pos < term.length; pos++) {
        const w = term[pos]!;
        if (w === '') continue;
        const k = stems.known(w);
        if (k === undefined) {
          missing.add(w);
          candidates.push([term, pos]);
        } else term[pos] = k;
      }
    }
    stems.learn(missing);
    missing.clear();
    for (const [term, pos] of candidates) term[pos] = stems.known(term[pos]!)!;
  };
  termsIn(split.flat());
  const phrases = m.words.map((w) => stems.known(w)!);
  const excluded = m.excluded.map((w) => stems.known(w)!);
  // Excluded phrases count in xPhraseCount (aSeen's size) but have no instances in a matching row.
  const nPhrases = phrases.length + excluded.length;
  const has = (c: Tokens, term: string) => c.term.includes(term);
  // Authors and expansion only decide whether a paper matches (they are neither marked nor shown), and
  // only when the title and abstract do not decide it: they are split only then (a page ranked by the
  // index nearly always has its words in the title or abstract). An ASCII one is split here like the
  // title; one in another script ("Jürgen Müller", 7% of the arXiv set's papers: most pages have one)
  // gets its terms from FTS5 itself (a scratch insert and read per column), so it matches exactly as the
  // index does; before, that ran for every such paper of every page.
  const otherOf = (r: PageText): Array<Tokens | Set<string>> => {
    const cols = [r.authors, r.expansion].map((c) => (isAscii(c) ? tokens(c, wanted) : stems.termsOf(c)));
    termsIn(cols.filter((c): c is Tokens => !(c instanceof Set)));
    return cols;
  };
  const out: Array<{ id: number; t: string; s: string }> = [];
  rows.forEach((r, i) => {
    const cols = split[i]!;
    let other: Array<Tokens | Set<string>> | null = null;
    const inOther = (term: string) => (other ??= otherOf(r)).some((c) => (c instanceof Set ? c.has(term) : has(c, term)));
    const inCols = (term: string) => has(cols[0]!, term) || has(cols[1]!, term) || inOther(term);
    const positive = m.op === 'OR' ? phrases.some(inCols) : phrases.every(inCols);
    if (!positive || excluded.some(inCols)) return;
    const [title, abstract] = [cols[0]!, cols[1]!];
    out.push({
      id: r.id,
      t: highlight(r.title, title, instances(title, phrases), o.open, o.close),
      s: snippet(r.abstract, abstract, instances(abstract, phrases), nPhrases, o.open, o.close, o.ellipsis, SNIPPET_TOKENS),
    });
  });
  return out;
}
