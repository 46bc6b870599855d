import { createRgbImage, type RgbImage } from '@pv/core';

/**
 * How {@link resizeImage} samples:
 * - `bilinear`: blends the two nearest source pixels per axis (pixel centres aligned, edges replicated),
 *   like OpenCV's `INTER_LINEAR` and PyTorch's `interpolate(mode="bilinear", align_corners=False)`. Fast, but
 *   shrinking by more than 2x skips source pixels (aliasing).
 * - `area`: when shrinking, each output pixel is the exact area-weighted mean of the source pixels it covers
 *   (OpenCV's `INTER_AREA`); when enlarging along an axis it falls back to bilinear on that axis. PyTorch's
 *   `mode="area"` is adaptive average pooling instead (whole-pixel windows; see `packAdaptiveAverage`), which
 *   differs when the scale is not an integer.
 */
export type ResizeFilter = 'bilinear' | 'area';

/** Options of {@link resizeImage}. */
export interface ResizeOptions {
  /** Default `bilinear`. */
  readonly filter?: ResizeFilter;
}

/** Per-output-index source taps of one axis: `taps` entries per output index. */
interface AxisWeights {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

/** Resizes `image` to `width`x`height` (aspect ratio not kept), separably along x then y. */
export function resizeImage(image: RgbImage, width: number, height: number, options: ResizeOptions = {}): RgbImage {
  const out = createRgbImage(width, height);
  if (width === image.width && height === image.height) {
    out.data.set(image.data);
    return out;
  }
  const filter = options.filter ?? 'bilinear';
  const wx = axisWeights(image.width, width, filter);
  const wy = axisWeights(image.height, height, filter);
  // Horizontal pass into a float buffer of `image.height` rows of `width` pixels.
  const rows = new Float32Array(image.height * width * 3);
  const src = image.data;
  for (let y = 0; y < image.height; y++) {
    const rowIn = y * image.width * 3;
    const rowOut = y * width * 3;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < wx.taps; t++) {
        const k = x * wx.taps + t;
        const w = wx.weight[k] as number;
        const p = rowIn + (wx.index[k] as number) * 3;
        r += w * (src[p] as number);
        g += w * (src[p + 1] as number);
        b += w * (src[p + 2] as number);
      }
      const o = rowOut + x * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // Vertical pass.
  const dst = out.data;
  const stride = width * 3;
  for (let y = 0; y < height; y++) {
    const rowOut = y * stride;
    for (let i = 0; i < stride; i++) {
      let v = 0;
      for (let t = 0; t < wy.taps; t++) {
        const k = y * wy.taps + t;
        v += (wy.weight[k] as number) * (rows[(wy.index[k] as number) * stride + i] as number);
      }
      dst[rowOut + i] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
    }
  }
  return out;
}

function axisWeights(inSize: number, outSize: number, filter: ResizeFilter): AxisWeights {
  const scale = inSize / outSize;
  if (filter === 'area' && scale > 1) return areaWeights(inSize, outSize, scale);
  const index = new Int32Array(outSize * 2);
  const weight = new Float32Array(outSize * 2);
  for (let o = 0; o < outSize; o++) {
    const s = (o + 0.5) * scale - 0.5;
    const i0 = Math.floor(s);
    const f = s - i0;
    index[2 * o] = Math.min(Math.max(i0, 0), inSize - 1);
    index[2 * o + 1] = Math.min(Math.max(i0 + 1, 0), inSize - 1);
    weight[2 * o] = 1 - f;
    weight[2 * o + 1] = f;
  }
  return { taps: 2, index, weight };
}

function areaWeights(inSize: number, outSize: number, scale: number): AxisWeights {
  const taps = Math.ceil(scale) + 1;
  const index = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const start = o * scale;
    const end = Math.min((o + 1) * scale, inSize);
    let t = 0;
    for (let i = Math.floor(start); i < end && t < taps; i++, t++) {
      const covered = Math.min(i + 1, end) - Math.max(i, start);
      index[o * taps + t] = i;
      weight[o * taps + t] = covered / scale;
    }
  }
  return { taps, index, weight };
}
