import { InvalidArgumentError, type FiveLandmarks, type Point } from '@pv/core';
import { applyAffine, IDENTITY_AFFINE, type AffineMatrix } from './affine.js';

/**
 * Zero-based indices of the 68-point (iBUG 300-W) layout averaged into each of the five landmarks:
 * the eye on the image's left (its four lid points, corners excluded), the other eye, the nose tip, and
 * each mouth corner (outer and inner lip corner).
 */
export const LANDMARKS_68_TO_5: readonly (readonly number[])[] = [
  [37, 38, 40, 41],
  [43, 44, 46, 47],
  [30],
  [48, 60],
  [54, 64],
];

/**
 * Reduces 68 landmarks, given as 136 interleaved values `x0, y0, x1, y1, …`, to the five points of
 * `@pv/core`'s {@link FiveLandmarks}, mapping each through `transform` (e.g. from a crop's unit square to
 * image pixels). Throws `E_INVALID_ARGUMENT` unless exactly 136 values are given.
 */
export function reduce68To5(xy: ArrayLike<number>, transform: AffineMatrix = IDENTITY_AFFINE): FiveLandmarks {
  if (xy.length !== 136) {
    throw new InvalidArgumentError(`Expected 136 values (68 points) but got ${xy.length}`, { length: xy.length });
  }
  const points = LANDMARKS_68_TO_5.map((indices): Point => {
    let x = 0;
    let y = 0;
    for (const i of indices) {
      x += xy[2 * i] as number;
      y += xy[2 * i + 1] as number;
    }
    return applyAffine(transform, { x: x / indices.length, y: y / indices.length });
  });
  return points as unknown as FiveLandmarks;
}
