/**
 * A subscription's settings from a form or JSON body, checked field by field: a bad value is a 400
 * SUBSCRIPTION_INVALID naming the field and what it takes. Missing fields keep `base`'s value.
 */
import { AppError } from '../errors.ts';
import { parseQuery } from '../search/index.ts';
import { isTimeZone } from './subscriptions-schedule.ts';
import { PERIODS, SECTION_KINDS, type Period, type SectionKind, type SubscriptionSettings, type Weekday } from './types.ts';

export const MAX_SEARCHES = 10;
export const MAX_FOLLOWS = 50;
const MAX_ITEM = 200;

function bad(field: string, message: string): AppError {
  return new AppError('SUBSCRIPTION_INVALID', `${field}: ${message}`, { details: { field } });
}

/** Form fields arrive as a string or, when repeated, an array; JSON may send arrays. */
function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((x) => (typeof x === 'string' ? x.split(/\r?\n/) : [])).map((x) => x.trim()).filter(Boolean);
}

function unique(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((x) => (seen.has(x.toLowerCase()) ? false : (seen.add(x.toLowerCase()), true)));
}

function limited(field: string, items: string[], max: number): string[] {
  if (items.length > max) throw bad(field, `at most ${max} (got ${items.length})`);
  for (const x of items) if (x.length > MAX_ITEM) throw bad(field, `each at most ${MAX_ITEM} characters`);
  return unique(items);
}

/**
 * @example parseSettings({ frequency: 'weekly', hour: '7', timeZone: 'Europe/Paris' }, defaults)
 * @throws AppError SUBSCRIPTION_INVALID
 */
export function parseSettings(input: Record<string, unknown>, base: SubscriptionSettings): SubscriptionSettings {
  const out: SubscriptionSettings = { ...base };
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : undefined);
  const frequency = str('frequency');
  if (frequency !== undefined) {
    if (!(PERIODS as readonly string[]).includes(frequency)) throw bad('frequency', `daily or weekly (got ${JSON.stringify(frequency.slice(0, 20))})`);
    out.frequency = frequency as Period;
  }
  const hour = str('hour');
  if (hour !== undefined) {
    if (!/^\d{1,2}$/.test(hour) || Number(hour) > 23) throw bad('hour', `a whole hour from 0 to 23 (got ${JSON.stringify(hour.slice(0, 20))})`);
    out.sendHour = Number(hour);
  }
  const tz = str('timeZone');
  if (tz !== undefined) {
    if (!isTimeZone(tz)) throw bad('timeZone', `an IANA time zone name such as Europe/Paris or America/New_York (got ${JSON.stringify(tz.slice(0, 64))})`);
    out.timeZone = tz;
  }
  const day = str('weeklyDay');
  if (day !== undefined) {
    if (!/^[1-7]$/.test(day)) throw bad('weeklyDay', `a weekday from 1 (Monday) to 7 (Sunday) (got ${JSON.stringify(day.slice(0, 20))})`);
    out.weeklyDay = Number(day) as Weekday;
  }
  // A form sends `sectionsSet=1` with its checkboxes, so unticking every box is distinguishable from not sending them.
  if (input.sections !== undefined || input.sectionsSet !== undefined) {
    const kinds = list(input.sections);
    for (const k of kinds) if (!(SECTION_KINDS as readonly string[]).includes(k)) throw bad('sections', `each one of ${SECTION_KINDS.join(', ')} (got ${JSON.stringify(k.slice(0, 20))})`);
    out.sections = SECTION_KINDS.filter((k) => kinds.includes(k)) as SectionKind[];
  }
  if (input.searches !== undefined) {
    out.searches = limited('searches', list(input.searches), MAX_SEARCHES);
    for (const q of out.searches) {
      try {
        parseQuery(q);
      } catch (e) {
        throw bad('searches', `"${q}" is not a valid search: ${(e as Error).message}`);
      }
    }
  }
  if (input.authors !== undefined) out.authors = limited('authors', list(input.authors), MAX_FOLLOWS);
  if (input.categories !== undefined) {
    out.categories = limited('categories', list(input.categories), MAX_FOLLOWS);
    for (const c of out.categories) if (!/^[a-z-]+(\.[A-Za-z-]+)?$/.test(c)) throw bad('categories', `arXiv categories such as cs.CL or hep-th (got ${JSON.stringify(c.slice(0, 40))})`);
  }
  return out;
}

/**
 * The settings a form asked for, skipping fields that do not parse: what the form shows again, with the
 * error, so a mistake in one field does not wipe the others.
 */
export function draftSettings(input: Record<string, unknown>, base: SubscriptionSettings): SubscriptionSettings {
  let out = base;
  for (const keys of [['frequency'], ['hour'], ['timeZone'], ['weeklyDay'], ['sections', 'sectionsSet'], ['searches'], ['authors'], ['categories']]) {
    const part = Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    try {
      out = parseSettings(part, out);
    } catch {
      // shown with its error; the stored settings are untouched
    }
  }
  return out;
}
