import type { Metric } from '@pv/core';

function metric(id: string, closer: Metric['closer'], distance: (a: Float32Array, b: Float32Array) => number): Metric {
  return {
    id,
    closer,
    distance,
    distances(query, vectors, out) {
      const d = query.length;
      for (let i = 0; i < out.length; i++) out[i] = distance(query, vectors.subarray(i * d, (i + 1) * d));
    },
  };
}

/** Euclidean distance, small enough to compute by hand in tests (`closer: 'lower'`). */
export const euclidean = metric('l2', 'lower', (a, b) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum);
});

/** Dot product, a similarity (`closer: 'higher'`). */
export const dot = metric('dot', 'higher', (a, b) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
});
