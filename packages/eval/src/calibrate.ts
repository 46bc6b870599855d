import { InvalidArgumentError, type LabelledEmbedding, type Metric } from '@pv/core';
import { areaUnderCurve, rocCurve, type RocCurve } from './roc.js';
import type { ScoredPair } from './scored-pair.js';

/** A pair of labelled embeddings and its score. */
export interface LabelledPair extends ScoredPair {
  /** Indexes into the sample list. */
  readonly a: number;
  readonly b: number;
}

/** The threshold that keeps the false-accept rate at or below a target. */
export interface FarThreshold {
  /** The target false-accept rate. */
  readonly far: number;
  /** The threshold (metric units, inclusive), or `null` when no pair can be accepted within the target. */
  readonly threshold: number | null;
  /** The FAR the threshold gives on these impostor pairs (≤ `far`). */
  readonly achievedFar: number;
  /** The share of same-person pairs it accepts. */
  readonly tar: number;
  /** True when there are fewer than `1 / far` impostor pairs, so the target is below what the data resolves. */
  readonly belowResolution: boolean;
}

/** Thresholds at target FARs computed from every pair of a labelled set (see {@link calibrate}). */
export interface Calibration {
  readonly metric: string;
  readonly samples: number;
  readonly identities: number;
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  readonly auc: number;
  readonly thresholds: readonly FarThreshold[];
  readonly curve: RocCurve;
  readonly pairs: readonly LabelledPair[];
}

/** The target FARs pv's catalog lists thresholds for. */
export const DEFAULT_TARGET_FARS: readonly number[] = [1e-2, 1e-3, 1e-4];

/** Every unordered pair of `samples` (n·(n−1)/2), scored with `metric`; `same` when the labels are equal. */
export function allPairs(samples: readonly LabelledEmbedding[], metric: Metric): LabelledPair[] {
  const pairs: LabelledPair[] = [];
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) {
      const sa = samples[a]!;
      const sb = samples[b]!;
      pairs.push({ a, b, score: metric.distance(sa.embedding, sb.embedding), same: sa.label === sb.label });
    }
  }
  return pairs;
}

/**
 * Calibrates decision thresholds on labelled photos: scores every pair (same-person pairs measure the
 * TAR, all cross-identity pairs the FAR) and, per target FAR, picks the loosest threshold whose FAR on
 * these impostor pairs stays at or below it (an operating point that exists; no interpolation).
 * `E_INVALID_ARGUMENT` without at least two photos of one person and two people.
 */
export function calibrate(samples: readonly LabelledEmbedding[], metric: Metric, targetFars: readonly number[] = DEFAULT_TARGET_FARS): Calibration {
  const pairs = allPairs(samples, metric);
  const genuinePairs = pairs.filter((p) => p.same).length;
  const impostorPairs = pairs.length - genuinePairs;
  if (genuinePairs === 0 || impostorPairs === 0) {
    throw new InvalidArgumentError('Calibration needs at least two photos of one person and photos of two people', { genuinePairs, impostorPairs });
  }
  const curve = rocCurve(pairs, metric.closer);
  const thresholds = targetFars.map((far): FarThreshold => {
    if (!(far >= 0 && far <= 1)) throw new InvalidArgumentError(`A target FAR must lie in [0, 1], got ${far}`, { far });
    // The loosest operating point within the target: the last one on the curve (FAR never decreases).
    let point = curve.points[0]!;
    for (const p of curve.points) if (p.far <= far) point = p;
    return { far, threshold: point.threshold, achievedFar: point.far, tar: point.tar, belowResolution: far > 0 && far * impostorPairs < 1 };
  });
  return {
    metric: metric.id,
    samples: samples.length,
    identities: new Set(samples.map((s) => s.label)).size,
    genuinePairs,
    impostorPairs,
    auc: areaUnderCurve(curve),
    thresholds,
    curve,
    pairs,
  };
}
