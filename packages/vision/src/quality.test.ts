import { createRgbImage } from '@pv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grayStats, laplacianVariance } from './quality.js';
import { resizeImage } from './resize.js';
import { solidImage } from './test-images.fixture.js';

function checkerboard(size: number, cell: number): ReturnType<typeof createRgbImage> {
  const image = createRgbImage(size, size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const v = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 0 : 255;
    image.data.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return image;
}

describe('grayStats', () => {
  it('gives the luma mean and zero contrast for a flat image', () => {
    const s = grayStats(solidImage(8, 8, [100, 100, 100]));
    expect(s.mean).toBeCloseTo(100, 4);
    expect(s.std).toBeCloseTo(0, 6);
  });
  it('gives mean 127.5 and std 127.5 for a black-and-white checkerboard', () => {
    const s = grayStats(checkerboard(16, 1));
    expect(s.mean).toBeCloseTo(127.5, 3);
    expect(s.std).toBeCloseTo(127.5, 3);
  });
});

describe('laplacianVariance', () => {
  it('is 0 for flat images and tiny images', () => {
    expect(laplacianVariance(solidImage(10, 10, [30, 60, 90]))).toBeCloseTo(0, 6);
    expect(laplacianVariance(solidImage(2, 2, [0, 0, 0]))).toBe(0);
  });
  it('drops when an image is blurred (shrunk and enlarged again)', () => {
    const sharp = checkerboard(64, 4);
    const blurred = resizeImage(resizeImage(sharp, 16, 16, { filter: 'area' }), 64, 64);
    expect(laplacianVariance(blurred)).toBeLessThan(laplacianVariance(sharp) / 4);
  });
  it('scales with the square of the contrast (variance of a linear filter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 60 }), (cell, amplitude) => {
        const base = checkerboard(24, cell);
        const scaled = createRgbImage(24, 24, base.data.map((v) => (v === 255 ? amplitude * 2 : 0)));
        const half = createRgbImage(24, 24, base.data.map((v) => (v === 255 ? amplitude : 0)));
        expect(laplacianVariance(scaled)).toBeCloseTo(4 * laplacianVariance(half), 1);
      }),
      { numRuns: 300 },
    );
  });
});
