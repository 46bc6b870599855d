import { InvalidArgumentError } from '@pv/core';
import { checkScores, countKinds, fromOrientedSimilarity, orientedSimilarity, type Closer, type ScoredPair } from './scored-pair.js';

/** One operating point of a ROC curve. */
export interface RocPoint {
  /** False accept rate: accepted different-person pairs / all different-person pairs. */
  readonly far: number;
  /** True accept rate: accepted same-person pairs / all same-person pairs. */
  readonly tar: number;
  /**
   * The threshold (metric units, inclusive) that gives this point: the score of the last pairs it accepts.
   * `null` for the origin, which accepts nothing.
   */
  readonly threshold: number | null;
}

/** A ROC curve: every operating point a threshold can reach, from accepting nothing to accepting everything. */
export interface RocCurve {
  /** From (0, 0) to (1, 1), FAR and TAR non-decreasing. Pairs with equal scores enter together (one step). */
  readonly points: readonly RocPoint[];
  /** Number of same-person pairs. */
  readonly positives: number;
  /** Number of different-person pairs. */
  readonly negatives: number;
}

/** TAR at a target FAR, as far as the data can resolve it. */
export interface TarAtFar {
  /** The FAR asked for. */
  readonly targetFar: number;
  /** The highest TAR of any operating point whose FAR is at most `targetFar`. */
  readonly tar: number;
  /** The FAR of that operating point (≤ `targetFar`). */
  readonly far: number;
  /** Its threshold (`null` when no pair can be accepted without exceeding the FAR). */
  readonly threshold: number | null;
  /** Different-person pairs the FAR is measured on; the smallest non-zero FAR is `1 / negatives`. */
  readonly negatives: number;
  /**
   * True when `0 < targetFar < 1 / negatives`: the only FAR the data can show at or below the target is 0, so
   * `tar` is the TAR with no false accept at all, not a measurement at `targetFar`.
   */
  readonly belowResolution: boolean;
}

/**
 * The exact ROC curve of scored pairs: the pairs are taken from most to least similar, and every distinct
 * score adds one point. Tied scores (of either kind) are accepted together, so a tie between same- and
 * different-person pairs is a diagonal step, which the trapezoid rule of {@link areaUnderCurve} counts as
 * half right.
 *
 * @throws InvalidArgumentError when there is no same-person or no different-person pair, or a score is NaN.
 */
export function rocCurve(pairs: readonly ScoredPair[], closer: Closer): RocCurve {
  checkScores(pairs);
  const { same: positives, different: negatives } = countKinds(pairs);
  if (positives === 0 || negatives === 0) {
    throw new InvalidArgumentError(
      `A ROC curve needs both kinds of pairs; got ${positives} same-person and ${negatives} different-person`,
      { same: positives, different: negatives },
    );
  }
  const sorted = pairs
    .map((p) => ({ similarity: orientedSimilarity(p.score, closer), same: p.same }))
    .sort((x, y) => (x.similarity > y.similarity ? -1 : x.similarity < y.similarity ? 1 : 0));
  const points: RocPoint[] = [{ far: 0, tar: 0, threshold: null }];
  let accepted = 0;
  let trueAccepts = 0;
  for (const [i, pair] of sorted.entries()) {
    accepted++;
    if (pair.same) trueAccepts++;
    const next = sorted[i + 1];
    if (next === undefined || next.similarity !== pair.similarity) {
      points.push({
        far: (accepted - trueAccepts) / negatives,
        tar: trueAccepts / positives,
        threshold: fromOrientedSimilarity(pair.similarity, closer),
      });
    }
  }
  return { points, positives, negatives };
}

/**
 * Area under the ROC curve by the trapezoid rule: exactly the probability that a random same-person pair
 * scores more similar than a random different-person pair, ties counting one half.
 */
export function areaUnderCurve(curve: RocCurve): number {
  let area = 0;
  for (let i = 1; i < curve.points.length; i++) {
    const a = curve.points[i - 1] as RocPoint;
    const b = curve.points[i] as RocPoint;
    area += ((b.far - a.far) * (a.tar + b.tar)) / 2;
  }
  return area;
}

/**
 * The TAR at `targetFar`: the best operating point that actually exists on the curve with FAR ≤ `targetFar`
 * (no interpolation; among equal TARs the lowest FAR). With fewer than `1 / targetFar` different-person
 * pairs the target is below the data's resolution: the answer is then the TAR at FAR 0 and
 * {@link TarAtFar.belowResolution} says so.
 *
 * @throws InvalidArgumentError when `targetFar` is not in [0, 1].
 */
export function tarAtFar(curve: RocCurve, targetFar: number): TarAtFar {
  if (!(targetFar >= 0 && targetFar <= 1)) {
    throw new InvalidArgumentError(`A target FAR must lie in [0, 1], got ${targetFar}`, { targetFar });
  }
  let best = curve.points[0] as RocPoint;
  for (const point of curve.points) if (point.far <= targetFar && point.tar > best.tar) best = point;
  return {
    targetFar,
    tar: best.tar,
    far: best.far,
    threshold: best.threshold,
    negatives: curve.negatives,
    belowResolution: targetFar > 0 && targetFar * curve.negatives < 1,
  };
}

/**
 * The equal error rate: where the false reject rate (1 − TAR) equals the FAR, interpolating linearly between
 * the two operating points around the crossing.
 */
export function equalErrorRate(curve: RocCurve): number {
  // The origin has FAR + TAR = 0 and the last point 2, so the first point reaching 1 is never the origin.
  const k = curve.points.findIndex((p) => p.far + p.tar >= 1);
  const a = curve.points[k - 1] as RocPoint;
  const b = curve.points[k] as RocPoint;
  const gapA = a.far + a.tar - 1;
  const gapB = b.far + b.tar - 1;
  return a.far + (-gapA / (gapB - gapA)) * (b.far - a.far);
}
