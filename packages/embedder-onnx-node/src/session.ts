import { PvError, type PvErrorDetails } from '@pv/core';
import type { ModelEntry } from '@pv/models';
import ort from 'onnxruntime-node';

/**
 * How onnxruntime runs one model. The defaults suit small face models on few cores: one thread per
 * session, no busy-waiting thread pools, and parallelism from several sessions or workers instead
 * (two threads per session made the three-model pipeline twice as slow on 2 cores).
 */
export interface OnnxSessionOptions {
  /** Threads inside one operator (default 1). */
  readonly intraOpNumThreads?: number;
  /** Threads across operators (default 1; only used with `executionMode: 'parallel'`). */
  readonly interOpNumThreads?: number;
  /** Default `sequential`. */
  readonly executionMode?: 'sequential' | 'parallel';
  /** Let idle pool threads spin (lower latency, burns a core); default false. */
  readonly allowSpinning?: boolean;
  /** Default `all`. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** A model file onnxruntime cannot load, or whose inputs and outputs are not what the catalog says. */
export class ModelFormatError extends PvError {
  /** Creates the error; `details` should name the model and file. */
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_FORMAT', message, details, options);
  }
}

/** The onnxruntime session options for {@link OnnxSessionOptions}. */
export function ortSessionOptions(options: OnnxSessionOptions = {}): ort.InferenceSession.SessionOptions {
  const spinning = options.allowSpinning === true ? '1' : '0';
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: options.interOpNumThreads ?? 1,
    executionMode: options.executionMode ?? 'sequential',
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    extra: { session: { intra_op: { allow_spinning: spinning }, inter_op: { allow_spinning: spinning } } },
  };
}

/**
 * Opens `file` as the model `entry` describes and checks that the graph has the entry's input and output
 * names. Throws `E_MODEL_FORMAT` when onnxruntime refuses the file or the names differ.
 */
export async function openSession(
  entry: ModelEntry,
  file: string,
  options: OnnxSessionOptions = {},
): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, ortSessionOptions(options));
  } catch (error) {
    throw new ModelFormatError(`onnxruntime cannot load model "${entry.id}" from ${file}`, { id: entry.id, file }, { cause: error });
  }
  const missing = [
    ...entry.inputs.map((i) => i.name).filter((name) => !session.inputNames.includes(name)),
    ...entry.outputs.map((o) => o.name).filter((name) => !session.outputNames.includes(name)),
  ];
  if (missing.length > 0) {
    await session.release();
    throw new ModelFormatError(`Model "${entry.id}" (${file}) lacks the tensors ${missing.join(', ')}`, {
      id: entry.id,
      file,
      missing,
      inputs: session.inputNames,
      outputs: session.outputNames,
    });
  }
  return session;
}

/**
 * Runs tasks one at a time, in call order. A session is driven by one caller at a time so that the input
 * buffer it reuses is never overwritten mid-run; concurrent callers queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
