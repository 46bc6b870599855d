import type { EmbeddingRecord, Metric, NewRecord } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { bruteForceSearch, expectPvError, randomUnitVector, recallOf, seededRandom } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgvectorStore, type IndexMetric } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

const DIM = 32;
const COUNT = 3000;
const QUERIES = 20;
const K = 10;

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

/** COUNT random unit vectors labelled `rare` (1%), `even` (49%) or one of ten `person-…` (5% each). */
function gallery(seed: number): NewRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: COUNT }, (_, i) => ({
    label: i % 100 === 0 ? 'rare' : i % 2 === 0 ? 'even' : `person-${i % 20}`,
    vector: randomUnitVector(random, DIM),
    modelId: 'model',
  }));
}

async function indexDefinition(table: string): Promise<string | undefined> {
  const { rows } = await database.pool.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [`${table}_hnsw`]);
  return rows[0]?.indexdef;
}

describe.each<[IndexMetric, Metric]>([
  ['cosine', cosine],
  ['l2', l2],
])('HNSW index for %s', (indexMetric, metric) => {
  let store: PgvectorStore;
  let table: string;
  let stored: EmbeddingRecord[];
  const random = seededRandom(99);
  const queries = Array.from({ length: QUERIES }, () => randomUnitVector(random, DIM));

  beforeAll(async () => {
    table = database.uniqueTable();
    // One index is built row by row as records arrive, the other in one go after loading.
    const deferIndex = indexMetric === 'l2';
    store = await PgvectorStore.open({ pool: database.pool, table, metric: indexMetric, deferIndex, hnsw: { m: 12, efConstruction: 48 } });
    stored = await store.add(gallery(indexMetric === 'cosine' ? 1 : 2));
    if (deferIndex) await store.buildIndex();
    else await database.pool.query(`ANALYZE "${table}"`);
  });
  afterAll(async () => {
    await store.close();
  });

  it('is built with the operator class of the metric and the given parameters', async () => {
    const definition = await indexDefinition(table);
    expect(definition).toContain('USING hnsw');
    expect(definition).toContain(indexMetric === 'cosine' ? 'vector_cosine_ops' : 'vector_l2_ops');
    expect(definition).toMatch(/m='?12'?/);
    expect(definition).toMatch(/ef_construction='?48'?/);
  });

  it('serves a plain k-NN query, and exact searches bypass it', async () => {
    const indexed = (await store.explainSearch(queries[0] as Float32Array, { k: K, metric })).join('\n');
    expect(indexed).toContain(`Index Scan using ${table}_hnsw`);
    const exact = (await store.explainSearch(queries[0] as Float32Array, { k: K, metric, exact: true })).join('\n');
    expect(exact).not.toContain(`${table}_hnsw`);
    // k beyond pgvector's largest ef_search cannot be served by the index: exact instead.
    const wide = (await store.explainSearch(queries[0] as Float32Array, { k: 1001, metric })).join('\n');
    expect(wide).not.toContain(`${table}_hnsw`);
  });

  it(`finds at least 90% of the exact top ${K} over ${COUNT} vectors (and more with a larger ef_search)`, async () => {
    let found = 0;
    let foundWide = 0;
    for (const query of queries) {
      const exact = await store.search(query, { k: K, metric, exact: true });
      const expected = bruteForceSearch(stored, query, metric, K);
      expect(exact.map((h) => h.record.id)).toEqual(expected.map((e) => e.record.id));
      found += recallOf(await store.search(query, { k: K, metric }), expected);
      foundWide += recallOf(await store.search(query, { k: K, metric, efSearch: 200 }), expected);
    }
    expect(found / QUERIES).toBeGreaterThanOrEqual(0.9);
    expect(foundWide / QUERIES).toBeGreaterThanOrEqual(0.98);
    expect(foundWide).toBeGreaterThanOrEqual(found);
  });

  it('keeps scanning the index until k rows pass a label filter (iterative scan)', async () => {
    // With ef_search = k, a plain HNSW scan yields k candidates of which about half carry the label.
    const plan = (await store.explainSearch(queries[0] as Float32Array, { k: K, metric, label: 'even', efSearch: K })).join('\n');
    expect(plan).toContain(`Index Scan using ${table}_hnsw`);
    for (const query of queries) {
      const hits = await store.search(query, { k: K, metric, label: 'even', efSearch: K });
      expect(hits).toHaveLength(K);
      expect(hits.every((h) => h.record.label === 'even')).toBe(true);
    }
  });

  it('fills k from a label that only 1% of rows carry (the planner picks the label index)', async () => {
    let found = 0;
    for (const query of queries) {
      const hits = await store.search(query, { k: K, metric, label: 'rare' });
      expect(hits).toHaveLength(K);
      expect(hits.every((h) => h.record.label === 'rare')).toBe(true);
      found += recallOf(hits, bruteForceSearch(stored, query, metric, K, 'rare'));
    }
    expect(found / QUERIES).toBeGreaterThanOrEqual(0.9);
  });
});

describe('deferred index', () => {
  it('loads without an index and builds it on request', async () => {
    const table = database.uniqueTable();
    const store = await PgvectorStore.open({ pool: database.pool, table, deferIndex: true });
    await expectPvError(store.buildIndex(), 'E_INVALID_ARGUMENT');
    const stored = await store.add(gallery(3));
    expect(await indexDefinition(table)).toBeUndefined();
    await expectPvError(store.buildIndex({ maintenanceWorkMem: "64MB'; DROP TABLE x; --" }), 'E_INVALID_ARGUMENT');
    await store.buildIndex({ maintenanceWorkMem: '128MB' });
    expect(await indexDefinition(table)).toContain('vector_cosine_ops');
    await store.buildIndex();
    const query = randomUnitVector(seededRandom(5), DIM);
    const plan = (await store.explainSearch(query, { k: K, metric: cosine })).join('\n');
    expect(plan).toContain(`${table}_hnsw`);
    expect(recallOf(await store.search(query, { k: K, metric: cosine }), bruteForceSearch(stored, query, cosine, K))).toBeGreaterThanOrEqual(0.8);
    await store.close();
  });
});
