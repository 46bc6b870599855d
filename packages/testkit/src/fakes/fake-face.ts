import { createRgbImage, type Box, type FaceDetection, type FiveLandmarks, type RgbImage } from '@pv/core';

/** Red value that marks a painted fake face's pixels; backgrounds must avoid it. */
export const FAKE_FACE_MARKER = 255;

/** A face to paint into a fake photo. */
export interface FakeFace {
  /** Where the face is, in whole pixels, inside the image. */
  readonly box: Box;
  /** Who it is: 0 – 65535, stored in the green and blue channels, so the same id gives the same crop. */
  readonly identity: number;
}

/**
 * Five plausible landmarks for a face box (eyes at 35 % of the height, nose at 55 %, mouth at 75 %), in
 * the order of `FiveLandmarks`.
 */
export function fakeLandmarks(box: Box): FiveLandmarks {
  const at = (fx: number, fy: number) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  return [at(0.3, 0.35), at(0.7, 0.35), at(0.5, 0.55), at(0.35, 0.75), at(0.65, 0.75)];
}

/** A detection of `box` with `score` and {@link fakeLandmarks}, for table-driven fake detectors. */
export function fakeDetection(box: Box, score = 0.9): FaceDetection {
  return { box: { ...box }, score, landmarks: fakeLandmarks(box) };
}

/** Paints `face` into `image` (in place) as a solid rectangle that `FakeFaceDetector` finds. */
export function paintFakeFace(image: RgbImage, face: FakeFace): void {
  const { box, identity } = face;
  if (!Number.isInteger(identity) || identity < 0 || identity > 0xffff) {
    throw new RangeError(`Fake face identity must be an integer in 0..65535, got ${identity}`);
  }
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(image.width, Math.round(box.x + box.width));
  const y1 = Math.min(image.height, Math.round(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 3;
      image.data[i] = FAKE_FACE_MARKER;
      image.data[i + 1] = identity >> 8;
      image.data[i + 2] = identity & 0xff;
    }
  }
}

/**
 * A photo with a plain grey background and the given faces painted in (faces must not touch each other).
 *
 * @example
 * ```ts
 * const photo = createFakePhoto(200, 150, [{ box: { x: 20, y: 30, width: 40, height: 50 }, identity: 7 }]);
 * ```
 */
export function createFakePhoto(width: number, height: number, faces: readonly FakeFace[] = []): RgbImage {
  const image = createRgbImage(width, height, new Uint8Array(width * height * 3).fill(128));
  for (const face of faces) paintFakeFace(image, face);
  return image;
}
