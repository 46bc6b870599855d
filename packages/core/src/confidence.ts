import { InvalidArgumentError } from './errors.js';

/** How a distance becomes a calibrated confidence (see {@link matchConfidence}). */
export interface ConfidenceCalibration {
  /** The model's decision threshold in the metric's distance units: it maps to confidence 0.5. */
  readonly threshold: number;
  /**
   * The logistic scale in distance units (> 0). pv's catalog sets it so that the model's 1e-4 false-accept
   * threshold maps to 0.99: `scale = (threshold - thresholdAtFar1e4) / ln(99)`.
   */
  readonly scale: number;
}

/**
 * A 0–1 confidence that two faces are the same person, from their distance (lower is closer):
 * `1 / (1 + exp((distance - threshold) / scale))`. It is 0.5 exactly at the model's threshold, rises
 * towards 1 for closer pairs (0.99 at the catalog's 1e-4 false-accept threshold) and falls towards 0 for
 * farther ones, symmetrically. It is monotone in the distance, so ranking and decisions are unchanged; it
 * is not a probability of identity (that would depend on how likely a match was before comparing).
 */
export function matchConfidence(distance: number, calibration: ConfidenceCalibration): number {
  const { threshold, scale } = calibration;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new InvalidArgumentError(`Confidence scale must be a positive number, got ${scale}`, { scale });
  }
  if (!Number.isFinite(distance) || !Number.isFinite(threshold)) {
    throw new InvalidArgumentError('Distance and threshold must be finite numbers', { distance, threshold });
  }
  return 1 / (1 + Math.exp((distance - threshold) / scale));
}

/** The logistic scale that maps `strictThreshold` (a lower, stricter distance) to confidence `at` (default 0.99). */
export function confidenceScale(threshold: number, strictThreshold: number, at = 0.99): number {
  if (!(strictThreshold < threshold) || !(at > 0.5 && at < 1)) {
    throw new InvalidArgumentError('The strict threshold must lie below the threshold and `at` in (0.5, 1)', {
      threshold,
      strictThreshold,
      at,
    });
  }
  return (threshold - strictThreshold) / Math.log(at / (1 - at));
}
