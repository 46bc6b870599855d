import { InvalidArgumentError, type Point } from '@pv/core';
import type { AffineMatrix } from './affine.js';

/**
 * The least-squares similarity transform (rotation, uniform scale, translation; never a reflection) that
 * maps `source[i]` onto `target[i]`: Umeyama's estimator (1991) specialised to 2-D, where it has a
 * closed form. With centred points s and t:
 * `a = Σ(sx·tx + sy·ty) / Σ|s|²`, `b = Σ(sx·ty − sy·tx) / Σ|s|²`, giving `[a, −b, ·, b, a, ·]`.
 * Restricting the matrix to that form is what rules reflections out (Umeyama's sign correction); a
 * mirrored point set gets the best proper rotation instead.
 *
 * Needs at least two distinct source points; throws `E_INVALID_ARGUMENT` otherwise or when the lists differ
 * in length.
 */
export function estimateSimilarity(source: readonly Point[], target: readonly Point[]): AffineMatrix {
  const n = source.length;
  if (n !== target.length || n < 2) {
    throw new InvalidArgumentError(`A similarity transform needs two equal lists of at least 2 points`, {
      source: n,
      target: target.length,
    });
  }
  let sx = 0;
  let sy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    const s = source[i] as Point;
    const t = target[i] as Point;
    sx += s.x;
    sy += s.y;
    tx += t.x;
    ty += t.y;
  }
  sx /= n;
  sy /= n;
  tx /= n;
  ty /= n;
  let variance = 0;
  let dot = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const s = source[i] as Point;
    const t = target[i] as Point;
    const px = s.x - sx;
    const py = s.y - sy;
    const qx = t.x - tx;
    const qy = t.y - ty;
    variance += px * px + py * py;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (!(variance > 0) || !Number.isFinite(variance + dot + cross)) {
    throw new InvalidArgumentError('The source points coincide (or are not finite): no transform can be estimated');
  }
  const a = dot / variance;
  const b = cross / variance;
  return [a, -b, tx - (a * sx - b * sy), b, a, ty - (b * sx + a * sy)];
}
