/**
 * Text normalization shared by every source: what is stored is what the source wrote, minus what can
 * only do harm.
 */

/** Collapse runs of white space (sources hard-wrap abstracts at 80 columns). */
export function cleanText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length ? t : null;
}
