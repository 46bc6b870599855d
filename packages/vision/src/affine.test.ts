import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPvError } from '@pv/core';
import { applyAffine, composeAffine, IDENTITY_AFFINE, invertAffine, type AffineMatrix } from './affine.js';

describe('affine transforms', () => {
  it('applies the matrix row by row', () => {
    expect(applyAffine([2, 1, 3, -1, 4, 5], { x: 1, y: 2 })).toEqual({ x: 7, y: 12 });
  });

  it('inverts: m⁻¹ ∘ m is the identity', () => {
    const finite = fc.double({ min: -10, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.tuple(finite, finite, finite, finite, finite, finite), (t) => {
        const m: AffineMatrix = t;
        fc.pre(Math.abs(m[0] * m[4] - m[1] * m[3]) > 0.1);
        const round = composeAffine(invertAffine(m), m);
        round.forEach((v, i) => expect(v).toBeCloseTo(IDENTITY_AFFINE[i] as number, 8));
      }),
    );
  });

  it('composes in application order', () => {
    const translate: AffineMatrix = [1, 0, 5, 0, 1, 0];
    const scale: AffineMatrix = [2, 0, 0, 0, 2, 0];
    expect(applyAffine(composeAffine(scale, translate), { x: 1, y: 1 })).toEqual({ x: 12, y: 2 });
    expect(applyAffine(composeAffine(translate, scale), { x: 1, y: 1 })).toEqual({ x: 7, y: 2 });
  });

  it('refuses a singular matrix', () => {
    let caught: unknown;
    try {
      invertAffine([1, 2, 0, 2, 4, 0]);
    } catch (error) {
      caught = error;
    }
    expect(isPvError(caught, 'E_INVALID_ARGUMENT')).toBe(true);
  });
});
