import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaUnderCurve, equalErrorRate, rocCurve, tarAtFar } from './roc.js';
import type { ScoredPair } from './scored-pair.js';
import { countDecisions } from './threshold.js';

function pairs(same: readonly number[], different: readonly number[]): ScoredPair[] {
  return [...same.map((score) => ({ score, same: true })), ...different.map((score) => ({ score, same: false }))];
}

/** P(same scores more similar than different) + ½ P(tie), over every (same, different) combination. */
function mannWhitney(data: readonly ScoredPair[], closer: 'lower' | 'higher'): number {
  const sign = closer === 'lower' ? -1 : 1;
  const same = data.filter((p) => p.same).map((p) => sign * p.score);
  const different = data.filter((p) => !p.same).map((p) => sign * p.score);
  let wins = 0;
  for (const s of same) for (const d of different) wins += s > d ? 1 : s === d ? 0.5 : 0;
  return wins / (same.length * different.length);
}

describe('rocCurve and areaUnderCurve', () => {
  it('walks from the most similar pair to the least (hand-computed)', () => {
    const curve = rocCurve(pairs([0.1, 0.3], [0.2, 0.4]), 'lower');
    expect(curve.positives).toBe(2);
    expect(curve.negatives).toBe(2);
    expect(curve.points).toEqual([
      { far: 0, tar: 0, threshold: null },
      { far: 0, tar: 0.5, threshold: 0.1 },
      { far: 0.5, tar: 0.5, threshold: 0.2 },
      { far: 0.5, tar: 1, threshold: 0.3 },
      { far: 1, tar: 1, threshold: 0.4 },
    ]);
    expect(areaUnderCurve(curve)).toBe(0.75);
  });

  it('takes tied scores in one diagonal step, worth one half', () => {
    const curve = rocCurve(pairs([0.5], [0.5]), 'higher');
    expect(curve.points).toEqual([
      { far: 0, tar: 0, threshold: null },
      { far: 1, tar: 1, threshold: 0.5 },
    ]);
    expect(areaUnderCurve(curve)).toBe(0.5);
  });

  it('refuses a list without both kinds', () => {
    expect(() => rocCurve(pairs([0.1, 0.2], []), 'lower')).toThrow(/both kinds/);
  });

  const scoredPairs = fc
    .array(
      fc.record({
        score: fc.oneof(fc.integer({ min: -5, max: 5 }).map((n) => n / 5), fc.double({ min: -2, max: 2, noNaN: true })),
        same: fc.boolean(),
      }),
      { minLength: 2, maxLength: 50 },
    )
    .filter((data) => data.some((p) => p.same) && data.some((p) => !p.same));
  const closer = fc.constantFrom('lower' as const, 'higher' as const);

  it('has an area equal to the Mann-Whitney statistic with ties counted half (property)', () => {
    fc.assert(
      fc.property(scoredPairs, closer, (data, direction) => {
        expect(areaUnderCurve(rocCurve(data, direction))).toBeCloseTo(mannWhitney(data, direction), 12);
      }),
    );
  });

  it('is monotone from (0, 0) to (1, 1), and each threshold gives its own point (property)', () => {
    fc.assert(
      fc.property(scoredPairs, closer, (data, direction) => {
        const { points, positives, negatives } = rocCurve(data, direction);
        expect(points[0]).toEqual({ far: 0, tar: 0, threshold: null });
        expect(points.at(-1)).toMatchObject({ far: 1, tar: 1 });
        for (let i = 1; i < points.length; i++) {
          const a = points[i - 1];
          const b = points[i];
          expect(b?.far).toBeGreaterThanOrEqual(a?.far ?? Number.NaN);
          expect(b?.tar).toBeGreaterThanOrEqual(a?.tar ?? Number.NaN);
          const counts = countDecisions(data, b?.threshold as number, direction);
          expect(counts.falseAccepts / negatives).toBe(b?.far);
          expect(counts.trueAccepts / positives).toBe(b?.tar);
        }
      }),
    );
  });
});

describe('tarAtFar', () => {
  const curve = rocCurve(pairs([0.1, 0.3], [0.2, 0.4]), 'lower');

  it('takes the best existing operating point at or under the target, without interpolating', () => {
    expect(tarAtFar(curve, 0)).toEqual({ targetFar: 0, tar: 0.5, far: 0, threshold: 0.1, negatives: 2, belowResolution: false });
    expect(tarAtFar(curve, 0.5)).toMatchObject({ tar: 1, far: 0.5, threshold: 0.3, belowResolution: false });
    expect(tarAtFar(curve, 0.49)).toMatchObject({ tar: 0.5, far: 0 });
  });

  it('flags targets below 1 / negatives and answers with the TAR at FAR 0', () => {
    expect(tarAtFar(curve, 0.25)).toMatchObject({ tar: 0.5, far: 0, threshold: 0.1, belowResolution: true });
    // 300 negatives cannot resolve 1e-3; 1000 can.
    const many = (n: number): ScoredPair[] => pairs([0], Array.from({ length: n }, (_, i) => i + 1));
    expect(tarAtFar(rocCurve(many(300), 'lower'), 1e-3).belowResolution).toBe(true);
    expect(tarAtFar(rocCurve(many(1000), 'lower'), 1e-3).belowResolution).toBe(false);
  });

  it('answers TAR 0 with no threshold when even the most similar pair is a different-person one', () => {
    const worst = rocCurve(pairs([0.9], [0.1]), 'lower');
    expect(tarAtFar(worst, 0)).toMatchObject({ tar: 0, far: 0, threshold: null });
  });

  it('refuses targets outside [0, 1]', () => {
    expect(() => tarAtFar(curve, -0.1)).toThrow(/\[0, 1\]/);
    expect(() => tarAtFar(curve, 1.5)).toThrow(/\[0, 1\]/);
    expect(() => tarAtFar(curve, Number.NaN)).toThrow(/\[0, 1\]/);
  });
});

describe('equalErrorRate', () => {
  it('is 0 for separable scores', () => {
    expect(equalErrorRate(rocCurve(pairs([0.1], [0.9]), 'lower'))).toBe(0);
  });

  it('sits on an operating point when one has FAR = FRR', () => {
    expect(equalErrorRate(rocCurve(pairs([0.1, 0.3], [0.2, 0.4]), 'lower'))).toBe(0.5);
  });

  it('interpolates along the segment that crosses FAR = FRR', () => {
    // Points (0, 0), (0, 0.5), (1, 1): on the last segment TAR = 0.5 + 0.5 FAR, so FRR = FAR at 1/3.
    expect(equalErrorRate(rocCurve(pairs([0.1, 0.5], [0.5]), 'lower'))).toBeCloseTo(1 / 3, 12);
  });
});
