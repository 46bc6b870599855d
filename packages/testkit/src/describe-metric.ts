import { isCloser, type Metric } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { randomUnitVector, randomVector, seededRandom, type RandomSource } from './random.js';

/** Options of {@link describeMetric}. */
export interface DescribeMetricOptions {
  /**
   * Which inputs the metric is defined on: `any` finite vectors (default; the zero vector included), or
   * only `unit` vectors (e.g. a cosine that skips the norms). The suite draws its vectors accordingly.
   */
  readonly inputs?: 'any' | 'unit';
  /**
   * The value of `distance(a, a)`. Defaults to 0 when `closer` is `'lower'` (a true distance); give it for
   * similarities (e.g. 1 for a dot product on unit vectors), or `null` to skip the check.
   */
  readonly selfDistance?: number | null;
  /** Every distance must lie in this closed range, e.g. `[0, 2]` for cosine distance. */
  readonly range?: readonly [number, number];
  /** Also check the triangle inequality (true metrics such as L2). Default `false`. */
  readonly triangleInequality?: boolean;
  /**
   * Absolute tolerance for comparing computed values (`distances` is written to a `Float32Array`, so it is
   * compared after rounding to float32 plus this). Default `1e-6`.
   */
  readonly tolerance?: number;
  /** Dimensions to test (odd ones exercise unrolled loops' tails). Default `[1, 2, 3, 4, 5, 7, 8, 17, 128, 513]`. */
  readonly dimensions?: readonly number[];
  /** Random vectors per property. Default 24. */
  readonly samples?: number;
  /** Seed of the vectors. Default 1. */
  readonly seed?: number;
}

const DEFAULT_DIMENSIONS = [1, 2, 3, 4, 5, 7, 8, 17, 128, 513] as const;

/**
 * Registers a vitest suite that checks `metric` against the {@link Metric} contract of `@pv/core`:
 * identity, symmetry, finiteness, `closer`, and `distances()` writing exactly `distance()` row by row into
 * the caller's buffer without touching anything beyond the rows or changing its inputs.
 *
 * @example
 * ```ts
 * describeMetric('my-metric', myMetric, { range: [0, 2], triangleInequality: true });
 * ```
 */
