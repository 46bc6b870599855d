import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRgbImage, type FaceDetection } from '@pv/core';
import { createImageLoader } from './image-loader.js';
import { Landmarks68 } from './landmarks68.js';
import { Rfb320Detector } from './rfb320-detector.js';
import { sharedData, singleFaceLfw } from './test-data.fixture.js';

function expectPlausibleLandmarks(face: FaceDetection): void {
  const [leftEye, rightEye, nose, leftMouth, rightMouth] = face.landmarks;
  const { x, y, width, height } = face.box;
  for (const p of face.landmarks) {
    expect(p.x).toBeGreaterThanOrEqual(x);
    expect(p.x).toBeLessThanOrEqual(x + width);
    expect(p.y).toBeGreaterThanOrEqual(y);
    expect(p.y).toBeLessThanOrEqual(y + height);
  }
  expect(leftEye.x).toBeLessThan(rightEye.x);
  expect(leftMouth.x).toBeLessThan(rightMouth.x);
  expect(Math.max(leftEye.y, rightEye.y)).toBeLessThan(nose.y);
  expect(nose.y).toBeLessThan(Math.min(leftMouth.y, rightMouth.y));
  // Eyes are apart by a sensible fraction of the face width.
  expect(rightEye.x - leftEye.x).toBeGreaterThan(0.2 * width);
}

describe('Rfb320Detector', () => {
  let detector: Rfb320Detector;
  const images = createImageLoader();

  beforeAll(async () => {
    detector = await Rfb320Detector.create();
  });
  afterAll(async () => {
    await detector.close();
  });

  it.each(singleFaceLfw.map((file) => [path.basename(file), file]))('finds exactly one face in %s', async (_, file) => {
    const image = await images.load(file);
    const faces = await detector.detect(image);
    expect(faces).toHaveLength(1);
    const [face] = faces as [FaceDetection];
    expect(face.score).toBeGreaterThan(0.9);
    // LFW crops are centred: the face box holds the image centre.
    expect(face.box.x).toBeLessThan(125);
    expect(face.box.x + face.box.width).toBeGreaterThan(125);
    expect(face.box.width).toBeGreaterThan(50);
    expectPlausibleLandmarks(face);
  });

  it('finds the six faces of a group photo, best score first, each with plausible landmarks', async () => {
    const image = await images.load(path.join(sharedData, 'facenet-pytorch', 'multiface.jpg'));
    const faces = await detector.detect(image);
    expect(faces).toHaveLength(6);
    for (let i = 1; i < faces.length; i++) expect(faces[i - 1]!.score).toBeGreaterThanOrEqual(faces[i]!.score);
    for (const face of faces) expectPlausibleLandmarks(face);
  });

  it('finds nothing in a blank image', async () => {
    const gray = createRgbImage(320, 240, new Uint8Array(320 * 240 * 3).fill(128));
    expect(await detector.detect(gray)).toEqual([]);
  });

  it('gives the same answer for concurrent calls as for sequential ones', async () => {
    const loaded = await Promise.all(singleFaceLfw.slice(0, 3).map((f) => images.load(f)));
    const sequential: FaceDetection[][] = [];
    for (const image of loaded) sequential.push(await detector.detect(image));
    const concurrent = await Promise.all(loaded.map((image) => detector.detect(image)));
    expect(concurrent).toEqual(sequential);
  });
});

describe('Rfb320Detector score thresholds', () => {
  it('retries with the fallback threshold only when nothing reaches the main one', async () => {
    const image = await createImageLoader().load(singleFaceLfw[0]!);
    // No score can reach 1.01: the fallback (0.65) finds the face; without a fallback nothing is found.
    const retrying = await Rfb320Detector.create({ scoreThreshold: 1.01, fallbackScoreThreshold: 0.65 });
    const strict = await Rfb320Detector.create({ scoreThreshold: 1.01, fallbackScoreThreshold: 1.01 });
    try {
      expect(await retrying.detect(image)).toHaveLength(1);
      expect(await strict.detect(image)).toEqual([]);
    } finally {
      await Promise.all([retrying.close(), strict.close()]);
    }
  });
});

describe('Landmarks68.cropRegion', () => {
  it('is a square of side = box height around the box centre, on whole pixels', () => {
    expect(Landmarks68.cropRegion({ x: 100, y: 40, width: 80, height: 120 })).toEqual({ x: 80, y: 40, width: 120, height: 120 });
    expect(Landmarks68.cropRegion({ x: 10.2, y: 5.6, width: 20, height: 30 })).toEqual({ x: 5, y: 6, width: 30, height: 30 });
  });
});
