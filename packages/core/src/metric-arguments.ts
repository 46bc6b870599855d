import type { Metric } from './metric.js';
import { DimensionMismatchError, InvalidArgumentError } from './errors.js';

/**
 * Checks the arguments of {@link Metric.distance}: throws `E_DIM_MISMATCH` unless `a` and `b` have the
 * same length. For {@link Metric} implementations, so that every metric refuses the same inputs alike.
 */
export function checkDistanceArguments(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new DimensionMismatchError(a.length, b.length);
}

/**
 * Checks the arguments of {@link Metric.distances} and returns the number of rows of the flat, row-major
 * `vectors` for `query`'s dimension. Throws `E_INVALID_ARGUMENT` when `vectors` does not hold whole rows
 * (an empty query with non-empty `vectors` included) or `out` has no room for every row. An empty query
 * with empty `vectors` has zero rows.
 *
 * @example
 * ```ts
 * const rows = checkDistancesArguments(query, vectors, out);
 * for (let row = 0; row < rows; row++) out[row] = distanceOfRow(query, vectors, row * query.length);
 * ```
 */
export function checkDistancesArguments(query: Float32Array, vectors: Float32Array, out: Float32Array): number {
  const d = query.length;
  if (d === 0) {
    if (vectors.length === 0) return 0;
    throw new InvalidArgumentError('The query is empty but vectors are not', { vectors: vectors.length });
  }
  if (vectors.length % d !== 0) {
    throw new InvalidArgumentError(`vectors holds ${vectors.length} values, not whole rows of ${d}`, {
      dimension: d,
      length: vectors.length,
    });
  }
  const rows = vectors.length / d;
  if (out.length < rows) {
    throw new InvalidArgumentError(`The output buffer holds ${out.length} values but ${rows} are needed`, {
      needed: rows,
      length: out.length,
    });
  }
  return rows;
}
