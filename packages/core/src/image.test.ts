import { describe, expect, it } from 'vitest';
import { BadImageError } from './errors.js';
import { boxArea, createRgbImage, isRgbImage } from './image.js';

describe('createRgbImage', () => {
  it('creates a zeroed buffer of width × height × 3 by default', () => {
    const image = createRgbImage(4, 3);
    expect(image.width).toBe(4);
    expect(image.height).toBe(3);
    expect(image.data).toEqual(new Uint8Array(36));
  });

  it('wraps a given buffer without copying it', () => {
    const data = new Uint8Array(6).fill(9);
    expect(createRgbImage(2, 1, data).data).toBe(data);
  });

  it.each([
    [0, 3],
    [3, -1],
    [2.5, 2],
    [Number.NaN, 2],
  ])('refuses the size %s × %s with E_BAD_IMAGE', (w, h) => {
    expect(() => createRgbImage(w, h)).toThrow(BadImageError);
  });

  it('refuses a buffer of the wrong length with E_BAD_IMAGE, naming the sizes', () => {
    expect(() => createRgbImage(2, 2, new Uint8Array(11))).toThrow(
      expect.objectContaining({ code: 'E_BAD_IMAGE', details: { width: 2, height: 2, length: 11 } }),
    );
  });
});

describe('isRgbImage', () => {
  it('accepts structural RGB images and nothing else', () => {
    expect(isRgbImage(createRgbImage(2, 2))).toBe(true);
    expect(isRgbImage({ width: 1, height: 1, data: new Uint8Array(3) })).toBe(true);
    expect(isRgbImage({ width: 1, height: 1, data: new Uint8Array(4) })).toBe(false);
    expect(isRgbImage({ width: 1, height: 1, data: [0, 0, 0] })).toBe(false);
    expect(isRgbImage({ width: '1', height: 1, data: new Uint8Array(3) })).toBe(false);
    expect(isRgbImage(new Uint8Array(3))).toBe(false);
    expect(isRgbImage('photo.jpg')).toBe(false);
    expect(isRgbImage(null)).toBe(false);
  });
});

describe('boxArea', () => {
  it('is width × height, and 0 for degenerate boxes', () => {
    expect(boxArea({ x: 5, y: 5, width: 3, height: 4 })).toBe(12);
    expect(boxArea({ x: 0, y: 0, width: -3, height: 4 })).toBe(0);
    expect(boxArea({ x: 0, y: 0, width: 3, height: 0 })).toBe(0);
  });
});
