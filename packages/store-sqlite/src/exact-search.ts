import { selectTopK, type Metric } from '@pv/core';
import { copyVectorInto } from './vector-blob.js';

/** A candidate found by a search: the record's sequence number and its distance to the query. */
export interface ScoredSeq {
  readonly seq: number;
  readonly distance: number;
}

/** What {@link searchExact} ranks by. */
export interface ExactSearchParams {
  readonly query: Float32Array;
  readonly dimension: number;
  readonly k: number;
  readonly metric: Metric;
  /** Rows decoded and scored at a time: memory stays at `chunkRows × dimension` floats whatever the table size. */
  readonly chunkRows: number;
  /** Named in the error when a stored vector has the wrong size. */
  readonly file: string;
}

/**
 * The `k` rows most similar to the query, most similar first, ties in row order (the rows arrive in
 * insertion order, so earlier records win ties). Rows are streamed and scored chunk by chunk; only the
 * current chunk and the best `k` so far are held.
 */
export function searchExact(rows: Iterable<readonly [number, Uint8Array]>, params: ExactSearchParams): ScoredSeq[] {
  const { query, dimension, k, metric, file } = params;
  if (k <= 0) return [];
  const chunkRows = Math.max(1, Math.floor(params.chunkRows));
  const vectors = new Float32Array(chunkRows * dimension);
  const distances = new Float32Array(chunkRows);
  const seqs = new Float64Array(chunkRows);
  let best: ScoredSeq[] = [];
  let filled = 0;
  const scoreChunk = (): void => {
    const scored = distances.subarray(0, filled);
    metric.distances(query, vectors.subarray(0, filled * dimension), scored);
    const chunkBest = selectTopK(scored, k, metric.closer).map((i) => ({ seq: seqs[i] as number, distance: scored[i] as number }));
    // Earlier chunks come first, so equal distances keep insertion order.
    const candidates = best.concat(chunkBest);
    best = selectTopK(
      candidates.map((c) => c.distance),
      k,
      metric.closer,
    ).map((i) => candidates[i] as ScoredSeq);
    filled = 0;
  };
  for (const [seq, blob] of rows) {
    copyVectorInto(blob, dimension, vectors, filled * dimension, file);
    seqs[filled] = seq;
    filled++;
    if (filled === chunkRows) scoreChunk();
  }
  if (filled > 0) scoreChunk();
  return best;
}
