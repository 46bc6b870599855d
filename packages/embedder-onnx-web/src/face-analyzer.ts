import { FaceAnalyzerModels, type FaceAnalyzerSettings } from '@pv/face-models';
import { onnxWebRuntime, type OnnxWebRuntimeOptions } from './web-runtime.js';

/** Options of {@link createFaceAnalyzer}: where the model files are served, and which analyses to open. */
export interface FaceAnalyzerOptions extends OnnxWebRuntimeOptions, FaceAnalyzerSettings {}

/**
 * `@pv/core`'s `FaceAnalyzer` on onnxruntime-web: the same `@pv/face-models` {@link FaceAnalyzerModels} as
 * in Node, with each analysis model fetched from `modelBaseUrl` (`<base>/<id>/<file>`, e.g. `liveness/fr_liveness.onnx`)
 * and verified by SHA-256 before use. The expression model is 28 MB: leave `expression` out of `kinds` where
 * page weight matters.
 *
 * @example
 * ```ts
 * const analyzer = await createFaceAnalyzer({ modelBaseUrl: '/models/', kinds: ['liveness', 'pose', 'quality'] });
 * const analysis = await analyzer.analyze(image, detection, ['liveness', 'pose', 'quality']);
 * ```
 */
export function createFaceAnalyzer(options: FaceAnalyzerOptions): Promise<FaceAnalyzerModels> {
  return FaceAnalyzerModels.open(onnxWebRuntime(options), options);
}
