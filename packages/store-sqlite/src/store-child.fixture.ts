// The child process of the multi-process tests: `writer` adds numbered batches and prints
// `committed <batch>` after each add() resolves; `reader` repeatedly reads the store and prints one JSON
// observation per pass until it sees `expectCount` records.
import { cosine } from '@pv/metric-cosine';
import { batchKeyOf, batchRecords, writeBatches } from '@pv/testkit/process';
import { SqliteStore } from './sqlite-store.js';
import type { ChildTask, ReaderObservation } from './store-process.fixture.js';

async function write(task: ChildTask): Promise<void> {
  const store = await SqliteStore.open(task.file, { busyTimeoutMs: 20_000 });
  await writeBatches(store, task);
  await store.close();
}

async function read(task: ChildTask): Promise<void> {
  const store = await SqliteStore.open(task.file, { busyTimeoutMs: 20_000 });
  const query = batchRecords(task, 0)[0]?.vector as Float32Array;
  for (;;) {
    const count = await store.count();
    const batches: Record<string, number> = {};
    let iterated = 0;
    for await (const record of store.records()) {
      const key = batchKeyOf(record.id);
      batches[key] = (batches[key] ?? 0) + 1;
      iterated++;
    }
    const hits = (await store.search(query, { k: 5, metric: cosine })).length;
    const observation: ReaderObservation = { count, iterated, batches, hits };
    process.stdout.write(`${JSON.stringify(observation)}\n`);
    if (count >= task.expectCount) break;
  }
  await store.close();
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
await (task.role === 'writer' ? write(task) : read(task));
