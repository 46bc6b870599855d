import { matchConfidence } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { confidenceCalibration } from './confidence.js';
import { dlibResnet, mobilefacenet } from './builtin.js';

describe('confidenceCalibration', () => {
  it('maps each catalog threshold to 0.5 and its 1e-4 FAR threshold to 0.99, for both metrics', () => {
    for (const entry of [mobilefacenet, dlibResnet]) {
      for (const metric of ['cosine', 'l2']) {
        const c = confidenceCalibration(entry, metric)!;
        const strict = entry.farThresholds!.find((t) => t.metric === metric && t.far === 1e-4)!.value;
        expect(matchConfidence(c.threshold, c)).toBeCloseTo(0.5, 12);
        expect(matchConfidence(strict, c)).toBeCloseTo(0.99, 12);
      }
    }
  });
  it('is undefined for a metric without FAR thresholds', () => {
    expect(confidenceCalibration(mobilefacenet, 'dot')).toBeUndefined();
  });
  it('lists 1e-2, 1e-3 and 1e-4 thresholds that tighten as the FAR falls', () => {
    for (const entry of [mobilefacenet, dlibResnet]) {
      const cos = entry.farThresholds!.filter((t) => t.metric === 'cosine');
      expect(cos.map((t) => t.far)).toEqual([1e-2, 1e-3, 1e-4]);
      expect(cos[0]!.value).toBeGreaterThan(cos[1]!.value);
      expect(cos[1]!.value).toBeGreaterThan(cos[2]!.value);
    }
  });
});
