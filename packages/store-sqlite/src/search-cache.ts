import { ExactScanner, type Metric } from '@pv/core';
import { int8ScanAccelerator } from '@pv/exact-scan';
import type { RecordDatabase } from './record-database.js';
import type { ScoredSeq } from './exact-search.js';
import { copyVectorInto } from './vector-blob.js';

/**
 * Bytes the cache needs per row of `dimension`: float32 row, sequence number, int8 codes and their figures,
 * the scan's output, and the distances of a full scan (metrics the pre-scan cannot serve).
 */
export function cacheBytesPerRow(dimension: number): number {
  return dimension * 4 + 8 + Math.ceil(dimension / 32) * 32 + 24 + 4 + 4;
}

/**
 * Every vector of a store in memory, in insertion order, searched by an {@link ExactScanner} with
 * `@pv/exact-scan`'s int8 pre-scan (one per metric kind, extended as rows arrive), kept in step with the
 * database through its change cursor: rows committed by any connection since the last search are
 * appended; a deletion (rare) drops the cache, which is rebuilt on the next search. Searches give exactly
 * what the streamed scan gives (same rows, distances and order).
 */
export class SearchCache {
  readonly #dimension: number;
  #seqs = new Float64Array(0);
  #vectors = new Float32Array(0);
  #rows = 0;
  #cursor = { seq: 0, deletion: 0 };
  readonly #scanner = new ExactScanner(int8ScanAccelerator);

  constructor(dimension: number) {
    this.#dimension = dimension;
  }

  /** Rows held. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes held (float32 rows, sequence numbers, pre-scans). */
  get bytes(): number {
    return this.#vectors.byteLength + this.#seqs.byteLength + this.#scanner.bytes;
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
    for (const [seq, , blob] of db.labelledVectorRowsAfter(this.#cursor.seq)) {
      this.#reserve(this.#rows + 1);
      copyVectorInto(blob, d, this.#vectors, this.#rows * d, db.file);
      this.#seqs[this.#rows] = seq;
      this.#rows++;
    }
    this.#cursor = target;
    return true;
  }

  /** The exact `k` nearest rows to `query` under `metric`, nearest first, ties in insertion order. */
  search(query: Float32Array, k: number, metric: Metric): ScoredSeq[] {
    const vectors = this.#vectors.subarray(0, this.#rows * this.#dimension);
    // Rows only ever arrive at the end: the scanner appends them to its pre-scans on this search.
    return this.#scanner.search(query, vectors, k, metric).map((hit) => ({ seq: this.#seqs[hit.row] as number, distance: hit.distance }));
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
