import { OnnxEmbedder as OnnxEmbedderModel, type OnnxEmbedderOpenSettings } from '@pv/face-models';
import type { ModelSourceOptions } from './model-files.js';
import { onnxNodeRuntime } from './node-runtime.js';
import type { OnnxSessionOptions } from './session.js';

/** Options of {@link OnnxEmbedder.create}. */
export interface OnnxEmbedderOptions extends OnnxSessionOptions, OnnxEmbedderOpenSettings {
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/face-models`' {@link OnnxEmbedderModel | OnnxEmbedder} (`@pv/core`'s Embedder over an ONNX
 * face-embedding network) on onnxruntime-node.
 */
export class OnnxEmbedder extends OnnxEmbedderModel {
  /** Opens the model (fetching and verifying its file when needed). */
  static create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    return this.open(onnxNodeRuntime(options), options);
  }
}
