import { selectTopK, type Metric } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import type { Int8Scan, ScanKind } from './int8-scan.js';

const unitCosine = createCosineMetric({ normalized: true });

/**
 * The {@link ScanKind} whose bound is valid for `metric`, or `undefined` when the pre-scan cannot serve it
 * (then scan every row exactly). Recognised: `@pv/metric-cosine`'s metrics (plain → `cosine`, `normalized`
 * → `dot`, as it ranks by 1 − a·b) and `@pv/metric-l2`'s `l2`, by their distance functions, so a
 * look-alike with the same id is never trusted.
 */
export function scanKindOf(metric: Metric): ScanKind | undefined {
  if (metric.distances === cosine.distances) return 'cosine';
  if (metric.distances === unitCosine.distances) return 'dot';
  if (metric.distances === l2.distances) return 'l2';
  return undefined;
}

/** One row of an exact search: its index in the matrix and its exact distance. */
export interface ScanHit {
  readonly row: number;
  readonly distance: number;
}

/**
 * The exact `k` nearest rows of `vectors` (row-major, the rows `scan` holds, in the same order) to
 * `query`: the pre-scan names the candidates, `metric` scores just those, and `selectTopK` orders them.
 * Identical to `selectTopK` over every row's `metric` distance, ties included (earlier rows first). The
 * scan's kind must be {@link scanKindOf}(metric).
 */
export function searchWithScan(scan: Int8Scan, metric: Metric, query: Float32Array, vectors: Float32Array, k: number): ScanHit[] {
  const d = scan.dimension;
  const rows = scan.candidates(query, k);
  const gathered = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    gathered.set(vectors.subarray(row * d, (row + 1) * d), i * d);
  }
  const distances = new Float32Array(rows.length);
  metric.distances(query, gathered, distances);
  return selectTopK(distances, k, metric.closer).map((i) => ({ row: rows[i] as number, distance: distances[i] as number }));
}
