// Worker thread of the HNSW-at-scale bench: builds one hnswlib-node graph over the rows it is sent (one
// shard of a gallery), writes it to a file and reports how long the inserts took. hnswlib-node's
// addPoint is synchronous and single-threaded, and a graph cannot be shared between threads, so using
// several cores for inserts means one graph per thread (shards searched one after another, top-k merged).
import { parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';

const { rows, dimension, firstLabel, m, efConstruction, file } = workerData;
const count = rows.length / dimension;
const index = new hnswlib.HierarchicalNSW('cosine', dimension);
index.initIndex({ maxElements: count, m, efConstruction, randomSeed: 100 });
const started = performance.now();
for (let i = 0; i < count; i++) index.addPoint(Array.from(rows.subarray(i * dimension, (i + 1) * dimension)), firstLabel + i);
const seconds = (performance.now() - started) / 1000;
index.writeIndexSync(file);
parentPort.postMessage({ seconds, count });
