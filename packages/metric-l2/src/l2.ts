import { checkDistanceArguments, checkDistancesArguments, type Metric } from '@pv/core';

/**
 * Sum of squared differences between `a[0..d)` and `b[offset..offset+d)`, unrolled by four with
 * independent accumulators. Allocation-free.
 */
function squaredDistanceAt(a: Float32Array, b: Float32Array, offset: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = d - (d % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const e0 = (a[i] as number) - (b[offset + i] as number);
    const e1 = (a[i + 1] as number) - (b[offset + i + 1] as number);
    const e2 = (a[i + 2] as number) - (b[offset + i + 2] as number);
    const e3 = (a[i + 3] as number) - (b[offset + i + 3] as number);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; i < d; i++) {
    const e = (a[i] as number) - (b[offset + i] as number);
    s0 += e * e;
  }
  return s0 + s1 + (s2 + s3);
}

/** Euclidean distance ‖a − b‖ (not squared), accumulated in double precision. */
function l2Distance(a: Float32Array, b: Float32Array): number {
  checkDistanceArguments(a, b);
  return Math.sqrt(squaredDistanceAt(a, b, 0, a.length));
}

/** One-vs-many Euclidean distances into `out[0..n)`; `vectors` is flat and row-major. */
function l2Distances(query: Float32Array, vectors: Float32Array, out: Float32Array): void {
  const d = query.length;
  const n = checkDistancesArguments(query, vectors, out);
  for (let row = 0, offset = 0; row < n; row++, offset += d) {
    out[row] = Math.sqrt(squaredDistanceAt(query, vectors, offset, d));
  }
}

/**
 * Creates the Euclidean (L2) {@link Metric}: id `l2`, lower is closer, `distance(a, b) = ‖a − b‖`.
 * It has no settings; {@link l2} is the shared instance, and this factory exists for callers that want
 * their own object (e.g. to wrap it).
 */
export function createL2Metric(): Metric {
  return Object.freeze({ id: 'l2', closer: 'lower', distance: l2Distance, distances: l2Distances } as const);
}

/**
 * The Euclidean distance ‖a − b‖ (the true distance, not its square). On unit vectors it ranges over
 * [0, 2] and equals √(2 · cosineDistance).
 */
export const l2: Metric = createL2Metric();
