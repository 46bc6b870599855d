import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analysisCropRegion, eyeRegions } from './analysis-crop.js';

const box = { x: 100, y: 80, width: 50, height: 60 };

describe('analysisCropRegion', () => {
  it('scales a box around its centre when it fits', () => {
    expect(analysisCropRegion({ kind: 'centred-scale', scale: 1.4 }, box, 1000, 1000)).toEqual({ x: 90, y: 68, width: 70, height: 84 });
  });
  it('lowers the scale until the box fits, then shifts it inside the photo', () => {
    // 2.7x would be 135x162; the photo is 200x150, so the scale becomes 149/60 and the box moves to y = 0
    const r = analysisCropRegion({ kind: 'centred-scale', scale: 2.7 }, box, 200, 150);
    expect(r.y).toBe(0);
    expect(r.height).toBe(149);
    expect(r.x + r.width).toBeLessThanOrEqual(200);
  });
  it('grows a box by a margin on every side and clips it', () => {
    expect(analysisCropRegion({ kind: 'expand', margin: 0.25 }, box, 1000, 1000)).toEqual({ x: 87, y: 65, width: 76, height: 90 });
    expect(analysisCropRegion({ kind: 'expand', margin: 0.25 }, { x: 0, y: 0, width: 40, height: 40 }, 45, 45)).toEqual({ x: 0, y: 0, width: 45, height: 45 });
  });
  it('keeps the top-left corner for anchored crops', () => {
    expect(analysisCropRegion({ kind: 'anchored', scale: 1.2 }, box, 1000, 1000)).toEqual({ x: 100, y: 80, width: 60, height: 72 });
  });
  it('always returns a non-empty region inside the photo', () => {
    fc.assert(
      fc.property(
        fc.record({ x: fc.double({ min: -50, max: 300, noNaN: true }), y: fc.double({ min: -50, max: 300, noNaN: true }), width: fc.double({ min: 1, max: 300, noNaN: true }), height: fc.double({ min: 1, max: 300, noNaN: true }) }),
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 2, max: 400 }),
        fc.constantFrom({ kind: 'centred-scale', scale: 2.7 } as const, { kind: 'expand', margin: 0.25 } as const, { kind: 'anchored', scale: 1.2 } as const),
        (b, w, h, crop) => {
          const r = analysisCropRegion(crop, b, w, h);
          expect(r.x).toBeGreaterThanOrEqual(0);
          expect(r.y).toBeGreaterThanOrEqual(0);
          expect(r.width).toBeGreaterThanOrEqual(1);
          expect(r.height).toBeGreaterThanOrEqual(1);
          expect(r.x + r.width).toBeLessThanOrEqual(w);
          expect(r.y + r.height).toBeLessThanOrEqual(h);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('eyeRegions', () => {
  it('centres a square on each eye, 1.6x its corner distance', () => {
    const points = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
    // image-left eye: corners 36 (40,50) and 39 (60,50), lids around (50,50)
    points[36] = { x: 40, y: 50 };
    points[39] = { x: 60, y: 50 };
    for (const i of [37, 38, 40, 41]) points[i] = { x: 50, y: 50 };
    points[42] = { x: 80, y: 52 };
    points[45] = { x: 100, y: 52 };
    for (const i of [43, 44, 46, 47]) points[i] = { x: 90, y: 52 };
    expect(eyeRegions(points, 1.6, 200, 200)).toEqual([
      { x: 34, y: 34, width: 32, height: 32 },
      { x: 74, y: 36, width: 32, height: 32 },
    ]);
  });
});
