import { InvalidArgumentError, withinThreshold } from '@pv/core';
import { checkScores, fromOrientedSimilarity, orientedSimilarity, type Closer, type ScoredPair } from './scored-pair.js';

/** The outcome of every decision at one threshold. */
export interface DecisionCounts {
  /** Same-person pairs accepted. */
  readonly trueAccepts: number;
  /** Same-person pairs rejected. */
  readonly falseRejects: number;
  /** Different-person pairs rejected. */
  readonly trueRejects: number;
  /** Different-person pairs accepted. */
  readonly falseAccepts: number;
}

/** A threshold and the accuracy it reaches. */
export interface ThresholdChoice {
  /** In the metric's units; a pair is accepted when `withinThreshold(metric, score, threshold)`. */
  readonly threshold: number;
  /** Fraction of pairs decided correctly. */
  readonly accuracy: number;
  /** Pairs decided correctly. */
  readonly correct: number;
  /** Pairs considered. */
  readonly total: number;
}

/**
 * Counts accepted and rejected pairs of each kind when pairs within `threshold` are accepted (inclusive, as
 * `withinThreshold` of `@pv/core`).
 */
export function countDecisions(pairs: readonly ScoredPair[], threshold: number, closer: Closer): DecisionCounts {
  checkScores(pairs);
  let trueAccepts = 0;
  let falseRejects = 0;
  let trueRejects = 0;
  let falseAccepts = 0;
  for (const pair of pairs) {
    const accepted = withinThreshold({ closer }, pair.score, threshold);
    if (pair.same) {
      if (accepted) trueAccepts++;
      else falseRejects++;
    } else if (accepted) falseAccepts++;
    else trueRejects++;
  }
  return { trueAccepts, falseRejects, trueRejects, falseAccepts };
}

/** Fraction of `pairs` decided correctly at `threshold`. Throws `E_INVALID_ARGUMENT` when `pairs` is empty. */
export function accuracyAtThreshold(pairs: readonly ScoredPair[], threshold: number, closer: Closer): number {
  if (pairs.length === 0) throw new InvalidArgumentError('Accuracy needs at least one pair');
  const counts = countDecisions(pairs, threshold, closer);
  return (counts.trueAccepts + counts.trueRejects) / pairs.length;
}

/**
 * The threshold that decides the most pairs correctly.
 *
 * Exact search: every way of cutting the sorted scores between two distinct values is tried, the threshold
 * being the midpoint of the two scores; cutting below all finite scores or above all of them is tried too
 * (threshold one unit, or the score's magnitude when larger, beyond the extreme score). Works for distances
 * (`closer: 'lower'`, accept `score <= threshold`) and similarities (`'higher'`, accept `score >= threshold`).
 * When several cuts reach the best accuracy, the strictest one (the fewest accepted pairs) wins.
 * Infinite scores lie beyond every candidate threshold. O(n log n).
 *
 * @throws InvalidArgumentError when `pairs` is empty or a score is NaN.
 */
export function findBestThreshold(pairs: readonly ScoredPair[], closer: Closer): ThresholdChoice {
  if (pairs.length === 0) throw new InvalidArgumentError('Choosing a threshold needs at least one pair');
  checkScores(pairs);
  const sorted = pairs
    .map((p) => ({ similarity: orientedSimilarity(p.score, closer), same: p.same }))
    .sort((x, y) => (x.similarity < y.similarity ? -1 : x.similarity > y.similarity ? 1 : 0));
  const n = sorted.length;
  const totalSame = sorted.reduce((count, p) => count + (p.same ? 1 : 0), 0);
  // Cut at i: pairs [0, i) are rejected, [i, n) accepted.
  let rejectedSame = 0;
  let rejectedDifferent = 0;
  let best: { correct: number; similarity: number } | undefined;
  for (let i = 0; i <= n; i++) {
    const below = sorted[i - 1];
    const above = sorted[i];
    if (below === undefined || above === undefined || below.similarity < above.similarity) {
      const similarity = thresholdBetween(below?.similarity, above?.similarity);
      const correct = rejectedDifferent + (totalSame - rejectedSame);
      if (similarity !== undefined && (best === undefined || correct >= best.correct)) best = { correct, similarity };
    }
    if (above?.same) rejectedSame++;
    else rejectedDifferent++;
  }
  // Some cut always exists: there is a finite value below any value but -Infinity and above any but +Infinity.
  const chosen = best as { correct: number; similarity: number };
  return {
    threshold: fromOrientedSimilarity(chosen.similarity, closer),
    accuracy: chosen.correct / n,
    correct: chosen.correct,
    total: n,
  };
}

/**
 * A finite similarity `t` with `below < t <= above` (`undefined` bounds are open ends), or `undefined`
 * when there is none. The midpoint between two finite values; one unit (or the value's magnitude when
 * larger) beyond a single finite bound; 0 between two infinite or missing bounds.
 */
export function thresholdBetween(below: number | undefined, above: number | undefined): number | undefined {
  const lower = below ?? Number.NEGATIVE_INFINITY;
  const upper = above ?? Number.POSITIVE_INFINITY;
  if (upper === Number.NEGATIVE_INFINITY || lower === Number.POSITIVE_INFINITY || !(lower < upper)) return undefined;
  const lowerFinite = Number.isFinite(lower);
  const upperFinite = Number.isFinite(upper);
  if (lowerFinite && upperFinite) {
    const midpoint = lower / 2 + upper / 2;
    return midpoint > lower && midpoint <= upper ? midpoint : upper;
  }
  if (lowerFinite) {
    const t = Math.min(lower + Math.max(1, Math.abs(lower)), Number.MAX_VALUE);
    return t > lower ? t : undefined;
  }
  if (upperFinite) return Math.max(upper - Math.max(1, Math.abs(upper)), -Number.MAX_VALUE);
  return 0;
}
