import { describe, expect, it } from 'vitest';
import { cropImage, pixelBox } from './crop.js';
import { coordinateImage, pixelAt } from './test-images.fixture.js';

describe('pixelBox', () => {
  it('rounds the corners, not the size', () => {
    expect(pixelBox({ x: 1.4, y: 2.6, width: 3.4, height: 1 })).toEqual({ x: 1, y: 3, width: 4, height: 1 });
    expect(pixelBox({ x: 5, y: 5, width: 0.1, height: 0 })).toEqual({ x: 5, y: 5, width: 1, height: 1 });
  });
});

describe('cropImage', () => {
  const image = coordinateImage(10, 8);

  it('copies the pixels under an inside box', () => {
    const out = cropImage(image, { x: 2, y: 3, width: 4, height: 2 });
    expect(out.width).toBe(4);
    expect(out.height).toBe(2);
    expect(pixelAt(out, 0, 0)).toEqual(pixelAt(image, 2, 3));
    expect(pixelAt(out, 3, 1)).toEqual(pixelAt(image, 5, 4));
  });

  it('fills the outside with zeros by default', () => {
    const out = cropImage(image, { x: -2, y: -1, width: 14, height: 10 });
    expect(pixelAt(out, 0, 0)).toEqual([0, 0, 0]);
    expect(pixelAt(out, 2, 1)).toEqual(pixelAt(image, 0, 0));
    expect(pixelAt(out, 11, 8)).toEqual(pixelAt(image, 9, 7));
    expect(pixelAt(out, 12, 5)).toEqual([0, 0, 0]);
    expect(pixelAt(out, 5, 9)).toEqual([0, 0, 0]);
  });

  it('replicates the edges when asked, also for a box wholly outside', () => {
    const out = cropImage(image, { x: -2, y: -1, width: 14, height: 10 }, { border: 'replicate' });
    expect(pixelAt(out, 0, 0)).toEqual(pixelAt(image, 0, 0));
    expect(pixelAt(out, 13, 9)).toEqual(pixelAt(image, 9, 7));
    expect(pixelAt(out, 5, 0)).toEqual(pixelAt(image, 3, 0));
    const far = cropImage(image, { x: 20, y: 2, width: 2, height: 1 }, { border: 'replicate' });
    expect(pixelAt(far, 1, 0)).toEqual(pixelAt(image, 9, 2));
  });
});
