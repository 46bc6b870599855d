import { describe, expect, it } from 'vitest';
import { createRgbImage, isPvError } from '@pv/core';
import { packTensor, tensorLength } from './tensor.js';

describe('packTensor', () => {
  // 2x1 image: red-ish pixel then blue-ish pixel.
  const image = createRgbImage(2, 1, Uint8Array.from([255, 127, 0, 0, 127, 255]));

  it('writes planar RGB with (x − mean) / std at the batch offset', () => {
    const out = new Float32Array(12).fill(9);
    packTensor(image, out, 1, { mean: 127, std: 128 });
    expect([...out.subarray(0, 6)]).toEqual([9, 9, 9, 9, 9, 9]);
    expect([...out.subarray(6)]).toEqual([1, -127 / 128, 0, 0, -127 / 128, 1]);
  });

  it('accepts per-channel means and deviations', () => {
    const out = new Float32Array(6);
    packTensor(image, out, 0, { mean: [255, 127, 0], std: [1, 2, 255] });
    expect([...out]).toEqual([0, -255, 0, 0, 0, 1]);
  });

  it('writes B, G, R planes for bgr', () => {
    const out = new Float32Array(6);
    packTensor(image, out, 0, { channels: 'bgr', mean: [0], std: [1] });
    expect([...out]).toEqual([0, 255, 127, 127, 255, 0]);
  });

  it('writes one plane of BT.601 luma for gray', () => {
    const out = new Float32Array(2);
    packTensor(image, out, 0, { channels: 'gray', mean: 0, std: 256 });
    expect(out[0]).toBeCloseTo((0.299 * 255 + 0.587 * 127) / 256, 6);
    expect(out[1]).toBeCloseTo((0.587 * 127 + 0.114 * 255) / 256, 6);
    expect(tensorLength(64, 64, { channels: 'gray' })).toBe(4096);
  });

  it('refuses a buffer that is too short and a missing channel value', () => {
    for (const call of [
      () => packTensor(image, new Float32Array(11), 1, { mean: 0, std: 1 }),
      () => packTensor(image, new Float32Array(6), 0, { mean: [1, 2], std: 1 }),
    ]) {
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
