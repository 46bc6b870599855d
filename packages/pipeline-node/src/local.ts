import { LocalFaceEncoder } from '@pv/core';
import { createFaceAnalyzer, createImageLoader, OnnxEmbedder } from '@pv/embedder-onnx-node';
import { alignFace } from '@pv/vision';
import { openDetector } from './detectors.js';
import { DEFAULT_DETECTOR, DEFAULT_MODEL } from './models.js';
import type { FaceEncoderSpec } from './spec.js';

/**
 * Opens the spec's detector and embedder in this thread and assembles a {@link LocalFaceEncoder} (alignment
 * by `alignFace` of `@pv/vision`, images decoded by sharp). The models must already be in the cache
 * (see `prepareModels`); `spec.threads` is not looked at.
 */
export async function openLocalParts(spec: FaceEncoderSpec): Promise<LocalFaceEncoder> {
  const models = spec.cacheDir !== undefined ? { cacheDir: spec.cacheDir } : {};
  const session = spec.session ?? {};
  const detector = await openDetector(spec.detector ?? DEFAULT_DETECTOR, { models, session });
  try {
    const embedder = await OnnxEmbedder.create({
      ...session,
      model: spec.model ?? DEFAULT_MODEL,
      models,
      ...(spec.flipAugment !== undefined ? { flipAugment: spec.flipAugment } : {}),
    });
    const analyzer = spec.analyses && spec.analyses.length > 0 ? await createFaceAnalyzer({ ...session, kinds: spec.analyses, models }) : undefined;
    return new LocalFaceEncoder({
      detector,
      embedder,
      ...(analyzer ? { analyzer } : {}),
      align: alignFace,
      images: createImageLoader(spec.images),
      ...(spec.facePolicy ? { facePolicy: spec.facePolicy } : {}),
    });
  } catch (error) {
    await detector.close();
    throw error;
  }
}
