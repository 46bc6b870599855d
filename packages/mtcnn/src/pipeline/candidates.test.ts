import { describe, expect, it } from 'vitest';
import { cropRegion, regress, square, suppress, type Candidate } from './candidates.js';

const box = (x1: number, y1: number, x2: number, y2: number, score = 1): Candidate => ({ x1, y1, x2, y2, score });

describe('candidate geometry', () => {
  it('regress moves each corner by its offset times the box size, exclusive or inclusive of the last pixel', () => {
    const reg = [9, 0.1, -0.2, 0.3, 0.4];
    expect(regress(box(10, 20, 30, 60, 0.5), reg, 1, 'exclusive')).toEqual({ x1: 12, y1: 12, x2: 36, y2: 76, score: 0.5 });
    expect(regress(box(10, 20, 29, 59), reg, 1, 'inclusive')).toEqual({ x1: 12, y1: 12, x2: 35, y2: 75, score: 1 });
  });

  it('square keeps the centre and takes the longer side', () => {
    expect(square(box(10, 20, 30, 60))).toEqual({ x1: 0, y1: 20, x2: 40, y2: 60, score: 1 });
    expect(square(box(0, 0, 10, 4))).toEqual({ x1: 0, y1: -3, x2: 10, y2: 7, score: 1 });
  });

  it('cropRegion truncates corners, clamps them to the image and counts from the 1-based corner', () => {
    expect(cropRegion(box(10.9, 20.2, 30.7, 40.5), 100, 100)).toEqual({ x: 9, y: 19, width: 21, height: 21 });
    // Outside on the top-left: clamped to pixel 0; beyond the bottom-right: clamped to the size.
    expect(cropRegion(box(-5.5, -0.5, 120, 130), 100, 80)).toEqual({ x: 0, y: 0, width: 100, height: 80 });
    expect(cropRegion(box(-30, 10, -2, 20), 100, 100)).toBeUndefined();
    expect(cropRegion(box(150, 10, 170, 20), 100, 100)).toBeUndefined();
  });

  it('suppress: union drops overlapping boxes; minimum-inclusive also drops a box inside a better one', () => {
    const big = box(0, 0, 99, 99, 0.9);
    const inside = box(40, 40, 59, 59, 0.8);
    const shifted = box(5, 5, 104, 104, 0.7);
    const far = box(300, 300, 320, 320, 0.95);
    expect(suppress([big, inside, shifted, far], 0.7, 'union')).toEqual([far, big, inside]);
    expect(suppress([big, inside, shifted, far], 0.7, 'minimum-inclusive')).toEqual([far, big]);
  });
});
