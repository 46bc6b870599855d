// The child process of the multi-process tests: `writer` adds numbered batches and prints
// `committed <batch>` after each add() resolves; `reader` repeatedly reads the store and prints one JSON
// observation per pass until it sees `expectCount` records.
import { cosine } from '@pv/metric-cosine';
import { batchKeyOf, batchRecords, writeBatches } from '@pv/testkit/process';
import { HnswStore } from './hnsw-store.js';
import type { ChildTask, ReaderObservation } from './store-process.fixture.js';

async function write(task: ChildTask): Promise<void> {
  const store = await HnswStore.open(task.file, { busyTimeoutMs: 30_000, saveEvery: task.saveEvery });
  await writeBatches(store, task);
  await store.close();
}

async function read(task: ChildTask): Promise<void> {
  const store = await HnswStore.open(task.file, { busyTimeoutMs: 30_000 });
  for (;;) {
    const count = await store.count();
    const batches: Record<string, number> = {};
    let last = '';
    for await (const record of store.records()) {
      const key = batchKeyOf(record.id);
      batches[key] = (batches[key] ?? 0) + 1;
      last = key;
    }
    // The newest batch seen must be searchable: the graph catches up with the other process's commits.
    const [prefix, batch] = last.split('/');
    const missed: string[] = [];
    if (prefix !== undefined && batch !== undefined) {
      for (const r of batchRecords({ ...task, prefix }, Number(batch))) {
        const [hit] = await store.search(r.vector, { k: 1, metric: cosine });
        if (hit?.record.id !== r.id) missed.push(r.id as string);
      }
    }
    const observation: ReaderObservation = { count, batches, missed };
    process.stdout.write(`${JSON.stringify(observation)}\n`);
    if (count >= task.expectCount) break;
  }
  await store.close();
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
await (task.role === 'writer' ? write(task) : read(task));
