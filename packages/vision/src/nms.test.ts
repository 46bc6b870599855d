import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPvError } from '@pv/core';
import { iou } from './iou.js';
import { nonMaxSuppression } from './nms.js';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping boxes and every separate box, best first', () => {
    const boxes = [box(0, 0, 10, 10), box(1, 1, 10, 10), box(50, 50, 10, 10), box(0.5, 0, 10, 10)];
    const scores = [0.8, 0.9, 0.7, 0.85];
    expect(nonMaxSuppression(boxes, scores, { iouThreshold: 0.4 })).toEqual([1, 2]);
  });

  it('sorts by score, not by position (the shipped JavaScript decoder sorted by bottom edge)', () => {
    const boxes = [box(0, 0, 10, 20), box(0, 0, 10, 18)];
    expect(nonMaxSuppression(boxes, [0.6, 0.99], { iouThreshold: 0.4 })).toEqual([1]);
  });

  it('applies the score threshold and the output limit', () => {
    const boxes = [box(0, 0, 1, 1), box(10, 0, 1, 1), box(20, 0, 1, 1)];
    expect(nonMaxSuppression(boxes, [0.5, 0.9, 0.7], { iouThreshold: 0.5, scoreThreshold: 0.6 })).toEqual([1, 2]);
    expect(nonMaxSuppression(boxes, [0.5, 0.9, 0.7], { iouThreshold: 0.5, maxOutput: 1 })).toEqual([1]);
  });

  it('minimum overlap suppresses a box nested in a better one; union does not', () => {
    const boxes = [box(0, 0, 100, 100), box(10, 10, 20, 20)];
    expect(nonMaxSuppression(boxes, [0.9, 0.8], { iouThreshold: 0.5 })).toEqual([0, 1]);
    expect(nonMaxSuppression(boxes, [0.9, 0.8], { iouThreshold: 0.5, overlap: 'minimum' })).toEqual([0]);
  });

  it('refuses mismatched lengths', () => {
    let caught: unknown;
    try {
      nonMaxSuppression([box(0, 0, 1, 1)], [], { iouThreshold: 0.5 });
    } catch (error) {
      caught = error;
    }
    expect(isPvError(caught, 'E_INVALID_ARGUMENT')).toBe(true);
  });

  it('never keeps two boxes overlapping beyond the threshold and never drops the best', () => {
    const arb = fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 50 }),
        y: fc.integer({ min: 0, max: 50 }),
        w: fc.integer({ min: 1, max: 30 }),
        h: fc.integer({ min: 1, max: 30 }),
        s: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (items) => {
        const boxes = items.map((i) => box(i.x, i.y, i.w, i.h));
        const scores = items.map((i) => i.s);
        const kept = nonMaxSuppression(boxes, scores, { iouThreshold: 0.3 });
        const best = Math.max(...scores);
        expect(scores[kept[0] as number]).toBe(best);
        for (let i = 0; i < kept.length; i++) {
          for (let j = i + 1; j < kept.length; j++) {
            expect(iou(boxes[kept[i] as number]!, boxes[kept[j] as number]!)).toBeLessThanOrEqual(0.3);
            expect(scores[kept[i] as number]).toBeGreaterThanOrEqual(scores[kept[j] as number] as number);
          }
        }
        // Every dropped box overlaps some kept box with a score at least its own.
        for (let d = 0; d < boxes.length; d++) {
          if (kept.includes(d)) continue;
          expect(kept.some((k) => iou(boxes[k]!, boxes[d]!) > 0.3 && scores[k]! >= scores[d]!)).toBe(true);
        }
      }),
    );
  });
});
