/**
 * "Did you mean …?" for mistyped commands and options: the closest known word by edit distance, if
 * it is close enough to be a plausible typo (at most a third of the word's letters away).
 */

/** Edit distance between two short words, a swap of neighbours counting as one edit (jsno → json). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known word nearest to `given`, or undefined when none is near.
 * @example suggest('serv', ['serve', 'stats']) // 'serve'
 */
export function suggest(given: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const word of known) {
    const d = word.startsWith(given) && given.length >= 2 ? 0.5 : distance(given, word);
    if (!best || d < best.d) best = { word, d };
  }
  return best && best.d <= Math.max(1, Math.floor(given.length / 3)) ? best.word : undefined;
}
