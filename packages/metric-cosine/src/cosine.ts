import { checkDistanceArguments, checkDistancesArguments, type Metric } from '@pv/core';

/** Options of {@link createCosineMetric}. */
export interface CosineMetricOptions {
  /**
   * Promise that every vector is already unit length (as every pv `Embedder` returns), so the distance
   * is `1 − a·b` without computing norms (see BENCHMARKS.md for the gain). On other vectors the result is
   * then not the cosine distance. Default `false`.
   */
  readonly normalized?: boolean;
}

/** Sum of squares of `v[0..d)`, unrolled exactly like {@link cosineDistanceAt}'s norm of `b`. */
function sumOfSquares(v: Float32Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = d - (d % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const x0 = v[i] as number;
    const x1 = v[i + 1] as number;
    const x2 = v[i + 2] as number;
    const x3 = v[i + 3] as number;
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
  }
  for (; i < d; i++) {
    const x = v[i] as number;
    s0 += x * x;
  }
  return s0 + s1 + (s2 + s3);
}

/** Dot product of `a[0..d)` and `b[offset..offset+d)`, unrolled by four. */
function dotAt(a: Float32Array, b: Float32Array, offset: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = d - (d % 4);
  let i = 0;
  for (; i < end; i += 4) {
    s0 += (a[i] as number) * (b[offset + i] as number);
    s1 += (a[i + 1] as number) * (b[offset + i + 1] as number);
    s2 += (a[i + 2] as number) * (b[offset + i + 2] as number);
    s3 += (a[i + 3] as number) * (b[offset + i + 3] as number);
  }
  for (; i < d; i++) s0 += (a[i] as number) * (b[offset + i] as number);
  return s0 + s1 + (s2 + s3);
}

/** Clamps rounding noise so the distance stays in [0, 2]. */
function clampDistance(distance: number): number {
  return distance < 0 ? 0 : distance > 2 ? 2 : distance;
}

/**
 * Cosine distance between `a[0..d)` (whose sum of squares is `aa`) and `b[offset..offset+d)`, computing
 * the dot product and `b`'s norm in one pass. A zero vector is at distance 1 from everything.
 */
function cosineDistanceAt(a: Float32Array, aa: number, b: Float32Array, offset: number, d: number): number {
  let dot0 = 0;
  let dot1 = 0;
  let dot2 = 0;
  let dot3 = 0;
  let bb0 = 0;
  let bb1 = 0;
  let bb2 = 0;
  let bb3 = 0;
  const end = d - (d % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const y0 = b[offset + i] as number;
    const y1 = b[offset + i + 1] as number;
    const y2 = b[offset + i + 2] as number;
    const y3 = b[offset + i + 3] as number;
    dot0 += (a[i] as number) * y0;
    dot1 += (a[i + 1] as number) * y1;
    dot2 += (a[i + 2] as number) * y2;
    dot3 += (a[i + 3] as number) * y3;
    bb0 += y0 * y0;
    bb1 += y1 * y1;
    bb2 += y2 * y2;
    bb3 += y3 * y3;
  }
  for (; i < d; i++) {
    const y = b[offset + i] as number;
    dot0 += (a[i] as number) * y;
    bb0 += y * y;
  }
  const bb = bb0 + bb1 + (bb2 + bb3);
  if (aa === 0 || bb === 0) return 1;
  return clampDistance(1 - (dot0 + dot1 + (dot2 + dot3)) / Math.sqrt(aa * bb));
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  checkDistanceArguments(a, b);
  return cosineDistanceAt(a, sumOfSquares(a, a.length), b, 0, a.length);
}

function cosineDistances(query: Float32Array, vectors: Float32Array, out: Float32Array): void {
  const d = query.length;
  const n = checkDistancesArguments(query, vectors, out);
  const qq = sumOfSquares(query, d);
  for (let row = 0, offset = 0; row < n; row++, offset += d) {
    out[row] = cosineDistanceAt(query, qq, vectors, offset, d);
  }
}

function unitCosineDistance(a: Float32Array, b: Float32Array): number {
  checkDistanceArguments(a, b);
  return clampDistance(1 - dotAt(a, b, 0, a.length));
}

function unitCosineDistances(query: Float32Array, vectors: Float32Array, out: Float32Array): void {
  const d = query.length;
  const n = checkDistancesArguments(query, vectors, out);
  for (let row = 0, offset = 0; row < n; row++, offset += d) {
    out[row] = clampDistance(1 - dotAt(query, vectors, offset, d));
  }
}

/**
 * Creates a cosine-distance {@link Metric}: id `cosine`, lower is closer,
 * `distance(a, b) = 1 − (a·b) / (‖a‖‖b‖)` in [0, 2], the cosine distance of hnswlib and pgvector (`<=>`).
 *
 * A zero vector has no direction: its distance to any vector (itself included) is defined as 1, the
 * distance of orthogonal vectors, so it never looks like a match and never produces NaN.
 *
 * On unit vectors, ‖a − b‖² = 2 − 2cos = 2 · cosineDistance, so cosine and L2 rank neighbours identically.
 */
export function createCosineMetric(options: CosineMetricOptions = {}): Metric {
  return Object.freeze(
    options.normalized === true
      ? ({ id: 'cosine', closer: 'lower', distance: unitCosineDistance, distances: unitCosineDistances } as const)
      : ({ id: 'cosine', closer: 'lower', distance: cosineDistance, distances: cosineDistances } as const),
  );
}

/** The cosine distance `1 − cos(a, b)` for any vectors (see {@link createCosineMetric}). */
export const cosine: Metric = createCosineMetric();
