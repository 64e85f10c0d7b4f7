/**
 * The query parameters every list shares, pages and JSON API alike: which period, which page.
 */
import type { PeriodKind } from '../catalog/dates.ts';
import { AppError } from '../errors.ts';

/** Which list a query asks for; more than one period parameter is a mistake worth saying. */
export function periodFromQuery(q: { date?: string; week?: string; month?: string }): { kind: PeriodKind; value?: string } {
  const given = (['date', 'week', 'month'] as const).filter((k) => q[k] !== undefined && q[k] !== '');
  if (given.length > 1) throw new AppError('BAD_REQUEST', `give one of date, week or month, not ${given.join(' and ')}`);
  if (q.week) return { kind: 'week', value: q.week };
  if (q.month) return { kind: 'month', value: q.month };
  if (q.date) return { kind: 'day', value: q.date };
  return { kind: 'day' };
}

export function pageNumber(p: string | undefined, base: 0 | 1): number {
  if (p === undefined || p === '') return base;
  if (!/^\d{1,6}$/.test(p)) throw new AppError('BAD_REQUEST', `p must be a page number (got ${JSON.stringify(p.slice(0, 20))})`);
  return Number(p);
}
