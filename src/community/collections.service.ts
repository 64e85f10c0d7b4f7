/**
 * Collections: members' named reading lists, public or private, with a plain-text note per paper,
 * an order the owner sets, and a shareable URL. The rules live here: who may see (the owner always;
 * anyone when public — everyone else gets COLLECTION_NOT_FOUND, the same answer as for a key that
 * does not exist, so a private collection's existence is never revealed), who may change (the owner
 * only), field sizes and the two count limits (config: COLLECTION_MAX_PAPERS, COLLECTIONS_PER_USER).
 */
import { randomInt } from 'node:crypto';
import { parseArxivId } from '../catalog/arxiv-id.ts';
import { toPaper, type Paper } from '../catalog/paper.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import * as repo from './collections.repo.ts';
import type { Visibility } from './schema.ts';
import type { SessionUser } from './user.ts';
import { assertCanWrite } from './votes.service.ts';

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;
export const NOTE_MAX = 1000;
/** Keys: 12 characters of an unambiguous 32-letter alphabet (60 random bits), never containing `-`. */
const KEY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export const KEY = /^[a-km-z2-9]{12}$/;

export interface CollectionSummary {
  key: string;
  name: string;
  description: string;
  visibility: Visibility;
  owner: { handle: string; name: string };
  createdAt: string;
  updatedAt: string;
  numPapers: number;
  /** The collection's path on this site, slug included: `/collections/<key>-<slug>`. */
  path: string;
}

export interface CollectionItem {
  paper: Paper;
  note: string;
  addedAt: string;
}

export interface CollectionView extends CollectionSummary {
  /** Whether the viewer owns it (may edit). */
  mine: boolean;
  items: CollectionItem[];
}

export interface Collections {
  /** @throws AppError SIGN_IN_REQUIRED, USER_BANNED, BAD_REQUEST, FIELD_TOO_LONG, COLLECTION_LIMIT */
  create(user: SessionUser | null, input: { name?: unknown; description?: unknown; visibility?: unknown }): Promise<CollectionSummary>;
  /** A collection as `viewer` may see it. @throws AppError COLLECTION_NOT_FOUND */
  get(key: string, viewer: SessionUser | null): Promise<CollectionView>;
  /** @throws AppError COLLECTION_NOT_FOUND, FORBIDDEN (someone else's public collection), BAD_REQUEST, FIELD_TOO_LONG */
  update(user: SessionUser | null, key: string, patch: { name?: unknown; description?: unknown; visibility?: unknown }): Promise<CollectionSummary>;
  remove(user: SessionUser | null, key: string): Promise<void>;
  /** Add a paper at the end (or, when it is there already, set its note if one is given). */
  addPaper(user: SessionUser | null, key: string, paper: unknown, note?: unknown): Promise<{ added: boolean; collection: CollectionSummary }>;
  removePaper(user: SessionUser | null, key: string, paper: unknown): Promise<{ removed: boolean }>;
  setNote(user: SessionUser | null, key: string, paper: unknown, note: unknown): Promise<void>;
  /** Move a paper one place up or down (no-op at the ends). */
  move(user: SessionUser | null, key: string, paper: unknown, direction: unknown): Promise<void>;
  /** Set the whole order: `papers` must name each paper of the collection exactly once. */
  reorder(user: SessionUser | null, key: string, papers: unknown): Promise<void>;
  /** The member's own collections (private ones included), with whether each holds `paper`. */
  mine(userId: number, paper?: string): Promise<Array<CollectionSummary & { hasPaper?: boolean }>>;
  /** A member's public collections (profile pages). */
  publicOf(userId: number, limit?: number): Promise<CollectionSummary[]>;
  /** Everything "download my data" holds about collections. */
  exportOf(userId: number): Promise<unknown[]>;
}

/** Strip control characters (keeping newlines and tabs where `multiline`), trim, check the length. */
export function cleanText(input: unknown, o: { field: string; max: number; required?: boolean; multiline?: boolean }): string {
  if (input !== undefined && input !== null && typeof input !== 'string') throw new AppError('BAD_REQUEST', `${o.field} must be text.`);
  // eslint-disable-next-line no-control-regex
  const controls = o.multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g;
  const s = (input ?? '').replace(/\r\n?/g, '\n').replace(controls, o.multiline ? '' : ' ').trim();
  if (o.required && !s) throw new AppError('BAD_REQUEST', `Give the collection a ${o.field.toLowerCase()}.`);
  if ([...s].length > o.max) throw new AppError('FIELD_TOO_LONG', `${o.field} has at most ${o.max} characters (this one has ${[...s].length}).`, { details: { field: o.field.toLowerCase(), max: o.max } });
  return s;
}

