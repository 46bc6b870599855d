import type { RgbImage } from '@pv/core';
import { LUMA_WEIGHTS } from './tensor.js';

/** Gray-level statistics of an image. */
export interface GrayStats {
  /** Mean BT.601 luma (0–255): brightness. */
  readonly mean: number;
  /** Standard deviation of the luma (0–255): global contrast. */
  readonly std: number;
}

/** The BT.601 luma of every pixel (0–255, not rounded), row-major. */
export function grayPlane(image: RgbImage): Float32Array {
  const [wr, wg, wb] = LUMA_WEIGHTS;
  const out = new Float32Array(image.width * image.height);
  const d = image.data;
  for (let i = 0, o = 0; i < out.length; i++, o += 3) out[i] = wr * d[o]! + wg * d[o + 1]! + wb * d[o + 2]!;
  return out;
}

/** Mean and standard deviation of the luma: the brightness and contrast measures of face quality. */
export function grayStats(image: RgbImage): GrayStats {
  const gray = grayPlane(image);
  let sum = 0;
  for (const v of gray) sum += v;
  const mean = sum / gray.length;
  let sq = 0;
  for (const v of gray) sq += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(sq / gray.length) };
}

/**
 * Sharpness: the variance of the 4-neighbour Laplacian (`4·p − up − down − left − right`) of the luma,
 * over interior pixels (the one-pixel border is skipped). Blur removes high frequencies and lowers it;
 * a flat image gives 0. Measure it on a fixed-size aligned crop so faces of different sizes compare.
 * Images smaller than 3x3 give 0.
 */
export function laplacianVariance(image: RgbImage): number {
  const { width: w, height: h } = image;
  if (w < 3 || h < 3) return 0;
  const g = grayPlane(image);
  let sum = 0;
  let sq = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = 4 * g[i]! - g[i - 1]! - g[i + 1]! - g[i - w]! - g[i + w]!;
      sum += l;
      sq += l * l;
    }
  }
  const n = (w - 2) * (h - 2);
  const mean = sum / n;
  return sq / n - mean * mean;
}
