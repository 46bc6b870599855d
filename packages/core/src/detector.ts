import type { AlignmentSpec } from './embedder.js';
import type { FaceDetection, RgbImage } from './image.js';

/**
 * Finds faces and their five landmarks in a photo.
 *
 * Contract: returns detections sorted by descending score, boxes and landmarks in the input image's
 * pixel coordinates; an image without faces gives an empty array (not an error).
 */
export interface FaceDetector {
  /** Stable id, e.g. `rfb320` or `mtcnn`. */
  readonly id: string;
  detect(image: RgbImage): Promise<FaceDetection[]>;
  close(): Promise<void>;
}

/**
 * Cuts the face out of `image` as `spec` requires. Implemented once, runtime-agnostically, by
 * `alignFace` in `@pv/vision`; the facade takes it as a function so `@pv/core` stays dependency-free.
 */
export type FaceAligner = (
  image: RgbImage,
  detection: FaceDetection,
  spec: AlignmentSpec,
) => RgbImage;
