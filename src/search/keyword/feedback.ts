/**
 * Pseudo-relevance feedback on the keyword ranking (RM3-style): a second run on the words that
 * characterize the first run's top papers, interpolated with the first at max-normalized scores.
 */
import type SQLite from 'better-sqlite3';
import { expansionTerms, type PrfOptions } from '../prf.ts';
import { toFtsMatch, type ParsedQuery } from '../query.ts';
import type { Ranked } from './types.ts';

/** Characters of a feedback paper read for its words (a real abstract is under 2,000; a hostile one may be megabytes). */
const FEEDBACK_TEXT_CAP = 10_000;

/** Rank the OR of `words` (wrapped into the query's full MATCH): bounded when allowed, else exhaustive. */
export type RankWords = (words: string[], wrap: (group: string) => string, n: number, atLeast: number, dropCommon?: boolean, lean?: boolean) => Ranked[];

/** The top `need` papers for `q` after feedback from its first run's top `prf.docs`. */
export function rankWithFeedback(db: SQLite.Database, prf: PrfOptions, rank: RankWords, q: ParsedQuery, queryWords: Set<string>, need: number, rankSecond: RankWords = rank): Ranked[] {
  const depth = Math.max(need, 200);
  const first = rank([...queryWords], (g) => toFtsMatch(q, { words: 'any', group: g })!, depth, need);
  // A clear winner (a known item): the feedback run would only pull its neighbours up beside it.
  if (prf.clearWinner && first.length > 1 && first[0]!.score >= prf.clearWinner * first[1]!.score) return first;
  const fbDocs = first.slice(0, prf.docs);
  const texts = db.prepare(`SELECT rowid AS id, substr(title || ' ' || abstract, 1, ${FEEDBACK_TEXT_CAP}) AS text FROM fts WHERE rowid IN (${fbDocs.map(() => '?').join(',')})`).all(...fbDocs.map((d) => d.id)) as Array<{ id: number; text: string }>;
  const byId = new Map(texts.map((t) => [t.id, t.text]));
  const terms = expansionTerms(fbDocs.map((d) => ({ text: byId.get(d.id) ?? '', score: d.score })), queryWords, prf.terms);
  if (terms.length === 0) return first;
  // Feedback is a refinement: on a large catalog its common words are ranked within the stage's bounds only.
  const second = rankSecond(terms, (g) => g, depth, 0, true);
  const max1 = first[0]?.score || 1;
  const max2 = second[0]?.score || 1;
  const fused = new Map<number, Ranked>();
  for (const r of first) fused.set(r.id, { ...r, score: (1 - prf.weight) * (r.score / max1) });
  for (const r of second) {
    const prev = fused.get(r.id);
    const add = prf.weight * (r.score / max2);
    fused.set(r.id, prev ? { ...prev, score: prev.score + add } : { ...r, score: add });
  }
  const out = [...fused.values()].sort((a, b) => b.score - a.score || a.id - b.id);
  if (!prf.keep) return out.slice(0, need);
  // The first run's head keeps its place: feedback re-ranks below it.
  const head = first.slice(0, prf.keep).map((r) => fused.get(r.id)!);
  const inHead = new Set(head.map((r) => r.id));
  return [...head, ...out.filter((r) => !inHead.has(r.id))].slice(0, need);
}
