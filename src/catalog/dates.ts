/**
 * Calendar helpers for the daily, weekly and monthly lists. All days are UTC `YYYY-MM-DD` strings.
 */
import { AppError } from '../errors.ts';

export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** The canonical key: `2026-08-21`, `2026-W34`, `2026-08`. */
  key: string;
  /** First and last day, inclusive. */
  from: string;
  to: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const MS_DAY = 86_400_000;

function fmt(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A valid calendar day, or null. */
export function parseDay(s: string): Date | null {
  const m = DAY.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return fmt(d) === s && d.getUTCFullYear() >= 1991 && d.getUTCFullYear() <= 9999 ? d : null;
}

/** Normalize a timestamp or date string from a source to `YYYY-MM-DD`, or null if unreadable. */
export function toDay(s: string | null | undefined): string | null {
  if (!s) return null;
  const head = s.trim().slice(0, 10);
  if (parseDay(head)) return head;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : fmt(new Date(t));
}

/** Normalize a source timestamp to full ISO-8601 UTC, or null if unreadable. */
export function toTimestamp(s: string | null | undefined): string | null {
  if (!s) return null;
  const trimmed = s.trim();
  const t = Date.parse(DAY.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function isoWeekStart(year: number, week: number): Date {
  // ISO week 1 is the week with the year's first Thursday; weeks start on Monday.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfW1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * MS_DAY);
  return new Date(mondayOfW1.getTime() + (week - 1) * 7 * MS_DAY);
}

export function isoWeekKey(day: Date): string {
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * MS_DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - isoWeekStart(year, 1).getTime()) / (7 * MS_DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Parse a period from a query parameter.
 * @example parsePeriod('week', '2026-W34') // { kind: 'week', from: '2026-08-17', to: '2026-08-23', … }
 * @throws AppError INVALID_DATE naming the parameter and the expected form
 */
export function parsePeriod(kind: PeriodKind, value: string): Period {
  if (kind === 'day') {
    const d = parseDay(value);
    if (!d) throw new AppError('INVALID_DATE', `date must be a calendar day as YYYY-MM-DD (got ${JSON.stringify(value.slice(0, 40))})`);
    return { kind, key: value, from: value, to: value };
  }
  if (kind === 'week') {
    const m = WEEK.exec(value);
    const year = Number(m?.[1]);
    const week = Number(m?.[2]);
    const start = m ? isoWeekStart(year, week) : null;
    if (!start || week < 1 || week > 53 || isoWeekKey(start) !== value || year < 1991) {
      throw new AppError('INVALID_DATE', `week must be an ISO week as YYYY-Www, e.g. 2026-W34 (got ${JSON.stringify(value.slice(0, 40))})`);
    }
    return { kind, key: value, from: fmt(start), to: fmt(new Date(start.getTime() + 6 * MS_DAY)) };
  }
  const m = MONTH.exec(value);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12 || Number(m[1]) < 1991) {
    throw new AppError('INVALID_DATE', `month must be YYYY-MM, e.g. 2026-08 (got ${JSON.stringify(value.slice(0, 40))})`);
  }
  const first = new Date(Date.UTC(Number(m[1]), month - 1, 1));
  const last = new Date(Date.UTC(Number(m[1]), month, 0));
  return { kind, key: value, from: fmt(first), to: fmt(last) };
}

/** The period of the given kind that contains a day. */
export function periodOf(kind: PeriodKind, day: string): Period {
  const d = parseDay(day);
  if (!d) throw new AppError('INVALID_DATE', `not a day: ${day}`);
  if (kind === 'day') return parsePeriod('day', day);
  if (kind === 'week') return parsePeriod('week', isoWeekKey(d));
  return parsePeriod('month', day.slice(0, 7));
}

/** The period just before (-1) or after (+1) this one. */
export function shiftPeriod(p: Period, dir: -1 | 1): Period {
  const anchor = parseDay(dir < 0 ? p.from : p.to)!;
  return periodOf(p.kind, fmt(new Date(anchor.getTime() + dir * MS_DAY)));
}
