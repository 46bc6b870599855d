import { InvalidArgumentError } from '@pv/core';
import type { ModelCatalog, ModelEntry, ModelTask } from '@pv/models';
import type { TensorRunner } from './tensor-runner.js';

/** The catalog entry type of a task. */
export type EntryOfTask<T extends ModelTask> = Extract<ModelEntry, { task: T }>;

/** A catalog model opened on a runtime: what it is, and how to run it. */
export interface OpenedModel<T extends ModelTask = ModelTask> {
  readonly entry: EntryOfTask<T>;
  readonly runner: TensorRunner;
}

/**
 * Opens catalog models as {@link TensorRunner}s on one inference runtime, with that runtime's settings
 * already chosen (threads, where files come from). `@pv/embedder-onnx-node` opens verified files from the
 * models cache on onnxruntime-node; `@pv/embedder-onnx-web` fetches them by URL, verifies them and opens
 * them on onnxruntime-web.
 */
export interface ModelRuntime {
  /**
   * Opens model `id`, which must be a `task` model (`E_INVALID_ARGUMENT` otherwise, `E_NOT_FOUND` when the
   * catalog does not know it); the runner's graph has the entry's tensor names (`E_MODEL_FORMAT` otherwise).
   */
  open<T extends ModelTask>(id: string, task: T): Promise<OpenedModel<T>>;
}

/** The entry of `id` in `catalog`; `E_NOT_FOUND` when unknown, `E_INVALID_ARGUMENT` when it is not a `task` model. */
export function catalogEntry<T extends ModelTask>(catalog: ModelCatalog, id: string, task: T): EntryOfTask<T> {
  const entry = catalog.get(id);
  if (entry.task !== task) {
    throw new InvalidArgumentError(`Model "${id}" is a ${entry.task} model, not a ${task} model`, { id, task: entry.task });
  }
  return entry as EntryOfTask<T>;
}

/**
 * Builds something over an opened model, closing the model's runner when building fails (for example
 * because the entry does not suit the class), so no session leaks.
 */
export async function buildOrClose<T extends ModelTask, R>(model: OpenedModel<T>, build: (model: OpenedModel<T>) => R | Promise<R>): Promise<R> {
  try {
    return await build(model);
  } catch (error) {
    await model.runner.close();
    throw error;
  }
}
