import type { Metric } from './metric.js';
import { selectTopK } from './top-k.js';

/**
 * A pre-scan over a matrix of float rows (version 1 of the {@link ExactSearchAccelerator} contract): a
 * compact copy of the rows, kept in step by appending, that names every row which can be among the exact
 * `k` nearest to a query. The caller scores just those rows with the real metric, so the answer is the
 * one a full scan gives (same rows, same distances, same order, ties included).
 */
export interface ExactPrescan {
  /** Rows held (the first `size` rows of the caller's matrix). */
  readonly size: number;
  /** Bytes held, for memory accounting. */
  readonly bytes: number;
  /** Appends the rows of `vectors` (row-major, a whole number of rows). */
  append(vectors: Float32Array): void;
  /**
   * Rows, ascending, that can be among the `k` nearest accepted rows to `query`: every row `r` with
   * `accept(r)` (every row when `accept` is absent) whose exact distance could beat or tie the `k`-th
   * best accepted row's. Every accepted row when fewer than `k` are accepted. Never a rejected row.
   */
  candidates(query: Float32Array, k: number, accept?: (row: number) => boolean): Int32Array;
}

/**
 * Version 1 of the exact-search accelerator contract: what a store's exact search calls to avoid scoring
 * every float row. `@pv/core` declares it and never depends on an implementation; `@pv/exact-scan`'s
 * `int8ScanAccelerator` implements it (int8 WebAssembly SIMD pre-scan with a proven error bound), and a
 * store accepts one as an option (`new MemoryStore({ accelerator })`). An accelerator only ever narrows
 * which rows are scored: results are identical with and without one.
 *
 * Stores read {@link ExactSearchAccelerator.specificationVersion} and scan every row exactly when they do
 * not know the version, so later versions can change the contract without silently misbehaving.
 *
 * @example
 * ```ts
 * import { MemoryStore } from '@pv/core';
 * import { int8ScanAccelerator } from '@pv/exact-scan';
 *
 * const store = new MemoryStore({ accelerator: int8ScanAccelerator });
 * ```
 */
export interface ExactSearchAccelerator {
  /** The contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** A short name for logs and benchmarks, e.g. `int8-wasm-simd`. */
  readonly name: string;
  /**
   * The key of the pre-scan that can serve `metric` (metrics with equal keys share one pre-scan), or
   * `undefined` when the accelerator has no proven bound for it: then every row is scored exactly.
   */
  prescanKey(metric: Metric): string | undefined;
  /** A new, empty pre-scan for `key` (a value {@link ExactSearchAccelerator.prescanKey} returned) over `dimension`-d rows. */
  createPrescan(key: string, dimension: number): ExactPrescan;
}

/** One row of an exact search: its index in the matrix and its exact distance under the metric. */
export interface ExactHit {
  readonly row: number;
  readonly distance: number;
}

/**
 * The exact `k` nearest accepted rows of `vectors` (row-major, the rows `prescan` holds, in the same
 * order) to `query`: the pre-scan names the candidates, `metric` scores just those, and
 * {@link selectTopK} orders them. Identical to `selectTopK` over every row's `metric` distance with the
 * same `accept`, ties included (earlier rows first). The pre-scan must be one the accelerator made for
 * `metric`'s key.
 */
export function searchWithPrescan(
  prescan: ExactPrescan,
  metric: Metric,
  query: Float32Array,
  vectors: Float32Array,
  k: number,
  accept?: (row: number) => boolean,
): ExactHit[] {
  const d = query.length;
  const rows = prescan.candidates(query, k, accept);
  const gathered = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    gathered.set(vectors.subarray(row * d, (row + 1) * d), i * d);
  }
  const distances = new Float32Array(rows.length);
  metric.distances(query, gathered, distances);
  return selectTopK(distances, k, metric.closer).map((i) => ({ row: rows[i] as number, distance: distances[i] as number }));
}

