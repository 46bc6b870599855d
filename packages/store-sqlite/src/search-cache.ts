import { selectTopK, type Metric } from '@pv/core';
import { Int8Scan, scanKindOf, searchWithScan, type ScanKind } from '@pv/exact-scan';
import type { RecordDatabase } from './record-database.js';
import type { ScoredSeq } from './exact-search.js';
import { copyVectorInto } from './vector-blob.js';

/** Bytes the cache needs per row of `dimension`: float32 row, sequence number, int8 codes and their figures. */
export function cacheBytesPerRow(dimension: number): number {
  return dimension * 4 + 8 + Math.ceil(dimension / 32) * 32 + 24 + 4;
}

/**
 * Every vector of a store in memory, in insertion order, with an int8 pre-scan ({@link Int8Scan}) per
 * metric kind, kept in step with the database through its change cursor: rows committed by any
 * connection since the last search are appended; a deletion (rare) drops the cache, which is rebuilt on
 * the next search. Searches give exactly what the streamed scan gives (same rows, distances and order).
 */
export class SearchCache {
  readonly #dimension: number;
  #seqs = new Float64Array(0);
  #vectors = new Float32Array(0);
  #rows = 0;
  #cursor = { seq: 0, deletion: 0 };
  readonly #scans = new Map<ScanKind, Int8Scan>();

  constructor(dimension: number) {
    this.#dimension = dimension;
  }

  /** Rows held. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes held (float32 rows, sequence numbers, pre-scans). */
  get bytes(): number {
    let bytes = this.#vectors.byteLength + this.#seqs.byteLength;
    for (const scan of this.#scans.values()) bytes += scan.bytes;
    return bytes;
  }

  /**
   * Brings the cache up to the database's snapshot (call inside a read transaction). Returns false when
   * a deletion happened since: drop this cache and build a new one.
   */
  sync(db: RecordDatabase): boolean {
    const target = db.cursor();
    // A new cache reads every row there is: deletions before it do not concern it.
    if (this.#rows === 0 && this.#cursor.seq === 0) this.#cursor = { seq: 0, deletion: target.deletion };
    if (target.deletion !== this.#cursor.deletion && db.deletionsAfter(this.#cursor.deletion).length > 0) return false;
    if (target.seq === this.#cursor.seq) {
      this.#cursor = target;
      return true;
    }
    const d = this.#dimension;
    const first = this.#rows;
    for (const [seq, , blob] of db.labelledVectorRowsAfter(this.#cursor.seq)) {
      this.#reserve(this.#rows + 1);
      copyVectorInto(blob, d, this.#vectors, this.#rows * d, db.file);
      this.#seqs[this.#rows] = seq;
      this.#rows++;
    }
    for (const scan of this.#scans.values()) scan.append(this.#vectors.subarray(first * d, this.#rows * d));
    this.#cursor = target;
    return true;
  }

  /** The exact `k` nearest rows to `query` under `metric`, nearest first, ties in insertion order. */
  search(query: Float32Array, k: number, metric: Metric): ScoredSeq[] {
    const d = this.#dimension;
    const vectors = this.#vectors.subarray(0, this.#rows * d);
    const kind = scanKindOf(metric);
    if (kind === undefined) {
      const distances = new Float32Array(this.#rows);
      metric.distances(query, vectors, distances);
      return selectTopK(distances, k, metric.closer).map((i) => ({ seq: this.#seqs[i] as number, distance: distances[i] as number }));
    }
    let scan = this.#scans.get(kind);
    if (scan === undefined) {
      scan = new Int8Scan(d, kind);
      scan.append(vectors);
      this.#scans.set(kind, scan);
    }
    return searchWithScan(scan, metric, query, vectors, k).map((hit) => ({ seq: this.#seqs[hit.row] as number, distance: hit.distance }));
  }

  #reserve(rows: number): void {
    if (rows <= this.#seqs.length) return;
    const capacity = Math.max(rows, Math.ceil(this.#seqs.length * 1.5), 1024);
    const seqs = new Float64Array(capacity);
    seqs.set(this.#seqs.subarray(0, this.#rows));
    const vectors = new Float32Array(capacity * this.#dimension);
    vectors.set(this.#vectors.subarray(0, this.#rows * this.#dimension));
    this.#seqs = seqs;
    this.#vectors = vectors;
  }
}
