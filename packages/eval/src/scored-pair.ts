import { InvalidArgumentError, type Metric } from '@pv/core';

/** A compared pair: its score in the metric's units and whether it truly shows one person. */
export interface ScoredPair {
  /**
   * `metric.distance(a, b)`. May be infinite: `+Infinity`/`-Infinity` sit beyond every finite threshold
   * (the evaluation uses that to make a pair wrong at every threshold; see `evaluatePairs`).
   */
  readonly score: number;
  readonly same: boolean;
}

/** Which way a metric's scores point: `lower` for distances, `higher` for similarities. */
export type Closer = Metric['closer'];

/**
 * The score turned into a similarity (higher = more alike) whatever the metric's direction, so that a
 * pair is accepted at threshold `t` exactly when `similarity(score) >= similarity(t)`, matching
 * `withinThreshold` of `@pv/core` (inclusive) for both directions.
 */
export function orientedSimilarity(score: number, closer: Closer): number {
  return closer === 'higher' ? score : 0 - score;
}

/** The inverse of {@link orientedSimilarity}: a similarity back in the metric's units. */
export function fromOrientedSimilarity(similarity: number, closer: Closer): number {
  return closer === 'higher' ? similarity : 0 - similarity;
}

/** Throws `E_INVALID_ARGUMENT` when a score is NaN (infinite scores are allowed). */
export function checkScores(pairs: readonly ScoredPair[]): void {
  pairs.forEach((pair, index) => {
    if (Number.isNaN(pair.score)) throw new InvalidArgumentError(`Pair ${index} has a NaN score`, { index });
  });
}

/** How many pairs of each kind. */
export function countKinds(pairs: readonly ScoredPair[]): { same: number; different: number } {
  let same = 0;
  for (const p of pairs) if (p.same) same++;
  return { same, different: pairs.length - same };
}
