import { describe, expect, it } from 'vitest';
import { binnedAngle, softmax, ssrMerge } from './analysis-outputs.js';

describe('analysis output decoding', () => {
  it('softmax sums to 1 and survives large logits', () => {
    const p = softmax([1000, 1000, 998]);
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo(p[1]!, 12);
  });
  it('binnedAngle is the expected bin × 3 − 99', () => {
    const logits = new Array<number>(66).fill(-1e9);
    logits[33] = 0;
    expect(binnedAngle(logits)).toBeCloseTo(0, 9);
    logits[33] = -1e9;
    logits[43] = 0;
    expect(binnedAngle(logits)).toBeCloseTo(30, 9);
  });
  it('ssrMerge reproduces SSR-Net stagewise regression on hand-computed values', () => {
    // one-hot bins 2, 1, 0 with no offsets or deltas: (2/3 + 1/9 + 0/27)·101
    const outputs = {
      probabilities: [[0, 0, 1], [0, 1, 0], [1, 0, 0]] as const,
      offsets: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] as const,
      deltas: [0, 0, 0] as const,
    };
    expect(ssrMerge(outputs, 101)).toBeCloseTo((2 / 3 + 1 / 9) * 101, 9);
    // an offset of 0.5 on bin 2 of stage 1 and a delta of 1 halve stage 1's divisor growth: (2.5/6)
    const shifted = { ...outputs, offsets: [[0, 0, 0.5], [0, 0, 0], [0, 0, 0]] as const, deltas: [1, 0, 0] as const };
    expect(ssrMerge(shifted, 1)).toBeCloseTo(2.5 / 6 + 1 / (6 * 3), 9);
  });
});
