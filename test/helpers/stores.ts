/**
 * Test stores on both engines: a fresh SQLite file, and a fresh PostgreSQL database per suite so
 * parallel runs never collide. PostgreSQL missing skips with a reason, except under CI=true.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { migrate, openStore, type Engine, type Store } from '../../src/store/db.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

let pgCheck: Promise<string | null> | undefined;

/** Null when PostgreSQL is reachable, else why not. */
export function pgUnavailable(): Promise<string | null> {
  // A refused connection answers at once; a slow one is a loaded machine (PostgreSQL forks a backend per
  // connection: at load average 33 a connect took over 3 s and the suites failed under CI=true), so a timeout
  // is retried until a deadline of 30 s before the engine counts as unreachable.
  pgCheck ??= (async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 10_000 });
      try {
        await c.connect();
        await c.query('select 1');
        return null;
      } catch (e) {
        const message = (e as Error).message;
        if (!/timeout/i.test(message) || Date.now() > deadline) return `PostgreSQL not reachable at ${PG_ADMIN_URL}: ${message}`;
      } finally {
        await c.end().catch(() => {});
      }
    }
  })();
  return pgCheck;
}

/** Create an empty PostgreSQL database and return its URL and a dropper. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `paperboy_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export function tempDir(prefix = 'paperboy-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestDatabase {
  url: string;
  dispose: () => Promise<void>;
}

/** A fresh, empty database URL for an engine (migrations not applied). */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = tempDir();
    return { url: `sqlite:${path.join(dir, 'test.db')}`, dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const { url, drop } = await createPgDatabase();
  return { url, dispose: drop };
}

/**
 * A migrated database for a spawned node (`startNode`) to open: created, migrated and seeded through a store
 * that is closed again, so only the node holds connections to it.
 */
export async function createMigratedDatabase(engine: Engine, seed?: (store: Store) => Promise<unknown>): Promise<TestDatabase> {
  const tdb = await createTestDatabase(engine);
  const store = openStore(tdb.url);
  try {
    await migrate(store);
    await seed?.(store);
  } finally {
    await store.close();
  }
  return tdb;
}

/** A migrated store on an engine, with its disposer. */
export async function createTestStore(engine: Engine): Promise<{ store: Store; url: string; dispose: () => Promise<void> }> {
  const tdb = await createTestDatabase(engine);
  const store = openStore(tdb.url, { poolSize: 4 });
  await migrate(store);
  return {
    store,
    url: tdb.url,
    dispose: async () => {
      await store.close();
      await tdb.dispose();
    },
  };
}

/** Why an engine's suite must skip on this machine, or null. Under CI nothing skips: it throws. */
export async function engineSkipReason(engine: Engine): Promise<string | null> {
  if (engine === 'sqlite') return null;
  const why = await pgUnavailable();
  if (why && IN_CI) throw new Error(`CI=true and ${why}`);
  if (why) console.log(`# skipping PostgreSQL suite: ${why}`);
  return why;
}

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

/**
 * Run a suite once per engine with a fresh migrated store.
 * @example describeEngines('papers repo', (ctx) => { it('…', async () => { ctx.store.db … }) })
 */
export function describeEngines(title: string, body: (ctx: { store: Store; url: string; engine: Engine }) => void): void {
  for (const engine of ENGINES) {
    const ctx = { engine } as { store: Store; url: string; engine: Engine };
    let dispose: (() => Promise<void>) | undefined;
    describe(`${title} [${engine}]`, async () => {
      const skip = await engineSkipReason(engine);
      if (skip) {
        describe('PostgreSQL unavailable', { skip }, () => {});
        return;
      }
      before(async () => {
        const t = await createTestStore(engine);
        ctx.store = t.store;
        ctx.url = t.url;
        dispose = t.dispose;
      });
      after(async () => dispose?.());
      body(ctx);
    });
  }
}
