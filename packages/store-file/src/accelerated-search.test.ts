// FileStore searches through @pv/exact-scan's int8 pre-scan by default: the same operations on a FileStore
// and on a plain MemoryStore (every row scored) give the same hits — same records, same float32
// distances, same order, ties in insertion order — through adds, deletes, deleteLabel, reopening and
// label filters.
import path from 'node:path';
import { MemoryStore, type Metric, type SearchHit } from '@pv/core';
import { int8ScanAccelerator } from '@pv/exact-scan';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { expectSameSearches, type StoreOp } from '@pv/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from './index.js';
import { temporaryDirectory, TEST_MODEL } from './test-support.fixture.js';

const metrics: Record<string, Metric> = { cosine, 'cosine (normalized)': createCosineMetric({ normalized: true }), l2 };

/** Small integer components times a few scales: exact duplicates, ties and zero rows are common. */
const vectorOf = (d: number): fc.Arbitrary<number[]> =>
  fc.tuple(fc.array(fc.integer({ min: -2, max: 2 }), { minLength: d, maxLength: d }), fc.constantFrom(1, 0.5, 3, 1e-3)).map(([v, s]) => v.map((x) => x * s));

/** A natural number, or null once in `freq` draws. */
const maybeNat = (freq: number): fc.Arbitrary<number | null> => fc.option(fc.nat(), { freq });
const add = (d: number): fc.Arbitrary<StoreOp> =>
  fc.record({ kind: fc.constant('add' as const), rows: fc.array(fc.record({ label: fc.nat(2), vector: vectorOf(d), copyOf: maybeNat(3) }), { minLength: 1, maxLength: 30 }) });
const removal: fc.Arbitrary<StoreOp> = fc.oneof(fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), fc.record({ kind: fc.constant('deleteLabel' as const), label: fc.nat(2) }));
const search = (d: number): fc.Arbitrary<StoreOp> =>
  fc.record({ kind: fc.constant('search' as const), query: vectorOf(d), copyOf: maybeNat(2), k: fc.integer({ min: 1, max: 8 }), label: fc.option(fc.nat(2), { freq: 2 }) as fc.Arbitrary<number | null> });

/** Rounds of: a removal or not, an add, two searches — so rows often arrive after a deletion and before a search. */
const opsOf = (d: number): fc.Arbitrary<StoreOp[]> =>
  fc
    .array(fc.tuple(fc.option(removal, { freq: 3 }), add(d), search(d), search(d)), { minLength: 1, maxLength: 3 })
    .map((rounds) => rounds.flatMap(([remove, ...rest]) => (remove === null ? rest : [remove, ...rest])));

const scenario = fc.integer({ min: 1, max: 24 }).chain((d) => fc.record({ d: fc.constant(d), metric: fc.constantFrom(...Object.keys(metrics)), ops: opsOf(d) }));

describe('FileStore search through the int8 pre-scan', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let run = 0;

  beforeAll(async () => {
    ({ dir, remove } = await temporaryDirectory());
  });
  afterAll(() => remove());

  it('gives exactly the hits of scoring every row, through adds, deletes, deleteLabel and label filters', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ d, metric, ops }) => {
        const file = path.join(dir, `p${run++}.pvstore`);
        const store = await FileStore.open(file, { modelId: TEST_MODEL, dimension: d });
        const plain = new MemoryStore({ modelId: TEST_MODEL, dimension: d });
        try {
          await expectSameSearches(store, plain, TEST_MODEL, metrics[metric] as Metric, ops);
          // A read-only reader of the same file (a fresh pre-scan) agrees too.
          const reader = await FileStore.open(file, { readOnly: true });
          try {
            await expectSameSearches(reader, plain, TEST_MODEL, metrics[metric] as Metric, ops.filter((op) => op.kind === 'search'));
          } finally {
            await reader.close();
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 20 },
    );
  });

  it('uses int8ScanAccelerator unless told not to, with the same hits either way', async () => {
    const d = 32;
    const vectors = Array.from({ length: 3000 }, (_, i) => Float32Array.from({ length: d }, (_, j) => Math.sin(i * 1.3 + j * (1 + (i % 7)))));
    const records = vectors.map((vector, i) => ({ id: `v${i}`, label: `p${i % 50}`, vector, modelId: TEST_MODEL }));
    let scored = 0;
    // A cosine look-alike that counts the rows it scores: the pre-scan only trusts the real one.
    const counting: Metric = { ...cosine, distances: (q, v, o) => ((scored += o.length), cosine.distances(q, v, o)) };
    const fast = await FileStore.open(path.join(dir, 'fast.pvstore'));
    const plain = await FileStore.open(path.join(dir, 'plain.pvstore'), { accelerator: null });
    try {
      await fast.add(records);
      await plain.add(records);
      for (const [q, label] of [[0, undefined], [17, 'p17'], [2999, 'p3']] as const) {
        const options = { k: 5, metric: cosine, ...(label !== undefined ? { label } : {}) };
        const query = vectors[q] as Float32Array;
        const view = (hits: readonly SearchHit[]): [string, number][] => hits.map((h) => [h.record.id, h.distance]);
        expect(view(await fast.search(query, options))).toEqual(view(await plain.search(query, options)));
      }
      await fast.search(vectors[0] as Float32Array, { k: 5, metric: counting });
      expect(scored).toBe(3000);
      const prescan = int8ScanAccelerator.createPrescan('cosine', d);
      prescan.append(Float32Array.from(vectors.flatMap((v) => [...v])));
      expect(prescan.candidates(vectors[0] as Float32Array, 5).length).toBeLessThan(3000);
    } finally {
      await fast.close();
      await plain.close();
    }
  });
});
