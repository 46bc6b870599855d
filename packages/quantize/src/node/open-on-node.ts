import { ortSessionOptions, type OnnxSessionOptions } from '@pv/embedder-onnx-node';
import { OrtSessionRunner, type TensorRunner } from '@pv/face-models';
import ort from 'onnxruntime-node';
import type { OpenModelBytes } from '../calibrate.js';

/** {@link OpenModelBytes} on onnxruntime-node (one thread, no spinning by default). */
export function openOnNode(options: OnnxSessionOptions = {}): OpenModelBytes {
  return async (bytes: Uint8Array): Promise<TensorRunner> =>
    new OrtSessionRunner(await ort.InferenceSession.create(bytes, ortSessionOptions(options)), ort.Tensor, 'model being quantized');
}
