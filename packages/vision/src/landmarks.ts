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

/** Options of {@link reduce68To5}. */
export interface LandmarkReduction {
  /** Maps every point, e.g. from a crop's unit square to image pixels (default: identity). */
  readonly transform?: AffineMatrix;
  /** The point indices averaged into each of the five landmarks (default {@link LANDMARKS_68_TO_5}). */
  readonly groups?: readonly (readonly number[])[];
}

/**
 * Reduces 68 landmarks, given as 136 interleaved values `x0, y0, x1, y1, …`, to the five points of
 * `@pv/core`'s {@link FiveLandmarks}. Throws `E_INVALID_ARGUMENT` unless exactly 136 values and five
 * non-empty groups of valid indices are given.
 */
export function reduce68To5(xy: ArrayLike<number>, options: LandmarkReduction = {}): FiveLandmarks {
  const groups = options.groups ?? LANDMARKS_68_TO_5;
  const transform = options.transform ?? IDENTITY_AFFINE;
  if (xy.length !== 136) {
    throw new InvalidArgumentError(`Expected 136 values (68 points) but got ${xy.length}`, { length: xy.length });
  }
  if (groups.length !== 5 || groups.some((g) => g.length === 0 || g.some((i) => !Number.isInteger(i) || i < 0 || i >= 68))) {
    throw new InvalidArgumentError('Five non-empty groups of point indices 0..67 are needed', { groups });
  }
  const points = groups.map((indices): Point => {
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
