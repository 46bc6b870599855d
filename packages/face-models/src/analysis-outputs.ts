/** Softmax of logits (numerically stable). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** Hopenet's angle: the expected bin index of softmaxed 3-degree bins, `× 3 − 99` degrees (66 bins span ±99). */
export function binnedAngle(logits: ArrayLike<number>): number {
  return softmax(logits).reduce((sum, p, i) => sum + p * i, 0) * 3 - 99;
}

/** The stage outputs of an SSR-Net model (three stages of three bins). */
export interface SsrOutputs {
  /** Per stage, the bin probabilities. */
  readonly probabilities: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  /** Per stage, the bin index offsets η. */
  readonly offsets: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  /** Per stage, the scale shift Δk. */
  readonly deltas: readonly [number, number, number];
}

/**
 * SSR-Net's soft stagewise regression: `Σ_k Σ_i (i + η_k,i)·p_k,i / Π_{j≤k} (s·(1 + Δ_j))`, times `range`
 * (101 for age in years, 1 for the gender score), with s = 3 bins per stage.
 */
export function ssrMerge(outputs: SsrOutputs, range: number): number {
  let total = 0;
  let divisor = 1;
  for (let k = 0; k < 3; k++) {
    const p = outputs.probabilities[k]!;
    const eta = outputs.offsets[k]!;
    divisor *= 3 * (1 + outputs.deltas[k]!);
    let stage = 0;
    for (let i = 0; i < 3; i++) stage += (i + eta[i]!) * p[i]!;
    total += stage / divisor;
  }
  return total * range;
}
