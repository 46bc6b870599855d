import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchKeyOf, committedBatches, startTsChild } from '@pv/testkit/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgvectorStore } from './pgvector-store.js';
import type { WriterTask } from './store-child.fixture.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-child.fixture.ts');

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

/** Records per batch key, read through the shared pool. */
async function batchesIn(table: string): Promise<Map<string, number>> {
  const store = await PgvectorStore.open({ pool: database.pool, table, metric: 'cosine', exact: true });
  const batches = new Map<string, number>();
  for await (const record of store.records()) batches.set(batchKeyOf(record.id), (batches.get(batchKeyOf(record.id)) ?? 0) + 1);
  await store.close();
  return batches;
}

describe('PgvectorStore when a writer process dies', () => {
  it('keeps exactly the completed batches when a writer is killed with SIGKILL mid-insert', { timeout: 120_000 }, async () => {
    const table = database.uniqueTable();
    const batchSize = 200;
    let expected = new Map<string, number>();
    for (const round of ['a', 'b']) {
      const writer: WriterTask = { connectionString: database.connectionString, table, prefix: round, batches: 100_000, batchSize, dimension: 64 };
      const child = startTsChild(script, [JSON.stringify(writer)]);
      await child.waitFor((lines) => committedBatches(lines).length >= 3);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');
      const reported = Math.max(...committedBatches(child.lines));
      // The server notices the dead connection and rolls its open transaction back.
      const inStore = await batchesIn(table);
      for (const [key, count] of expected) expect(inStore.get(key), `earlier batch ${key}`).toBe(count);
      const ours = [...inStore].filter(([key]) => key.startsWith(`${round}/`));
      for (const [key, count] of ours) expect(count, `batch ${key}`).toBe(batchSize);
      const numbers = ours.map(([key]) => Number(key.split('/')[1])).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
      expect(numbers.length === reported + 1 || numbers.length === reported + 2).toBe(true);
      expected = inStore;
    }
  });
});
