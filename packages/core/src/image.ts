import { BadImageError } from './errors.js';

/** A point in pixel coordinates (x to the right, y down, origin at the top-left pixel's corner). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box in pixel coordinates. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A decoded image: 8-bit RGB, row-major, interleaved (`data[(y * width + x) * 3 + c]`), no padding.
 * Grayscale and alpha sources are converted to this by the image loaders.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Five facial landmarks in image coordinates, in this order: the eye on the image's left, the eye on the
 * image's right, the nose tip, the mouth corner on the image's left, the mouth corner on the image's right.
 */
export type FiveLandmarks = readonly [Point, Point, Point, Point, Point];

/** One detected face. */
export interface FaceDetection {
  /** The face box in image pixels. */
  readonly box: Box;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
  /** Five landmarks (see {@link FiveLandmarks}). */
  readonly landmarks: FiveLandmarks;
}

/** A face cropped and aligned to an embedder's input convention. */
export interface AlignedFace {
  /** The crop, exactly the embedder's input size. */
  readonly image: RgbImage;
  /** The detection it was cut from (in the source image's coordinates). */
  readonly detection: FaceDetection;
}

/** Creates an {@link RgbImage} (black when `pixels` is omitted) after checking the size and the buffer length. */
export function createRgbImage(width: number, height: number, pixels?: Uint8Array): RgbImage {
  // Validate before allocating: a negative size would otherwise fail as a RangeError.
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new BadImageError(`Invalid image size ${width}x${height}`, { width, height });
  }
  const data = pixels ?? new Uint8Array(width * height * 3);
  if (data.length !== width * height * 3) {
    throw new BadImageError(`RGB buffer of ${data.length} bytes does not match ${width}x${height}x3`, {
      width,
      height,
      length: data.length,
    });
  }
  return { width, height, data };
}

/** True when `value` is structurally an {@link RgbImage}. */
export function isRgbImage(value: unknown): value is RgbImage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RgbImage>;
  return (
    typeof v.width === 'number' &&
    typeof v.height === 'number' &&
    v.data instanceof Uint8Array &&
    v.data.length === v.width * v.height * 3
  );
}

/** Area of a box (0 for degenerate boxes). */
export function boxArea(box: Box): number {
  return Math.max(0, box.width) * Math.max(0, box.height);
}
