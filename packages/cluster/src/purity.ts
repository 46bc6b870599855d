/** How well clusters match known labels. */
export interface ClusterQuality {
  /** Fraction of items whose cluster's majority label is their own label. 1 = every cluster is one person. */
  readonly purity: number;
  /** Fraction of items whose label's largest cluster holds them. 1 = every person is in one cluster. */
  readonly inversePurity: number;
  readonly clusters: number;
  readonly labels: number;
}

/** Purity and inverse purity of `assignments` against `labels` (same length). */
export function clusterQuality(assignments: ArrayLike<number>, labels: readonly string[]): ClusterQuality {
  const n = labels.length;
  const byCluster = new Map<number, Map<string, number>>();
  const byLabel = new Map<string, Map<number, number>>();
  for (let i = 0; i < n; i++) {
    const c = assignments[i] as number;
    const l = labels[i] as string;
    const cl = byCluster.get(c) ?? new Map<string, number>();
    cl.set(l, (cl.get(l) ?? 0) + 1);
    byCluster.set(c, cl);
    const lc = byLabel.get(l) ?? new Map<number, number>();
    lc.set(c, (lc.get(c) ?? 0) + 1);
    byLabel.set(l, lc);
  }
  const majority = (counts: Map<unknown, number>): number => Math.max(0, ...counts.values());
  let pure = 0;
  for (const counts of byCluster.values()) pure += majority(counts);
  let inverse = 0;
  for (const counts of byLabel.values()) inverse += majority(counts);
  return {
    purity: n === 0 ? 1 : pure / n,
    inversePurity: n === 0 ? 1 : inverse / n,
    clusters: byCluster.size,
    labels: byLabel.size,
  };
}