export function describeMetric(name: string, metric: Metric, options: DescribeMetricOptions = {}): void {
  const inputs = options.inputs ?? 'any';
  const selfDistance = options.selfDistance === undefined ? (metric.closer === 'lower' ? 0 : null) : options.selfDistance;
  const tolerance = options.tolerance ?? 1e-6;
  const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  const samples = options.samples ?? 24;
  const seed = options.seed ?? 1;

  const draw = (random: RandomSource, d: number): Float32Array =>
    inputs === 'unit' ? randomUnitVector(random, d) : scaled(randomVector(random, d), 0.1 + random() * 10);
  const vectorsOf = (d: number, salt: number): Float32Array[] => {
    const random = seededRandom(seed * 7919 + d * 31 + salt);
    return Array.from({ length: samples }, () => draw(random, d));
  };
  const close = (actual: number, expected: number): boolean =>
    Math.abs(actual - expected) <= tolerance + Math.abs(expected) * tolerance;

  describe(`Metric conformance: ${name}`, () => {
    it('has a non-empty id and a valid direction', () => {
      expect(typeof metric.id).toBe('string');
      expect(metric.id.length).toBeGreaterThan(0);
      expect(['lower', 'higher']).toContain(metric.closer);
    });

    it.each(dimensions)('is symmetric and finite (d=%i)', (d) => {
      const vs = vectorsOf(d, 1);
      for (let i = 0; i + 1 < vs.length; i++) {
        const a = vs[i] as Float32Array;
        const b = vs[i + 1] as Float32Array;
        const ab = metric.distance(a, b);
        const ba = metric.distance(b, a);
        expect(Number.isFinite(ab), `distance is ${ab}`).toBe(true);
        expect(close(ab, ba), `distance(a, b) = ${ab} but distance(b, a) = ${ba}`).toBe(true);
      }
    });

    it.each(dimensions)('gives every vector its most similar value against itself (d=%i)', (d) => {
      const vs = vectorsOf(d, 2);
      for (const a of vs) {
        const self = metric.distance(a, a);
        if (selfDistance !== null) expect(close(self, selfDistance), `distance(a, a) = ${self}`).toBe(true);
        for (const b of vs) {
          const other = metric.distance(a, b);
          expect(isCloser(metric, other, self) && !close(other, self), `distance(a, b) = ${other} beats distance(a, a) = ${self}`).toBe(false);
        }
      }
    });

    it('returns the same value on every call', () => {
      const [a, b] = vectorsOf(33, 3) as [Float32Array, Float32Array];
      expect(metric.distance(a, b)).toBe(metric.distance(a, b));
    });

    if (inputs === 'any') {
      it('is finite on zero vectors', () => {
        const zero = new Float32Array(8);
        const [a] = vectorsOf(8, 4) as [Float32Array];
        expect(Number.isFinite(metric.distance(zero, zero))).toBe(true);
        expect(Number.isFinite(metric.distance(zero, a))).toBe(true);
        expect(Number.isFinite(metric.distance(a, zero))).toBe(true);
        const out = new Float32Array(2);
        metric.distances(zero, concat([a, zero]), out);
        expect(out.every(Number.isFinite)).toBe(true);
      });
    }

    if (options.range) {
      const [low, high] = options.range;
      it(`stays within [${low}, ${high}]`, () => {
        for (const d of dimensions) {
          const vs = vectorsOf(d, 5);
          const opposite = scaled(vs[0] as Float32Array, -1);
          for (const a of [...vs, opposite]) {
            for (const b of vs) {
              const value = metric.distance(a, b);
              expect(value, `distance ${value} (d=${d})`).toBeGreaterThanOrEqual(low - tolerance);
              expect(value, `distance ${value} (d=${d})`).toBeLessThanOrEqual(high + tolerance);
            }
          }
        }
      });
    }

    if (options.triangleInequality) {
      it.each(dimensions)('obeys the triangle inequality (d=%i)', (d) => {
        const vs = vectorsOf(d, 6);
        for (let i = 0; i + 2 < vs.length; i++) {
          const [a, b, c] = [vs[i], vs[i + 1], vs[i + 2]] as [Float32Array, Float32Array, Float32Array];
          const direct = metric.distance(a, c);
          const detour = metric.distance(a, b) + metric.distance(b, c);
          expect(direct).toBeLessThanOrEqual(detour + tolerance * (1 + detour));
        }
      });
    }

    it.each(dimensions)('distances() equals distance() row by row (d=%i)', (d) => {
      const [query, ...rows] = vectorsOf(d, 7) as [Float32Array, ...Float32Array[]];
      const out = new Float32Array(rows.length);
      metric.distances(query, concat(rows), out);
      rows.forEach((row, i) => {
        const expected = Math.fround(metric.distance(query, row));
        expect(close(out[i] as number, expected), `row ${i}: ${out[i]} vs ${expected}`).toBe(true);
      });
    });

    it('distances() writes into the given buffer only, within its first n entries', () => {
      const d = 5;
      const [query, ...rows] = vectorsOf(d, 8) as [Float32Array, ...Float32Array[]];
      const n = rows.length;
      const backing = new Float32Array(n + 7).fill(-12345);
      const out = backing.subarray(3, 3 + n + 2);
      metric.distances(query, concat(rows), out);
      expect(Array.from(backing.subarray(0, 3))).toEqual([-12345, -12345, -12345]);
      expect(Array.from(backing.subarray(3 + n))).toEqual([-12345, -12345, -12345, -12345]);
      rows.forEach((row, i) => {
        expect(close(out[i] as number, Math.fround(metric.distance(query, row)))).toBe(true);
      });
    });

    it('distances() reads row views at an offset and changes neither query nor vectors', () => {
      const d = 7;
      const [query, ...rows] = vectorsOf(d, 9) as [Float32Array, ...Float32Array[]];
      const padded = new Float32Array(rows.length * d + 2 * d);
      padded.set(concat(rows), d);
      const view = padded.subarray(d, d + rows.length * d);
      const queryBefore = Float32Array.from(query);
      const paddedBefore = Float32Array.from(padded);
      const out = new Float32Array(rows.length);
      metric.distances(query, view, out);
      expect(query).toEqual(queryBefore);
      expect(padded).toEqual(paddedBefore);
      rows.forEach((row, i) => {
        expect(close(out[i] as number, Math.fround(metric.distance(query, row)))).toBe(true);
      });
    });

    it('distances() over no rows writes nothing', () => {
      const [query] = vectorsOf(4, 10) as [Float32Array];
      const out = new Float32Array(2).fill(7);
      metric.distances(query, new Float32Array(0), out);
      expect(Array.from(out)).toEqual([7, 7]);
    });
  });
}

function scaled(v: Float32Array, factor: number): Float32Array {
  return v.map((x) => x * factor);
}

function concat(rows: readonly Float32Array[]): Float32Array {
  const d = rows[0]?.length ?? 0;
  const flat = new Float32Array(rows.length * d);
  rows.forEach((row, i) => flat.set(row, i * d));
  return flat;
}
