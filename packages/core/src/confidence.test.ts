import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confidenceScale, matchConfidence } from './confidence.js';

describe('matchConfidence', () => {
  it('is 0.5 at the threshold and 0.99 at the strict threshold its scale was made from', () => {
    const scale = confidenceScale(0.72, 0.6);
    expect(matchConfidence(0.72, { threshold: 0.72, scale })).toBeCloseTo(0.5, 12);
    expect(matchConfidence(0.6, { threshold: 0.72, scale })).toBeCloseTo(0.99, 12);
    expect(matchConfidence(0.84, { threshold: 0.72, scale })).toBeCloseTo(0.01, 12);
  });

  it('is monotone decreasing in the distance and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4, noNaN: true }), fc.double({ min: 0, max: 4, noNaN: true }), fc.double({ min: 0.01, max: 2, noNaN: true }), (a, b, scale) => {
        const [near, far] = a <= b ? [a, b] : [b, a];
        const c = { threshold: 1, scale };
        expect(matchConfidence(near, c)).toBeGreaterThanOrEqual(matchConfidence(far, c));
        expect(matchConfidence(near, c)).toBeLessThanOrEqual(1);
        expect(matchConfidence(far, c)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bad scales and thresholds', () => {
    expect(() => matchConfidence(0.5, { threshold: 0.7, scale: 0 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => confidenceScale(0.7, 0.8)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
