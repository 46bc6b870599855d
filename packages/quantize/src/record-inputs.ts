import type { ModelRuntime, TensorData } from '@pv/face-models';

/** A {@link ModelRuntime} that keeps a copy of every input one model receives. */
export interface RecordingRuntime extends ModelRuntime {
  /** The recorded feeds of model `id`, in the order it ran. */
  readonly recorded: readonly Readonly<Record<string, TensorData>>[];
}

/**
 * Wraps `runtime` so that model `id`'s runner records a copy of every feed it is given: running pv's own
 * pipeline (detector, alignment, embedder) over calibration photos then yields exactly the tensors the
 * model sees in use, without preparing them a second way.
 */
export function recordingRuntime(runtime: ModelRuntime, id: string): RecordingRuntime {
  const recorded: Readonly<Record<string, TensorData>>[] = [];
  return {
    recorded,
    async open(modelId, task) {
      const opened = await runtime.open(modelId, task);
      if (modelId !== id) return opened;
      const runner = opened.runner;
      return {
        entry: opened.entry,
        runner: {
          inputNames: runner.inputNames,
          outputNames: runner.outputNames,
          run(inputs) {
            recorded.push(Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { data: Float32Array.from(t.data), dims: [...t.dims] }])));
            return runner.run(inputs);
          },
          close: () => runner.close(),
        },
      };
    },
  };
}
