import path from 'node:path';
import type { FaceDetection, FaceRecognizer, FiveLandmarks, LocalFaceEncoder, RgbImage } from '@pv/core';
import { evaluatePairs, type EvaluationReport, type FailurePolicy } from '@pv/eval';
import { loadLfwDataset, type LfwDataset } from '@pv/eval/node';
import { alignFace } from '@pv/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceRecognizer } from './create-recognizer.js';
import { sharedData } from './test-data.fixture.js';

/**
 * Where the five landmarks of an LFW face sit on average in the 250x250 funneled photos (the detector's
 * landmarks averaged over the 807 images of fold 1, rounded to whole pixels).
 */
const LFW_MEAN_LANDMARKS = [
  [104, 114],
  [147, 113],
  [126, 138],
  [109, 160],
  [144, 160],
] as const;

/** A made-up detection of the average LFW face, scaled to the photo: aligning it is a fixed centre crop. */
function averageFaceDetection(image: RgbImage): FaceDetection {
  const sx = image.width / 250;
  const sy = image.height / 250;
  const point = (i: 0 | 1 | 2 | 3 | 4): { x: number; y: number } => {
    const [x, y] = LFW_MEAN_LANDMARKS[i];
    return { x: x * sx, y: y * sy };
  };
  const landmarks: FiveLandmarks = [point(0), point(1), point(2), point(3), point(4)];
  return { box: { x: 70 * sx, y: 70 * sy, width: 110 * sx, height: 120 * sy }, score: 0, landmarks };
}

/** The gate's no-face policy: embed a centre crop aligned as the average LFW face. */
function centreCropFallback(recognizer: FaceRecognizer, lfw: LfwDataset): FailurePolicy {
  return {
    policy: 'fallback-embed',
    description: 'centre crop: the photo aligned as if its landmarks were the mean LFW landmarks',
    embed: async (image) => {
      const local = recognizer.encoder as LocalFaceEncoder;
      const rgb = await local.loadImage(lfw.imagePath(image));
      const crop = alignFace(rgb, averageFaceDetection(rgb), recognizer.encoder.info.model.alignment);
      const [embedding] = await local.embedder.embed([crop]);
      return embedding as Float32Array;
    },
  };
}

describe('LFW gate: full pipeline on the grayscale LFW fold 1 (600 pairs, 10-fold), cosine', () => {
  let recognizer: FaceRecognizer;
  let lfw: LfwDataset;
  let report: EvaluationReport;

  beforeAll(async () => {
    recognizer = await createFaceRecognizer();
    lfw = await loadLfwDataset(path.join(sharedData, 'lfw-fold1'));
    report = await evaluatePairs({
      pairs: lfw.pairs,
      metric: recognizer.metric,
      // The largest face; an E_NO_FACE error counts as a failure to detect.
      embed: async (image) => (await recognizer.embedFaces(lfw.imagePath(image)))[0]?.embedding ?? null,
      fallback: centreCropFallback(recognizer, lfw),
      fixedThreshold: recognizer.threshold,
    });
  }, 900_000);

  afterAll(async () => {
    await recognizer?.close();
  });

  it('uses cosine and the catalog threshold', () => {
    expect(report.metric).toEqual({ id: 'cosine', closer: 'lower' });
    expect(report.fixedThreshold?.threshold).toBe(recognizer.encoder.info.model.thresholds.find((t) => t.metric === 'cosine')?.value);
  });

  it('finds a face in (nearly) every photo (measured: 807 of 807)', () => {
    expect(report.images.total).toBe(807);
    expect(report.images.failedToDetect.length).toBeLessThanOrEqual(4);
  });

  it('reaches 99% 10-fold accuracy (measured: 99.17% ± 1.12)', () => {
    expect(report.pairs).toEqual({ total: 600, same: 300, different: 300 });
    expect(report.crossValidation.folds).toHaveLength(10);
    expect(report.crossValidation.accuracyMean).toBeGreaterThanOrEqual(0.99);
  });

  it('reaches 99% at the catalog threshold (measured: 99.17%, TAR 98.67%, FAR 1/300)', () => {
    expect(report.fixedThreshold?.accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('ranks pairs well (measured: AUC 0.9994)', () => {
    expect(report.auc).toBeGreaterThanOrEqual(0.995);
  });
});

describe('LFW gate: the centre-crop fallback on its own', () => {
  it('still verifies the first 30 + 30 pairs at the catalog threshold (measured: 59 of 60)', async () => {
    const recognizer = await createFaceRecognizer();
    try {
      const lfw = await loadLfwDataset(path.join(sharedData, 'lfw-fold1'));
      const firstFold = [...lfw.pairs.slice(0, 30), ...lfw.pairs.slice(300, 330)];
      const report = await evaluatePairs({
        pairs: firstFold,
        metric: recognizer.metric,
        embed: async () => null,
        fallback: centreCropFallback(recognizer, lfw),
        fixedThreshold: recognizer.threshold,
        folds: 2,
      });
      expect(report.images.failedToDetect).toHaveLength(report.images.total);
      expect(report.fixedThreshold?.accuracy).toBeGreaterThanOrEqual(0.95);
    } finally {
      await recognizer.close();
    }
  }, 300_000);
});
