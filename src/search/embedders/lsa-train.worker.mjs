// Trains the built-in LSA model off the main thread: a minute of linear algebra on a large catalog
// must not stall the server's event loop, nor must reading and copying the sample it learns from.
// Plain JS so it can register tsx itself, however the parent process was started.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { lowerThreadPriority } from '../low-priority.mjs';

// A minute of training must not take the core the main thread needs (low-priority.mjs).
lowerThreadPriority();
register();
const { sampledEvenly, saveLsa, trainLsa } = await import('./lsa.ts');
const { corpusTexts } = await import('../keyword/corpus.ts');
const { file, count, max, saveTo, options } = workerData;
// The sample is read as training goes (never held whole); too few papers for the dimensions asked
// train a third as many (the SVD needs more rows than dimensions).
const model = trainLsa(sampledEvenly(corpusTexts(file), count, max), { ...options, fitDim: true, corpusSize: count });
fs.rmSync(saveTo, { recursive: true, force: true });
saveLsa(model, saveTo);
// The vocabulary travels as one string: a Map of 50k words took the main thread 65 ms to receive (structured
// clone rebuilds every entry there); one string is copied whole and split in a few ms (factory.ts).
const { vocab, ...rest } = model;
parentPort.postMessage({ ...rest, words: [...vocab.keys()].join('\n') }, [model.idf.buffer, model.weights.buffer]);
