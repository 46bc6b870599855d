import type { OnnxGraphBuilder, ValueRef } from '@pv/onnx-writer';

/**
 * How pixels (RGB, 0..255) become network input, inside the ONNX graph:
 * - `fixed`: `(x - 127.5) / 128` (facenet-pytorch's `fixed_image_standardization`, used to train and
 *   evaluate its released models);
 * - `prewhiten`: per image, `(x - mean) / max(std, 1 / sqrt(n))` over all `n = 3 * 160 * 160` values, with
 *   the unbiased standard deviation (facenet-pytorch's original `prewhiten`, the reference system's choice).
 */
export type FacenetNormalization = 'fixed' | 'prewhiten';

/** Appends the chosen normalisation to `pixels` (NCHW, 0..255) and returns the normalised tensor. */
export function appendNormalization(g: OnnxGraphBuilder, pixels: ValueRef, normalization: FacenetNormalization, valuesPerImage: number): ValueRef {
  if (normalization === 'fixed') {
    return g.div(g.sub(pixels, g.scalar(127.5, 'pixel_mean')), g.scalar(128, 'pixel_scale'), { name: 'standardized' });
  }
  const mean = g.reduceMean(pixels, [1, 2, 3], { name: 'image_mean' });
  const centred = g.sub(pixels, mean, { name: 'centred' });
  const variance = g.div(g.reduceSumSquare(centred, [1, 2, 3]), g.scalar(valuesPerImage - 1, 'bessel_count'));
  const std = g.max(g.sqrt(variance), g.scalar(1 / Math.sqrt(valuesPerImage), 'min_std'), { name: 'image_std' });
  return g.div(centred, std, { name: 'prewhitened' });
}
