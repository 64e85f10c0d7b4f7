/**
 * When a subscriber's digest is due, in their own time zone. Pure functions over `Intl` (the zone
 * database Node ships), so a send hour of 8 in `America/New_York` means 08:00 there, summer or winter.
 *
 * A daily digest is due on a digest day (DIGEST_DAILY_DAYS, Mon–Fri by default, as Hugging Face sends)
 * from the send hour until local midnight; its period is the local day. A weekly digest is due from the
 * send hour of the chosen weekday until the local ISO week ends; its period is that week. Due "from …
 * until" rather than "at" so a scheduler that runs late, or restarts, still sends; the outbox keeps
 * one digest per (subscriber, period), so being due for hours never sends twice.
 */
import type { Period, Weekday } from './types.ts';

const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Whether `tz` is an IANA zone name Node knows (`Europe/Paris`, `UTC`); offsets like `+02:00` and
 * abbreviations like `CEST` are refused because they do not follow daylight saving time.
 */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz) || tz.length > 64) return false;
  if (/^(Etc\/)?GMT[+-]/.test(tz)) return false;
  try {
    formatter(tz);
    return tz === 'UTC' || tz.includes('/');
  } catch {
    return false;
  }
}

const WEEKDAYS: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  hour: number;
  weekday: Weekday;
}

/** The wall-clock day, hour and weekday of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), weekday: WEEKDAYS[parts.weekday!]! };
}

/** The zone's offset from UTC at `t` (ms, east positive). */
function offsetAt(t: number, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The UTC instant of `hour`:00 on local day `date` in `timeZone`. An hour skipped by a daylight-saving
 * jump resolves to the first instant after the jump, so a digest is never skipped for it.
 */
export function zonedInstant(date: string, hour: number, timeZone: string): Date {
  return zonedInstantOf(date, hour, timeZone);
}

function zonedInstantOf(date: string, hour: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + hour * MS_HOUR;
  let t = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(t, timeZone);
  if (second !== t) t = Math.max(t, second);
  return new Date(t);
}

/** The ISO week key (`2026-W34`) of a day. */
export function isoWeekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / MS_DAY + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * MS_DAY).toISOString().slice(0, 10);
}

export interface DueSettings {
  frequency: Period;
  sendHour: number;
  timeZone: string;
  weeklyDay: Weekday;
}

export interface Due {
  periodKey: string;
  dueAt: Date;
  /** The start of what counts as new for this digest: one period (and the weekend gap) before dueAt. */
  since: Date;
}

/**
 * Whether a digest of `period` is due at `now` for these settings, and for which period.
 * @example dueAt({ frequency: 'daily', sendHour: 8, timeZone: 'Europe/Paris', weeklyDay: 1 }, 'daily', new Date('2026-08-21T06:30:00Z'), [1,2,3,4,5])
 *   // { periodKey: '2026-08-21', dueAt: 2026-08-21T06:00:00Z, … } (a Friday, 08:30 in Paris)
 */
export function dueAt(s: DueSettings, period: Period, now: Date, dailyDays: readonly Weekday[], memo?: DueMemo): Due | null {
  if (s.frequency !== period) return null;
  const local = memo ? memo.local(now, s.timeZone) : localTime(now, s.timeZone);
  const zonedInstant = memo ? memo.instant : zonedInstantOf;
  if (period === 'daily') {
    if (!dailyDays.includes(local.weekday) || local.hour < s.sendHour) return null;
    const due = zonedInstant(local.date, s.sendHour, s.timeZone);
    // New since the previous digest day (Friday's, for a Monday digest with Mon–Fri days).
    let gap = 1;
    while (gap < 7 && !dailyDays.includes((((local.weekday - 1 - gap + 7) % 7) + 1) as Weekday)) gap += 1;
    return { periodKey: local.date, dueAt: due, since: new Date(due.getTime() - gap * MS_DAY) };
  }
  if (local.weekday < s.weeklyDay || (local.weekday === s.weeklyDay && local.hour < s.sendHour)) return null;
  const day = addDays(local.date, s.weeklyDay - local.weekday);
  const due = zonedInstant(day, s.sendHour, s.timeZone);
  return { periodKey: isoWeekOf(day), dueAt: due, since: new Date(due.getTime() - 7 * MS_DAY) };
}

/**
 * Answers of localTime and zonedInstant kept for one run over many subscribers: they share a handful of
 * zones and hours, and Intl's formatToParts is slow: 10,000 subscribers over six zones took 1.7–2.2 s
 * uncached and 64–230 ms memoized on this 2-core machine at load average 35 (docs/digests.md).
 */
export interface DueMemo {
  local(at: Date, timeZone: string): LocalTime;
  instant(date: string, hour: number, timeZone: string): Date;
}

export function createDueMemo(): DueMemo {
  const locals = new Map<string, LocalTime>();
  const instants = new Map<string, Date>();
  return {
    local(at, tz) {
      const k = `${at.getTime()}|${tz}`;
      let v = locals.get(k);
      if (!v) locals.set(k, (v = localTime(at, tz)));
      return v;
    },
    instant(date, hour, tz) {
      const k = `${date}|${hour}|${tz}`;
      let v = instants.get(k);
      if (!v) instants.set(k, (v = zonedInstantOf(date, hour, tz)));
      return v;
    },
  };
}
