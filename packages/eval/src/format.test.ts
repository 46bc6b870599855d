import { describe, expect, it } from 'vitest';
import { evaluatePairs, type EvaluationReport } from './evaluate.js';
import { formatReport } from './format.js';
import { euclidean } from './test-metrics.fixture.js';

// Same-person distances 0.125 0.25 0.375 0.75, different-person 1 1.125 0.625 0.875 (exact in float32).
const distances = [0.125, 0.25, 0.375, 0.75, 1, 1.125, 0.625, 0.875];

async function report(noFace: readonly string[] = [], fixedThresholdSource?: string): Promise<EvaluationReport> {
  return evaluatePairs({
    pairs: distances.map((_, i) => ({ a: `a${i}`, b: `b${i}`, same: i < 4 })),
    embed: async (image) => (noFace.includes(image) ? null : Float32Array.of(image.startsWith('b') ? (distances[Number(image.slice(1))] as number) : 0)),
    metric: euclidean,
    fallback: { policy: 'count-as-wrong' },
    folds: 2,
    fixedThreshold: 0.7,
    ...(fixedThresholdSource !== undefined ? { fixedThresholdSource } : {}),
  });
}

describe('formatReport', () => {
  it('writes a Markdown summary and a per-fold table', async () => {
    const markdown = formatReport(await report());
    const lines = markdown.split('\n');
    expect(lines.slice(0, 2)).toEqual(['| measure | value |', '| --- | --- |']);
    expect(lines).toContain('| pairs | 8 (4 same, 4 different) |');
    expect(lines).toContain('| images | 16 distinct, 16 with a face found, 0 without |');
    expect(lines).toContain('| 2-fold accuracy | 75.00% ± 25.00% |');
    expect(lines).toContain('| best threshold, all pairs | 0.5000 (l2, accept score ≤ threshold): 87.50% |');
    expect(lines).toContain('| fixed threshold 0.7000 | 75.00% (TAR 75.00%, FAR 25.00%) |');
    expect(formatReport(await report([], 'calibrated on lfw-fold1')).split('\n')).toContain(
      '| fixed threshold 0.7000 (calibrated on lfw-fold1) | 75.00% (TAR 75.00%, FAR 25.00%) |',
    );
    expect(lines).toContain('| ROC AUC | 0.9375 |');
    expect(lines).toContain('| EER | 25.00% |');
    expect(lines).toContain(
      '| TAR @ FAR ≤ 1.0e-3 | 75.00% at FAR 0.00%: below resolution (4 different-person pairs; the smallest non-zero FAR is 25.00%) |',
    );
    expect(lines).toContain('| fold | pairs | threshold (other folds) | accuracy (other folds) | accuracy (this fold) |');
    expect(lines).toContain('| 1 | 4 | 0.5000 | 75.00% | 100.00% |');
    expect(lines).toContain('| 2 | 4 | 0.6250 | 100.00% | 50.00% |');
    expect(lines.some((l) => l.startsWith('| no face found in'))).toBe(false);
  });

  it('lists images without a face and the policy', async () => {
    const markdown = formatReport(await report(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']));
    expect(markdown).toContain('| no face found in | a0, a1, a2, a3, a4, and 2 more |');
    expect(markdown).toContain(
      '| no-face policy | count-as-wrong: pairs with an image without a detected face count as wrong decisions at every threshold (7 pairs affected) |',
    );
  });

  it('aligns plain-text columns', async () => {
    const text = formatReport(await report(), { format: 'text' });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^measure {2,}value$/u);
    expect(lines[1]).toMatch(/^-+ {2}-+$/u);
    const valueColumn = (lines[0] as string).indexOf('value');
    expect(lines.find((l) => l.startsWith('ROC AUC'))?.indexOf('0.9375')).toBe(valueColumn);
    expect(text).not.toContain('|');
  });
});
