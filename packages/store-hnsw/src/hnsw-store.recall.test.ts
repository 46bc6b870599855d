import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStore, type NewRecord, type Metric } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusteredVectors } from './clustered-vectors.fixture.js';
import { HnswStore } from './hnsw-store.js';

// 100,000 vectors take minutes to index on two shared cores, so the unit test uses 20,000 (cosine, the
// recommended metric) and 10,000 (l2); the benchmark (bench/index.ts) measures 100,000 and 1,000,000.
const COUNT = 20_000;
const DIMENSION = 512;
const QUERIES = 300;

let dir: string;
const data = new ClusteredVectors({ dimension: DIMENSION, clusters: 2_000, noise: 0.05, seed: 11 });
const records: NewRecord[] = Array.from({ length: COUNT }, (_, i) => ({
  id: `r${i}`,
  label: `person-${data.cluster(i)}`,
  modelId: 'synthetic',
  vector: data.vector(i),
}));
const queries = Array.from({ length: QUERIES }, (_, i) => data.query(i));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-hnsw-recall-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function recallAt1(store: HnswStore, truth: MemoryStore, metric: Metric): Promise<number> {
  let agree = 0;
  for (const query of queries) {
    const [approximate] = await store.search(query, { k: 1, metric });
    const [nearest] = await truth.search(query, { k: 1, metric });
    if (approximate?.record.id === nearest?.record.id) agree++;
  }
  return agree / queries.length;
}

describe(`HnswStore recall@1 on clustered ${DIMENSION}-d vectors`, () => {
  for (const [metric, space, count] of [
    [cosine, 'cosine', COUNT],
    [l2, 'l2', COUNT / 2],
  ] as const) {
    it(`is at least 0.99 against exact search on ${count} vectors (${metric.id}, default settings)`, { timeout: 600_000 }, async () => {
      const gallery = records.slice(0, count);
      const truth = new MemoryStore();
      await truth.add(gallery);
      const store = await HnswStore.open(path.join(dir, `${metric.id}.db`), { space });
      for (let i = 0; i < gallery.length; i += 5_000) await store.add(gallery.slice(i, i + 5_000));
      const recall = await recallAt1(store, truth, metric);
      await store.close();
      expect(recall).toBeGreaterThanOrEqual(0.99);
    });
  }
});
