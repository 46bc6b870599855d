import { selectTopK, type Metric } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { seededRandom } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { Int8Scan, int8ScanAccelerator, scanKindOf, searchWithScan, type ScanKind } from './index.js';

/** Clustered vectors with exact duplicates and zero rows, to make ties and near-ties common. */
function matrix(seed: number, rows: number, d: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Float32Array.from({ length: d }, () => random() * 2 - 1));
  const m = new Float32Array(rows * d);
  const spread = random() < 0.3 ? 0.001 : random();
  for (let r = 0; r < rows; r++) {
    const pick = random();
    if (pick < 0.05 && r > 0) m.copyWithin(r * d, (r - 1) * d, r * d); // duplicate of the previous row
    else if (pick < 0.07) continue; // zero row
    else {
      const centre = centres[Math.floor(random() * centres.length)] as Float32Array;
      const scale = random() < 0.2 ? 100 * random() : 1;
      for (let j = 0; j < d; j++) m[r * d + j] = ((centre[j] as number) + spread * (random() * 2 - 1)) * scale;
    }
  }
  return m;
}

function fullScan(metric: Metric, query: Float32Array, m: Float32Array, k: number, accept?: (row: number) => boolean): { row: number; distance: number }[] {
  const out = new Float32Array(m.length / query.length);
  metric.distances(query, m, out);
  return selectTopK(out, k, metric.closer, accept).map((row) => ({ row, distance: out[row] as number }));
}

const metrics: [string, Metric][] = [
  ['cosine', cosine],
  ['cosine (normalized)', createCosineMetric({ normalized: true })],
  ['l2', l2],
];

describe('searchWithScan', () => {
  it.each(metrics)('gives exactly the full scan top k under %s, ties and filters included (300 seeds)', (_, metric) => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed * 7919);
      const d = 1 + Math.floor(random() * 70);
      const rows = 1 + Math.floor(random() * 300);
      const k = 1 + Math.floor(random() * 12);
      const m = matrix(seed, rows, d);
      const kind = scanKindOf(metric);
      if (kind === undefined) throw new Error('metric not recognised');
      const scan = new Int8Scan(d, kind);
      // Two appends, to cover growth.
      const split = Math.floor(rows / 2) * d;
      scan.append(m.subarray(0, split));
      scan.append(m.subarray(split));
      for (let q = 0; q < 3; q++) {
        const query = q === 0 ? m.slice(0, d) : Float32Array.from({ length: d }, () => random() * 2 - 1);
        expect(searchWithScan(scan, metric, query, m, k), `seed ${seed} query ${q}`).toEqual(fullScan(metric, query, m, k));
        // A filter (a label, say) that keeps a random share of the rows, from none to all.
        const share = random();
        const kept = Array.from({ length: rows }, () => random() < share);
        const accept = (row: number): boolean => kept[row] === true;
        expect(searchWithScan(scan, metric, query, m, k, accept), `seed ${seed} query ${q} filtered`).toEqual(fullScan(metric, query, m, k, accept));
        expect([...scan.candidates(query, k, accept)].every(accept), `seed ${seed} query ${q}: only accepted rows`).toBe(true);
      }
    }
  });

  it('re-ranks few rows on clustered data', () => {
    const d = 128;
    const m = matrix(5, 5000, d);
    const scan = new Int8Scan(d, 'cosine');
    scan.append(m);
    expect(scan.candidates(m.slice(0, d), 10).length).toBeLessThan(5000);
  });

  it('follows replace and truncate', () => {
    const d = 16;
    const m = matrix(9, 40, d);
    const scan = new Int8Scan(d, 'l2');
    scan.append(m);
    const v = Float32Array.from({ length: d }, (_, j) => j);
    m.set(v, 3 * d);
    scan.replace(3, v);
    expect(searchWithScan(scan, l2, v, m, 1)[0]?.row).toBe(3);
    scan.truncate(3);
    expect(scan.size).toBe(3);
    expect(searchWithScan(scan, l2, v, m.subarray(0, 3 * d), 5)).toEqual(fullScan(l2, v, m.subarray(0, 3 * d), 5));
  });

  it('recognises only the metrics whose bound it knows', () => {
    const lookalike: Metric = { ...cosine, distances: (q, v, o) => cosine.distances(q, v, o) };
    expect(scanKindOf(lookalike)).toBeUndefined();
    expect(scanKindOf(cosine)).toBe('cosine');
  });

  it('refuses a pre-scan kind it does not know', () => {
    expect(() => new Int8Scan(8, 'cos' as ScanKind)).toThrow(/no kind "cos"; known: cosine, dot, l2/);
    expect(() => int8ScanAccelerator.createPrescan('cos', 8)).toThrow(/no pre-scan "cos"/);
    expect(int8ScanAccelerator.createPrescan('l2', 8)).toBeInstanceOf(Int8Scan);
  });
});
