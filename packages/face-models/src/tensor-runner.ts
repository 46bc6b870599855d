import { ModelFormatError } from './errors.js';

/** A float32 tensor: its values, row-major, and its dimensions. */
export interface TensorData {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * Runs one loaded network: named float32 inputs in, named float32 outputs out. This is all the model logic
 * of `@pv/face-models` needs from an inference runtime; `@pv/embedder-onnx-node` implements it over
 * onnxruntime-node and `@pv/embedder-onnx-web` over onnxruntime-web (see {@link OrtSessionRunner}).
 *
 * Contract: `run` may be called again only after the previous call settled (the model classes queue their
 * callers); the input arrays are not kept after `run` settles, so callers may reuse them; the returned
 * arrays belong to the caller.
 */
export interface TensorRunner {
  /** The graph's input names. */
  readonly inputNames: readonly string[];
  /** The graph's output names. */
  readonly outputNames: readonly string[];
  /** Runs the network once. */
  run(inputs: Readonly<Record<string, TensorData>>): Promise<Record<string, TensorData>>;
  /** Frees the network; later calls fail. */
  close(): Promise<void>;
}

/**
 * The values of output `name` from a {@link TensorRunner.run} result. Throws `E_MODEL_FORMAT` (naming model
 * `modelId`) when the output is absent or holds other than `length` values (when `length` is given).
 */
export function outputValues(
  outputs: Readonly<Record<string, TensorData>>,
  name: string,
  modelId: string,
  length?: number,
): Float32Array {
  const values = outputs[name]?.data;
  if (values === undefined || (length !== undefined && values.length !== length)) {
    throw new ModelFormatError(
      values === undefined
        ? `Model "${modelId}" returned no output "${name}"`
        : `Model "${modelId}" returned ${values.length} values in "${name}", expected ${length}`,
      { id: modelId, output: name },
    );
  }
  return values;
}
