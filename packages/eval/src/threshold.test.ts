import { isPvError } from '@pv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoredPair } from './scored-pair.js';
import { accuracyAtThreshold, countDecisions, findBestThreshold, thresholdBetween } from './threshold.js';

function pairs(same: readonly number[], different: readonly number[]): ScoredPair[] {
  return [...same.map((score) => ({ score, same: true })), ...different.map((score) => ({ score, same: false }))];
}

describe('countDecisions and accuracyAtThreshold', () => {
  it('accept a distance equal to the threshold (inclusive) and count every kind', () => {
    const data = pairs([0.1, 0.5, 0.7], [0.5, 0.9]);
    expect(countDecisions(data, 0.5, 'lower')).toEqual({ trueAccepts: 2, falseRejects: 1, trueRejects: 1, falseAccepts: 1 });
    expect(accuracyAtThreshold(data, 0.5, 'lower')).toBeCloseTo(3 / 5, 12);
  });

  it('accept a similarity at or above the threshold', () => {
    const data = pairs([0.9, 0.5, 0.2], [0.5, 0.1]);
    expect(countDecisions(data, 0.5, 'higher')).toEqual({ trueAccepts: 2, falseRejects: 1, trueRejects: 1, falseAccepts: 1 });
  });

  it('refuse an empty list and NaN scores', () => {
    expect(() => accuracyAtThreshold([], 1, 'lower')).toThrow(/at least one pair/);
    try {
      countDecisions([{ score: Number.NaN, same: true }], 1, 'lower');
      expect.unreachable();
    } catch (error) {
      expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('findBestThreshold', () => {
  it('finds the midpoint cut on distances; a tie goes to the stricter threshold', () => {
    // Distances: same 0.1 0.2 0.4, different 0.3 0.5 0.6. Cutting at 0.25 or at 0.45 both decide 5 of 6
    // correctly; 0.25 accepts fewer pairs.
    const best = findBestThreshold(pairs([0.1, 0.2, 0.4], [0.3, 0.5, 0.6]), 'lower');
    expect(best.threshold).toBeCloseTo(0.25, 12);
    expect(best.correct).toBe(5);
    expect(best.total).toBe(6);
    expect(best.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it('mirrors for similarities', () => {
    const best = findBestThreshold(pairs([-0.1, -0.2, -0.4], [-0.3, -0.5, -0.6]), 'higher');
    expect(best.threshold).toBeCloseTo(-0.25, 12);
    expect(best.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it('separates separable data perfectly', () => {
    const best = findBestThreshold(pairs([0.9, 0.8, 0.75], [0.3, 0.1, 0.7]), 'higher');
    expect(best.threshold).toBeCloseTo(0.725, 12);
    expect(best.accuracy).toBe(1);
  });

  it('goes beyond the extreme score when one kind fills the list', () => {
    const allSame = findBestThreshold(pairs([1, 2], []), 'lower');
    expect(allSame.threshold).toBe(4);
    expect(allSame.accuracy).toBe(1);
    const allDifferent = findBestThreshold(pairs([], [0.5, 3]), 'lower');
    expect(allDifferent.threshold).toBe(-0.5);
    expect(allDifferent.accuracy).toBe(1);
  });

  it('cannot split a same/different tie', () => {
    const best = findBestThreshold(pairs([0.5, 0.1], [0.5, 0.9]), 'lower');
    expect(best.accuracy).toBeCloseTo(3 / 4, 12);
    expect(best.threshold).toBeCloseTo(0.3, 12);
  });

  it('leaves infinite scores on their side of every threshold', () => {
    // A same pair at +Infinity distance and a different pair at -Infinity can never be right.
    const best = findBestThreshold(pairs([0.2, Number.POSITIVE_INFINITY], [0.8, Number.NEGATIVE_INFINITY]), 'lower');
    expect(best.threshold).toBeCloseTo(0.5, 12);
    expect(best.correct).toBe(2);
    expect(best.total).toBe(4);
  });

  it('refuses an empty list', () => {
    expect(() => findBestThreshold([], 'lower')).toThrow(/at least one pair/);
  });

  const scoredPairs = fc.array(
    fc.record({
      // Few distinct values, so that ties are common.
      score: fc.oneof(
        fc.integer({ min: -6, max: 6 }).map((n) => n / 4),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      ),
      same: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  );

  it('reaches the best accuracy of any threshold, and the threshold it returns reaches it (property)', () => {
    fc.assert(
      fc.property(scoredPairs, fc.constantFrom('lower' as const, 'higher' as const), (data, closer) => {
        const best = findBestThreshold(data, closer);
        expect(Number.isFinite(best.threshold)).toBe(true);
        expect(accuracyAtThreshold(data, best.threshold, closer)).toBe(best.accuracy);
        // Brute force: every score and every midpoint, plus far beyond both ends.
        const finite = [...new Set(data.map((p) => p.score).filter(Number.isFinite))].sort((x, y) => x - y);
        const candidates = [-1e6, 1e6, ...finite, ...finite.slice(1).map((v, i) => (v + (finite[i] as number)) / 2)];
        const bruteForce = Math.max(...candidates.map((t) => accuracyAtThreshold(data, t, closer)));
        expect(best.accuracy).toBe(bruteForce);
      }),
    );
  });

  it('gives the negated threshold when the scores are negated and the direction flipped (property)', () => {
    fc.assert(
      fc.property(scoredPairs, (data) => {
        const asDistance = findBestThreshold(data, 'lower');
        const asSimilarity = findBestThreshold(
          data.map((p) => ({ score: -p.score, same: p.same })),
          'higher',
        );
        // `===`: a threshold of 0 may come back as -0 either way.
        expect(asSimilarity.threshold === -asDistance.threshold).toBe(true);
        expect(asSimilarity.correct).toBe(asDistance.correct);
      }),
    );
  });
});

describe('thresholdBetween', () => {
  it('takes the midpoint of two finite bounds', () => {
    expect(thresholdBetween(1, 3)).toBe(2);
    expect(thresholdBetween(-Number.MAX_VALUE, Number.MAX_VALUE)).toBe(0);
  });

  it('stays strictly above the lower and at most the upper bound for neighbouring doubles', () => {
    const next = 1 + Number.EPSILON;
    expect(thresholdBetween(1, next)).toBe(next);
    expect(thresholdBetween(0, Number.MIN_VALUE)).toBe(Number.MIN_VALUE);
  });

  it('steps one unit, or the magnitude, past a single finite bound', () => {
    expect(thresholdBetween(undefined, 0.5)).toBe(-0.5);
    expect(thresholdBetween(undefined, 5)).toBe(0);
    expect(thresholdBetween(2, undefined)).toBe(4);
    expect(thresholdBetween(Number.NEGATIVE_INFINITY, -3)).toBe(-6);
    expect(thresholdBetween(0.25, Number.POSITIVE_INFINITY)).toBe(1.25);
    expect(thresholdBetween(undefined, -Number.MAX_VALUE)).toBe(-Number.MAX_VALUE);
  });

  it('returns 0 between infinite or missing bounds and nothing where no finite value fits', () => {
    expect(thresholdBetween(undefined, undefined)).toBe(0);
    expect(thresholdBetween(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(0);
    expect(thresholdBetween(undefined, Number.NEGATIVE_INFINITY)).toBeUndefined();
    expect(thresholdBetween(Number.POSITIVE_INFINITY, undefined)).toBeUndefined();
    expect(thresholdBetween(Number.MAX_VALUE, undefined)).toBeUndefined();
    expect(thresholdBetween(2, 2)).toBeUndefined();
  });
});
