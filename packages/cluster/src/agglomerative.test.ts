import { l2 } from '@pv/metric-l2';
import { cosine } from '@pv/metric-cosine';
import type { Metric } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { averageLinkageDendrogram, clusterEmbeddings } from './agglomerative.js';
import { clusterQuality } from './purity.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

/** Naive O(n³) average linkage: repeatedly merge the globally closest pair while within the threshold. */
function naiveAverageLinkage(vectors: Float32Array[], metric: Metric, threshold: number): number[][] {
  let clusters = vectors.map((_, i) => [i]);
  const link = (a: number[], b: number[]): number => {
    let s = 0;
    for (const i of a) for (const j of b) s += metric.distance(vectors[i] as Float32Array, vectors[j] as Float32Array);
    return s / (a.length * b.length);
  };
  for (;;) {
    let best: [number, number, number] | null = null;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const dist = link(clusters[i] as number[], clusters[j] as number[]);
        if (!best || dist < best[2]) best = [i, j, dist];
      }
    }
    if (!best || best[2] > threshold) break;
    const [i, j] = best;
    const merged = [...(clusters[i] as number[]), ...(clusters[j] as number[])].sort((x, y) => x - y);
    clusters = clusters.filter((_, k) => k !== i && k !== j);
    clusters.push(merged);
  }
  return clusters.sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('clusterEmbeddings', () => {
  it('separates well-separated groups and keeps each group whole', () => {
    const vectors = [v(0, 0), v(0.1, 0), v(10, 10), v(0, 0.1), v(10.1, 10), v(50, 50)];
    const { clusters, assignments } = clusterEmbeddings(vectors, { metric: l2, threshold: 1 });
    expect(clusters).toEqual([[0, 1, 3], [2, 4], [5]]);
    expect([...assignments]).toEqual([0, 0, 1, 0, 1, 2]);
  });

  it('gives singletons below every distance and one cluster above all of them', () => {
    const vectors = [v(0, 0), v(3, 0), v(0, 4)];
    expect(clusterEmbeddings(vectors, { metric: l2, threshold: 0.5 }).clusters).toHaveLength(3);
    expect(clusterEmbeddings(vectors, { metric: l2, threshold: 100 }).clusters).toEqual([[0, 1, 2]]);
  });

  it('never puts items with the same `apart` key together (faces of one photo)', () => {
    // Two tight pairs; items 0 and 1 are from one photo, so they must stay apart even though they are closest.
    const vectors = [v(0, 0), v(0.1, 0), v(0.05, 0.1), v(10, 10)];
    expect(clusterEmbeddings(vectors, { metric: l2, threshold: 1 }).clusters).toEqual([[0, 1, 2], [3]]);
    const apart = [7, 7, 8, 9];
    const { clusters } = clusterEmbeddings(vectors, { metric: l2, threshold: 1, apart });
    expect(clusters).toHaveLength(3);
    for (const members of clusters) expect(new Set(members.map((i) => apart[i])).size).toBe(members.length);
    // Everything apart: all singletons, even with a huge threshold; the dendrogram is still complete.
    expect(clusterEmbeddings(vectors, { metric: l2, threshold: 1e9, apart: [1, 1, 1, 1] }).clusters).toHaveLength(4);
    expect(averageLinkageDendrogram(vectors, l2, [1, 1, 1, 1])).toHaveLength(3);
  });

  it('respects `apart` on random data: no cluster holds two items with one key', () => {
    const rand = seeded(11);
    const vectors = Array.from({ length: 40 }, () => v(rand(), rand()));
    const apart = Array.from({ length: 40 }, (_, i) => i % 7);
    const { clusters } = clusterEmbeddings(vectors, { metric: l2, threshold: 0.8, apart });
    for (const members of clusters) expect(new Set(members.map((i) => apart[i])).size).toBe(members.length);
    expect(clusters.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('handles empty and single inputs', () => {
    expect(clusterEmbeddings([], { metric: l2, threshold: 1 }).clusters).toEqual([]);
    expect(clusterEmbeddings([v(1, 2)], { metric: l2, threshold: 1 }).clusters).toEqual([[0]]);
  });

  it('equals a naive average-linkage implementation on random clustered data', () => {
    const rand = seeded(7);
    for (let trial = 0; trial < 20; trial++) {
      const centres = Array.from({ length: 4 }, () => [rand() * 10, rand() * 10, rand() * 10]);
      const vectors = Array.from({ length: 25 }, (_, i) => {
        const c = centres[i % 4] as number[];
        return v(...c.map((x) => x + (rand() - 0.5) * 3));
      });
      const threshold = 1 + rand() * 6;
      expect(clusterEmbeddings(vectors, { metric: l2, threshold }).clusters).toEqual(
        naiveAverageLinkage(vectors, l2, threshold),
      );
    }
  });

  it('produces n - 1 merges whose distances are monotone along each cluster', () => {
    const rand = seeded(3);
    const vectors = Array.from({ length: 30 }, () => v(rand(), rand(), rand()));
    const merges = averageLinkageDendrogram(vectors, cosine);
    expect(merges).toHaveLength(29);
    const height = new Map<number, number>();
    for (const m of merges) {
      expect(m.distance).toBeGreaterThanOrEqual(Math.max(height.get(m.a) ?? -Infinity, height.get(m.b) ?? -Infinity) - 1e-6);
      height.set(m.id, m.distance);
    }
  });

  it('supports similarity metrics (closer: higher)', () => {
    const dot: Metric = {
      id: 'dot',
      closer: 'higher',
      distance: (a, b) => a.reduce((s, x, i) => s + x * (b[i] as number), 0),
      distances(query, vectors, out) {
        for (let r = 0; r < out.length; r++) out[r] = this.distance(query, vectors.subarray(r * query.length, (r + 1) * query.length));
      },
    };
    const vectors = [v(1, 0), v(0.99, 0.14), v(0, 1), v(0.1, 0.99)];
    expect(clusterEmbeddings(vectors, { metric: dot, threshold: 0.9 }).clusters).toEqual([[0, 1], [2, 3]]);
  });
});

describe('clusterQuality', () => {
  it('measures purity and inverse purity', () => {
    expect(clusterQuality([0, 0, 1, 1], ['a', 'a', 'b', 'b'])).toEqual({ purity: 1, inversePurity: 1, clusters: 2, labels: 2 });
    const q = clusterQuality([0, 0, 0, 1], ['a', 'a', 'b', 'b']);
    expect(q.purity).toBeCloseTo(0.75);
    expect(q.inversePurity).toBeCloseTo(0.75);
  });
});
