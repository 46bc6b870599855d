import { describe, expect, it } from 'vitest';
import { ExactScanner, type ExactPrescan, type ExactSearchAccelerator } from './exact-search.js';
import type { Metric } from './metric.js';
import { selectTopK } from './top-k.js';

/** Squared L2 distance, lower is closer. */
const sq: Metric = {
  id: 'sq',
  closer: 'lower',
  distance: (a, b) => a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0),
  distances(query, vectors, out) {
    const d = query.length;
    for (let r = 0; r < out.length; r++) out[r] = this.distance(query, vectors.subarray(r * d, (r + 1) * d));
  },
};
const other: Metric = { ...sq, id: 'other' };

/**
 * An accelerator whose pre-scan keeps a copy of the rows it was given and names, as candidates, the
 * accepted rows whose stored copy is within 1 of the query's first value (so a stale copy gives wrong
 * answers). Logs what it is asked to do.
 */
function fakeAccelerator(log: string[]): ExactSearchAccelerator {
  return {
    specificationVersion: 'v1',
    name: 'fake',
    prescanKey: (metric) => (metric === sq ? 'sq' : metric === other ? 'other' : undefined),
    createPrescan(key, dimension): ExactPrescan {
      log.push(`create ${key} ${dimension}`);
      const rows: number[][] = [];
      return {
        get size() {
          return rows.length;
        },
        bytes: 0,
        append(vectors) {
          log.push(`append ${key} ${vectors.length / dimension}`);
          for (let i = 0; i < vectors.length; i += dimension) rows.push([...vectors.subarray(i, i + dimension)]);
        },
        candidates(query, _k, accept) {
          const kept: number[] = [];
          rows.forEach((row, i) => {
            if ((accept === undefined || accept(i)) && Math.abs((row[0] as number) - (query[0] as number)) <= 1) kept.push(i);
          });
          return Int32Array.from(kept);
        },
      };
    },
  };
}

function full(query: Float32Array, vectors: Float32Array, k: number, accept?: (row: number) => boolean): { row: number; distance: number }[] {
  const out = new Float32Array(vectors.length / query.length);
  sq.distances(query, vectors, out);
  return selectTopK(out, k, 'lower', accept).map((row) => ({ row, distance: out[row] as number }));
}

describe('ExactScanner', () => {
  const rows = (...xs: number[]): Float32Array => Float32Array.from(xs.flatMap((x) => [x, 0]));

  it('scores the candidates of the pre-scan, extends it with appended rows, and rebuilds it after reset', () => {
    const log: string[] = [];
    const scanner = new ExactScanner(fakeAccelerator(log));
    const query = Float32Array.of(0, 0);
    let vectors = rows(0, 0.5, 5, 0.25);
    expect(scanner.search(query, vectors, 2, sq)).toEqual(full(query, vectors, 2));
    vectors = rows(0, 0.5, 5, 0.25, 0.1, 0);
    expect(scanner.search(query, vectors, 3, sq)).toEqual(full(query, vectors, 3));
    expect(log).toEqual(['create sq 2', 'append sq 4', 'append sq 2']);
    // Rows changed in place (a deletion compacted them): without a reset the stale copy would be searched.
    vectors = rows(9, 9, 0.05, 9, 9, 9, 9);
    scanner.reset();
    expect(scanner.search(query, vectors, 1, sq)).toEqual(full(query, vectors, 1));
    expect(scanner.search(query, vectors, 1, sq)[0]?.row).toBe(2);
    expect(log.slice(3)).toEqual(['create sq 2', 'append sq 7']);
  });

  it('keeps one pre-scan per key, honours accept, and falls back to scoring every row', () => {
    const log: string[] = [];
    const scanner = new ExactScanner(fakeAccelerator(log));
    const vectors = rows(0, 0.5, 0.25, 3);
    const query = Float32Array.of(0.2, 0);
    const odd = (row: number): boolean => row % 2 === 1;
    expect(scanner.search(query, vectors, 1, sq, odd)).toEqual(full(query, vectors, 1, odd));
    scanner.search(query, vectors, 1, other);
    scanner.search(query, vectors, 1, sq);
    expect(log).toEqual(['create sq 2', 'append sq 4', 'create other 2', 'append other 4']);
    // A metric without a key, a query with NaN, and a matrix shorter than the pre-scan.
    const unknown: Metric = { ...sq, id: 'unknown' };
    expect(scanner.search(Float32Array.of(3, 0), vectors, 1, unknown)).toEqual([{ row: 3, distance: 0 }]);
    expect(scanner.search(Float32Array.of(Number.NaN, 0), vectors, 1, sq)).toEqual([]);
    expect(log).toHaveLength(4);
    expect(scanner.search(query, rows(0.5, 9), 1, sq)).toEqual(full(query, rows(0.5, 9), 1));
    expect(log.slice(4)).toEqual(['create sq 2', 'append sq 2']);
  });

  it('ignores an accelerator of a contract version it does not know, and answers empty for k ≤ 0 or no rows', () => {
    const log: string[] = [];
    const future = { ...fakeAccelerator(log), specificationVersion: 'v2' } as unknown as ExactSearchAccelerator;
    const scanner = new ExactScanner(future);
    expect(scanner.accelerator).toBeUndefined();
    const vectors = rows(0, 7);
    expect(scanner.search(Float32Array.of(7, 0), vectors, 1, sq)).toEqual([{ row: 1, distance: 0 }]);
    expect(scanner.search(Float32Array.of(7, 0), vectors, 0, sq)).toEqual([]);
    expect(scanner.search(Float32Array.of(7, 0), new Float32Array(0), 3, sq)).toEqual([]);
    expect(log).toEqual([]);
  });
});
