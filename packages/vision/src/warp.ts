import { createRgbImage, type RgbImage } from '@pv/core';
import { invertAffine, type AffineMatrix } from './affine.js';
import type { BorderMode } from './border.js';

/** Options of {@link warpAffine}. */
export interface WarpOptions {
  /** What is read outside the source image (default `zero`). */
  readonly border?: BorderMode;
}

/**
 * Resamples `image` through the affine `sourceToOutput` into a new `width`x`height` image, bilinearly.
 *
 * Coordinates follow `@pv/core`'s convention in both images: pixel (i, j) covers [i, i+1)x[j, j+1) and its
 * centre is (i + 0.5, j + 0.5). Each output pixel centre is mapped back into the source and the four
 * surrounding source pixels are blended. There is no anti-aliasing: shrinking by more than 2x skips
 * source pixels (as OpenCV's `warpAffine` does); shrink with {@link resizeImage} first when that matters.
 */
export function warpAffine(
  image: RgbImage,
  sourceToOutput: AffineMatrix,
  width: number,
  height: number,
  options: WarpOptions = {},
): RgbImage {
  const out = createRgbImage(width, height);
  const [a, b, c, d, e, f] = invertAffine(sourceToOutput);
  const replicate = options.border === 'replicate';
  const src = image.data;
  const sw = image.width;
  const sh = image.height;
  const dst = out.data;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    for (let x = 0; x < width; x++, o += 3) {
      const cx = x + 0.5;
      // Source position in pixel-index space (pixel centres at integers).
      const sx = a * cx + b * cy + c - 0.5;
      const sy = d * cx + e * cy + f - 0.5;
      let x0 = Math.floor(sx);
      let y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let x1 = x0 + 1;
      let y1 = y0 + 1;
      let w00 = (1 - fx) * (1 - fy);
      let w10 = fx * (1 - fy);
      let w01 = (1 - fx) * fy;
      let w11 = fx * fy;
      if (replicate) {
        x0 = clamp(x0, sw);
        x1 = clamp(x1, sw);
        y0 = clamp(y0, sh);
        y1 = clamp(y1, sh);
      } else {
        if (x1 < 0 || y1 < 0 || x0 >= sw || y0 >= sh) continue; // all four taps outside: stays zero
        if (x0 < 0) {
          w00 = 0;
          w01 = 0;
          x0 = 0;
        }
        if (x1 >= sw) {
          w10 = 0;
          w11 = 0;
          x1 = sw - 1;
        }
        if (y0 < 0) {
          w00 = 0;
          w10 = 0;
          y0 = 0;
        }
        if (y1 >= sh) {
          w01 = 0;
          w11 = 0;
          y1 = sh - 1;
        }
      }
      const p00 = (y0 * sw + x0) * 3;
      const p10 = (y0 * sw + x1) * 3;
      const p01 = (y1 * sw + x0) * 3;
      const p11 = (y1 * sw + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const v =
          w00 * (src[p00 + ch] as number) +
          w10 * (src[p10 + ch] as number) +
          w01 * (src[p01 + ch] as number) +
          w11 * (src[p11 + ch] as number);
        dst[o + ch] = v + 0.5; // Uint8Array truncates: rounds the non-negative blend to nearest
      }
    }
  }
  return out;
}

function clamp(i: number, size: number): number {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}
