import { describe, expect, it } from 'vitest';
import { pyramidLevelSize, pyramidScales } from './pyramid.js';

describe('pyramidScales', () => {
  it('starts at 12 / minFaceSize and shrinks by the factor while the shorter side stays at least 12 pixels', () => {
    const scales = pyramidScales(250, 250, 20, 0.709);
    // 250 · 0.6 = 150, then 150 · 0.709^k ≥ 12 for k = 0 … 7.
    expect(scales).toHaveLength(8);
    scales.forEach((scale, k) => expect(scale).toBeCloseTo(0.6 * 0.709 ** k, 12));
    expect(Math.min(250, 250) * (scales.at(-1) as number)).toBeGreaterThanOrEqual(12);
  });

  it('uses the shorter side and the minimum face size', () => {
    expect(pyramidScales(1000, 40, 40, 0.5)).toEqual([0.3]); // 40 · 0.3 = 12, then 6
    expect(pyramidScales(1000, 39, 40, 0.5)).toEqual([]);
  });

  it('sizes levels as int(size · scale + 1)', () => {
    expect(pyramidLevelSize(250, 250, 0.6)).toEqual({ width: 151, height: 151 });
    expect(pyramidLevelSize(1665, 2048, 0.6 * 0.709)).toEqual({ width: Math.trunc(1665 * 0.6 * 0.709 + 1), height: Math.trunc(2048 * 0.6 * 0.709 + 1) });
  });
});
