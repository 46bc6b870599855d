import type { AnalysisKind, FaceAnalysis, LivenessResult } from './analysis.js';
import { FaceRejectedError, InvalidArgumentError, type PvErrorDetails } from './errors.js';

/** How strictly faces are reviewed before enrollment: `off` accepts every face. */
export type ReviewMode = 'off' | 'standard' | 'strict';

/** Every {@link ReviewMode}. */
export const REVIEW_MODES: readonly ReviewMode[] = ['off', 'standard', 'strict'];

/** Why a face was rejected (stable codes). */
export type ReviewReasonCode =
  | 'too-small'
  | 'low-detector-score'
  | 'blurred'
  | 'too-dark'
  | 'washed-out'
  | 'low-contrast'
  | 'profile'
  | 'head-tilted'
  | 'eyes-closed'
  | 'not-live';

/** One failed check: what was measured and the limit it broke. */
export interface ReviewReason {
  readonly code: ReviewReasonCode;
  /** One sentence for people, with the measured value and the limit. */
  readonly message: string;
  readonly measured: number;
  readonly limit: number;
}

/** The verdict on one face. */
export interface FaceReview {
  readonly mode: ReviewMode;
  readonly accepted: boolean;
  /** Empty when accepted. */
  readonly reasons: readonly ReviewReason[];
}

/** The limits of one review mode. */
export interface ReviewLimits {
  /** Smallest face box side in pixels. */
  readonly minFaceSize: number;
  readonly minDetectorScore: number;
  /** Smallest Laplacian variance of the aligned gray crop. */
  readonly minSharpness: number;
  /** Darkest mean gray level. */
  readonly minBrightness: number;
  /** Brightest mean gray level. */
  readonly maxBrightness: number;
  /** Smallest gray-level standard deviation. */
  readonly minContrast: number;
  /** Largest |yaw| in degrees. */
  readonly maxYaw: number;
  /** Largest |pitch| in degrees. */
  readonly maxPitch: number;
  /** Largest |roll| in degrees. */
  readonly maxRoll: number;
  /** Whether both eyes must be open. */
  readonly requireEyesOpen: boolean;
  /** Whether the liveness check must pass. */
  readonly requireLive: boolean;
}

/**
 * The built-in limits. How they were chosen (measured on ../shared/data with the default pipeline, see
 * BENCHMARKS.md "Face analysis"): `standard` rejects only faces that are unusable for recognition — each
 * limit lies beyond what any of the 807 lfw-fold1 and 124 celeba-sample faces measured except genuinely
 * tiny, blurred or turned faces; `strict` is for enrollment photos taken on purpose: a frontal, sharp,
 * well-lit, open-eyed, live face of at least 80 px.
 */
export const REVIEW_LIMITS: Readonly<Record<Exclude<ReviewMode, 'off'>, ReviewLimits>> = {
  standard: {
    minFaceSize: 32,
    minDetectorScore: 0.7,
    minSharpness: 15,
    minBrightness: 35,
    maxBrightness: 225,
    minContrast: 15,
    maxYaw: 50,
    maxPitch: 40,
    maxRoll: 45,
    requireEyesOpen: false,
    requireLive: false,
  },
  strict: {
    minFaceSize: 80,
    minDetectorScore: 0.9,
    minSharpness: 60,
    minBrightness: 60,
    maxBrightness: 200,
    minContrast: 25,
    maxYaw: 30,
    maxPitch: 35,
    maxRoll: 25,
    requireEyesOpen: true,
    requireLive: true,
  },
};

/** The analyses a review mode needs (`off` needs none). */
export function reviewAnalyses(mode: ReviewMode, limits?: ReviewLimits): AnalysisKind[] {
  if (mode === 'off') return [];
  const l = limits ?? REVIEW_LIMITS[mode];
  const kinds: AnalysisKind[] = ['quality', 'pose'];
  if (l.requireEyesOpen) kinds.push('eyes');
  if (l.requireLive) kinds.push('liveness');
  return kinds;
}

