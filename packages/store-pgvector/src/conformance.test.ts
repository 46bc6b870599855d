import type { Metric } from '@pv/core';
import { describeStore, type StoreFixture } from '@pv/testkit';
import { afterAll, beforeAll } from 'vitest';
import { PgvectorStore, type PgvectorStoreSettings } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

/** Every test gets its own table; every handle of a test opens that table on the shared pool. */
function fixture(settings: Omit<PgvectorStoreSettings, 'table'>): () => StoreFixture {
  return () => {
    const table = database.uniqueTable();
    return { open: (options) => PgvectorStore.open({ pool: database.pool, table, ...settings, ...options }) };
  };
}

/** A metric pgvector cannot rank by. */
const manhattan: Metric = {
  id: 'manhattan',
  closer: 'lower',
  distance(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
    return s;
  },
  distances(query, vectors, out) {
    const d = query.length;
    for (let row = 0; row * d < vectors.length; row++) out[row] = this.distance(query, vectors.subarray(row * d, (row + 1) * d));
  },
};

describeStore('PgvectorStore (exact search)', fixture({ metric: 'cosine', exact: true }), {
  reopenable: true,
  unsupportedMetrics: [manhattan],
});

describeStore('PgvectorStore (HNSW, cosine index)', fixture({ metric: 'cosine' }), {
  reopenable: true,
  exact: false,
  minRecall: 0.9,
  unsupportedMetrics: [manhattan],
});

describeStore('PgvectorStore (HNSW, l2 index)', fixture({ metric: 'l2', hnsw: { m: 8, efConstruction: 32 } }), {
  reopenable: true,
  exact: false,
  minRecall: 0.9,
});
