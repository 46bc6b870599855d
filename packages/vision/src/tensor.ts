import { InvalidArgumentError, type RgbImage } from '@pv/core';

/** ITU-R BT.601 luma weights of R, G and B (what OpenCV's RGB→gray conversion uses). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** One value for all channels, or one per channel in tensor order (a one-element list counts for all). */
export type ChannelValues = number | readonly number[];

/** How pixel values become network inputs: `(value − mean) / std`. */
export interface TensorNormalization {
  /**
   * `rgb` writes three planes R, G, B; `bgr` writes them as B, G, R; `gray` writes one plane of
   * {@link LUMA_WEIGHTS} luma. Default `rgb`.
   */
  readonly channels?: 'rgb' | 'bgr' | 'gray';
  readonly mean: ChannelValues;
  readonly std: ChannelValues;
}

/** Number of floats one image occupies in an NCHW tensor. */
export function tensorLength(width: number, height: number, normalization: Pick<TensorNormalization, 'channels'>): number {
  return width * height * (normalization.channels === 'gray' ? 1 : 3);
}

/**
 * Writes `image` into `out` as one planar NCHW item at `batchIndex` (offset
 * `batchIndex · channels · height · width`), normalised per channel. Allocates nothing, so one buffer serves
 * every call. Throws `E_INVALID_ARGUMENT` when `out` is too short.
 */
export function packTensor(image: RgbImage, out: Float32Array, batchIndex: number, normalization: TensorNormalization): void {
  const plane = image.width * image.height;
  const length = tensorLength(image.width, image.height, normalization);
  const offset = batchIndex * length;
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || offset + length > out.length) {
    throw new InvalidArgumentError(`A ${image.width}x${image.height} image does not fit at batch index ${batchIndex}`, {
      batchIndex,
      needed: offset + length,
      available: out.length,
    });
  }
  const data = image.data;
  if (normalization.channels === 'gray') {
    const mean = channelValue(normalization.mean, 0);
    const scale = 1 / channelValue(normalization.std, 0);
    const [wr, wg, wb] = LUMA_WEIGHTS;
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      const luma = wr * (data[p] as number) + wg * (data[p + 1] as number) + wb * (data[p + 2] as number);
      out[offset + i] = (luma - mean) * scale;
    }
    return;
  }
  const bgr = normalization.channels === 'bgr';
  for (let c = 0; c < 3; c++) {
    const mean = channelValue(normalization.mean, c);
    const scale = 1 / channelValue(normalization.std, c);
    const base = offset + c * plane;
    for (let i = 0, p = bgr ? 2 - c : c; i < plane; i++, p += 3) out[base + i] = ((data[p] as number) - mean) * scale;
  }
}

function channelValue(values: ChannelValues, channel: number): number {
  if (typeof values === 'number') return values;
  const value = values.length === 1 ? values[0] : values[channel];
  if (value === undefined) {
    throw new InvalidArgumentError(`No normalisation value for channel ${channel}`, { values: [...values] });
  }
  return value;
}
