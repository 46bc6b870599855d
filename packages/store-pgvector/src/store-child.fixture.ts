// The child process of the crash test: adds numbered batches to a table over its own connection and
// prints `committed <batch>` after each add() resolves, until the parent kills it.
import { writeBatches, type BatchSpec } from '@pv/testkit/process';
import { PgvectorStore } from './pgvector-store.js';

/** What the parent asks the child to do (JSON in argv[2]). */
export interface WriterTask extends BatchSpec {
  readonly connectionString: string;
  readonly table: string;
  readonly batches: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as WriterTask;
const store = await PgvectorStore.open({ connectionString: task.connectionString, table: task.table, metric: 'cosine', exact: true });
await writeBatches(store, task);
await store.close();
