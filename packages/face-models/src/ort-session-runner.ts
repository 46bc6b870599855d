import type { ModelEntry } from '@pv/models';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ModelFormatError } from './errors.js';
import type { TensorData, TensorRunner } from './tensor-runner.js';

/**
 * A runtime's `Tensor` class. onnxruntime-node and onnxruntime-web share onnxruntime-common's API but each
 * brings its own class, so the runner is handed the one of the runtime that made the session.
 */
export type OrtTensorClass = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/**
 * Checks that `session` has every input and output name `entry` lists; otherwise releases the session and
 * throws `E_MODEL_FORMAT` naming what is missing. `source` names the file or URL in the error.
 */
export async function verifySessionTensors(entry: ModelEntry, session: InferenceSession, source: string): Promise<void> {
  const missing = [
    ...entry.inputs.map((i) => i.name).filter((name) => !session.inputNames.includes(name)),
    ...entry.outputs.map((o) => o.name).filter((name) => !session.outputNames.includes(name)),
  ];
  if (missing.length === 0) return;
  await session.release();
  throw new ModelFormatError(`Model "${entry.id}" (${source}) lacks the tensors ${missing.join(', ')}`, {
    id: entry.id,
    file: source,
    missing,
    inputs: session.inputNames,
    outputs: session.outputNames,
  });
}

/**
 * A {@link TensorRunner} over an onnxruntime `InferenceSession` (onnxruntime-node or onnxruntime-web: both
 * implement onnxruntime-common's API). Outputs that are not float32 tensors on the CPU are `E_MODEL_FORMAT`.
 */
export class OrtSessionRunner implements TensorRunner {
  readonly #session: InferenceSession;
  readonly #tensorClass: OrtTensorClass;
  readonly #modelId: string;

  /** Wraps `session` (of model `modelId`), creating input tensors with `tensorClass`. */
  constructor(session: InferenceSession, tensorClass: OrtTensorClass, modelId: string) {
    this.#session = session;
    this.#tensorClass = tensorClass;
    this.#modelId = modelId;
  }

  get inputNames(): readonly string[] {
    return this.#session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.#session.outputNames;
  }

  async run(inputs: Readonly<Record<string, TensorData>>): Promise<Record<string, TensorData>> {
    const feeds: Record<string, Tensor> = {};
    for (const [name, input] of Object.entries(inputs)) feeds[name] = new this.#tensorClass('float32', input.data, input.dims);
    const outputs = await this.#session.run(feeds);
    const result: Record<string, TensorData> = {};
    for (const [name, value] of Object.entries(outputs)) {
      if (value.type !== 'float32' || value.location !== 'cpu' || !(value.data instanceof Float32Array)) {
        throw new ModelFormatError(`Model "${this.#modelId}" output "${name}" is not a float32 CPU tensor`, {
          id: this.#modelId,
          output: name,
          type: value.type,
        });
      }
      result[name] = { data: value.data, dims: value.dims };
    }
    return result;
  }

  close(): Promise<void> {
    return this.#session.release();
  }
}
