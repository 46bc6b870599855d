// The accuracy gate: the full pv pipeline (RFB-320 + 68-point landmarks + dlib chip alignment + dlib-resnet on
// onnxruntime-node) on the 600 LFW fold-1 pairs, 10-fold, and at the catalog's calibrated thresholds.
import { isPvError, type FaceRecognizer } from '@pv/core';
import { evaluatePairs, formatReport, type EvaluationReport } from '@pv/eval';
import { loadLfwDataset, type LfwDataset } from '@pv/eval/node';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { getEmbedderModel } from '@pv/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDlibResnetRecognizer } from './dlib-resnet-models.js';
import { lfwFold1 } from './test-data.fixture.js';

/** The gate (face-api's own pipeline measured ~98.2% on this grayscale copy). */
const GATE = 0.975;

const entry = getEmbedderModel('dlib-resnet');
const threshold = (metric: string): number => entry.thresholds.find((t) => t.metric === metric)?.value ?? Number.NaN;

let recognizer: FaceRecognizer;
let lfw: LfwDataset;
const reports = new Map<string, EvaluationReport>();

beforeAll(async () => {
  recognizer = await createDlibResnetRecognizer();
  lfw = await loadLfwDataset(lfwFold1);
  const embeddings = new Map<string, Float32Array | null>();
  const embed = async (image: string): Promise<Float32Array | null> => {
    if (!embeddings.has(image)) {
      try {
        const [face] = await recognizer.embedFaces(lfw.imagePath(image), 'largest');
        embeddings.set(image, face?.embedding ?? null);
      } catch (error) {
        if (!isPvError(error, 'E_NO_FACE')) throw error;
        embeddings.set(image, null);
      }
    }
    return embeddings.get(image) ?? null;
  };
  // Each image is embedded once; the second metric reuses the embeddings.
  for (const metric of [l2, cosine]) {
    const report = await evaluatePairs({
      pairs: lfw.pairs,
      embed,
      metric,
      fallback: { policy: 'count-as-wrong' },
      fixedThreshold: threshold(metric.id),
    });
    reports.set(metric.id, report);
    console.log(`dlib-resnet, LFW fold 1, ${metric.id}:\n${formatReport(report, { format: 'text' })}`);
  }
}, 900_000);

afterAll(async () => {
  await recognizer?.close();
});

describe.each(['l2', 'cosine'])('dlib-resnet on LFW fold 1 (%s)', (metric) => {
  it(`reaches ${GATE * 100}% 10-fold accuracy with a face found in every photo`, () => {
    const report = reports.get(metric) as EvaluationReport;
    expect(report.pairs.total).toBe(600);
    expect(report.images.failedToDetect).toEqual([]);
    expect(report.crossValidation.accuracyMean).toBeGreaterThanOrEqual(GATE);
  });

  it(`reaches ${GATE * 100}% at the catalog's calibrated threshold`, () => {
    expect(reports.get(metric)?.fixedThreshold?.accuracy).toBeGreaterThanOrEqual(GATE);
  });

  it("has the catalog's threshold where the best threshold on these pairs is (it was calibrated here)", () => {
    expect(Math.abs((reports.get(metric)?.bestThreshold.threshold ?? Number.NaN) - threshold(metric))).toBeLessThan(0.005);
  });
});

describe('dlib-resnet thresholds', () => {
  it('cut unit vectors at the same place in both metrics (cosine distance = L2² / 2)', () => {
    expect(threshold('cosine')).toBeCloseTo(threshold('l2') ** 2 / 2, 3);
    expect(reports.get('cosine')?.crossValidation.accuracyMean).toBe(reports.get('l2')?.crossValidation.accuracyMean);
  });
});
