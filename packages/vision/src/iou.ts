import { boxArea, type Box } from '@pv/core';

/** Area of the overlap of two boxes (0 when they do not overlap). */
export function intersectionArea(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Intersection over union of two boxes, in [0, 1]. Two degenerate (zero-area) boxes give 0.
 */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Intersection over the smaller box's area, in [0, 1]: 1 when one box lies inside the other. The overlap
 * measure of MTCNN's last stage ("Min" NMS). Degenerate boxes give 0.
 */
export function intersectionOverMinimum(a: Box, b: Box): number {
  const smaller = Math.min(boxArea(a), boxArea(b));
  return smaller > 0 ? intersectionArea(a, b) / smaller : 0;
}
