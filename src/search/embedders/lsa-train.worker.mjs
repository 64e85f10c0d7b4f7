// Trains the built-in LSA model off the main thread: a minute of linear algebra on a large catalog
// must not stall the server's event loop. Plain JS so it can register tsx itself, however the
// parent process was started.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { trainLsa } = await import('./lsa.ts');
const model = trainLsa(workerData.texts, workerData.options);
parentPort.postMessage(model, [model.idf.buffer, model.weights.buffer]);
