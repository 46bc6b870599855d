import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPvError, type Point } from '@pv/core';
import { applyAffine, type AffineMatrix } from './affine.js';
import { estimateSimilarity } from './similarity.js';

const template: Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

function similarity(scale: number, angle: number, tx: number, ty: number): AffineMatrix {
  const a = scale * Math.cos(angle);
  const b = scale * Math.sin(angle);
  return [a, -b, tx, b, a, ty];
}

/** A deterministic pseudo-random sequence in [-1, 1) (no Math.random in tests). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

describe('estimateSimilarity', () => {
  it('recovers a known similarity exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (scale, angle, tx, ty) => {
          const truth = similarity(scale, angle, tx, ty);
          const moved = template.map((p) => applyAffine(truth, p));
          const found = estimateSimilarity(template, moved);
          found.forEach((v, i) => expect(v).toBeCloseTo(truth[i] as number, 6));
        },
      ),
    );
  });

  it('stays close under landmark noise and beats the noise itself', () => {
    const truth = similarity(2.5, 0.3, 120, 80);
    const random = noise(7);
    const moved = template.map((p) => {
      const q = applyAffine(truth, p);
      return { x: q.x + random() * 1.5, y: q.y + random() * 1.5 };
    });
    const found = estimateSimilarity(template, moved);
    const scale = Math.hypot(found[0], found[3]);
    expect(scale).toBeCloseTo(2.5, 1);
    expect(Math.atan2(found[3], found[0])).toBeCloseTo(0.3, 1);
    // Least squares: the fitted transform's residual is no larger than the true transform's.
    const residual = (m: AffineMatrix) =>
      template.reduce((sum, p, i) => {
        const q = applyAffine(m, p);
        return sum + (q.x - moved[i]!.x) ** 2 + (q.y - moved[i]!.y) ** 2;
      }, 0);
    expect(residual(found)).toBeLessThanOrEqual(residual(truth));
    // …and no nearby similarity does better (the normal equations hold).
    const [a, , c, b, , f] = found;
    for (const [da, db, dc, df] of [[1e-4, 0, 0, 0], [0, 1e-4, 0, 0], [0, 0, 1e-3, 0], [0, 0, 0, 1e-3]] as const) {
      for (const sign of [1, -1]) {
        const pa = a + sign * da;
        const pb = b + sign * db;
        const nearby: AffineMatrix = [pa, -pb, c + sign * dc, pb, pa, f + sign * df];
        expect(residual(nearby)).toBeGreaterThan(residual(found));
      }
    }
  });

  it('never returns a reflection, even for a mirrored point set', () => {
    const mirrored = template.map((p) => ({ x: 112 - p.x, y: p.y }));
    const found = estimateSimilarity(template, mirrored);
    expect(found[0] * found[4] - found[1] * found[3]).toBeGreaterThan(0);
    expect(found[0]).toBeCloseTo(found[4], 12);
    expect(found[1]).toBeCloseTo(-found[3], 12);
  });

  it('refuses coincident points and mismatched lists', () => {
    const same = [
      { x: 1, y: 1 },
      { x: 1, y: 1 },
    ];
    for (const call of [() => estimateSimilarity(same, template.slice(0, 2)), () => estimateSimilarity(template, same)]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isPvError(caught, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
