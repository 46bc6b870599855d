import { expectPvError } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { rgbFromImageData } from './image-input.js';

describe('rgbFromImageData', () => {
  it('drops opaque alpha and composites transparent pixels onto the background', () => {
    const rgba = Uint8ClampedArray.of(10, 20, 30, 255, 200, 100, 0, 0, 100, 50, 0, 128);
    expect([...rgbFromImageData({ width: 3, height: 1, data: rgba }).data]).toEqual([10, 20, 30, 255, 255, 255, 177, 152, 127]);
    expect([...rgbFromImageData({ width: 3, height: 1, data: rgba }, { r: 0, g: 0, b: 0 }).data]).toEqual([10, 20, 30, 0, 0, 0, 50, 25, 0]);
  });

  it('refuses a buffer that does not match the size with E_BAD_IMAGE', async () => {
    await expectPvError(() => rgbFromImageData({ width: 2, height: 2, data: new Uint8ClampedArray(12) }), 'E_BAD_IMAGE');
  });
});
