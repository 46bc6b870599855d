import { describe, expect, it } from 'vitest';
import { calibrate } from './calibrate.js';
import { renderHtmlReport, worstErrors, type ReportPair } from './html-report.js';

const pairs: ReportPair[] = [
  { score: 0.2, same: true, a: 'a1', b: 'a2' },
  { score: 0.9, same: true, a: 'a1', b: 'a3' },
  { score: 0.5, same: false, a: 'a1', b: 'b1' },
  { score: 0.3, same: false, a: 'a2', b: 'b2' },
  { score: 1.4, same: false, a: 'a3', b: 'b1' },
];

describe('worstErrors', () => {
  it('lists false accepts most similar first and false rejects least similar first', () => {
    const w = worstErrors(pairs, 0.6, 'lower', 8);
    expect(w.falseAccepts.map((p) => p.score)).toEqual([0.3, 0.5]);
    expect(w.falseRejects.map((p) => p.score)).toEqual([0.9]);
    expect(worstErrors(pairs, 0.6, 'lower', 1).falseAccepts.map((p) => p.score)).toEqual([0.3]);
  });
});

describe('renderHtmlReport', () => {
  it('draws the ROC, the histograms with the threshold and the error thumbnails, escaping names', () => {
    const samples = [0, 0.1, 1, 1.2, 3].map((x, i) => ({ label: i < 2 ? 'a' : i < 4 ? 'b' : 'c', embedding: Float32Array.of(x) }));
    const metric = { id: 'line', closer: 'lower' as const, distance: (a: Float32Array, b: Float32Array) => Math.abs(a[0]! - b[0]!), distances: () => undefined };
    const c = calibrate(samples, metric, [0.1]);
    const html = renderHtmlReport({
      title: 'Calibration <test>',
      facts: [['photos', '5']],
      metric,
      threshold: 0.6,
      curve: c.curve,
      pairs,
      farThresholds: c.thresholds,
      thumbnails: new Map([['a1', 'data:image/jpeg;base64,AAAA']]),
    });
    expect(html).toContain('<title>Calibration &lt;test&gt;</title>');
    expect(html).toContain('aria-label="ROC curve"');
    expect(html).toContain('threshold 0.6');
    expect(html).toContain('src="data:image/jpeg;base64,AAAA"');
    expect(html).toContain('Worst false accepts (different people accepted): 2');
    expect(html).toContain('Worst false rejects (same person rejected): 1');
    expect(html).not.toContain('<script');
  });
});
