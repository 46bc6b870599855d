import type { Box } from '@pv/core';
import { nonMaxSuppression } from '@pv/vision';

/**
 * A face candidate between the stages, in facenet-pytorch's convention: corners `(x1, y1)` and `(x2, y2)`
 * in image pixels (not clipped to the image), and the last stage's face probability.
 */
export interface Candidate {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly score: number;
}

/**
 * How a regression's box size is measured: P-Net's proposals use `x2 − x1` (`exclusive`); R-Net's and
 * O-Net's `bbreg` uses `x2 − x1 + 1` (`inclusive`, the original MATLAB convention).
 */
export type BoxExtent = 'exclusive' | 'inclusive';

/** Moves each corner by its regression offset (`reg[at..at+3]`: dx1, dy1, dx2, dy2) times the box size. */
export function regress(candidate: Candidate, reg: ArrayLike<number>, at: number, extent: BoxExtent): Candidate {
  const { x1, y1, x2, y2, score } = candidate;
  const extra = extent === 'inclusive' ? 1 : 0;
  const width = x2 - x1 + extra;
  const height = y2 - y1 + extra;
  return {
    x1: x1 + (reg[at] as number) * width,
    y1: y1 + (reg[at + 1] as number) * height,
    x2: x2 + (reg[at + 2] as number) * width,
    y2: y2 + (reg[at + 3] as number) * height,
    score,
  };
}

/** The candidate made square around its centre, side = its longer edge (facenet-pytorch's `rerec`). */
export function square(candidate: Candidate): Candidate {
  const width = candidate.x2 - candidate.x1;
  const height = candidate.y2 - candidate.y1;
  const side = Math.max(width, height);
  const x1 = candidate.x1 + width * 0.5 - side * 0.5;
  const y1 = candidate.y1 + height * 0.5 - side * 0.5;
  return { x1, y1, x2: x1 + side, y2: y1 + side, score: candidate.score };
}

/**
 * The whole-pixel part of the image a candidate's crop is cut from (facenet-pytorch's `pad` and slicing):
 * corners truncated towards zero, the top-left clamped to 1 and the bottom-right to the image size, then
 * columns `x1 − 1 … x2 − 1` and rows `y1 − 1 … y2 − 1`. The crop is not padded: a face at the border is
 * stretched. `undefined` when nothing of the candidate lies inside the image.
 */
export function cropRegion(candidate: Candidate, imageWidth: number, imageHeight: number): Box | undefined {
  const x = Math.max(Math.trunc(candidate.x1), 1);
  const y = Math.max(Math.trunc(candidate.y1), 1);
  const ex = Math.min(Math.trunc(candidate.x2), imageWidth);
  const ey = Math.min(Math.trunc(candidate.y2), imageHeight);
  if (ex <= x - 1 || ey <= y - 1) return undefined;
  return { x: x - 1, y: y - 1, width: ex - x + 1, height: ey - y + 1 };
}

/**
 * How candidates overlap in {@link suppress}: `union` is intersection over union of the corner boxes
 * (torchvision's `nms`); `minimum-inclusive` is intersection over the smaller box with sizes counted as
 * `x2 − x1 + 1` (facenet-pytorch's NumPy "Min" NMS of the last stage).
 */
export type CandidateOverlap = 'union' | 'minimum-inclusive';

/** Greedy non-maximum suppression; returns the kept candidates, best score first. */
export function suppress(candidates: readonly Candidate[], threshold: number, overlap: CandidateOverlap): Candidate[] {
  const extra = overlap === 'minimum-inclusive' ? 1 : 0;
  const boxes = candidates.map((c) => ({ x: c.x1, y: c.y1, width: c.x2 - c.x1 + extra, height: c.y2 - c.y1 + extra }));
  const scores = candidates.map((c) => c.score);
  return nonMaxSuppression(boxes, scores, { iouThreshold: threshold, overlap: overlap === 'union' ? 'union' : 'minimum' }).map(
    (i) => candidates[i] as Candidate,
  );
}
