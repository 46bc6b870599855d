import { BadImageError } from '@pv/core';
import sharp from 'sharp';
import { ApiError } from './api-error.js';
import { sniffImageFormat, type ImageFormat } from './image-sniff.js';

/** What the header of an accepted upload says. */
export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/**
 * Checks an upload before any decoding: its magic bytes must be an accepted image format (else 415,
 * whatever the client's Content-Type said), its header must be readable and its pixel count (one frame)
 * at most `maxPixels` (else `E_BAD_IMAGE`, answered 422, with the size in the details). Only the header
 * is read, so a decompression bomb costs nothing.
 */
export async function checkImageHeader(bytes: Uint8Array, maxPixels: number): Promise<ImageHeader> {
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    throw new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', 'The upload is not a JPEG, PNG, WebP, GIF or AVIF image');
  }
  let width: number | undefined;
  let height: number | undefined;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.pageHeight ?? meta.height;
  } catch {
    throw new BadImageError(`The ${format.toUpperCase()} header cannot be read`, { format });
  }
  if (width === undefined || height === undefined || width <= 0 || height <= 0) {
    throw new BadImageError(`The ${format.toUpperCase()} header has no usable size`, { format });
  }
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new BadImageError(`The image has ${width}x${height} = ${pixels} pixels, more than the limit of ${maxPixels}`, {
      format,
      width,
      height,
      pixels,
      limit: maxPixels,
    });
  }
  return { format, width, height };
}
