import type { BenchModule } from '../../../scripts/bench-types.js';
import {
  accuracyAtThreshold,
  areaUnderCurve,
  assignFolds,
  crossValidate,
  rocCurve,
  type CrossValidation,
  type ScoredPair,
} from '../src/index.js';

/** Median wall time of `runs` calls of `work` (after one warm-up), in milliseconds. */
function medianMs(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/**
 * Deterministic synthetic cosine distances shaped like a good embedder's on LFW: same-person pairs around
 * 0.55, different-person pairs around 1.0 (normal, σ 0.15 and 0.12), half of each, same-person first.
 */
function syntheticScores(pairs: number, seed: number): ScoredPair[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 2 ** 32;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: pairs }, (_, i) => {
    const same = i < pairs / 2;
    return { score: same ? 0.55 + 0.15 * normal() : 1.0 + 0.12 * normal(), same };
  });
}

/** The common alternative: try a fixed grid of thresholds (here 0 … 2 in steps of 0.005, 401 values). */
function gridCrossValidate(pairs: readonly ScoredPair[], foldOf: readonly number[], folds: number): CrossValidation {
  const grid = Array.from({ length: 401 }, (_, i) => i * 0.005);
  const accuracies: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = pairs.filter((_, i) => foldOf[i] !== fold);
    const test = pairs.filter((_, i) => foldOf[i] === fold);
    let best = { threshold: 0, accuracy: -1 };
    for (const threshold of grid) {
      const accuracy = accuracyAtThreshold(train, threshold, 'lower');
      if (accuracy > best.accuracy) best = { threshold, accuracy };
    }
    accuracies.push(accuracyAtThreshold(test, best.threshold, 'lower'));
  }
  const mean = accuracies.reduce((s, a) => s + a, 0) / folds;
  const std = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / folds);
  return { folds: [], accuracyMean: mean, accuracyStd: std };
}

const bench: BenchModule = {
  title: 'Evaluation: exact threshold search vs a fixed grid, 10-fold',
  order: 80,
  async run(ctx) {
    const sizes = ctx.quick ? [600, 6_000] : [600, 6_000, 60_000];
    const runs = ctx.quick ? 3 : 9;
    const rows: string[] = [];
    for (const size of sizes) {
      ctx.log(`${size} synthetic pairs, median of ${runs} runs`);
      const scores = syntheticScores(size, 7);
      const foldOf = assignFolds(scores, 10);
      let exact: CrossValidation | undefined;
      let grid: CrossValidation | undefined;
      let auc = 0;
      const exactMs = medianMs(runs, () => {
        exact = crossValidate(scores, foldOf, 10, 'lower');
      });
      const gridMs = medianMs(runs, () => {
        grid = gridCrossValidate(scores, foldOf, 10);
      });
      const rocMs = medianMs(runs, () => {
        auc = areaUnderCurve(rocCurve(scores, 'lower'));
      });
      const pct = (cv: CrossValidation | undefined): string => `${((cv?.accuracyMean ?? Number.NaN) * 100).toFixed(2)}%`;
      rows.push(
        `| ${size} | ${exactMs.toFixed(2)} | ${gridMs.toFixed(2)} | ${(gridMs / exactMs).toFixed(1)}x | ${pct(exact)} | ${pct(grid)} | ${rocMs.toFixed(2)} (AUC ${auc.toFixed(4)}) |`,
      );
    }
    return [
      'Synthetic cosine distances (same-person ~ N(0.55, 0.15), different-person ~ N(1.0, 0.12)); 10 folds cut as',
      'for LFW. `crossValidate` tries every midpoint between sorted scores (O(n log n) per fold); the grid',
      'baseline tries 401 fixed thresholds (O(401 n) per fold), as many LFW scripts do.',
      '',
      '| pairs | exact 10-fold ms | grid 10-fold ms | grid / exact time | exact accuracy | grid accuracy | ROC + AUC ms |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  },
};

export default bench;
