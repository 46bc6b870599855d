import { OnnxEmbedder as OnnxEmbedderModel, type OnnxEmbedderOpenSettings } from '@pv/face-models';
import { onnxWebRuntime, type OnnxWebRuntimeOptions } from './web-runtime.js';

/** Options of {@link OnnxEmbedder.create}. */
export interface OnnxEmbedderOptions extends OnnxWebRuntimeOptions, OnnxEmbedderOpenSettings {}

/**
 * `@pv/face-models`' {@link OnnxEmbedderModel | OnnxEmbedder} (`@pv/core`'s Embedder over an ONNX
 * face-embedding network) on onnxruntime-web.
 */
export class OnnxEmbedder extends OnnxEmbedderModel {
  /** Fetches, verifies and opens the model. */
  static create(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    return this.open(onnxWebRuntime(options), options);
  }
}
