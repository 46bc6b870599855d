/**
 * A distance between embeddings.
 *
 * Contract (checked by `describeMetric` in `@pv/testkit`):
 * - `distance(a, b)` is symmetric, finite for finite inputs, and `distance(a, a)` is the most-similar value
 *   (0 for true distances);
 * - `closer` says which way is more similar: `'lower'` for distances (L2, cosine distance), `'higher'`
 *   for similarities (e.g. a dot product);
 * - `distances(query, vectors, out)` writes `distance(query, vectors[i*d .. (i+1)*d))` into `out[i]` for
 *   every row of the flat, row-major `vectors` (d = `query.length`), allocating nothing; it equals
 *   `distance` row by row.
 */
export interface Metric {
  /** Stable id, e.g. `l2`, `cosine`. */
  readonly id: string;
  /** Which direction is more similar. */
  readonly closer: 'lower' | 'higher';
  distance(a: Float32Array, b: Float32Array): number;
  distances(query: Float32Array, vectors: Float32Array, out: Float32Array): void;
}

/** True when distance `a` is strictly more similar than `b` under `metric`. */
export function isCloser(metric: Pick<Metric, 'closer'>, a: number, b: number): boolean {
  return metric.closer === 'lower' ? a < b : a > b;
}

/** True when `distance` counts as a match for `threshold` under `metric` (inclusive). */
export function withinThreshold(metric: Pick<Metric, 'closer'>, distance: number, threshold: number): boolean {
  return metric.closer === 'lower' ? distance <= threshold : distance >= threshold;
}
