/**
 * Bounded input: the largest value ingest stores per field. Each limit sits well above the largest
 * value in real data (74,728 arXiv records and 9,881 Hugging Face daily entries in ../shared/data,
 * measured by scripts/measure-field-maxima.ts; the figures are in docs/ingest.md), so no real paper is
 * turned away, while a 150 MB abstract or a 200 kB title is: such a record is rejected with its reason
 * and location, and the rest of the input is imported. Lengths are in characters as JavaScript counts
 * them (UTF-16 units).
 */
import type { PaperInput } from '../catalog/paper.ts';
import type { PaperKey } from '../catalog/paper-fields.ts';

export interface FieldLimit {
  /** Characters per value (per item, for lists). */
  chars: number;
  /** Items, for lists. */
  items?: number;
}

/** A URL: 2,048 is the longest that every browser and proxy passes (real maximum: 247). */
const LINK = 2_048;

/** Per field; the comment after each is the largest real value measured (docs/ingest.md). */
export const FIELD_LIMITS: Partial<Record<PaperKey, FieldLimit>> = {
  title: { chars: 1_000 }, // 226 (arXiv 2505.23030); HF 175
  dailyTitle: { chars: 1_000 }, // as title
  abstract: { chars: 10_000 }, // 3,488 (arXiv 2510.01724); arXiv's form takes 1,920 today
  authors: { items: 10_000, chars: 1_000 }, // 3,303 authors (2507.06261); a name of 512 (2506.02197's names run together)
  categories: { items: 100, chars: 40 }, // 32 categories (2505.01754); the longest name is 25 (2508.08007)
  comment: { chars: 2_000 }, // 431 (2504.10738)
  journalRef: { chars: 1_000 }, // not in the snapshot slice; arXiv's own field is one line
  doi: { chars: 300 }, // DOIs are rarely over 100
  githubRepo: { chars: LINK },
  projectPage: { chars: LINK }, // 247 (HF 2507.22565)
  thumbnail: { chars: LINK },
  mediaUrls: { items: 100, chars: LINK }, // 13 URLs (HF 2510.06219)
  aiSummary: { chars: 5_000 }, // 1,606 (HF 2601.05823)
  aiKeywords: { items: 200, chars: 200 }, // 44 keywords (HF 2606.24937); 73 characters
};

/** Any other string in a record (ids, dates, user names, avatar URLs, an author's claim fields). */
export const OTHER_CHARS = 2_048;

const n = (x: number) => x.toLocaleString('en-US');

function tooLong(what: string, s: string, limit: number): string | null {
  return s.length > limit ? `${what} is ${n(s.length)} characters, over the limit of ${n(limit)}` : null;
}

/** The first string in `v` (an object's values, recursively) over OTHER_CHARS, as a reason. */
function otherStrings(what: string, v: unknown, skip?: string): string | null {
  if (typeof v === 'string') return tooLong(what, v, OTHER_CHARS);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = otherStrings(`${what}[${i}]`, v[i]);
      if (r) return r;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === skip) continue;
      const r = otherStrings(`${what}.${k}`, x);
      if (r) return r;
    }
  }
  return null;
}

/**
 * Why a record is over a limit, or null when it fits.
 * @example checkLimits({ arxivId: '2401.00001', title: 'x'.repeat(200_000), source: 'kaggle' }) // 'title is 200,000 characters, over the limit of 1,000'
 */
export function checkLimits(p: PaperInput): string | null {
  for (const [key, v] of Object.entries(p) as [PaperKey, unknown][]) {
    if (v == null) continue;
    const limit = FIELD_LIMITS[key];
    if (!limit) {
      const r = otherStrings(key, v);
      if (r) return r;
      continue;
    }
    if (typeof v === 'string') {
      const r = tooLong(key, v, limit.chars);
      if (r) return r;
      continue;
    }
    if (!Array.isArray(v)) continue;
    if (limit.items != null && v.length > limit.items) return `${key} has ${n(v.length)} items, over the limit of ${n(limit.items)}`;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      // Authors are names or Hugging Face's author objects: the name has the field's limit, the rest OTHER_CHARS.
      const text = typeof item === 'string' ? item : item && typeof item === 'object' ? (item as { name?: unknown }).name : null;
      const what = typeof item === 'string' ? `${key}[${i}]` : `${key}[${i}].name`;
      const r = (typeof text === 'string' ? tooLong(what, text, limit.chars) : null) ?? (typeof item === 'object' ? otherStrings(`${key}[${i}]`, item, 'name') : null);
      if (r) return r;
    }
  }
  return null;
}
