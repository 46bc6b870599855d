import { describe, expect, it } from 'vitest';
import { l2Norm, l2NormalizeInPlace, meanNormalized } from './vector.js';

describe('vector helpers', () => {
  it('l2Norm is the Euclidean length', () => {
    expect(l2Norm(Float32Array.of(3, 4))).toBe(5);
    expect(l2Norm(new Float32Array(0))).toBe(0);
  });

  it('l2NormalizeInPlace scales to unit length in place and leaves zero vectors zero', () => {
    const v = Float32Array.of(3, 4);
    expect(l2NormalizeInPlace(v)).toBe(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2NormalizeInPlace(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('meanNormalized averages then normalises, and is empty for no vectors', () => {
    const mean = meanNormalized([Float32Array.of(1, 0), Float32Array.of(0, 1)]);
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mean[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(meanNormalized([]).length).toBe(0);
  });
});
