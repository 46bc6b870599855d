import { describe, expect, it } from 'vitest';
import { flipHorizontal } from './flip.js';
import { coordinateImage, pixelAt } from './test-images.fixture.js';

describe('flipHorizontal', () => {
  it('swaps left and right and keeps rows', () => {
    const image = coordinateImage(5, 3);
    const out = flipHorizontal(image);
    expect(pixelAt(out, 0, 1)).toEqual(pixelAt(image, 4, 1));
    expect(pixelAt(out, 2, 2)).toEqual(pixelAt(image, 2, 2));
  });

  it('is its own inverse', () => {
    const image = coordinateImage(6, 4);
    expect(flipHorizontal(flipHorizontal(image)).data).toEqual(image.data);
  });
});