/** Checks a review mode string (`E_INVALID_ARGUMENT` otherwise). */
export function parseReviewMode(value: string): ReviewMode {
  if (!(REVIEW_MODES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Unknown review mode "${value}"; use one of ${REVIEW_MODES.join(', ')}`, { value });
  }
  return value as ReviewMode;
}

/**
 * Reviews one analysed face (pure). `analysis` must hold the kinds {@link reviewAnalyses} lists for the
 * mode: a missing one is an `E_INVALID_ARGUMENT` (a review never silently skips a check). Returns every
 * failed check, each with the measured value and the limit.
 */
export function reviewFace(analysis: FaceAnalysis, mode: ReviewMode, limits?: ReviewLimits): FaceReview {
  if (mode === 'off') return { mode, accepted: true, reasons: [] };
  const l = limits ?? REVIEW_LIMITS[mode];
  const missing = reviewAnalyses(mode, l).filter((kind) => analysis[kind] === undefined);
  if (missing.length > 0) {
    throw new InvalidArgumentError(`The ${mode} review needs the analyses ${missing.join(', ')}`, { mode, missing });
  }
  const reasons: ReviewReason[] = [];
  const below = (code: ReviewReasonCode, what: string, measured: number, limit: number): void => {
    if (measured < limit) reasons.push({ code, message: `${what} ${round(measured)} is below the minimum ${limit}`, measured, limit });
  };
  const above = (code: ReviewReasonCode, what: string, measured: number, limit: number): void => {
    if (measured > limit) reasons.push({ code, message: `${what} ${round(measured)} is above the maximum ${limit}`, measured, limit });
  };
  const q = analysis.quality!;
  below('too-small', 'Face size (px)', q.faceSize, l.minFaceSize);
  below('low-detector-score', 'Detector score', q.detectorScore, l.minDetectorScore);
  below('blurred', 'Sharpness (Laplacian variance)', q.sharpness, l.minSharpness);
  below('too-dark', 'Brightness (mean gray)', q.brightness, l.minBrightness);
  above('washed-out', 'Brightness (mean gray)', q.brightness, l.maxBrightness);
  below('low-contrast', 'Contrast (gray standard deviation)', q.contrast, l.minContrast);
  const p = analysis.pose!;
  above('profile', 'Head yaw |degrees|', Math.abs(p.yaw), l.maxYaw);
  above('profile', 'Head pitch |degrees|', Math.abs(p.pitch), l.maxPitch);
  above('head-tilted', 'Head roll |degrees|', Math.abs(p.roll), l.maxRoll);
  if (l.requireEyesOpen) {
    const e = analysis.eyes!;
    const open = Math.min(e.left.openProbability, e.right.openProbability);
    below('eyes-closed', 'Eye-open probability (lower eye)', open, 0.5);
  }
  if (l.requireLive) {
    const notLive = notLiveReason(analysis.liveness!);
    if (notLive) reasons.push(notLive);
  }
  return { mode, accepted: reasons.length === 0, reasons };
}

/**
 * The `not-live` reason of a face the single-frame liveness check does not call live (with the measured
 * score and the threshold), or `undefined` for a live face. The one liveness verdict used by the review,
 * `requireLive` of enrollment, verify and identify, the CLI and the server.
 */
export function notLiveReason(liveness: LivenessResult): ReviewReason | undefined {
  if (liveness.live) return undefined;
  return {
    code: 'not-live',
    message: `Liveness score ${liveness.score.toFixed(3)} is below the minimum ${liveness.threshold}`,
    measured: liveness.score,
    limit: liveness.threshold,
  };
}

/**
 * Every reason to refuse one analysed face for enrollment under `mode` and `requireLive` (empty: accept it):
 * the review's reasons, plus `not-live` under `requireLive` unless the review already gave it. The one rule of
 * library enrollment (`enrollImages`), `pv enroll` and the server's enroll route.
 */
export function enrollmentReasons(analysis: FaceAnalysis, mode: ReviewMode, requireLive: boolean): ReviewReason[] {
  const reasons = mode !== 'off' ? [...reviewFace(analysis, mode).reasons] : [];
  if (requireLive && !reasons.some((r) => r.code === 'not-live')) {
    if (!analysis.liveness) throw new InvalidArgumentError('requireLive needs the liveness analysis of the face (encode with analyses: ["liveness"])');
    const notLive = notLiveReason(analysis.liveness);
    if (notLive) reasons.push(notLive);
  }
  return reasons;
}

/** The analyses enrollment under `mode` and `requireLive` needs. */
export function enrollmentAnalyses(mode: ReviewMode, requireLive: boolean): AnalysisKind[] {
  const kinds = reviewAnalyses(mode);
  if (requireLive && !kinds.includes('liveness')) kinds.push('liveness');
  return kinds;
}

/**
 * The typed error of a rejected face: `E_FACE_REJECTED` whose message names `subject` (a file or image name,
 * when given) and every reason with its measured value, and whose `details.reasons` lists the reasons.
 */
export function faceRejectedError(reasons: readonly ReviewReason[], subject?: string, details: PvErrorDetails = {}): FaceRejectedError {
  const text = reasons.map((r) => r.message).join('; ');
  return new FaceRejectedError(subject !== undefined ? `${subject}: ${text}` : `The face was rejected: ${text}`, {
    ...details,
    reasons: reasons.map((r) => ({ ...r })),
  });
}

/**
 * `requireLive` for one analysed face: `undefined` when the liveness check calls it live, else the
 * `E_FACE_REJECTED` error to throw or report (reason `not-live`, `details.liveness` with the measured score
 * and the threshold). A face without a `liveness` analysis is an `E_INVALID_ARGUMENT` (the check is never
 * skipped silently: encode with `analyses: ['liveness']`).
 *
 * @example
 * ```ts
 * const [face] = await encoder.encode('visitor.jpg', { analyses: ['liveness'] });
 * const rejected = livenessRejection(face.analysis, 'visitor.jpg');
 * if (rejected) throw rejected; // E_FACE_REJECTED, details.liveness.score
 * ```
 */
export function livenessRejection(analysis: FaceAnalysis | undefined, subject?: string): FaceRejectedError | undefined {
  const liveness = analysis?.liveness;
  if (!liveness) throw new InvalidArgumentError('requireLive needs the liveness analysis of the face (encode with analyses: ["liveness"])');
  const reason = notLiveReason(liveness);
  if (!reason) return undefined;
  return faceRejectedError([reason], subject, { liveness: { score: liveness.score, threshold: liveness.threshold } });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
