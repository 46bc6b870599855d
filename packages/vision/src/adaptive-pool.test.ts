import { createRgbImage } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { packAdaptiveAverage, summedAreaTable } from './adaptive-pool.js';
import { coordinateImage } from './test-images.fixture.js';

const identity = { mean: 0, std: 1 };

/** One row of three gray pixels of these values. */
function grayRow(values: readonly number[]) {
  const image = createRgbImage(values.length, 1);
  values.forEach((v, i) => image.data.fill(v, i * 3, i * 3 + 3));
  return image;
}

function pooledRow(values: readonly number[], width: number): number[] {
  const out = new Float32Array(3 * width);
  packAdaptiveAverage(summedAreaTable(grayRow(values)), { x: 0, y: 0, width: values.length, height: 1 }, width, 1, out, 0, identity);
  return [...out.subarray(0, width)];
}

describe('summedAreaTable', () => {
  it('holds the sums of every top-left rectangle, per channel', () => {
    const table = summedAreaTable(coordinateImage(3, 2));
    expect(table.sums).toHaveLength(4 * 3 * 3);
    // Pixels (x, y) hold [x, y, x + y]; the rectangle x < 3, y < 2 sums to [6, 3, 9], x < 2, y < 1 to [1, 0, 1].
    expect([...table.sums.subarray((2 * 4 + 3) * 3, (2 * 4 + 3) * 3 + 3)]).toEqual([6, 3, 9]);
    expect([...table.sums.subarray((1 * 4 + 2) * 3, (1 * 4 + 2) * 3 + 3)]).toEqual([1, 0, 1]);
    expect(table.sums.subarray(0, 4 * 3).every((v) => v === 0)).toBe(true);
  });
});

describe('packAdaptiveAverage (PyTorch interpolate mode="area")', () => {
  it('a 2x shrink is the mean of each 2x2 block, written as R, G, B planes', () => {
    const image = coordinateImage(4, 2);
    const out = new Float32Array(3 * 2);
    packAdaptiveAverage(summedAreaTable(image), { x: 0, y: 0, width: 4, height: 2 }, 2, 1, out, 0, identity);
    // R = x: (0+1)/2, (2+3)/2; G = y: 0.5 everywhere; B = (x+y): (0+1+1+2)/4, (2+3+3+4)/4.
    expect([...out]).toEqual([0.5, 2.5, 0.5, 0.5, 1, 3]);
  });

  it('a non-integer shrink averages whole, overlapping windows (not area weights)', () => {
    // 3 → 2: windows [0, 2) and [1, 3). OpenCV's INTER_AREA would give 30 and 150.
    expect(pooledRow([0, 90, 180], 2)).toEqual([45, 135]);
  });

  it('an enlargement repeats or averages neighbours', () => {
    // 2 → 3: windows [0, 1), [0, 2), [1, 2).
    expect(pooledRow([0, 90], 3)).toEqual([0, 45, 90]);
  });

  it('agrees with a direct two-dimensional window mean on odd sizes', () => {
    const image = createRgbImage(37, 23);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7919) % 251;
    const region = { x: 3, y: 2, width: 29, height: 19 };
    const [width, height] = [12, 7];
    const out = new Float32Array(2 * 3 * width * height);
    packAdaptiveAverage(summedAreaTable(image), region, width, height, out, 1, { mean: 127.5, std: 128 });
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let oy = 0; oy < height; oy++) {
        for (let ox = 0; ox < width; ox++) {
          const ys = Math.floor((oy * region.height) / height);
          const ye = Math.ceil(((oy + 1) * region.height) / height);
          const xs = Math.floor((ox * region.width) / width);
          const xe = Math.ceil(((ox + 1) * region.width) / width);
          let sum = 0;
          for (let y = ys; y < ye; y++) {
            for (let x = xs; x < xe; x++) sum += image.data[((region.y + y) * image.width + region.x + x) * 3 + c] as number;
          }
          const want = (sum / ((ye - ys) * (xe - xs)) - 127.5) / 128;
          const got = out[3 * width * height + c * width * height + oy * width + ox] as number;
          worst = Math.max(worst, Math.abs(got - want));
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
    // Batch index 1 leaves item 0 untouched.
    expect(out.subarray(0, 3 * width * height).every((v) => v === 0)).toBe(true);
  });

  it('refuses regions outside the image, fractional regions and short buffers', () => {
    const table = summedAreaTable(coordinateImage(8, 8));
    const out = new Float32Array(3 * 4 * 4);
    const bad = [
      { x: -1, y: 0, width: 4, height: 4 },
      { x: 5, y: 0, width: 4, height: 4 },
      { x: 0.5, y: 0, width: 4, height: 4 },
      { x: 0, y: 0, width: 0, height: 4 },
    ];
    for (const region of bad) {
      expect(() => packAdaptiveAverage(table, region, 4, 4, out, 0, identity)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    }
    expect(() => packAdaptiveAverage(table, { x: 0, y: 0, width: 8, height: 8 }, 4, 4, out, 1, identity)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});
