import { InvalidArgumentError } from '@pv/core';
import type { Closer, ScoredPair } from './scored-pair.js';
import { accuracyAtThreshold, findBestThreshold } from './threshold.js';

/** One fold of a cross-validation: the threshold chosen on the other folds and how it did on this one. */
export interface FoldResult {
  /** Zero-based fold index. */
  readonly fold: number;
  /** Pairs in this fold. */
  readonly pairs: number;
  /** The best threshold on the other folds (see `findBestThreshold`). */
  readonly threshold: number;
  /** Accuracy that threshold reached on the other folds. */
  readonly trainAccuracy: number;
  /** Accuracy of that threshold on this fold. */
  readonly accuracy: number;
}

/** Result of {@link crossValidate}. */
export interface CrossValidation {
  readonly folds: readonly FoldResult[];
  /** Mean of the folds' test accuracies. */
  readonly accuracyMean: number;
  /** Population standard deviation (divisor k) of the folds' test accuracies. */
  readonly accuracyStd: number;
}

/**
 * The fold of every pair, LFW style: the same-person pairs, in their given order, are cut into `folds`
 * contiguous blocks, and so are the different-person pairs; fold k is the k-th block of each. When a count
 * does not divide evenly the first blocks get one pair more. On a full View 2 `pairs.txt` (10 sets of 300
 * same then 300 different pairs) the folds are exactly the published sets; on one set of 300 + 300 they are
 * 10 folds of 30 + 30 pairs.
 *
 * @throws InvalidArgumentError when `folds` is not an integer ≥ 2 or either kind has fewer pairs than folds.
 */
export function assignFolds(pairs: readonly Pick<ScoredPair, 'same'>[], folds: number): number[] {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new InvalidArgumentError(`The number of folds must be an integer of at least 2, got ${folds}`, { folds });
  }
  const sameCount = pairs.filter((p) => p.same).length;
  const differentCount = pairs.length - sameCount;
  if (sameCount < folds || differentCount < folds) {
    throw new InvalidArgumentError(
      `${folds} folds need at least ${folds} same-person and ${folds} different-person pairs; got ${sameCount} and ${differentCount}`,
      { folds, same: sameCount, different: differentCount },
    );
  }
  let sameSeen = 0;
  let differentSeen = 0;
  return pairs.map((p) => (p.same ? blockOf(sameSeen++, sameCount, folds) : blockOf(differentSeen++, differentCount, folds)));
}

/** The block of item `index` when `count` items are cut into `blocks` contiguous blocks, the first `count % blocks` one longer. */
function blockOf(index: number, count: number, blocks: number): number {
  const small = Math.floor(count / blocks);
  const longBlocks = count % blocks;
  const inLong = longBlocks * (small + 1);
  return index < inLong ? Math.floor(index / (small + 1)) : longBlocks + Math.floor((index - inLong) / small);
}

/**
 * k-fold cross-validated accuracy: for each fold, the best threshold on all the other folds
 * (`findBestThreshold`) is applied to the fold. `foldOf[i]` is pair i's fold in `0 … folds-1`
 * (see {@link assignFolds}).
 *
 * @throws InvalidArgumentError when `foldOf` does not match `pairs`, holds an index outside `0 … folds-1`, or a
 *   fold (or its complement) is empty.
 */
export function crossValidate(
  pairs: readonly ScoredPair[],
  foldOf: readonly number[],
  folds: number,
  closer: Closer,
): CrossValidation {
  if (foldOf.length !== pairs.length) {
    throw new InvalidArgumentError(`Got ${foldOf.length} fold indices for ${pairs.length} pairs`);
  }
  const outside = foldOf.findIndex((f) => !Number.isInteger(f) || f < 0 || f >= folds);
  if (outside >= 0) {
    throw new InvalidArgumentError(`Pair ${outside} has fold ${foldOf[outside]}, outside 0 … ${folds - 1}`, { index: outside });
  }
  const results: FoldResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const test = pairs.filter((_, i) => foldOf[i] === fold);
    const train = pairs.filter((_, i) => foldOf[i] !== fold);
    if (test.length === 0 || train.length === 0) {
      throw new InvalidArgumentError(`Fold ${fold} or its complement holds no pair`, { fold });
    }
    const choice = findBestThreshold(train, closer);
    results.push({
      fold,
      pairs: test.length,
      threshold: choice.threshold,
      trainAccuracy: choice.accuracy,
      accuracy: accuracyAtThreshold(test, choice.threshold, closer),
    });
  }
  const accuracies = results.map((r) => r.accuracy);
  const accuracyMean = mean(accuracies);
  const accuracyStd = Math.sqrt(mean(accuracies.map((a) => (a - accuracyMean) ** 2)));
  return { folds: results, accuracyMean, accuracyStd };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
