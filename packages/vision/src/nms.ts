import { InvalidArgumentError, type Box } from '@pv/core';
import { intersectionOverMinimum, iou } from './iou.js';

/** Options of {@link nonMaxSuppression}. */
export interface NmsOptions {
  /** A box is dropped when it overlaps an already kept, higher-scoring box by more than this. */
  readonly iouThreshold: number;
  /** Candidates scoring below this are ignored (default: none are). */
  readonly scoreThreshold?: number;
  /** Stop after keeping this many boxes (default: no limit). */
  readonly maxOutput?: number;
  /**
   * How overlap is measured: `union` (intersection over union, the usual NMS) or `minimum`
   * (intersection over the smaller box, as MTCNN's last stage does). Default `union`.
   */
  readonly overlap?: 'union' | 'minimum';
}

/**
 * Greedy, score-sorted non-maximum suppression: visits candidates from the highest score down and keeps a
 * box unless it overlaps a kept box by more than `iouThreshold`. Returns the indices of the kept boxes,
 * highest score first (ties keep input order). Generic over any boxes and scores, so every detector shares it.
 */
export function nonMaxSuppression(boxes: readonly Box[], scores: ArrayLike<number>, options: NmsOptions): number[] {
  if (boxes.length !== scores.length) {
    throw new InvalidArgumentError(`NMS got ${boxes.length} boxes but ${scores.length} scores`, {
      boxes: boxes.length,
      scores: scores.length,
    });
  }
  const minScore = options.scoreThreshold ?? Number.NEGATIVE_INFINITY;
  const maxOutput = options.maxOutput ?? Number.POSITIVE_INFINITY;
  const overlap = options.overlap === 'minimum' ? intersectionOverMinimum : iou;
  const candidates: number[] = [];
  for (let i = 0; i < boxes.length; i++) if ((scores[i] as number) >= minScore) candidates.push(i);
  candidates.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const kept: number[] = [];
  for (const index of candidates) {
    if (kept.length >= maxOutput) break;
    const candidate = boxes[index] as Box;
    if (kept.every((k) => overlap(boxes[k] as Box, candidate) <= options.iouThreshold)) kept.push(index);
  }
  return kept;
}
