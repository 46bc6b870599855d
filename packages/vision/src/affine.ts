import { InvalidArgumentError, type Point } from '@pv/core';

/**
 * A 2-D affine transform as the top two rows of its 3x3 matrix, `[a, b, c, d, e, f]`:
 * `x' = a·x + b·y + c`, `y' = d·x + e·y + f`.
 */
export type AffineMatrix = readonly [number, number, number, number, number, number];

/** The identity transform. */
export const IDENTITY_AFFINE: AffineMatrix = [1, 0, 0, 0, 1, 0];

/** Applies `m` to `p`. */
export function applyAffine(m: AffineMatrix, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/** The inverse of `m`. Throws `E_INVALID_ARGUMENT` when `m` is singular (it collapses the plane). */
export function invertAffine(m: AffineMatrix): AffineMatrix {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  const scale = Math.max(Math.abs(a), Math.abs(b), Math.abs(d), Math.abs(e));
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-12 * scale * scale || scale === 0) {
    throw new InvalidArgumentError('The affine transform is singular and cannot be inverted', { matrix: [...m] });
  }
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** The transform that applies `first`, then `second`. */
export function composeAffine(second: AffineMatrix, first: AffineMatrix): AffineMatrix {
  const [a, b, c, d, e, f] = second;
  const [p, q, r, s, t, u] = first;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}
