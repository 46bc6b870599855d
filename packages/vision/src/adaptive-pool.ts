import { InvalidArgumentError, type Box, type RgbImage } from '@pv/core';

/** `(value − mean) / std`, the same for the three channels. */
export interface PlanarNormalization {
  readonly mean: number;
  readonly std: number;
}

/**
 * Source cells of each output index along one axis, as adaptive average pooling chooses them: output `i`
 * of `outSize` averages source indices `floor(i · inSize / outSize)` up to (excluding)
 * `ceil((i + 1) · inSize / outSize)`, computed exactly in integers.
 */
function poolingWindows(inSize: number, outSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}

/**
 * Resizes the whole-pixel `region` of `image` to `width`x`height` by **adaptive average pooling** — what
 * PyTorch's `interpolate(mode="area")` computes (it calls `adaptive_avg_pool2d`) — and writes the result as
 * float RGB planes, normalised, into `out` at NCHW batch index `batchIndex`. Each output pixel is the plain
 * mean of a whole-pixel window (windows of neighbouring outputs may overlap, and when enlarging a window holds
 * one or two source pixels); this differs from OpenCV's `INTER_AREA` (`resizeImage`'s `area` filter), which
 * weights partly covered pixels, whenever the scale is not an integer. Values stay in floating point: nothing
 * is rounded to 8 bits, as in PyTorch. Allocates one row buffer.
 *
 * Throws `E_INVALID_ARGUMENT` when `region` is not whole pixels inside the image, the output size is not
 * positive, or `out` is too short.
 */
export function packAdaptiveAverage(
  image: RgbImage,
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
    x0 + regionWidth > image.width ||
    y0 + regionHeight > image.height ||
    width <= 0 ||
    height <= 0
  ) {
    throw new InvalidArgumentError(`Cannot pool region ${JSON.stringify(region)} of a ${image.width}x${image.height} image to ${width}x${height}`, {
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
  const columns = poolingWindows(regionWidth, width);
  const rows = poolingWindows(regionHeight, height);
  // Horizontal pass: per source row of the region, the window sums of every output column (interleaved RGB).
  const rowSums = new Float64Array(regionHeight * width * 3);
  const src = image.data;
  for (let y = 0; y < regionHeight; y++) {
    const rowIn = ((y0 + y) * image.width + x0) * 3;
    const rowOut = y * width * 3;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const end = columns.end[x] as number;
      for (let i = columns.start[x] as number; i < end; i++) {
        const p = rowIn + i * 3;
        r += src[p] as number;
        g += src[p + 1] as number;
        b += src[p + 2] as number;
      }
      rowSums[rowOut + x * 3] = r;
      rowSums[rowOut + x * 3 + 1] = g;
      rowSums[rowOut + x * 3 + 2] = b;
    }
  }
  // Vertical pass: window sums of the row sums, divided by the window area, normalised, written as planes.
  const scale = 1 / normalization.std;
  for (let y = 0; y < height; y++) {
    const top = rows.start[y] as number;
    const bottom = rows.end[y] as number;
    for (let x = 0; x < width; x++) {
      const area = (bottom - top) * ((columns.end[x] as number) - (columns.start[x] as number));
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let i = top; i < bottom; i++) sum += rowSums[(i * width + x) * 3 + c] as number;
        out[offset + c * plane + y * width + x] = (sum / area - normalization.mean) * scale;
      }
    }
  }
}
