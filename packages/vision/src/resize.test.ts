import { describe, expect, it } from 'vitest';
import { createRgbImage } from '@pv/core';
import { resizeImage } from './resize.js';
import { coordinateImage, pixelAt, solidImage } from './test-images.fixture.js';

describe('resizeImage', () => {
  it('keeps a solid colour solid with either filter', () => {
    const image = solidImage(37, 23, [10, 200, 255]);
    for (const filter of ['bilinear', 'area'] as const) {
      for (const [w, h] of [[320, 240], [5, 3], [37, 23]] as const) {
        const out = resizeImage(image, w, h, { filter });
        expect(out.width).toBe(w);
        expect(out.height).toBe(h);
        const wrong = [...out.data].filter((v, i) => v !== [10, 200, 255][i % 3]).length;
        expect(wrong).toBe(0);
      }
    }
  });

  it('area: a 2x shrink is the mean of each 2x2 block', () => {
    const image = coordinateImage(8, 6);
    const out = resizeImage(image, 4, 3, { filter: 'area' });
    expect(pixelAt(out, 1, 2)).toEqual([Math.round(2.5), Math.round(4.5), Math.round(((6 + 7 + 7 + 8) / 4) % 256)]);
  });

  it('area: a 3x shrink averages all nine source pixels (bilinear would skip some)', () => {
    const image = createRgbImage(3, 3);
    image.data.set([255, 255, 255], 0); // one white corner pixel in a black 3x3 image
    expect(pixelAt(resizeImage(image, 1, 1, { filter: 'area' }), 0, 0)).toEqual([28, 28, 28]);
    expect(pixelAt(resizeImage(image, 1, 1, { filter: 'bilinear' }), 0, 0)).toEqual([0, 0, 0]);
  });

  it('area: a non-integer shrink weights partly covered pixels', () => {
    const image = createRgbImage(3, 1);
    image.data.set([0, 0, 0, 90, 90, 90, 180, 180, 180]);
    // Output pixel 0 covers [0, 1.5): 1·0 + 0.5·90 over 1.5 = 30; pixel 1 covers [1.5, 3): 0.5·90 + 180 = 150.
    const out = resizeImage(image, 2, 1, { filter: 'area' });
    expect([...out.data]).toEqual([30, 30, 30, 150, 150, 150]);
  });

  it('bilinear: a 2x enlargement interpolates between pixel centres', () => {
    const image = createRgbImage(2, 1);
    image.data.set([0, 0, 0, 100, 100, 100]);
    const out = resizeImage(image, 4, 1);
    // Centres 0.5, 1.5, 2.5, 3.5 map to source indices −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    expect([...out.data].filter((_, i) => i % 3 === 0)).toEqual([0, 25, 75, 100]);
  });

  it('returns a copy when the size does not change', () => {
    const image = coordinateImage(4, 4);
    const out = resizeImage(image, 4, 4);
    expect(out.data).toEqual(image.data);
    expect(out.data).not.toBe(image.data);
  });
});
