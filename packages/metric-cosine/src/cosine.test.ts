import { DimensionMismatchError, InvalidArgumentError } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosine, createCosineMetric } from './index.js';

// 200 runs per property, from fast-check's random seed (or the one the 300-seed check sets: see
// scripts/property-seeds.ts); a failure prints the seed that reproduces it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: 200 });

const component = { min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true } as const;
const vectorOf = (d: number) => fc.float32Array({ ...component, minLength: d, maxLength: d });
const nonZero = (d: number) => vectorOf(d).filter((v) => v.some((x) => x !== 0));
const unitOf = (d: number) => nonZero(d).map(normalised);
const dimension = fc.integer({ min: 1, max: 70 });
const pair = dimension.chain((d) => fc.tuple(vectorOf(d), vectorOf(d)));
const nonZeroPair = dimension.chain((d) => fc.tuple(nonZero(d), nonZero(d)));
const unitPair = dimension.chain((d) => fc.tuple(unitOf(d), unitOf(d)));
const queryAndRows = dimension.chain((d) => fc.tuple(vectorOf(d), fc.array(vectorOf(d), { maxLength: 12 })));
const unitCosine = createCosineMetric({ normalized: true });

function normalised(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** 1 − cos as hnswlib's and pgvector's cosine distance define it, in plain double arithmetic. */
function referenceCosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return 1 - dot / Math.sqrt(aa * bb);
}

function flat(rows: readonly Float32Array[], d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(r, i * d));
  return out;
}

describe('cosine', () => {
  it('is the metric "cosine" where lower is closer', () => {
    for (const metric of [cosine, unitCosine]) {
      expect(metric.id).toBe('cosine');
      expect(metric.closer).toBe('lower');
    }
  });

  it('is 1 − cos: 0 for the same direction, 1 for orthogonal, 2 for opposite vectors', () => {
    expect(cosine.distance(Float32Array.of(1, 2, 3), Float32Array.of(2, 4, 6))).toBeCloseTo(0, 12);
    expect(cosine.distance(Float32Array.of(1, 0), Float32Array.of(0, 5))).toBe(1);
    expect(cosine.distance(Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(-1, -2, -3, -4, -5))).toBe(2);
    expect(cosine.distance(Float32Array.of(1, 0), Float32Array.of(1, 1))).toBeCloseTo(1 - Math.SQRT1_2, 7);
  });

  it('matches the hnswlib/pgvector definition', () => {
    fc.assert(
      fc.property(nonZeroPair, ([a, b]) => {
        expect(Math.abs(cosine.distance(a, b) - referenceCosineDistance(a, b))).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('is symmetric, exactly, and stays within [0, 2]', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const d = cosine.distance(a, b);
        expect(d).toBe(cosine.distance(b, a));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('is 0 from a vector to itself and ignores length', () => {
    // Subnormal components would round away when scaled and turn the vector: keep them out.
    const normalFloats = nonZero(17)
      .map((v) => v.map((x) => (Math.abs(x) < 1e-30 ? 0 : x)))
      .filter((v) => v.some((x) => x !== 0));
    fc.assert(
      fc.property(normalFloats, fc.double({ min: 0.01, max: 100, noNaN: true }), (a, scale) => {
        expect(cosine.distance(a, a)).toBeLessThanOrEqual(1e-12);
        expect(cosine.distance(a, a.map((x) => x * scale))).toBeLessThanOrEqual(1e-6);
      }),
    );
  });

  it('puts a zero vector at distance 1 from everything, itself included', () => {
    const zero = new Float32Array(6);
    const v = Float32Array.of(1, -2, 3, 0, 5, 6);
    for (const metric of [cosine, unitCosine]) {
      expect(metric.distance(zero, zero)).toBe(1);
      expect(metric.distance(zero, v)).toBe(1);
      expect(metric.distance(v, zero)).toBe(1);
      const out = new Float32Array(2);
      metric.distances(zero, flat([v, zero], 6), out);
      expect(Array.from(out)).toEqual([1, 1]);
    }
    const out = new Float32Array(1);
    cosine.distances(v, zero, out);
    expect(out[0]).toBe(1);
  });

  it('equals half the squared L2 distance on unit vectors (‖a − b‖² = 2 − 2cos)', () => {
    fc.assert(
      fc.property(unitPair, ([a, b]) => {
        expect(Math.abs(l2.distance(a, b) ** 2 - 2 * cosine.distance(a, b))).toBeLessThanOrEqual(1e-5);
      }),
    );
  });

  it('with normalized: true, skips the norms and agrees on unit vectors', () => {
    fc.assert(
      fc.property(unitPair, ([a, b]) => {
        const d = unitCosine.distance(a, b);
        expect(Math.abs(d - cosine.distance(a, b))).toBeLessThanOrEqual(1e-5);
        expect(d).toBe(unitCosine.distance(b, a));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(2);
      }),
    );
    expect(unitCosine.distance(Float32Array.of(2, 0), Float32Array.of(3, 0))).toBe(0);
  });

  it('distances() writes distance() row by row into the given buffer and nothing beyond', () => {
    for (const metric of [cosine, unitCosine]) {
      fc.assert(
        fc.property(queryAndRows, ([query, rows]) => {
          const out = new Float32Array(rows.length + 2).fill(-1);
          metric.distances(query, flat(rows, query.length), out);
          rows.forEach((row, i) => expect(out[i]).toBe(Math.fround(metric.distance(query, row))));
          expect(Array.from(out.subarray(rows.length))).toEqual([-1, -1]);
        }),
      );
    }
  });

  it('refuses mismatched lengths, partial rows and a short output buffer', () => {
    for (const metric of [cosine, unitCosine]) {
      expect(() => metric.distance(new Float32Array(3), new Float32Array(4))).toThrow(DimensionMismatchError);
      expect(() => metric.distances(new Float32Array(3), new Float32Array(7), new Float32Array(3))).toThrow(InvalidArgumentError);
      expect(() => metric.distances(new Float32Array(3), new Float32Array(9), new Float32Array(2))).toThrow(InvalidArgumentError);
    }
  });
});
