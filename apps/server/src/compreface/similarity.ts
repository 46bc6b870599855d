import type { Metric } from '@pv/core';

/**
 * The constants of CompreFace's similarity formula for one served model: `similarity = (tanh((coef0 −
 * distance) · coef1) + 1) / 2` (CompreFace's calculator plugins publish a `[coef0, coef1]` pair per
 * model). pv sets `coef0` to the model's calibrated threshold, so a similarity of 0.5 is exactly pv's
 * decision, and `coef1 = 5 / threshold`, so a distance of 0 maps to ≈ 1 and twice the threshold to ≈ 0.
 */
export interface SimilarityCoefficients {
  readonly coef0: number;
  readonly coef1: number;
  /** `-1` for metrics where a higher value is closer (similarities), `1` for distances. */
  readonly direction: 1 | -1;
}

/** The coefficients for a metric and its calibrated threshold. */
export function similarityCoefficients(metric: Pick<Metric, 'closer'>, threshold: number): SimilarityCoefficients {
  const scale = Math.max(Math.abs(threshold), 1e-3);
  return { coef0: threshold, coef1: 5 / scale, direction: metric.closer === 'lower' ? 1 : -1 };
}

/** CompreFace's 0–1 similarity of a pv distance (0.5 at the threshold, higher is more alike), 5 decimals. */
export function toSimilarity(distance: number, coefficients: SimilarityCoefficients): number {
  const { coef0, coef1, direction } = coefficients;
  const value = (Math.tanh((coef0 - distance) * coef1 * direction) + 1) / 2;
  return Math.round(value * 1e5) / 1e5;
}
