import { describe, expect, it } from 'vitest';
import { IDENTITY_AFFINE } from './affine.js';
import { coordinateImage, pixelAt } from './test-images.fixture.js';
import { warpAffine } from './warp.js';

describe('warpAffine', () => {
  const image = coordinateImage(20, 10);

  it('reproduces the image under the identity', () => {
    expect(warpAffine(image, IDENTITY_AFFINE, 20, 10).data).toEqual(image.data);
  });

  it('moves pixels by an integer translation and fills the uncovered part with zeros', () => {
    const out = warpAffine(image, [1, 0, 3, 0, 1, 2], 20, 10);
    expect(pixelAt(out, 3, 2)).toEqual(pixelAt(image, 0, 0));
    expect(pixelAt(out, 19, 9)).toEqual(pixelAt(image, 16, 7));
    expect(pixelAt(out, 2, 5)).toEqual([0, 0, 0]);
    expect(pixelAt(out, 10, 1)).toEqual([0, 0, 0]);
  });

  it('replicates the edge when asked', () => {
    const out = warpAffine(image, [1, 0, 3, 0, 1, 2], 20, 10, { border: 'replicate' });
    expect(pixelAt(out, 0, 0)).toEqual(pixelAt(image, 0, 0));
    expect(pixelAt(out, 1, 6)).toEqual(pixelAt(image, 0, 4));
  });

  it('blends neighbours at half-pixel offsets', () => {
    // Shift right by half a pixel: each output pixel is the mean of two source pixels.
    const out = warpAffine(image, [1, 0, 0.5, 0, 1, 0], 20, 10);
    expect(pixelAt(out, 5, 4)[0]).toBe(Math.round((4 + 5) / 2));
    // The first column blends with the zero border.
    expect(pixelAt(out, 0, 4)[1]).toBe(2);
  });

  it('rotates a square image by 90 degrees exactly', () => {
    const square = coordinateImage(8, 8);
    // (x, y) → (8 − y, x): a quarter turn about the centre (4, 4) in corner coordinates.
    const out = warpAffine(square, [0, -1, 8, 1, 0, 0], 8, 8);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        // Output pixel centre (x + .5, y + .5) comes from source centre (y + .5, 8 − x − .5).
        expect(pixelAt(out, x, y)).toEqual(pixelAt(square, y, 7 - x));
      }
    }
  });

  it('scales up by 2 with pixel centres on the convention (x + 0.5)', () => {
    const out = warpAffine(image, [2, 0, 0, 0, 2, 0], 40, 20, { border: 'replicate' });
    // Output pixel 4 has centre 4.5 ↔ source 2.25, i.e. index 1.75: between source pixels 1 and 2.
    // Output pixel 5 has centre 5.5 ↔ source 2.75, i.e. index 2.25: between source pixels 2 and 3.
    expect(pixelAt(out, 4, 4)[0]).toBe(Math.round(1 * 0.25 + 2 * 0.75));
    expect(pixelAt(out, 5, 4)[0]).toBe(Math.round(2 * 0.75 + 3 * 0.25));
  });
});
