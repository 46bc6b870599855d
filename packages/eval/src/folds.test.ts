import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignFolds, crossValidate } from './folds.js';
import type { ScoredPair } from './scored-pair.js';

const kinds = (...flags: number[]): { same: boolean }[] => flags.map((f) => ({ same: f === 1 }));

describe('assignFolds', () => {
  it('cuts each kind into contiguous blocks in the given order', () => {
    // same, different, same, … : the k-th block of each kind forms fold k.
    expect(assignFolds(kinds(1, 0, 1, 0, 1, 0, 1, 0), 2)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(assignFolds(kinds(1, 1, 1, 1, 0, 0, 0, 0), 2)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('gives the first blocks one pair more when a count does not divide', () => {
    expect(assignFolds(kinds(1, 1, 1, 1, 1, 1, 1, 0, 0, 0), 3)).toEqual([0, 0, 0, 1, 1, 2, 2, 0, 1, 2]);
  });

  it('splits one LFW set of 300 + 300 into 10 folds of 30 + 30', () => {
    const folds = assignFolds([...kinds(...Array<number>(300).fill(1)), ...kinds(...Array<number>(300).fill(0))], 10);
    for (let k = 0; k < 10; k++) {
      expect(folds.slice(30 * k, 30 * k + 30)).toEqual(Array(30).fill(k));
      expect(folds.slice(300 + 30 * k, 300 + 30 * k + 30)).toEqual(Array(30).fill(k));
    }
  });

  it('reproduces the published sets of a View 2 layout', () => {
    const sets = 10;
    const layout: { same: boolean; set: number }[] = [];
    for (let set = 0; set < sets; set++) {
      for (let i = 0; i < 6; i++) layout.push({ same: i < 3, set });
    }
    expect(assignFolds(layout, sets)).toEqual(layout.map((p) => p.set));
  });

  it('refuses fewer than two folds, fractional folds and kinds with fewer pairs than folds', () => {
    expect(() => assignFolds(kinds(1, 0, 1, 0), 1)).toThrow(/at least 2/);
    expect(() => assignFolds(kinds(1, 0, 1, 0), 2.5)).toThrow(/integer/);
    expect(() => assignFolds(kinds(1, 1, 1, 0, 0), 3)).toThrow(/3 same-person and 3 different-person pairs; got 3 and 2/);
  });

  it('balances every fold within one pair of each kind and keeps each kind in order (property)', () => {
    // At least `folds` pairs of each kind by construction (any extra pairs, then a random permutation), so
    // no draw is discarded.
    const layouts = fc.integer({ min: 2, max: 12 }).chain((folds) =>
      fc.array(fc.boolean(), { maxLength: 200 - 2 * folds }).chain((extra) => {
        const all = [...extra, ...Array<boolean>(folds).fill(true), ...Array<boolean>(folds).fill(false)];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map((flags) => ({ flags, folds }));
      }),
    );
    fc.assert(
      fc.property(layouts, ({ flags, folds }) => {
        const foldOf = assignFolds(flags.map((s) => ({ same: s })), folds);
        for (const kind of [true, false]) {
          const sequence = foldOf.filter((_, i) => flags[i] === kind);
          expect(sequence).toEqual([...sequence].sort((x, y) => x - y));
          const sizes = Array.from({ length: folds }, (_, k) => sequence.filter((f) => f === k).length);
          const expected = sequence.length / folds;
          for (const size of sizes) expect(Math.abs(size - expected)).toBeLessThan(1);
        }
      }),
    );
  });
});

describe('crossValidate', () => {
  // Fold 0: same 0.1 0.2, different 0.8 0.9. Fold 1: same 0.3 0.6, different 0.5 0.7 (distances).
  const data: ScoredPair[] = [
    { score: 0.1, same: true },
    { score: 0.2, same: true },
    { score: 0.8, same: false },
    { score: 0.9, same: false },
    { score: 0.3, same: true },
    { score: 0.6, same: true },
    { score: 0.5, same: false },
    { score: 0.7, same: false },
  ];
  const foldOf = [0, 0, 0, 0, 1, 1, 1, 1];

  it('chooses each fold threshold on the other folds (hand-computed)', () => {
    const cv = crossValidate(data, foldOf, 2, 'lower');
    // Testing fold 0, trained on fold 1: cuts at 0.4 and 0.65 both get 3 of 4; the stricter 0.4 wins and
    // decides fold 0 perfectly.
    expect(cv.folds[0]?.threshold).toBeCloseTo(0.4, 12);
    expect(cv.folds[0]?.trainAccuracy).toBe(0.75);
    expect(cv.folds[0]?.accuracy).toBe(1);
    // Testing fold 1, trained on fold 0: threshold 0.5; fold 1 gets 0.3 and 0.7 right, 0.6 wrong, and 0.5
    // (a different pair exactly at the threshold, accepted) wrong.
    expect(cv.folds[1]?.threshold).toBeCloseTo(0.5, 12);
    expect(cv.folds[1]?.trainAccuracy).toBe(1);
    expect(cv.folds[1]?.accuracy).toBe(0.5);
    expect(cv.folds.map((f) => f.pairs)).toEqual([4, 4]);
    expect(cv.accuracyMean).toBeCloseTo(0.75, 12);
    expect(cv.accuracyStd).toBeCloseTo(0.25, 12);
  });

  it('refuses fold indices that do not fit', () => {
    expect(() => crossValidate(data, foldOf.slice(1), 2, 'lower')).toThrow(/7 fold indices for 8 pairs/);
    expect(() => crossValidate(data, [...foldOf.slice(1), 2], 2, 'lower')).toThrow(/Pair 7 has fold 2/);
    expect(() => crossValidate(data, Array<number>(8).fill(0), 2, 'lower')).toThrow(/Fold 0 or its complement/);
  });
});
