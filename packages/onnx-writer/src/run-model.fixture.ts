import * as ort from 'onnxruntime-node';

/** A float32 input or output: dims and row-major data. */
export interface Float32Tensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Loads `model` in onnxruntime-node (one thread) and runs it once on `feeds` (test-only). */
export async function runModel(model: Uint8Array, feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', tensor.data, [...tensor.dims]);
    const results = await session.run(inputs);
    const outputs: Record<string, Float32Tensor> = {};
    for (const [name, tensor] of Object.entries(results)) outputs[name] = { dims: [...tensor.dims], data: tensor.data as Float32Array };
    return outputs;
  } finally {
    await session.release();
  }
}

/** Largest absolute difference of two equal-length arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
