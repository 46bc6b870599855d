import type { FaceRecognizer } from '@pv/core';
import {
  createFaceRecognizer,
  OnnxEmbedder,
  type CreateFaceRecognizerOptions,
  type ModelSourceOptions,
  type OnnxEmbedderOptions,
} from '@pv/embedder-onnx-node';
import { ensureModelFile } from '@pv/model-fetch';
import { getEmbedderModel } from '@pv/models';
import { DLIB_RESNET_MODEL_ID, dlibResnetConverters } from '../converters.js';

/** `options` with this package's converters added, so `@pv/model-fetch` can build `dlib-resnet` on first use. */
export function withDlibResnetConverter(options: ModelSourceOptions = {}): ModelSourceOptions {
  return { ...options, converters: { ...options.converters, ...dlibResnetConverters } };
}

/**
 * The verified path of the converted `dlib-resnet` ONNX model. On first use the two face-api weight files
 * are fetched from the npm registry (verified by the package integrity and their SHA-256), converted, and
 * the result is checked against the catalog's SHA-256 and cached; later calls only re-hash the cached file.
 */
export function ensureDlibResnetModel(options: ModelSourceOptions = {}): Promise<string> {
  return ensureModelFile(DLIB_RESNET_MODEL_ID, withDlibResnetConverter(options));
}

/**
 * An {@link OnnxEmbedder} over `dlib-resnet` on onnxruntime-node: 150x150 dlib-aligned crops in, unit-length
 * 128-d embeddings out (face-api's descriptor, L2-normalised).
 */
export function createDlibResnetEmbedder(options: Omit<OnnxEmbedderOptions, 'model'> = {}): Promise<OnnxEmbedder> {
  return OnnxEmbedder.create({ ...options, model: DLIB_RESNET_MODEL_ID, models: withDlibResnetConverter(options.models) });
}

/**
 * A ready `FaceRecognizer` with pv's default detector (RFB-320 + 68-point landmarks) and the `dlib-resnet`
 * embedder, comparing with the catalog's recommended metric (`l2`) and calibrated threshold unless told
 * otherwise. See `createFaceRecognizer` of `@pv/embedder-onnx-node` for the other options.
 */
export function createDlibResnetRecognizer(options: CreateFaceRecognizerOptions = {}): Promise<FaceRecognizer> {
  const entry = getEmbedderModel(DLIB_RESNET_MODEL_ID);
  return createFaceRecognizer({
    ...options,
    metric: options.metric ?? (entry.recommendedMetric === 'l2' ? 'l2' : 'cosine'),
    embedder: {
      ...options.embedder,
      model: DLIB_RESNET_MODEL_ID,
      models: withDlibResnetConverter(options.embedder?.models ?? options.models),
    },
  });
}
