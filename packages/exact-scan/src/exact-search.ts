import { InvalidArgumentError, searchWithPrescan, type ExactHit, type ExactSearchAccelerator, type Metric } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { Int8Scan, isScanKind, type ScanKind } from './int8-scan.js';
import { wasmSimdSupported } from './wasm-kernel.js';

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
export type ScanHit = ExactHit;

/**
 * The exact `k` nearest rows of `vectors` (row-major, the rows `scan` holds, in the same order) to
 * `query`, among the rows `accept` accepts (all when absent): the pre-scan names the candidates, `metric`
 * scores just those, and `selectTopK` orders them. Identical to `selectTopK` over every row's `metric`
 * distance with the same `accept`, ties included (earlier rows first). The scan's kind must be
 * {@link scanKindOf}(metric).
 */
export function searchWithScan(
  scan: Int8Scan,
  metric: Metric,
  query: Float32Array,
  vectors: Float32Array,
  k: number,
  accept?: (row: number) => boolean,
): ScanHit[] {
  return searchWithPrescan(scan, metric, query, vectors, k, accept);
}

/**
 * `@pv/core`'s {@link ExactSearchAccelerator} (contract `v1`) on {@link Int8Scan}: pass it to a store
 * (`new MemoryStore({ accelerator: int8ScanAccelerator })`; `FileStore` and the `@pv/stores` registry's
 * `memory:` and `file:` stores use it by default) and its exact searches under `@pv/metric-cosine`'s and
 * `@pv/metric-l2`'s metrics go through the int8 pre-scan and an exact re-rank: same results, a fraction of
 * the time. Other metrics, and runtimes without WebAssembly SIMD, are scanned in full as before. Memory:
 * about 0.55 KiB per 512-d row beside the 2 KiB float32 row, built on the first search per metric family.
 */
export const int8ScanAccelerator: ExactSearchAccelerator = Object.freeze({
  specificationVersion: 'v1' as const,
  name: 'int8-wasm-simd',
  prescanKey: (metric: Metric): string | undefined => (simdHere() ? scanKindOf(metric) : undefined),
  createPrescan: (key: string, dimension: number): Int8Scan => {
    if (!isScanKind(key)) throw new InvalidArgumentError(`int8ScanAccelerator has no pre-scan "${key}"`);
    return new Int8Scan(dimension, key);
  },
});

let simd: boolean | undefined;
function simdHere(): boolean {
  simd ??= wasmSimdSupported();
  return simd;
}
