import type { AlignmentSpec, Box, FaceAligner, FaceDetection, RgbImage } from '@pv/core';
import { cropImage } from './crop.js';
import { resizeImage } from './resize.js';
import { estimateSimilarity } from './similarity.js';
import { warpAffine } from './warp.js';

/**
 * `@pv/core`'s {@link FaceAligner}: cuts the face of `detection` out of `image` as `spec` requires.
 *
 * - `similarity-5pt`: the least-squares similarity ({@link estimateSimilarity}) from the five landmarks onto
 *   `spec.template`, then a bilinear {@link warpAffine} with a zero border (as ArcFace-style training crops
 *   were made). Template and landmarks share `@pv/core`'s pixel convention.
 * - `box-crop`: FaceNet's margin convention as facenet-pytorch implements it — see {@link boxCropRegion} —
 *   cropped and shrunk with area averaging (OpenCV `INTER_AREA`, facenet-pytorch's path for NumPy images;
 *   its PIL path uses PIL's bilinear filter and its tensor path adaptive average pooling, which differ slightly).
 */
export const alignFace: FaceAligner = (image: RgbImage, detection: FaceDetection, spec: AlignmentSpec): RgbImage => {
  if (spec.kind === 'similarity-5pt') {
    const transform = estimateSimilarity(detection.landmarks, spec.template);
    return warpAffine(image, transform, spec.width, spec.height, { border: 'zero' });
  }
  const region = boxCropRegion(detection.box, spec, image.width, image.height);
  return resizeImage(cropImage(image, region), spec.width, spec.height, { filter: 'area' });
};

/**
 * The source region a `box-crop` spec cuts: the box, made square around its centre (side = the longer
 * edge) when `spec.square`, then grown by `spec.margin` output pixels in total per axis — half on each side,
 * i.e. `margin · boxSize / (outputSize − margin)` source pixels in all — then clipped to the image and
 * snapped to whole pixels (floored, as facenet-pytorch's `int()` does). Clipping is not padding: a face at
 * the edge is stretched to the output size, exactly as facenet-pytorch's crops are.
 */
export function boxCropRegion(
  box: Box,
  spec: Extract<AlignmentSpec, { kind: 'box-crop' }>,
  imageWidth: number,
  imageHeight: number,
): Box {
  let { x, y, width, height } = box;
  if (spec.square) {
    const side = Math.max(width, height);
    x += (width - side) / 2;
    y += (height - side) / 2;
    width = side;
    height = side;
  }
  const marginX = (spec.margin * width) / (spec.width - spec.margin);
  const marginY = (spec.margin * height) / (spec.height - spec.margin);
  const x0 = Math.floor(Math.max(x - marginX / 2, 0));
  const y0 = Math.floor(Math.max(y - marginY / 2, 0));
  const x1 = Math.floor(Math.min(x + width + marginX / 2, imageWidth));
  const y1 = Math.floor(Math.min(y + height + marginY / 2, imageHeight));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}
