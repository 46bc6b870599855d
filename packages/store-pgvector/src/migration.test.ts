import { MemoryStore, copyStore, type EmbeddingRecord, type NewRecord, type Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { expectPvError, randomUnitVector, seededRandom } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgvectorStore } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

async function collect(store: Store): Promise<EmbeddingRecord[]> {
  const all: EmbeddingRecord[] = [];
  for await (const r of store.records()) all.push(r);
  return all;
}

function sample(count: number): NewRecord[] {
  const random = seededRandom(11);
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    label: `person-${i % 7}`,
    vector: randomUnitVector(random, 16),
    modelId: 'model',
    createdAt: 1_600_000_000_000 + i,
    ...(i % 3 === 0 ? { source: { file: `img/${i}.jpg`, box: { x: i, y: 2 * i, width: 10, height: 12 } } } : {}),
  }));
}

describe('migrating with copyStore (@pv/core)', () => {
  it('moves every record from another store into PostgreSQL and back, unchanged and in order', async () => {
    const memory = new MemoryStore();
    const original = await memory.add(sample(250));
    const pgStore = await PgvectorStore.open({ pool: database.pool, table: database.uniqueTable() });
    expect(await copyStore(memory, pgStore, { batchSize: 100 })).toBe(250);
    expect(await collect(pgStore)).toEqual(original);
    expect(await pgStore.labels()).toEqual(await memory.labels());

    const back = new MemoryStore();
    expect(await copyStore(pgStore, back)).toBe(250);
    expect(await collect(back)).toEqual(original);
    const query = (original[5] as EmbeddingRecord).vector;
    const fromPostgres = await pgStore.search(query, { k: 5, metric: cosine, exact: true });
    const fromMemory = await back.search(query, { k: 5, metric: cosine });
    expect(fromPostgres.map((h) => h.record)).toEqual(fromMemory.map((h) => h.record));
    // MemoryStore hands out float32 distances (metric.distances), PgvectorStore metric.distance's doubles.
    fromPostgres.forEach((hit, i) => expect(hit.distance).toBeCloseTo((fromMemory[i] as { distance: number }).distance, 6));
    await pgStore.close();
  });

  it('moves one table into another with other index parameters and metric', async () => {
    const from = await PgvectorStore.open({ pool: database.pool, table: database.uniqueTable(), metric: 'cosine' });
    const original = await from.add(sample(120));
    const to = await PgvectorStore.open({ pool: database.pool, table: database.uniqueTable(), metric: 'l2', hnsw: { m: 32, efConstruction: 128 } });
    expect(await copyStore(from, to, { batchSize: 50 })).toBe(120);
    expect(await collect(to)).toEqual(original);
    expect(await to.info()).toEqual(await from.info());
    await Promise.all([from.close(), to.close()]);
  });

  it('leaves a target bound to another model untouched', async () => {
    const memory = new MemoryStore();
    await memory.add(sample(3));
    const target = await PgvectorStore.open({ pool: database.pool, table: database.uniqueTable(), modelId: 'other-model' });
    await expectPvError(copyStore(memory, target), 'E_MODEL_MISMATCH');
    expect(await target.count()).toBe(0);
    await target.close();
  });
});
