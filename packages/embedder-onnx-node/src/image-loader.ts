import { BadImageError, InvalidArgumentError, createRgbImage, type ImageLoader, type RgbImage } from '@pv/core';
import sharp from 'sharp';
import { DEFAULT_MAX_IMAGE_BYTES, scanImageFiles, type ImageFileScan } from './image-files.js';
import { readImageFile } from './image-read.js';

/** Options of {@link createImageLoader}. */
export interface ImageLoaderOptions {
  /**
   * Refuse images with more pixels than this before decoding them (decompression bombs); default
   * 100 000 000 (100 megapixels).
   */
  readonly limitInputPixels?: number;
  /** The colour transparent pixels are laid on (default white). */
  readonly background?: { readonly r: number; readonly g: number; readonly b: number };
  /**
   * How strict decoding is: `warning` (default) refuses truncated and corrupt files; `error` accepts what
   * libvips can recover; see sharp's `failOn`.
   */
  readonly failOn?: 'none' | 'truncated' | 'error' | 'warning';
  /**
   * Refuse image files larger than this many bytes before reading them (`E_BAD_IMAGE`, reason
   * `too-large`); directory scans skip them as `too-large`. Default 64 MiB ({@link DEFAULT_MAX_IMAGE_BYTES}).
   */
  readonly maxFileBytes?: number;
}

/** The Node image loader: `@pv/core`'s {@link ImageLoader} plus a directory scan that reports what it leaves out. */
export interface NodeImageLoader extends ImageLoader {
  /** {@link scanImageFiles} with this loader's `maxFileBytes`: the images and every skipped entry with its reason. */
  scanImageFiles(directory: string): Promise<ImageFileScan>;
}

/**
 * `@pv/core`'s {@link ImageLoader} over sharp (libvips): JPEG, PNG, WebP, AVIF, TIFF and GIF (first frame).
 * The EXIF orientation is applied, any colour space is converted to sRGB, gray becomes three equal channels,
 * and alpha is composited onto `background`. Anything undecodable, or larger than `limitInputPixels`, is
 * `E_BAD_IMAGE` naming the file; a missing file is `E_NOT_FOUND`. Only regular files are read, and only up to
 * `maxFileBytes`: a FIFO, a device (a link to `/dev/zero`) or a larger file is `E_BAD_IMAGE` at once, before
 * any byte is read (details `reason`: `not-a-regular-file` or `too-large`).
 */
export function createImageLoader(options: ImageLoaderOptions = {}): NodeImageLoader {
  const limitInputPixels = options.limitInputPixels ?? 100_000_000;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
    throw new InvalidArgumentError(`maxFileBytes must be a positive integer, not ${maxFileBytes}`, { maxFileBytes });
  }
  const background = options.background ?? { r: 255, g: 255, b: 255 };
  const failOn = options.failOn ?? 'warning';
  return {
    async load(input: string | Uint8Array): Promise<RgbImage> {
      const name = typeof input === 'string' ? input : '<bytes>';
      const bytes = typeof input === 'string' ? await readImageFile(input, maxFileBytes) : input;
      try {
        const { data, info } = await sharp(bytes, { limitInputPixels, failOn, pages: 1 })
          .rotate()
          .flatten({ background })
          .toColourspace('srgb')
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        return toRgb(data, info.width, info.height, info.channels);
      } catch (error) {
        const reason = (error as Error).message;
        throw new BadImageError(`Cannot decode ${name}: ${reason}`, { file: name, reason }, { cause: error });
      }
    },
    async listImageFiles(directory: string) {
      return (await scanImageFiles(directory, { maxFileBytes })).files;
    },
    scanImageFiles: (directory: string) => scanImageFiles(directory, { maxFileBytes }),
  };
}

function toRgb(data: Buffer, width: number, height: number, channels: number): RgbImage {
  if (channels === 3) return createRgbImage(width, height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    // 1 channel: gray; 2: gray + alpha; 4: RGBA (alpha already flattened).
    if (channels < 3) rgb.fill(data[i * channels] as number, i * 3, i * 3 + 3);
    else rgb.set(data.subarray(i * channels, i * channels + 3), i * 3);
  }
  return createRgbImage(width, height, rgb);
}
