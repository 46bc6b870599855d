import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { intersectionArea, intersectionOverMinimum, iou } from './iou.js';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('iou', () => {
  it('is 1 for identical boxes and 0 for disjoint or touching ones', () => {
    expect(iou(box(1, 2, 3, 4), box(1, 2, 3, 4))).toBe(1);
    expect(iou(box(0, 0, 2, 2), box(5, 5, 2, 2))).toBe(0);
    expect(iou(box(0, 0, 2, 2), box(2, 0, 2, 2))).toBe(0);
  });

  it('matches a hand-computed overlap', () => {
    // Overlap 1x2 = 2; union 4 + 4 - 2 = 6.
    expect(intersectionArea(box(0, 0, 2, 2), box(1, 0, 2, 2))).toBe(2);
    expect(iou(box(0, 0, 2, 2), box(1, 0, 2, 2))).toBeCloseTo(2 / 6, 12);
  });

  it('gives 0 for degenerate boxes', () => {
    expect(iou(box(0, 0, 0, 0), box(0, 0, 0, 0))).toBe(0);
    expect(intersectionOverMinimum(box(0, 0, 0, 3), box(0, 0, 2, 2))).toBe(0);
  });

  it('intersection over minimum is 1 for a box inside another', () => {
    expect(intersectionOverMinimum(box(0, 0, 10, 10), box(2, 2, 3, 3))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(2, 2, 3, 3))).toBeCloseTo(9 / 100, 12);
  });

  it('is symmetric and within [0, 1]', () => {
    const arb = fc.record({
      x: fc.double({ min: -100, max: 100, noNaN: true }),
      y: fc.double({ min: -100, max: 100, noNaN: true }),
      width: fc.double({ min: 0, max: 100, noNaN: true }),
      height: fc.double({ min: 0, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const v = iou(a, b);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
        expect(iou(b, a)).toBeCloseTo(v, 12);
        expect(intersectionOverMinimum(a, b)).toBeGreaterThanOrEqual(v - 1e-12);
      }),
    );
  });
});