function visibilityOf(v: unknown, fallback: Visibility): Visibility {
  if (v === undefined || v === null || v === '') return fallback;
  if (v === 'public' || v === 'private') return v;
  throw new AppError('BAD_REQUEST', 'visibility must be public or private.');
}

/** A URL slug from a name: `Reading group: week 3` → `reading-group-week-3` (may be empty). */
export function slugOf(name: string): string {
  return name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
}

/** The key of `/collections/<key>` or `/collections/<key>-<slug>`, or null. */
export function keyOfPath(segment: string): string | null {
  const key = segment.split('-', 1)[0]!;
  return KEY.test(key) ? key : null;
}

function newKey(): string {
  let k = '';
  for (let i = 0; i < 12; i++) k += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return k;
}

function summary(r: repo.CollectionRecord): CollectionSummary {
  const slug = slugOf(r.name);
  return {
    key: r.key, name: r.name, description: r.description, visibility: r.visibility, owner: { handle: r.ownerHandle, name: r.ownerName },
    createdAt: r.createdAt, updatedAt: r.updatedAt, numPapers: r.numPapers, path: `/collections/${r.key}${slug ? `-${slug}` : ''}`,
  };
}

const notFound = (key: string) => new AppError('COLLECTION_NOT_FOUND', `There is no collection ${key.slice(0, 40)} (or it is private).`);

