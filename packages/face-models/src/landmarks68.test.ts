import { describe, expect, it } from 'vitest';
import { createRgbImage } from '@pv/core';
import { landmarks68 } from '@pv/models';
import { expectPvError } from '@pv/testkit';
import { FakeRunner, FakeRuntime, tensor } from './fake-runtime.fixture.js';
import { Landmarks68 } from './landmarks68.js';

/** 68 points all at the same fraction (fx, fy) of the crop. */
function allPointsAt(fx: number, fy: number) {
  return () => ({ output: tensor(Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? fx : fy))) });
}

describe('Landmarks68.cropRegion', () => {
  it('is a square of side = box height around the box centre, on whole pixels', () => {
    expect(Landmarks68.cropRegion({ x: 100, y: 40, width: 80, height: 120 })).toEqual({ x: 80, y: 40, width: 120, height: 120 });
    expect(Landmarks68.cropRegion({ x: 10.2, y: 5.6, width: 20, height: 30 })).toEqual({ x: 5, y: 6, width: 30, height: 30 });
  });
});

describe('Landmarks68', () => {
  it('feeds a 64x64 gray crop / 256 and maps the predicted fractions back to photo pixels', async () => {
    const runtime = new FakeRuntime({ landmarks68: allPointsAt(0.25, 0.75) });
    const model = await Landmarks68.open(runtime);
    const photo = createRgbImage(200, 200, new Uint8Array(200 * 200 * 3).fill(128));
    const points = await model.locate(photo, { x: 100, y: 40, width: 80, height: 120 });
    // Crop region: x 80, y 40, side 120.
    for (const p of points) expect(p).toEqual({ x: 80 + 0.25 * 120, y: 40 + 0.75 * 120 });
    const [call] = runtime.runners['landmarks68']!.calls;
    expect(call?.['input']?.dims).toEqual([1, 1, 64, 64]);
    // Uniform gray 128 → luma 128 → 128 / 256 = 0.5 everywhere inside the photo.
    expect(new Set(call?.['input']?.data)).toEqual(new Set([0.5]));
  });

  it('averages the catalog’s point groups into the five landmarks', async () => {
    // Point i at x = i / 100, y = 0: each landmark's x is the mean of its group's indices / 100.
    const runtime = new FakeRuntime({
      landmarks68: () => ({ output: tensor(Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? i / 2 / 100 : 0))) }),
    });
    const model = await Landmarks68.open(runtime);
    const photo = createRgbImage(100, 100);
    const points = await model.locate(photo, { x: 0, y: 0, width: 100, height: 100 });
    landmarks68.fivePointIndices.forEach((group, k) => {
      const mean = group.reduce((a, b) => a + b, 0) / group.length;
      expect(points[k]?.x).toBeCloseTo(mean, 4);
    });
  });

  it('refuses a model that does not predict 68 points and closes its runner', async () => {
    let runner: FakeRunner | undefined;
    const runtime = {
      async open() {
        runner = new FakeRunner(['input'], ['output'], allPointsAt(0, 0));
        return { entry: { ...landmarks68, pointCount: 5 }, runner };
      },
    };
    await expectPvError(Landmarks68.open(runtime as never), 'E_INVALID_ARGUMENT');
    expect(runner?.closed).toBe(true);
  });

  it('reports an output of the wrong length as E_MODEL_FORMAT', async () => {
    const model = await Landmarks68.open(new FakeRuntime({ landmarks68: () => ({ output: tensor([0, 0]) }) }));
    await expectPvError(model.locate(createRgbImage(10, 10), { x: 0, y: 0, width: 10, height: 10 }), 'E_MODEL_FORMAT');
  });
});
