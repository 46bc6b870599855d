import { ModelFormatError, verifySessionTensors } from '@pv/face-models';
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

/** The onnxruntime session options for {@link OnnxSessionOptions}. */
export function ortSessionOptions(options: OnnxSessionOptions = {}): ort.InferenceSession.SessionOptions {
  const spinning = options.allowSpinning === true ? '1' : '0';
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: options.interOpNumThreads ?? 1,
    executionMode: options.executionMode ?? 'sequential',
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    // Errors only: the SSR-Net age and gender graphs list their weights as inputs, which makes onnxruntime
    // print one warning per weight at load time.
    logSeverityLevel: 3,
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
  await verifySessionTensors(entry, session, file);
  return session;
}
