// The face analyses on real photos: enrollment review of degraded copies of one CelebA face, and the
// gender model against this repository's hand labels of celeba-sample (fixtures/celeba-sample-labels.json).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ANALYSIS_KINDS, reviewAnalyses, reviewFace, type AnalysisKind, type FaceAnalysis, type RgbImage } from '@pv/core';
import type { FaceAnalyzerModels } from '@pv/face-models';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceAnalyzer } from './face-analyzer.js';
import { createImageLoader } from './image-loader.js';
import { Rfb320Detector } from './rfb320-detector.js';
import { sharedData } from './test-data.fixture.js';

// A frontal, sharp, well-lit CelebA face (112 px box) that passes the strict review.
const original = path.join(sharedData, 'celeba-sample', '7235', '189071.jpg');

let analyzer: FaceAnalyzerModels;
let detector: Rfb320Detector;
const loader = createImageLoader();

beforeAll(async () => {
  analyzer = await createFaceAnalyzer();
  detector = await Rfb320Detector.create();
}, 300_000);

afterAll(async () => {
  await analyzer?.close();
  await detector?.close();
});

/** The strict-review analyses of the largest face of an encoded photo. */
async function analyseLargest(bytes: Uint8Array | string, kinds: readonly AnalysisKind[] = reviewAnalyses('strict')): Promise<FaceAnalysis> {
  const image: RgbImage = await loader.load(bytes);
  const faces = await detector.detect(image);
  const face = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  if (!face) throw new Error('no face found');
  return analyzer.analyze(image, face, kinds);
}

describe('enrollment review on real photos', () => {
  it('passes the original in strict mode', async () => {
    const review = reviewFace(await analyseLargest(original), 'strict');
    expect(review.reasons).toEqual([]);
    expect(review.accepted).toBe(true);
  });

  it('rejects a blurred copy as blurred', async () => {
    const blurred = await sharp(original).blur(4).jpeg({ quality: 95 }).toBuffer();
    const review = reviewFace(await analyseLargest(blurred), 'strict');
    expect(review.accepted).toBe(false);
    expect(review.reasons.map((r) => r.code)).toContain('blurred');
  });

  it('rejects a darkened copy as too dark', async () => {
    const dark = await sharp(original).linear(0.3, 0).jpeg({ quality: 95 }).toBuffer();
    const review = reviewFace(await analyseLargest(dark), 'strict');
    expect(review.accepted).toBe(false);
    const reason = review.reasons.find((r) => r.code === 'too-dark');
    expect(reason).toBeDefined();
    expect(reason!.measured).toBeLessThan(reason!.limit);
  });

  it('rejects a downscaled copy as too small', async () => {
    const meta = await sharp(original).metadata();
    const small = await sharp(original).resize(Math.round(meta.width! / 3)).jpeg({ quality: 95 }).toBuffer();
    const review = reviewFace(await analyseLargest(small), 'strict');
    expect(review.accepted).toBe(false);
    expect(review.reasons.find((r) => r.code === 'too-small')).toMatchObject({ limit: 80 });
  });

  it('returns exactly the asked-for analyses, all of them in range', async () => {
    const a = await analyseLargest(original, ANALYSIS_KINDS);
    expect(Object.keys(a).sort()).toEqual([...ANALYSIS_KINDS].sort());
    expect(a.age!.years).toBeGreaterThan(5);
    expect(a.age!.years).toBeLessThan(90);
    expect(Math.abs(a.pose!.yaw)).toBeLessThan(30);
    expect(a.eyes!.bothOpen).toBe(true);
    expect(a.liveness!.live).toBe(true);
    expect(Object.values(a.expression!.probabilities).reduce((x, y) => x + y)).toBeCloseTo(1, 5);
  });
});

interface PhotoLabel {
  readonly file: string;
  readonly gender: 'female' | 'male';
  readonly ageBand: string;
  readonly smiling: boolean;
}

describe('gender against the hand labels of celeba-sample', () => {
  it('agrees with the labels on most photos (measured 2026-12-06: see BENCHMARKS.md)', async () => {
    const labels = JSON.parse(await readFile(new URL('../fixtures/celeba-sample-labels.json', import.meta.url), 'utf8')) as { photos: PhotoLabel[] };
    expect(labels.photos).toHaveLength(124);
    // every fourth photo keeps the test short; the benchmark measures all 124
    const subset = labels.photos.filter((_, i) => i % 4 === 0);
    let right = 0;
    for (const photo of subset) {
      const a = await analyseLargest(path.join(sharedData, '..', photo.file), ['gender']);
      if (a.gender!.gender === photo.gender) right++;
    }
    expect(right / subset.length).toBeGreaterThan(0.7);
  }, 300_000);
});
