// A query thread of the search pool (query-pool.ts): answers the modes' reads of the keyword index from
// its own read-only connection. Plain JS so it can register tsx itself, however the parent was started.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveQueries } = await import('./query-thread.ts');
serveQueries(parentPort, workerData);
