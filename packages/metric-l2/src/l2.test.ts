import { DimensionMismatchError, InvalidArgumentError } from '@pv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createL2Metric, l2 } from './index.js';

// 200 runs per property, from fast-check's random seed (or the one the 300-seed check sets: see
// scripts/property-seeds.ts); a failure prints the seed that reproduces it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: 200 });

const component = { min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true } as const;
const vectorOf = (d: number) => fc.float32Array({ ...component, minLength: d, maxLength: d });
const dimension = fc.integer({ min: 1, max: 70 });
const pair = dimension.chain((d) => fc.tuple(vectorOf(d), vectorOf(d)));
const triple = dimension.chain((d) => fc.tuple(vectorOf(d), vectorOf(d), vectorOf(d)));
const queryAndRows = dimension.chain((d) => fc.tuple(vectorOf(d), fc.array(vectorOf(d), { maxLength: 12 })));

/** The textbook definition, for reference. */
function naiveL2(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum);
}

function flat(rows: readonly Float32Array[], d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(r, i * d));
  return out;
}

describe('l2', () => {
  it('is the metric "l2" where lower is closer', () => {
    expect(l2.id).toBe('l2');
    expect(l2.closer).toBe('lower');
    expect(createL2Metric()).toEqual(l2);
  });

  it('is the true Euclidean distance, not its square', () => {
    expect(l2.distance(Float32Array.of(0, 0), Float32Array.of(3, 4))).toBe(5);
    expect(l2.distance(Float32Array.of(1, 1, 1, 1, 1), Float32Array.of(1, 1, 1, 1, 3))).toBe(2);
  });

  it('matches the textbook definition', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const expected = naiveL2(a, b);
        expect(Math.abs(l2.distance(a, b) - expected)).toBeLessThanOrEqual(1e-9 * (1 + expected));
      }),
    );
  });

  it('is symmetric, exactly', () => {
    fc.assert(fc.property(pair, ([a, b]) => l2.distance(a, b) === l2.distance(b, a)));
  });

  it('is zero from a vector to itself and positive otherwise', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(l2.distance(a, a)).toBe(0);
        const d = l2.distance(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        if (a.some((x, i) => x !== b[i])) expect(d).toBeGreaterThan(0);
      }),
    );
  });

  it('obeys the triangle inequality', () => {
    fc.assert(
      fc.property(triple, ([a, b, c]) => {
        const detour = l2.distance(a, b) + l2.distance(b, c);
        expect(l2.distance(a, c)).toBeLessThanOrEqual(detour * (1 + 1e-12));
      }),
    );
  });

  it('distances() writes distance() row by row into the given buffer and nothing beyond', () => {
    fc.assert(
      fc.property(queryAndRows, ([query, rows]) => {
        const out = new Float32Array(rows.length + 2).fill(-1);
        l2.distances(query, flat(rows, query.length), out);
        rows.forEach((row, i) => expect(out[i]).toBe(Math.fround(l2.distance(query, row))));
        expect(Array.from(out.subarray(rows.length))).toEqual([-1, -1]);
      }),
    );
  });

  it('refuses vectors of different lengths with E_DIM_MISMATCH', () => {
    expect(() => l2.distance(new Float32Array(3), new Float32Array(4))).toThrow(DimensionMismatchError);
  });

  it('refuses partial rows and a short output buffer with E_INVALID_ARGUMENT', () => {
    expect(() => l2.distances(new Float32Array(3), new Float32Array(7), new Float32Array(3))).toThrow(InvalidArgumentError);
    expect(() => l2.distances(new Float32Array(3), new Float32Array(9), new Float32Array(2))).toThrow(InvalidArgumentError);
    expect(() => l2.distances(new Float32Array(0), new Float32Array(3), new Float32Array(3))).toThrow(InvalidArgumentError);
    expect(() => l2.distances(new Float32Array(0), new Float32Array(0), new Float32Array(0))).not.toThrow();
  });
});
