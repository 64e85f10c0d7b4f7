// The vector thread (served-vectors-thread.ts): the node's served vector index and its searches, off the
// main thread. Plain JS so it can register tsx itself, however the parent was started.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveVectors } = await import('./vector-thread.ts');
serveVectors(parentPort, workerData);
