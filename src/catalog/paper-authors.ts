/**
 * A paper's authors in one column: a JSON array, in order, whose items are a name (what arXiv knows)
 * or an object with what Hugging Face adds — the author entry's `_id`, `hidden`, the claim `status`
 * and when it last changed, and the user who claimed it (by user name; the person is a record of its
 * own, people.ts). Older rows hold names only, which stay valid.
 */
import { z } from 'zod';
import { barePerson, personFromHf, personInputSchema, type Person, type PersonInput } from './people.ts';
import { cleanText, cleanToken } from './text.ts';

/** An author as a source gives it. */
export type AuthorInput =
  | string
  | { name: string; hfId?: string | null; hidden?: boolean | null; status?: string | null; statusLastChangedAt?: string | null; user?: PersonInput | string | null };

/** An author as the code reads it. */
export interface AuthorInfo {
  name: string;
  /** Hugging Face's id of the author entry. */
  hfId: string | null;
  /** Hidden on Hugging Face (kept in order, so positions match arXiv's list). */
  hidden: boolean | null;
  /** Hugging Face's claim status (`claimed_verified`, `admin_assigned`, …). */
  status: string | null;
  statusLastChangedAt: string | null;
  /** The Hugging Face user who claimed the authorship. */
  user: Person | null;
  /** The account on this site whose claim a moderator verified (claimed-authors.ts); `user` then names it. */
  account?: { handle: string; name: string } | null;
}

/** Resolves a user name to the person's record (a bare one when unknown). */
export type PersonLookup = (user: string) => Person;

export const authorInputSchema = z.union([
  z.string(),
  z
    .object({
      name: z.string().min(1),
      hfId: z.string().nullable().optional(),
      hidden: z.boolean().nullable().optional(),
      status: z.string().nullable().optional(),
      statusLastChangedAt: z.string().nullable().optional(),
      user: z.union([z.string().min(1), personInputSchema]).nullable().optional(),
    })
    .strict(),
]);

interface Stored {
  name: string;
  hfId?: string;
  hidden?: boolean;
  status?: string;
  statusLastChangedAt?: string;
  user?: string;
}

type Loose = Record<string, unknown>;
const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The user name an author input refers to. */
export function authorUser(a: AuthorInput): string | null {
  if (typeof a === 'string' || a.user == null) return null;
  return typeof a.user === 'string' ? cleanToken(a.user) : cleanToken(a.user.user);
}

/** The column value for a list of authors (names collapsed; items without HF facts are plain names). */
export function authorsToColumn(list: readonly AuthorInput[] | null | undefined): string {
  const out: (string | Stored)[] = [];
  for (const a of list ?? []) {
    const name = cleanText(typeof a === 'string' ? a : a.name);
    if (!name) continue;
    if (typeof a === 'string') {
      out.push(name);
      continue;
    }
    const s: Stored = { name };
    const hfId = cleanToken(a.hfId);
    if (hfId) s.hfId = hfId;
    if (typeof a.hidden === 'boolean') s.hidden = a.hidden;
    const status = cleanToken(a.status);
    if (status) s.status = status;
    const changed = cleanToken(a.statusLastChangedAt);
    if (changed) s.statusLastChangedAt = changed;
    const user = authorUser(a);
    if (user) s.user = user;
    out.push(Object.keys(s).length === 1 ? name : s);
  }
  return JSON.stringify(out);
}

/**
 * Recently parsed columns. Loading a page parses each paper's column three times (the users it refers
 * to, the names, the author entries): 4.9% of the HTTP thread in a bench:http profile of the search API
 * (80k papers, 2026-12-03); one parse each now. Small: a page is 20–100 papers, and each is read
 * again right away.
 */
const parsed = new Map<string, readonly Readonly<Stored>[]>();
const PARSED_KEPT = 256;

/** The column's authors (shared with other callers: read them, never change them). */
function parse(c: string): readonly Readonly<Stored>[] {
  let list = parsed.get(c);
  if (list === undefined) {
    list = parseColumn(c);
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(c, list);
  }
  return list;
}

function parseColumn(c: string): Stored[] {
  let v: unknown;
  try {
    v = JSON.parse(c);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.flatMap((x): Stored[] => (typeof x === 'string' ? [{ name: x }] : isObj(x) && typeof x.name === 'string' ? [x as unknown as Stored] : []));
}

/** Author names in order. */
export function authorNames(c: string): string[] {
  return parse(c).map((a) => a.name);
}

/** Authors with what Hugging Face knows of them. */
export function authorInfo(c: string, person: PersonLookup = barePerson): AuthorInfo[] {
  return parse(c).map((a) => ({
    name: a.name,
    hfId: a.hfId ?? null,
    hidden: a.hidden ?? null,
    status: a.status ?? null,
    statusLastChangedAt: a.statusLastChangedAt ?? null,
    user: a.user ? person(a.user) : null,
  }));
}

/** User names the authors of a column refer to. */
export function authorUsers(c: string): string[] {
  return parse(c).flatMap((a) => (a.user ? [a.user] : []));
}

/** The JSONL value: names, or objects with the facts and the user's record. */
export function authorsExport(c: string, person: PersonLookup = barePerson): AuthorInput[] {
  return parse(c).map((a) => {
    if (Object.keys(a).length === 1) return a.name;
    return {
      name: a.name,
      hfId: a.hfId ?? null,
      hidden: a.hidden ?? null,
      status: a.status ?? null,
      statusLastChangedAt: a.statusLastChangedAt ?? null,
      user: a.user ? { ...person(a.user) } : null,
    };
  });
}

/** Authors from a Hugging Face paper object's `authors` (objects, or plain names). */
export function authorsFromHf(list: unknown): AuthorInput[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((a): AuthorInput[] => {
    if (typeof a === 'string') return [a];
    if (!isObj(a) || typeof a.name !== 'string') return [];
    return [
      {
        name: a.name,
        hfId: typeof a._id === 'string' ? a._id : null,
        hidden: typeof a.hidden === 'boolean' ? a.hidden : null,
        status: typeof a.status === 'string' ? a.status : null,
        statusLastChangedAt: typeof a.statusLastChangedAt === 'string' ? a.statusLastChangedAt : null,
        user: personFromHf(a.user),
      },
    ];
  });
}

/**
 * Carry Hugging Face's facts about authors over to another source's list of the same people: an arXiv
 * import that replaces the list (a newer version) keeps each author's `_id`, claim and user when the
 * name is the same.
 */
export function keepAuthorFacts(chosen: string, other: string): string {
  const facts = new Map<string, Stored>();
  for (const a of parse(other)) if (Object.keys(a).length > 1) facts.set(a.name.toLowerCase(), a);
  if (facts.size === 0) return chosen;
  const list = parse(chosen);
  let changed = false;
  const out = list.map((a) => {
    if (Object.keys(a).length > 1) return a;
    const f = facts.get(a.name.toLowerCase());
    if (!f) return a.name;
    changed = true;
    return { ...f, name: a.name };
  });
  return changed ? JSON.stringify(out.map((a) => (typeof a === 'string' ? a : Object.keys(a).length === 1 ? a.name : a))) : chosen;
}
