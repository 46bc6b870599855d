import type { Metric } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { allPairs, calibrate } from './calibrate.js';

/** A 1-d "embedding" metric: the distance is the absolute difference. */
const line: Metric = {
  id: 'line',
  closer: 'lower',
  distance: (a, b) => Math.abs(a[0]! - b[0]!),
  distances: (q, v, out) => out.forEach((_, i) => (out[i] = Math.abs(q[0]! - v[i]!))),
};
const at = (label: string, x: number) => ({ label, embedding: Float32Array.of(x) });

describe('calibrate', () => {
  it('forms every pair once and labels same-person pairs', () => {
    const pairs = allPairs([at('a', 0), at('a', 1), at('b', 5)], line);
    expect(pairs.map((p) => [p.a, p.b, p.score, p.same])).toEqual([[0, 1, 1, true], [0, 2, 5, false], [1, 2, 4, false]]);
  });

  it('picks the loosest threshold whose impostor FAR stays within each target', () => {
    // person a at 0 and 0.5, person b at 10 and 10.5, person c at 3: impostor distances 2.5, 3, 7, 7.5, 9.5, 10, 10, 10.5
    const samples = [at('a', 0), at('a', 0.5), at('b', 10), at('b', 10.5), at('c', 3)];
    const c = calibrate(samples, line, [0.25, 0.1]);
    expect(c).toMatchObject({ genuinePairs: 2, impostorPairs: 8, identities: 3, samples: 5 });
    // FAR 0.25 allows 2 of 8 impostors: distances up to 3 → threshold 3, both genuine pairs (0.5) accepted
    expect(c.thresholds[0]).toMatchObject({ far: 0.25, threshold: 3, achievedFar: 0.25, tar: 1, belowResolution: false });
    // FAR 0.1 allows none of 8: the threshold stops at the genuine 0.5
    expect(c.thresholds[1]).toMatchObject({ far: 0.1, threshold: 0.5, achievedFar: 0, tar: 1 });
    expect(c.auc).toBe(1);
  });

  it('refuses a set without a genuine pair', () => {
    expect(() => calibrate([at('a', 0), at('b', 1)], line)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