/**
 * Exact search over a caller's matrix of float rows, through an {@link ExactSearchAccelerator}'s
 * pre-scans when one is given and serves the metric, by scoring every row otherwise. The one place stores
 * keep pre-scans in step with their rows (`MemoryStore`, `FileStore`, `SqliteStore`'s search cache):
 *
 * - rows the matrix gained since the last search (appended at the end) are appended to the pre-scans on
 *   the next search;
 * - after any other change (rows removed, reordered or overwritten) the caller calls
 *   {@link ExactScanner.reset}: the pre-scans are dropped and rebuilt on the next search.
 *
 * One pre-scan per key the metrics searched with map to (cosine and L2 need different ones), each built
 * on the first search with such a metric.
 *
 * @example
 * ```ts
 * const scanner = new ExactScanner(accelerator); // or new ExactScanner() for plain full scans
 * const hits = scanner.search(query, vectors, 10, cosine); // [{ row, distance }], nearest first
 * ```
 */
export class ExactScanner {
  /** The accelerator in use, or `undefined` (every row scored). */
  readonly accelerator: ExactSearchAccelerator | undefined;
  readonly #prescans = new Map<string, ExactPrescan>();
  #dimension = 0;
  #distances = new Float32Array(0);

  constructor(accelerator?: ExactSearchAccelerator) {
    this.accelerator = accelerator?.specificationVersion === 'v1' ? accelerator : undefined;
  }

  /** Bytes held by the pre-scans and the full scan's distance buffer (not the caller's matrix). */
  get bytes(): number {
    let bytes = this.#distances.byteLength;
    for (const prescan of this.#prescans.values()) bytes += prescan.bytes;
    return bytes;
  }

  /** Drops the pre-scans (rows were removed or changed); they are rebuilt on the next search. */
  reset(): void {
    this.#prescans.clear();
    this.#distances = new Float32Array(0);
  }

  /**
   * The exact `k` nearest rows of `vectors` (row-major, `query.length` values a row) to `query` under
   * `metric`, among the rows `accept` accepts (all when absent): nearest first, ties in row order, each
   * with its exact float32 distance — what `selectTopK` over every row's distance gives. Rows whose
   * distance is NaN are never returned.
   */
  search(query: Float32Array, vectors: Float32Array, k: number, metric: Metric, accept?: (row: number) => boolean): ExactHit[] {
    const d = query.length;
    const n = d === 0 ? 0 : Math.floor(vectors.length / d);
    if (n === 0 || !(Math.floor(k) > 0)) return [];
    const used = vectors.length === n * d ? vectors : vectors.subarray(0, n * d);
    const prescan = this.#prescanFor(metric, query, used, n);
    if (prescan !== undefined) return searchWithPrescan(prescan, metric, query, used, k, accept);
    if (this.#distances.length < n) this.#distances = new Float32Array(n);
    const distances = this.#distances.subarray(0, n);
    metric.distances(query, used, distances);
    return selectTopK(distances, k, metric.closer, accept).map((row) => ({ row, distance: distances[row] as number }));
  }

  /** The pre-scan serving `metric`, brought up to the matrix's `n` rows; `undefined` to scan every row. */
  #prescanFor(metric: Metric, query: Float32Array, vectors: Float32Array, n: number): ExactPrescan | undefined {
    const accelerator = this.accelerator;
    if (accelerator === undefined) return undefined;
    // The bounds hold for finite values; a query with NaN or ±Infinity is scored the plain way.
    for (let j = 0; j < query.length; j++) if (!Number.isFinite(query[j])) return undefined;
    const key = accelerator.prescanKey(metric);
    if (key === undefined) return undefined;
    const d = query.length;
    if (d !== this.#dimension) {
      this.#prescans.clear();
      this.#dimension = d;
    }
    let prescan = this.#prescans.get(key);
    // More rows than the matrix has means rows went without a reset: start again rather than trust it.
    if (prescan !== undefined && prescan.size > n) prescan = undefined;
    if (prescan === undefined) {
      prescan = accelerator.createPrescan(key, d);
      this.#prescans.set(key, prescan);
    }
    if (prescan.size < n) prescan.append(vectors.subarray(prescan.size * d, n * d));
    return prescan;
  }
}
