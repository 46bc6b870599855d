import { describe, expect, it } from 'vitest';
import { selectTopK } from './top-k.js';

/** The reference: a stable sort of all indices (ties keep index order), NaN dropped, cut to k. */
function bySorting(distances: readonly number[], k: number, closer: 'lower' | 'higher', accept?: (i: number) => boolean): number[] {
  const sign = closer === 'lower' ? 1 : -1;
  return distances
    .map((d, i) => ({ d, i }))
    .filter(({ d, i }) => !Number.isNaN(d) && (accept?.(i) ?? true))
    .sort((a, b) => sign * (a.d - b.d))
    .slice(0, Math.max(0, Math.floor(k)))
    .map(({ i }) => i);
}

/** Deterministic values with many repeats, so that ties are common. */
function values(n: number, seed: number, distinct: number): number[] {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state % distinct) / 4;
  });
}

describe('selectTopK', () => {
  it('agrees with sorting for many sizes, k and both directions', () => {
    for (const n of [0, 1, 2, 5, 17, 100, 1000]) {
      for (const distinct of [3, 50, 100000]) {
        const distances = values(n, n * 31 + distinct, distinct);
        for (const k of [1, 2, 3, 10, n, n + 5]) {
          for (const closer of ['lower', 'higher'] as const) {
            expect(selectTopK(distances, k, closer), `n=${n} k=${k} ${closer}`).toEqual(bySorting(distances, k, closer));
          }
        }
      }
    }
  });

  it('keeps ties in index order (earlier first)', () => {
    expect(selectTopK([0.5, 0.1, 0.5, 0.1, 0.5], 4, 'lower')).toEqual([1, 3, 0, 2]);
    expect(selectTopK([0.5, 0.1, 0.5, 0.1, 0.5], 4, 'higher')).toEqual([0, 2, 4, 1]);
    expect(selectTopK([2, 2, 2, 2, 2, 2], 3, 'lower')).toEqual([0, 1, 2]);
  });

  it('skips NaN distances', () => {
    expect(selectTopK([Number.NaN, 3, Number.NaN, 1, 2], 10, 'lower')).toEqual([3, 4, 1]);
    expect(selectTopK([Number.NaN, Number.NaN], 2, 'higher')).toEqual([]);
  });

  it('orders infinities like any other value', () => {
    expect(selectTopK([Number.POSITIVE_INFINITY, 0, Number.NEGATIVE_INFINITY], 3, 'lower')).toEqual([2, 1, 0]);
  });

  it('returns nothing for k <= 0 or NaN, and whole k for a fractional one', () => {
    expect(selectTopK([1, 2, 3], 0, 'lower')).toEqual([]);
    expect(selectTopK([1, 2, 3], -2, 'lower')).toEqual([]);
    expect(selectTopK([1, 2, 3], Number.NaN, 'lower')).toEqual([]);
    expect(selectTopK([1, 2, 3], 2.7, 'lower')).toEqual([0, 1]);
    expect(selectTopK([1, 2, 3], Number.POSITIVE_INFINITY, 'higher')).toEqual([2, 1, 0]);
  });

  it('considers only accepted rows', () => {
    const distances = values(200, 7, 20);
    const even = (i: number): boolean => i % 2 === 0;
    expect(selectTopK(distances, 15, 'lower', even)).toEqual(bySorting(distances, 15, 'lower', even));
    expect(selectTopK(distances, 5, 'lower', () => false)).toEqual([]);
  });

  it('reads Float32Array distances', () => {
    expect(selectTopK(Float32Array.of(0.3, 0.1, 0.2), 2, 'lower')).toEqual([1, 2]);
  });
});
