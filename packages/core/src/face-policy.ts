import { MultipleFacesError, NoFaceError } from './errors.js';
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
