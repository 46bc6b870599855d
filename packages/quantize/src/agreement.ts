import type { TensorData } from '@pv/face-models';
import type { OpenModelBytes } from './calibrate.js';

/** How closely a model's outputs follow a reference model's over some inputs (first output of each). */
export interface Agreement {
  readonly samples: number;
  /** Smallest cosine similarity between the two outputs (flattened) over the samples. */
  readonly minCosine: number;
  /** Mean cosine similarity. */
  readonly meanCosine: number;
  /** Largest absolute difference of any output value. */
  readonly maxAbsDifference: number;
}

/** Cosine similarity of two equally long vectors (1 when both are zero). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
}

/** Runs `reference` and `candidate` on every input and compares their first outputs. */
export async function compareOutputs(
  reference: Uint8Array,
  candidate: Uint8Array,
  inputs: readonly Readonly<Record<string, TensorData>>[],
  open: OpenModelBytes,
): Promise<Agreement> {
  const [a, b] = await Promise.all([open(reference), open(candidate)]);
  let minCosine = 1;
  let sum = 0;
  let maxAbsDifference = 0;
  try {
    const output = a.outputNames[0] ?? '';
    for (const feed of inputs) {
      const x = (await a.run(feed))[output]?.data ?? new Float32Array();
      const y = (await b.run(feed))[output]?.data ?? new Float32Array();
      const cosine = cosineSimilarity(x, y);
      minCosine = Math.min(minCosine, cosine);
      sum += cosine;
      for (let i = 0; i < x.length; i++) maxAbsDifference = Math.max(maxAbsDifference, Math.abs((x[i] as number) - (y[i] as number)));
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  return { samples: inputs.length, minCosine, meanCosine: sum / inputs.length, maxAbsDifference };
}
