import { InvalidArgumentError, withinThreshold, type Metric } from '@pv/core';

/** One merge of the dendrogram: clusters `a` and `b` (ids) joined at `distance` into cluster `id`. */
export interface Merge {
  readonly a: number;
  readonly b: number;
  readonly id: number;
  readonly distance: number;
}

/** Options of {@link clusterEmbeddings}. */
export interface ClusterOptions {
  /** The metric; for a metric whose `closer` is `'higher'` similarities are negated internally. */
  readonly metric: Metric;
  /** Two clusters are joined while their average pairwise distance is within this threshold (inclusive). */
  readonly threshold: number;
  /**
   * Items with the same key are never put in one cluster (cannot-link), e.g. the index of the photo each face
   * came from: two faces in one photo are two people. Omit to allow every pairing.
   */
  readonly apart?: ArrayLike<number>;
}

/** Result of {@link clusterEmbeddings}. */
export interface Clustering {
  /** `assignments[i]` is the cluster index of input `i`; clusters are numbered by size, largest first (ties: first member). */
  readonly assignments: Int32Array;
  /** Member indices of each cluster, ascending. */
  readonly clusters: number[][];
}

/**
 * Average-linkage (UPGMA) agglomerative clustering of `vectors`, cut at `threshold`.
 *
 * The dendrogram is built with the nearest-neighbour-chain algorithm (O(n²) time and memory for
 * reducible linkages such as average linkage) and then cut: every merge at a distance within the
 * threshold is applied. Deterministic: the same input always gives the same clusters.
 * Memory is one n×n Float32 matrix (n = 10,000 → 400 MB).
 */
export function clusterEmbeddings(vectors: readonly Float32Array[], options: ClusterOptions): Clustering {
  const merges = averageLinkageDendrogram(vectors, options.metric, options.apart);
  return cutDendrogram(vectors.length, merges, options.metric, options.threshold);
}

/**
 * The full average-linkage dendrogram (n − 1 merges). Cluster ids `0..n-1` are the inputs; merge `m`
 * creates id `n + m`. Distances are in the metric's units. Items with equal `apart` keys start at an infinite
 * distance; average linkage keeps any cluster holding one of them infinitely far from one holding the other, so
 * such merges only happen at infinity, beyond every threshold.
 */
export function averageLinkageDendrogram(
  vectors: readonly Float32Array[],
  metric: Metric,
  apart?: ArrayLike<number>,
): Merge[] {
  const n = vectors.length;
  if (n <= 1) return [];
  const dim = (vectors[0] as Float32Array).length;
  const sign = metric.closer === 'lower' ? 1 : -1;
  const flat = new Float32Array(n * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new InvalidArgumentError(`Vector ${i} has length ${v.length}, expected ${dim}`);
    flat.set(v, i * dim);
  });
  const d = new Float32Array(n * n);
  const row = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    metric.distances(vectors[i] as Float32Array, flat, row);
    for (let j = 0; j < n; j++) {
      const together = apart === undefined || i === j || apart[i] !== apart[j];
      d[i * n + j] = together ? sign * (row[j] as number) : Infinity;
    }
  }
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const clusterId = Int32Array.from({ length: n }, (_, i) => i); // slot → current cluster id
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const top = chain[chain.length - 1] as number;
    const previous = chain.length > 1 ? (chain[chain.length - 2] as number) : -1;
    // Nearest active neighbour of `top`; prefer the previous chain element on ties (guarantees termination).
    let best = previous;
    let bestD = previous >= 0 ? (d[top * n + previous] as number) : Infinity;
    for (let j = 0; j < n; j++) {
      if (j === top || active[j] === 0) continue;
      const dj = d[top * n + j] as number;
      if (dj < bestD || best < 0) {
        bestD = dj;
        best = j;
      }
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    // `top` and `previous` are reciprocal nearest neighbours: merge them into slot `lo`.
    chain.pop();
    chain.pop();
    const lo = Math.min(top, previous);
    const hi = Math.max(top, previous);
    merges.push({ a: clusterId[lo] as number, b: clusterId[hi] as number, id: n + merges.length, distance: sign * bestD });
    const sLo = size[lo] as number;
    const sHi = size[hi] as number;
    for (let k = 0; k < n; k++) {
      if (active[k] === 0 || k === lo || k === hi) continue;
      const value = ((d[lo * n + k] as number) * sLo + (d[hi * n + k] as number) * sHi) / (sLo + sHi);
      d[lo * n + k] = value;
      d[k * n + lo] = value;
    }
    size[lo] = sLo + sHi;
    active[hi] = 0;
    clusterId[lo] = n + merges.length - 1;
    remaining--;
  }
  return merges;
}

/**
 * Applies every merge within `threshold`. Average linkage is monotone (a merge is never closer than the
 * merges that built its children), so a merge beyond the threshold makes every later merge of its
 * cluster beyond it too, and the cut is exact whatever order the chain produced the merges in.
 */
export function cutDendrogram(n: number, merges: readonly Merge[], metric: Pick<Metric, 'closer'>, threshold: number): Clustering {
  const leafParent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (leafParent[r] !== r) r = leafParent[r] as number;
    while (leafParent[x] !== r) {
      const next = leafParent[x] as number;
      leafParent[x] = r;
      x = next;
    }
    return r;
  };
  // representative leaf of every cluster id (leaves are their own); -1 for clusters beyond the cut
  const representative = new Int32Array(n + merges.length).fill(-1);
  for (let i = 0; i < n; i++) representative[i] = i;
  for (const m of merges) {
    const ra = representative[m.a] as number;
    const rb = representative[m.b] as number;
    if (ra < 0 || rb < 0 || !withinThreshold(metric, m.distance, threshold)) continue;
    const root = find(ra);
    leafParent[find(rb)] = root;
    representative[m.id] = root;
  }
  return groups(n, find);
}

function groups(n: number, find: (x: number) => number): Clustering {
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const list = byRoot.get(r);
    if (list) list.push(i);
    else byRoot.set(r, [i]);
  }
  const clusters = [...byRoot.values()].sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
  const assignments = new Int32Array(n);
  clusters.forEach((members, c) => members.forEach((i) => (assignments[i] = c)));
  return { assignments, clusters };
}
