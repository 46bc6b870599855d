import { InvalidArgumentError, MultipleFacesError, NoFaceError } from './errors.js';
import type { FacePolicy } from './face-encoder.js';
import { boxArea, type FaceDetection } from './image.js';

/** Under the `largest` policy, detections scoring below this fraction of the best score are not candidates. */
export const LARGEST_FACE_MIN_RELATIVE_SCORE = 0.9;

/** Applies a {@link FacePolicy} to detections (sorted by descending score). */
export function chooseFaces(detections: readonly FaceDetection[], policy: FacePolicy, file?: string): FaceDetection[] {
  const details = file !== undefined ? { file } : {};
  if (detections.length === 0) {
    throw new NoFaceError(file !== undefined ? `No face was found in ${file}` : undefined, details);
  }
  if (policy === 'all') return [...detections];
  if (policy === 'strict' && detections.length > 1) throw new MultipleFacesError(detections.length, details);
  // `largest` looks only at detections nearly as confident as the best one, so a big low-score false
  // positive (a textured wall, say) never beats a clear face.
  const topScore = Math.max(...detections.map((d) => d.score));
  let best: FaceDetection | undefined;
  for (const d of detections) {
    if (d.score < LARGEST_FACE_MIN_RELATIVE_SCORE * topScore) continue;
    if (!best || boxArea(d.box) > boxArea(best.box)) best = d;
  }
  return [best as FaceDetection];
}

/**
 * Limits that drop a detector's likely false positives (a pattern on a shirt, a face in a poster): faces
 * whose box's shorter side is under `minFaceSize` pixels, or whose detector score is under `minScore` (0–1).
 */
export interface FaceFilter {
  readonly minFaceSize?: number;
  readonly minScore?: number;
}

/** Why {@link faceFilterVerdict} drops a face. */
export type FaceDropReason = 'too-small' | 'low-score';

/** Checks a {@link FaceFilter}'s limits: a size ≥ 0 and a score in [0, 1] (`E_INVALID_ARGUMENT` otherwise). */
export function checkFaceFilter(filter: FaceFilter): FaceFilter {
  const { minFaceSize, minScore } = filter;
  if (minFaceSize !== undefined && !(Number.isFinite(minFaceSize) && minFaceSize >= 0)) {
    throw new InvalidArgumentError(`The minimum face size must be a number of pixels ≥ 0, got ${minFaceSize}`, { minFaceSize });
  }
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) {
    throw new InvalidArgumentError(`The minimum detector score must be from 0 to 1, got ${minScore}`, { minScore });
  }
  return filter;
}

/** Why `filter` drops `detection` (size is checked first), or `undefined` when it keeps it. */
export function faceFilterVerdict(detection: FaceDetection, filter: FaceFilter): FaceDropReason | undefined {
  if (filter.minFaceSize !== undefined && Math.min(detection.box.width, detection.box.height) < filter.minFaceSize) return 'too-small';
  if (filter.minScore !== undefined && detection.score < filter.minScore) return 'low-score';
  return undefined;
}
