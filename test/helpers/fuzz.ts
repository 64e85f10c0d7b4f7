/** Hostile query strings for fuzz tests of the search endpoints. */

/** A deterministic pseudo-random generator (LCG): the same seed gives the same strings. */
export function seededRandom(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** A random string from a hostile alphabet: FTS5 operators, quotes, emoji, control bytes, long runs. */
export function fuzzString(rand: () => number): string {
  const pieces = ['"', "'", '-', '+', '*', '^', ':', '(', ')', 'NEAR(', 'AND', 'OR', 'NOT', 'author:', 'cat:', 'year:', 'after:', 'sort:', '\\', '\0', '\u0001', '🚀', '中文', 'é', '  ', 'graph', 'neural', '%', '_', '{', '}', '[', ']', '\uE000', '\n', '\t', '<script>'];
  const n = Math.floor(rand() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += rand() < 0.7 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * 0xffff));
  return s;
}

/** Percent-encode for a URL; lone surrogates cannot be UTF-8, and some strings gain raw invalid bytes to test the server's decoding. */
export function encodeHostile(q: string): string {
  return encodeURIComponent(q.replace(/[\uD800-\uDFFF]/g, '')) + (q.length % 7 === 0 ? '%FF%FE%ED%A0%80' : q.length % 11 === 0 ? '%E0%A4%A' : '');
}
