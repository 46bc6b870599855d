import { DimensionMismatchError, InvalidArgumentError } from '@pv/core';

/** Throws `E_DIM_MISMATCH` unless `a` and `b` have the same length. */
export function checkSameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new DimensionMismatchError(a.length, b.length);
}

/**
 * The number of rows of the flat `vectors` for `query`'s dimension, after checking that `vectors`
 * holds whole rows and that `out` has room for them (both `E_INVALID_ARGUMENT`).
 */
export function rowCount(query: Float32Array, vectors: Float32Array, out: Float32Array): number {
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
  const n = vectors.length / d;
  if (out.length < n) {
    throw new InvalidArgumentError(`The output buffer holds ${out.length} values but ${n} are needed`, {
      needed: n,
      length: out.length,
    });
  }
  return n;
}
