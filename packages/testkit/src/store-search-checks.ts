import { isCloser, type EmbeddingRecord, type Metric, type SearchHit } from '@pv/core';
import { expect } from 'vitest';

/** A brute-force search result: a record and its distance. */
export interface ExpectedHit {
  readonly record: EmbeddingRecord;
  readonly distance: number;
}

/**
 * The exact answer of a search: `records` (in insertion order) ranked by `metric.distance`, ties kept in
 * insertion order, optionally restricted to `label`, cut to `k`.
 */
export function bruteForceSearch(
  records: readonly EmbeddingRecord[],
  query: Float32Array,
  metric: Metric,
  k: number,
  label?: string,
): ExpectedHit[] {
  if (k <= 0) return [];
  return records
    .filter((r) => label === undefined || r.label === label)
    .map((record) => ({ record, distance: metric.distance(query, record.vector) }))
    .sort((a, b) => (isCloser(metric, a.distance, b.distance) ? -1 : isCloser(metric, b.distance, a.distance) ? 1 : 0))
    .slice(0, k);
}

/** Checks what every search must satisfy: no duplicates, most similar first, correct distances. */
export function expectWellFormedHits(hits: readonly SearchHit[], query: Float32Array, metric: Metric, tolerance: number): void {
  const ids = hits.map((h) => h.record.id);
  expect(new Set(ids).size, 'a record was returned twice').toBe(ids.length);
  hits.forEach((hit, i) => {
    const expected = metric.distance(query, hit.record.vector);
    expect(Math.abs(hit.distance - expected), `hit ${i} (${hit.record.id}) distance ${hit.distance} vs ${expected}`).toBeLessThanOrEqual(
      tolerance * (1 + Math.abs(expected)),
    );
    const previous = hits[i - 1];
    if (previous) {
      expect(
        isCloser(metric, hit.distance, previous.distance) && Math.abs(hit.distance - previous.distance) > tolerance,
        `hit ${i} (${hit.distance}) is more similar than hit ${i - 1} (${previous.distance})`,
      ).toBe(false);
    }
  });
}

/**
 * Checks an exact store's answer against brute force: the same records in the same order, except that
 * records whose distances differ by no more than `tolerance` (rounding of near-ties) may swap places.
 */
export function expectSameRanking(hits: readonly SearchHit[], expected: readonly ExpectedHit[], tolerance: number): void {
  expect(hits.length, 'number of hits').toBe(expected.length);
  hits.forEach((hit, i) => {
    const want = expected[i] as ExpectedHit;
    if (hit.record.id !== want.record.id) {
      expect(
        Math.abs(hit.distance - want.distance),
        `rank ${i}: got ${hit.record.id} (${hit.distance}), expected ${want.record.id} (${want.distance})`,
      ).toBeLessThanOrEqual(tolerance * (1 + Math.abs(want.distance)));
    }
  });
}

/** The share of `expected` records that `hits` found (1 when nothing was expected). */
export function recallOf(hits: readonly SearchHit[], expected: readonly ExpectedHit[]): number {
  if (expected.length === 0) return 1;
  const found = new Set(hits.map((h) => h.record.id));
  return expected.filter((e) => found.has(e.record.id)).length / expected.length;
}
