import { selectTopK, type Metric } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { seededRandom } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { searchExact } from './exact-search.js';
import { encodeVector } from './vector-blob.js';

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number, metric: Metric): { index: number; distance: number }[] {
  const distances = new Float32Array(vectors.map((v) => metric.distance(query, v)));
  return selectTopK(distances, k, metric.closer).map((index) => ({ index, distance: distances[index] as number }));
}

describe('searchExact', () => {
  const random = seededRandom(7);
  const dimension = 6;
  // Every fifth vector repeats an earlier one, so there are ties across chunk boundaries.
  const vectors = Array.from({ length: 103 }, () => Float32Array.from({ length: dimension }, () => random() * 2 - 1));
  for (let i = 5; i < vectors.length; i += 5) vectors[i] = Float32Array.from(vectors[i - 4] as Float32Array);
  const rows = (): [number, Uint8Array][] => vectors.map((v, i) => [i + 10, encodeVector(v)]);

  for (const metric of [l2, cosine]) {
    for (const chunkRows of [1, 4, 7, 103, 4096]) {
      it(`equals brute force with ties in insertion order (${metric.id}, chunks of ${chunkRows})`, () => {
        for (let q = 0; q < 8; q++) {
          const query = q % 2 === 0 ? Float32Array.from(vectors[q * 9] as Float32Array) : Float32Array.from({ length: dimension }, () => random());
          for (const k of [1, 5, 20, 200]) {
            const got = searchExact(rows(), { query, dimension, k, metric, chunkRows, file: 'x.db' });
            const expected = bruteForce(vectors, query, k, metric).map((h) => ({ seq: h.index + 10, distance: h.distance }));
            expect(got).toEqual(expected);
          }
        }
      });
    }
  }

  it('returns nothing for k <= 0 or no rows', () => {
    const query = new Float32Array(dimension);
    expect(searchExact(rows(), { query, dimension, k: 0, metric: l2, chunkRows: 4, file: 'x.db' })).toEqual([]);
    expect(searchExact([], { query, dimension, k: 3, metric: l2, chunkRows: 4, file: 'x.db' })).toEqual([]);
  });

  it('ranks by a similarity where higher is closer', () => {
    const dot: Metric = {
      id: 'dot',
      closer: 'higher',
      distance: (a, b) => a.reduce((s, x, i) => s + x * (b[i] as number), 0),
      distances(query, flat, out) {
        for (let r = 0; r < out.length; r++) out[r] = this.distance(query, flat.subarray(r * dimension, (r + 1) * dimension));
      },
    };
    const query = Float32Array.from(vectors[3] as Float32Array);
    const got = searchExact(rows(), { query, dimension, k: 4, metric: dot, chunkRows: 5, file: 'x.db' });
    expect(got).toEqual(bruteForce(vectors, query, 4, dot).map((h) => ({ seq: h.index + 10, distance: h.distance })));
  });
});
