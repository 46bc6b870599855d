import { createRgbImage, type FaceDetection } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { FakeRuntime, tensor } from './fake-runtime.fixture.js';
import { FaceAnalyzerModels } from './face-analyzer.js';

/** A 200x200 photo, pure red on the left half and pure blue on the right. */
function photo(): ReturnType<typeof createRgbImage> {
  const image = createRgbImage(200, 200);
  for (let y = 0; y < 200; y++) for (let x = 0; x < 200; x++) image.data[(y * 200 + x) * 3 + (x < 100 ? 0 : 2)] = 255;
  return image;
}

const face: FaceDetection = {
  box: { x: 60, y: 60, width: 80, height: 80 },
  score: 0.97,
  landmarks: [{ x: 85, y: 90 }, { x: 115, y: 90 }, { x: 100, y: 105 }, { x: 88, y: 122 }, { x: 112, y: 122 }],
};

const oneHot = (n: number, i: number): number[] => Array.from({ length: n }, (_, k) => (k === i ? 50 : 0));
const ssr = (bin: number) => () => ({
  prob_stage_1: tensor(oneHot(3, bin).map((v) => v / 50)),
  prob_stage_2: tensor([1, 0, 0]),
  prob_stage_3: tensor([1, 0, 0]),
  stage1_delta_k: tensor([0]),
  stage2_delta_k: tensor([0]),
  stage3_delta_k: tensor([0]),
  index_offset_stage1: tensor([0, 0, 0]),
  index_offset_stage2: tensor([0, 0, 0]),
  index_offset_stage3: tensor([0, 0, 0]),
});

function runtime(): FakeRuntime {
  return new FakeRuntime({
    liveness: () => ({ output: tensor([Math.log(3), 0, 0]) }),
    pose: () => ({ output: tensor(oneHot(66, 43)), '617': tensor(oneHot(66, 28)), '618': tensor(oneHot(66, 33)) }),
    eyes: () => ({ output: tensor([0, Math.log(9)]) }),
    age: ssr(1),
    gender: ssr(2),
    expression: () => ({ output: tensor(oneHot(7, 3)) }),
    landmarks68: () => ({ output: tensor(Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? 0.3 + (i % 12) / 100 : 0.4))) }),
  });
}

describe('FaceAnalyzerModels', () => {
  it('decodes every analysis from its model outputs', async () => {
    const fake = runtime();
    const analyzer = await FaceAnalyzerModels.open(fake);
    const a = await analyzer.analyze(photo(), face, ['liveness', 'pose', 'eyes', 'age', 'gender', 'expression']);
    expect(a.liveness).toEqual({ score: expect.closeTo(0.6, 6), threshold: 0.5, live: true });
    expect(a.pose).toEqual({ yaw: expect.closeTo(30, 6), pitch: expect.closeTo(-15, 6), roll: expect.closeTo(0, 6) });
    expect(a.eyes).toEqual({ left: { openProbability: expect.closeTo(0.9, 6), open: true }, right: { openProbability: expect.closeTo(0.9, 6), open: true }, bothOpen: true });
    expect(a.age!.years).toBeCloseTo((1 / 3) * 101, 3);
    expect(a.gender).toEqual({ gender: 'male', confidence: expect.closeTo(0.5 + (2 / 3 - 0.5), 6) });
    expect(a.expression!.expression).toBe('happy');
    expect(a.quality).toBeUndefined();
    await analyzer.close();
    expect(Object.values(fake.runners).every((r) => r.closed)).toBe(true);
  });

  it('feeds each model its catalog crop, size and channel order (liveness B,G,R raw; pose B,G,R ImageNet-normalised)', async () => {
    const fake = runtime();
    const analyzer = await FaceAnalyzerModels.open(fake, { kinds: ['liveness', 'pose'] });
    await analyzer.analyze(photo(), face, ['liveness', 'pose']);
    const live = fake.runners.liveness!.calls[0]!.input!;
    expect(live.dims).toEqual([1, 3, 128, 128]);
    const plane = 128 * 128;
    // the liveness crop spans the whole photo: its left column is red, its right column blue; B comes first
    expect(live.data[64 * 128]).toBe(0); // B plane, left (red) pixel
    expect(live.data[64 * 128 + 127]).toBe(255); // B plane, right (blue) pixel
    expect(live.data[2 * plane + 64 * 128]).toBe(255); // R plane, left (red) pixel
    const pose = fake.runners.pose!.calls[0]!.input!;
    expect(pose.dims).toEqual([1, 3, 224, 224]);
    expect(pose.data[0]).toBeCloseTo((0 - 0.485) / 0.229, 4); // B plane (first), red pixel
    expect(pose.data[2 * 224 * 224]).toBeCloseTo((1 - 0.406) / 0.225, 4); // R plane (last), red pixel
  });

  it('measures quality without a model and refuses kinds it was not opened with', async () => {
    const analyzer = await FaceAnalyzerModels.open(runtime(), { kinds: ['pose'] });
    expect(analyzer.kinds).toEqual(['pose', 'quality']);
    const a = await analyzer.analyze(photo(), face, ['quality']);
    expect(a.quality).toMatchObject({ faceSize: 80, detectorScore: 0.97 });
    expect(a.quality!.contrast).toBeGreaterThan(0);
    await expect(analyzer.analyze(photo(), face, ['age'])).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(await analyzer.analyze(photo(), face, [])).toEqual({});
  });
});
