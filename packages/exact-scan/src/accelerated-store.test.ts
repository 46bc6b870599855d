// MemoryStore with int8ScanAccelerator against a plain MemoryStore (every row scored): the same
// operations, in any order (adds between searches, deletes, deleteLabel, duplicates, label filters), give
// the same hits — same records, same float32 distances, same order, ties in insertion order.
import { ExactScanner, MemoryStore, type Metric } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { describeStore, expectSameSearches, type StoreOp } from '@pv/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int8ScanAccelerator, wasmSimdSupported } from './index.js';

const MODEL = 'm';
const metrics: Record<string, Metric> = { cosine, 'cosine (normalized)': createCosineMetric({ normalized: true }), l2 };

/** Small integer components times a few scales: exact duplicates, ties and zero rows are common. */
const vectorOf = (d: number): fc.Arbitrary<number[]> =>
  fc.tuple(fc.array(fc.integer({ min: -2, max: 2 }), { minLength: d, maxLength: d }), fc.constantFrom(1, 0.5, 3, 1e-3)).map(([v, s]) => v.map((x) => x * s));

const opsOf = (d: number): fc.Arbitrary<StoreOp[]> =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), rows: fc.array(fc.record({ label: fc.nat(2), vector: vectorOf(d), copyOf: fc.option(fc.nat(), { freq: 3 }) }), { minLength: 1, maxLength: 25 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteLabel' as const), label: fc.nat(2) }) },
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('search' as const), query: vectorOf(d), copyOf: fc.option(fc.nat(), { freq: 2 }), k: fc.integer({ min: 1, max: 8 }), label: fc.option(fc.nat(2), { freq: 2 }) }),
      },
    ),
    { minLength: 1, maxLength: 14 },
  );

const scenario = fc.integer({ min: 1, max: 24 }).chain((d) => fc.record({ d: fc.constant(d), metric: fc.constantFrom(...Object.keys(metrics)), ops: opsOf(d) }));

describe('MemoryStore with int8ScanAccelerator', () => {
  it('runs on WebAssembly SIMD here and recognises the metrics', () => {
    expect(wasmSimdSupported()).toBe(true);
    for (const metric of Object.values(metrics)) expect(int8ScanAccelerator.prescanKey(metric)).toBeDefined();
  });

  it('gives exactly the hits of scoring every row, through adds, deletes, deleteLabel and label filters', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ d, metric, ops }) => {
        const fast = new MemoryStore({ modelId: MODEL, dimension: d, accelerator: int8ScanAccelerator });
        const plain = new MemoryStore({ modelId: MODEL, dimension: d });
        await expectSameSearches(fast, plain, MODEL, metrics[metric] as Metric, ops);
      }),
      { numRuns: 60 },
    );
  });

  it('scores only the rows the pre-scan keeps, and every row of the label asked for', () => {
    const d = 64;
    const n = 2000;
    const vectors = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.7) + (i % d === Math.floor(i / d) % d ? 4 : 0));
    const scored: number[] = [];
    const counting: Metric = { ...cosine, distances: (q, v, o) => (scored.push(o.length), cosine.distances(q, v, o)) };
    const scanner = new ExactScanner(int8ScanAccelerator);
    const query = vectors.slice(5 * d, 6 * d);
    // A look-alike metric is not trusted: every row is scored.
    scanner.search(query, vectors, 5, counting);
    expect(scored).toEqual([n]);
    // The real cosine goes through the pre-scan (spy on it through the accelerator's own pre-scan).
    const prescan = int8ScanAccelerator.createPrescan('cosine', d);
    prescan.append(vectors);
    expect(prescan.candidates(query, 5).length).toBeLessThan(n / 4);
    const even = (row: number): boolean => row % 2 === 0;
    const kept = prescan.candidates(query, 5, even);
    expect([...kept].every(even)).toBe(true);
    expect(scanner.search(query, vectors, 5, cosine, even)).toEqual(new ExactScanner().search(query, vectors, 5, cosine, even));
  });
});

describeStore('MemoryStore (int8ScanAccelerator)', () => ({ open: async (options) => new MemoryStore({ ...options, accelerator: int8ScanAccelerator }) }), { anyMetric: true });