export function createCollections(o: { store: Store; maxPapers: number; perUser: number; now?: () => number }): Collections {
  const db = o.store.db;
  const now = () => new Date((o.now ?? Date.now)()).toISOString();

  /** The collection, if `viewer` may see it; the same error whether it is missing or private. */
  const visible = async (key: string, viewer: SessionUser | null): Promise<repo.CollectionRecord> => {
    const r = KEY.test(key) ? await repo.byKey(db, key) : null;
    if (!r || (r.visibility !== 'public' && r.userId !== viewer?.id)) throw notFound(key);
    return r;
  };
  /** The collection, if `user` may change it. */
  const owned = async (user: SessionUser | null, key: string): Promise<repo.CollectionRecord> => {
    assertCanWrite(user);
    const r = await visible(key, user);
    if (r.userId !== user.id) throw new AppError('FORBIDDEN', 'Only its owner can change a collection.');
    return r;
  };
  const paperId = async (input: unknown): Promise<{ id: number; arxivId: string }> => {
    const { id: arxivId } = parseArxivId(String(input ?? '').slice(0, 300));
    const id = await repo.paperIdOf(db, arxivId);
    if (id === null) throw new AppError('PAPER_NOT_FOUND', `No paper ${arxivId} in this catalog.`, { details: { id: arxivId } });
    return { id, arxivId };
  };
  const reload = async (key: string) => summary((await repo.byKey(db, key))!);

  return {
    async create(user, input) {
      assertCanWrite(user);
      const name = cleanText(input.name, { field: 'Name', max: NAME_MAX, required: true });
      const description = cleanText(input.description, { field: 'Description', max: DESCRIPTION_MAX, multiline: true });
      const visibility = visibilityOf(input.visibility, 'private');
      const key = newKey();
      await repo.locked(o.store, 'users', user.id, async (trx) => {
        if ((await repo.countByUser(trx, user.id)) >= o.perUser) {
          throw new AppError('COLLECTION_LIMIT', `You have ${o.perUser} collections, the most one member can have here. Delete one to make another.`);
        }
        await repo.insertCollection(trx, { key, userId: user.id, name, description, visibility, now: now() });
      });
      return reload(key);
    },

    async get(key, viewer) {
      const r = await visible(key, viewer);
      const rows = await repo.items(db, r.id, o.maxPapers);
      return { ...summary(r), mine: r.userId === viewer?.id, items: rows.map((i) => ({ paper: toPaper(i.paper), note: i.note, addedAt: i.addedAt })) };
    },

    async update(user, key, patch) {
      const r = await owned(user, key);
      const set: { name?: string; description?: string; visibility?: Visibility } = {};
      if (patch.name !== undefined) set.name = cleanText(patch.name, { field: 'Name', max: NAME_MAX, required: true });
      if (patch.description !== undefined) set.description = cleanText(patch.description, { field: 'Description', max: DESCRIPTION_MAX, multiline: true });
      if (patch.visibility !== undefined) set.visibility = visibilityOf(patch.visibility, r.visibility);
      await repo.updateCollection(db, r.id, set, now());
      return reload(key);
    },

    async remove(user, key) {
      const r = await owned(user, key);
      await db.transaction().execute((trx) => repo.deleteCollection(trx, r.id));
    },

    async addPaper(user, key, paper, note) {
      const r = await owned(user, key);
      const p = await paperId(paper);
      const text = note === undefined ? undefined : cleanText(note, { field: 'Note', max: NOTE_MAX, multiline: true });
      const added = await repo.locked(o.store, 'collections', r.id, async (trx) => {
        const there = await repo.itemOf(trx, r.id, p.id);
        if (there) {
          if (text !== undefined && text !== '') await repo.setNote(trx, r.id, p.id, text);
          return false;
        }
        if ((await repo.countItems(trx, r.id)) >= o.maxPapers) {
          throw new AppError('COLLECTION_LIMIT', `"${r.name}" holds ${o.maxPapers} papers, the most a collection can hold here.`);
        }
        await repo.insertItem(trx, r.id, p.id, text ?? '', now());
        await repo.touch(trx, r.id, now());
        return true;
      });
      return { added, collection: await reload(key) };
    },

    async removePaper(user, key, paper) {
      const r = await owned(user, key);
      const p = await paperId(paper);
      const removed = await repo.deleteItem(db, r.id, p.id);
      if (removed) await repo.touch(db, r.id, now());
      return { removed };
    },

    async setNote(user, key, paper, note) {
      const r = await owned(user, key);
      const p = await paperId(paper);
      const text = cleanText(note, { field: 'Note', max: NOTE_MAX, multiline: true });
      if (!(await repo.itemOf(db, r.id, p.id))) throw new AppError('PAPER_NOT_FOUND', `${p.arxivId} is not in "${r.name}".`);
      await repo.setNote(db, r.id, p.id, text);
      await repo.touch(db, r.id, now());
    },

    async move(user, key, paper, direction) {
      if (direction !== 'up' && direction !== 'down') throw new AppError('BAD_REQUEST', 'direction must be up or down.');
      const r = await owned(user, key);
      const p = await paperId(paper);
      await repo.locked(o.store, 'collections', r.id, async (trx) => {
        const rows = await repo.order(trx, r.id);
        const i = rows.findIndex((x) => x.paperId === p.id);
        if (i < 0) throw new AppError('PAPER_NOT_FOUND', `${p.arxivId} is not in "${r.name}".`);
        const j = direction === 'up' ? i - 1 : i + 1;
        if (j < 0 || j >= rows.length) return;
        const [a, b] = [rows[i]!, rows[j]!];
        if (a.position !== b.position) {
          // Two rows change places: a move costs two updates, whatever the collection's size.
          await repo.setPosition(trx, r.id, a.paperId, b.position);
          await repo.setPosition(trx, r.id, b.paperId, a.position);
        } else {
          // Equal positions cannot arise while adds hold the collection lock; should one exist, renumber all.
          [rows[i], rows[j]] = [b, a];
          await repo.writeOrder(trx, r.id, rows.map((x) => x.paperId));
        }
        await repo.touch(trx, r.id, now());
      });
    },

    async reorder(user, key, papers) {
      if (!Array.isArray(papers) || papers.length > o.maxPapers) throw new AppError('BAD_REQUEST', 'papers must be a list of the arXiv ids in the collection, in the new order.');
      const r = await owned(user, key);
      const wanted = papers.map((x) => parseArxivId(String(x ?? '').slice(0, 300)).id);
      await repo.locked(o.store, 'collections', r.id, async (trx) => {
        const rows = await repo.items(trx, r.id, o.maxPapers);
        const byArxiv = new Map(rows.map((i) => [i.paper.arxiv_id, Number(i.paper.id)]));
        if (new Set(wanted).size !== wanted.length || wanted.length !== rows.length || wanted.some((id) => !byArxiv.has(id))) {
          throw new AppError('BAD_REQUEST', `papers must name each of the collection's ${rows.length} papers exactly once.`);
        }
        await repo.writeOrder(trx, r.id, wanted.map((id) => byArxiv.get(id)!));
        await repo.touch(trx, r.id, now());
      });
    },

    async mine(userId, paper) {
      const rows = await repo.listByUser(db, userId, { publicOnly: false, limit: o.perUser });
      if (paper === undefined) return rows.map(summary);
      const { id: arxivId } = parseArxivId(paper.slice(0, 300));
      const pid = await repo.paperIdOf(db, arxivId);
      const held = pid === null ? new Set<number>() : await repo.holding(db, userId, pid);
      return rows.map((r) => ({ ...summary(r), hasPaper: held.has(r.id) }));
    },

    async publicOf(userId, limit = 50) {
      return (await repo.listByUser(db, userId, { publicOnly: true, limit })).map(summary);
    },

    async exportOf(userId) {
      return repo.exportOf(db, userId);
    },
  };
}
