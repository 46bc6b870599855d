import { createRgbImage, type RgbImage } from '@pv/core';

/** Fixed-point bits of Pillow's 8-bit resampling coefficients (32 − 8 − 2). */
const PRECISION_BITS = 22;

/** Per output index: the first source index, and the fixed-point weights of the source pixels from there. */
interface AxisCoefficients {
  readonly first: Int32Array;
  readonly weights: readonly Int32Array[];
}

/**
 * Pillow's coefficients for its BILINEAR filter (a triangle of support 1, widened by the scale when
 * shrinking, so shrinking averages every source pixel), normalised and rounded to fixed point.
 */
function coefficients(inSize: number, outSize: number): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const first = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(Math.trunc(centre - support + 0.5), 0);
    const end = Math.min(Math.trunc(centre + support + 0.5), inSize);
    const raw: number[] = [];
    let total = 0;
    for (let i = start; i < end; i++) {
      const t = Math.abs((i - centre + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      raw.push(w);
      total += w;
    }
    first[o] = start;
    weights.push(Int32Array.from(raw, (w) => Math.trunc((total === 0 ? w : w / total) * (1 << PRECISION_BITS) + 0.5)));
  }
  return { first, weights };
}

/** One resampling pass along x (`horizontal`) or y, rounding to 8 bits as Pillow does. */
function pass(image: RgbImage, outSize: number, horizontal: boolean): RgbImage {
  const width = horizontal ? outSize : image.width;
  const height = horizontal ? image.height : outSize;
  const { first, weights } = coefficients(horizontal ? image.width : image.height, outSize);
  const out = createRgbImage(width, height);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = horizontal ? x : y;
      const w = weights[o] as Int32Array;
      const start = first[o] as number;
      for (let c = 0; c < 3; c++) {
        let sum = half;
        for (let k = 0; k < w.length; k++) {
          const sx = horizontal ? start + k : x;
          const sy = horizontal ? y : start + k;
          sum += (image.data[(sy * image.width + sx) * 3 + c] as number) * (w[k] as number);
        }
        const value = Math.floor(sum / (1 << PRECISION_BITS));
        out.data[(y * width + x) * 3 + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return out;
}

/**
 * `PIL.Image.resize(size, Image.BILINEAR)` (test-only): what torchvision's `Resize` and facenet-pytorch's
 * `extract_face` use on PIL images. Horizontal pass first, then vertical, each rounded to 8 bits.
 */
export function pilBilinearResize(image: RgbImage, width: number, height: number): RgbImage {
  const across = width === image.width ? image : pass(image, width, true);
  return height === across.height ? across : pass(across, height, false);
}

/** torchvision's `Resize(size)` on a PIL image: the shorter side becomes `size`, the longer one `int(size · long / short)`. */
export function resizeShorterSide(image: RgbImage, size: number): RgbImage {
  const portrait = image.width <= image.height;
  const width = portrait ? size : Math.trunc((size * image.width) / image.height);
  const height = portrait ? Math.trunc((size * image.height) / image.width) : size;
  return pilBilinearResize(image, width, height);
}
