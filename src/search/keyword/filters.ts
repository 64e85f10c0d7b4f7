/**
 * The query's filters as SQL over the index's `docs d` table (categories, year, dates), and the check
 * that papers ranked elsewhere (by meaning) pass the query's filters, phrases, authors and exclusions.
 */
import type SQLite from 'better-sqlite3';
import { toFtsMatch, type ParsedQuery } from '../query.ts';

/** SQL conditions on `docs d` for the query's filters, with their parameters. */
export function filterSql(q: ParsedQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const c of q.categories) {
    // Categories are stored space-padded, so a LIKE on ` cs.CL ` matches whole names only.
    where.push(`d.categories LIKE ? ESCAPE '\\'`);
    params.push(`% ${c.replace(/[%_\\]/g, '\\$&')} %`);
  }
  if (q.year !== null) {
    where.push('d.published >= ? AND d.published < ?');
    params.push(`${q.year}`, `${q.year + 1}`);
  }
  if (q.after) {
    where.push('d.published >= ?');
    params.push(q.after);
  }
  if (q.before) {
    where.push('d.published < ?');
    params.push(q.before);
  }
  return { where, params };
}

/** Keep the ids (in their order) that pass the query's filters, phrases, authors and exclusions. */
export function filterIds(db: SQLite.Database, q: ParsedQuery, ids: number[]): number[] {
  if (ids.length === 0) return [];
  const { where, params } = filterSql(q);
  const must = toFtsMatch({ ...q, terms: [], excluded: [] });
  if (must) {
    where.push('d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)');
    params.push(must);
  }
  if (q.excluded.length) {
    where.push('d.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)');
    params.push(q.excluded.map((w) => `"${w}"`).join(' OR '));
  }
  if (where.length === 0) return ids;
  const kept = new Set(
    (db.prepare(`SELECT d.id FROM docs d WHERE d.id IN (SELECT value FROM json_each(?)) AND ${where.join(' AND ')}`).all(JSON.stringify(ids), ...params) as Array<{ id: number }>).map((r) => r.id),
  );
  return ids.filter((id) => kept.has(id));
}
