import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPvError } from '@pv/core';
import { applyAffine, composeAffine, IDENTITY_AFFINE, invertAffine, type AffineMatrix } from './affine.js';

describe('affine transforms', () => {
  it('applies the matrix row by row', () => {
    expect(applyAffine([2, 1, 3, -1, 4, 5], { x: 1, y: 2 })).toEqual({ x: 7, y: 12 });
  });

  it('inverts: m⁻¹ ∘ m is the identity', () => {
    // An invertible matrix by construction (rotation · shear · scale, then a translation): |det| = |sx·sy|
    // ≥ 0.01 whatever fast-check draws, so no case is discarded. (Filtering random matrices by their
    // determinant discarded too many of fast-check's biased draws, which cluster at 0 and at the bounds.)
    const scale = fc.tuple(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.boolean()).map(([s, negative]) => (negative ? -s : s));
    const invertible = fc
      .record({
        angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        shear: fc.double({ min: -10, max: 10, noNaN: true }),
        sx: scale,
        sy: scale,
        tx: fc.double({ min: -10, max: 10, noNaN: true }),
        ty: fc.double({ min: -10, max: 10, noNaN: true }),
      })
      .map(({ angle, shear, sx, sy, tx, ty }): AffineMatrix => {
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        // [[cos, -sin], [sin, cos]] · [[1, shear], [0, 1]] · diag(sx, sy)
        return [cos * sx, (cos * shear - sin) * sy, tx, sin * sx, (sin * shear + cos) * sy, ty];
      });
    fc.assert(
      fc.property(invertible, (m) => {
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
