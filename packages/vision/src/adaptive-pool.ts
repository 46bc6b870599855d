import { InvalidArgumentError, type Box, type RgbImage } from '@pv/core';

/** `(value − mean) / std`, the same for the three channels. */
export interface PlanarNormalization {
  readonly mean: number;
  readonly std: number;
}

/**
 * Running sums of an image, per channel: `sums[(y · (width + 1) + x) · 3 + c]` is the sum of channel `c` over
 * the pixels left of column `x` and above row `y`. Any rectangle's sum is then four lookups. The sums are
 * whole numbers, exact in doubles for any image size.
 */
export interface SummedAreaTable {
  readonly width: number;
  readonly height: number;
  readonly sums: Float64Array;
}

/** The {@link SummedAreaTable} of `image` (24 bytes per pixel). */
export function summedAreaTable(image: RgbImage): SummedAreaTable {
  const { width, height, data } = image;
  const stride = (width + 1) * 3;
  const sums = new Float64Array((height + 1) * stride);
  for (let y = 0; y < height; y++) {
    let r = 0;
    let g = 0;
    let b = 0;
    const above = y * stride;
    const row = above + stride;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      r += data[p] as number;
      g += data[p + 1] as number;
      b += data[p + 2] as number;
      const o = row + (x + 1) * 3;
      sums[o] = (sums[above + (x + 1) * 3] as number) + r;
      sums[o + 1] = (sums[above + (x + 1) * 3 + 1] as number) + g;
      sums[o + 2] = (sums[above + (x + 1) * 3 + 2] as number) + b;
    }
  }
  return { width, height, sums };
}

/**
 * Source cells of each output index along one axis, as adaptive average pooling chooses them: output `i`
 * of `outSize` averages source indices `floor(i · inSize / outSize)` up to (excluding)
 * `ceil((i + 1) · inSize / outSize)`.
 */
function poolingWindows(offset: number, inSize: number, outSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = offset + Math.floor((i * inSize) / outSize);
    end[i] = offset + Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}

/**
 * Resizes the whole-pixel `region` of an image (given as its {@link SummedAreaTable}, built once and shared by
 * every region cut from the image) to `width`x`height` by **adaptive average pooling** — what PyTorch's
 * `interpolate(mode="area")` computes (it calls `adaptive_avg_pool2d`) — and writes the result as float RGB
 * planes, normalised, into `out` at NCHW batch index `batchIndex`. Each output pixel is the plain mean of a
 * whole-pixel window (windows of neighbouring outputs may overlap, and when enlarging a window holds one or
 * two source pixels); this differs from OpenCV's `INTER_AREA` (`resizeImage`'s `area` filter), which weights
 * partly covered pixels, whenever the scale is not an integer. Values stay in floating point: nothing is
 * rounded to 8 bits, as in PyTorch. Costs four lookups per output value, whatever the scale.
 *
 * Throws `E_INVALID_ARGUMENT` when `region` is not whole pixels inside the image, the output size is not
 * positive, or `out` is too short.
 */
export function packAdaptiveAverage(
  table: SummedAreaTable,
  region: Box,
  width: number,
  height: number,
  out: Float32Array,
  batchIndex: number,
  normalization: PlanarNormalization,
): void {
  const { x: x0, y: y0, width: regionWidth, height: regionHeight } = region;
  const wholePixels = [x0, y0, regionWidth, regionHeight, width, height].every(Number.isInteger);
  if (
    !wholePixels ||
    regionWidth <= 0 ||
    regionHeight <= 0 ||
    x0 < 0 ||
    y0 < 0 ||
    x0 + regionWidth > table.width ||
    y0 + regionHeight > table.height ||
    width <= 0 ||
    height <= 0
  ) {
    throw new InvalidArgumentError(`Cannot pool region ${JSON.stringify(region)} of a ${table.width}x${table.height} image to ${width}x${height}`, {
      region,
      width,
      height,
    });
  }
  const plane = width * height;
  const offset = batchIndex * 3 * plane;
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || offset + 3 * plane > out.length) {
    throw new InvalidArgumentError(`A ${width}x${height} RGB item does not fit at batch index ${batchIndex}`, {
      batchIndex,
      needed: offset + 3 * plane,
      available: out.length,
    });
  }
  const columns = poolingWindows(x0, regionWidth, width);
  const rows = poolingWindows(y0, regionHeight, height);
  const sums = table.sums;
  const stride = (table.width + 1) * 3;
  const scale = 1 / normalization.std;
  const mean = normalization.mean;
  for (let y = 0; y < height; y++) {
    const top = rows.start[y] as number;
    const bottom = rows.end[y] as number;
    const above = top * stride;
    const below = bottom * stride;
    const at = offset + y * width;
    for (let x = 0; x < width; x++) {
      const left = (columns.start[x] as number) * 3;
      const right = (columns.end[x] as number) * 3;
      const area = (bottom - top) * ((right - left) / 3);
      for (let c = 0; c < 3; c++) {
        const sum =
          (sums[below + right + c] as number) - (sums[below + left + c] as number) - (sums[above + right + c] as number) + (sums[above + left + c] as number);
        out[at + c * plane + x] = (sum / area - mean) * scale;
      }
    }
  }
}
