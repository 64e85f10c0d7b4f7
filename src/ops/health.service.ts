/**
 * Whether this node can serve: the rules behind /readyz and the database gauge of /metrics. A node is
 * ready when its database answers, its data folder and database file are the ones it opened, and its
 * search index has caught up with the catalog.
 */
import type { App } from '../app.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  index: 'ok' | 'catching up';
  /** 'ok', or why the data folder or database file is not the one this node opened. */
  storage: string;
}

/** How long readiness waits for the database: a probe must answer well inside a balancer's timeout. */
export const READY_DB_TIMEOUT_MS = 2000;

/**
 * Check this node now.
 * @example const r = await readiness(app); if (!r.ready) reply.status(503)
 */
export async function readiness(app: App): Promise<Readiness> {
  const database = (await app.store.ping(READY_DB_TIMEOUT_MS)) ? 'ok' : 'unreachable';
  // A node whose search index is still catching up (first start on a big catalog) is not ready:
  // a load balancer should keep sending traffic to the nodes that can answer searches.
  const index = app.search.caughtUp() ? 'ok' : 'catching up';
  const storage = app.storage.check() ?? 'ok';
  return { ready: database === 'ok' && index === 'ok' && storage === 'ok', database, index, storage };
}

/** 1 when the database answered a probe just now, else 0 (the `paperboy_database_up` gauge). */
export async function databaseUp(app: App): Promise<0 | 1> {
  return (await app.store.ping(READY_DB_TIMEOUT_MS)) ? 1 : 0;
}
