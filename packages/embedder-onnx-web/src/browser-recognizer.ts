import {
  FaceRecognizer,
  isPvError,
  isRgbImage,
  LocalFaceEncoder,
  MemoryStore,
  type EncodedFace,
  type FacePolicy,
  type ImageInput,
  type Metric,
  type Store,
} from '@pv/core';
import type { OnnxEmbedderOpenSettings, Rfb320OpenSettings } from '@pv/face-models';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { alignFace } from '@pv/vision';
import { toRgbImage, type BrowserImageSource } from './image-input.js';
import { createBrowserImageLoader } from './image-loader.js';
import { OnnxEmbedder } from './onnx-embedder.js';
import { Rfb320Detector } from './rfb320-detector.js';
import type { OnnxWebRuntimeOptions } from './web-runtime.js';

/** Options of {@link createBrowserFaceEncoder}. */
export interface BrowserFaceEncoderOptions extends OnnxWebRuntimeOptions {
  /** Detector and face selection settings (RFB-320 + 68-point landmarks by default). */
  readonly detector?: Rfb320OpenSettings;
  /** Embedder settings (`mobilefacenet` by default). */
  readonly embedder?: OnnxEmbedderOpenSettings;
  /** Default face policy (default `largest`). */
  readonly facePolicy?: FacePolicy;
}

/**
 * `@pv/core`'s in-thread {@link LocalFaceEncoder} on onnxruntime-web: the RFB-320 detector with 68-point
 * landmarks and the MobileFaceNet embedder (model files fetched from `modelBaseUrl` and verified by
 * SHA-256, in parallel), `alignFace` from `@pv/vision` and a browser image loader (URLs and encoded bytes
 * through `createImageBitmap`; decoded {@link RgbImage}s anywhere). The preprocessing is `@pv/face-models`',
 * shared with onnxruntime-node, so it gives the same faces as `openFaceEncoder` of `@pv/pipeline-node`.
 *
 * @example
 * ```ts
 * const encoder = await createBrowserFaceEncoder({ modelBaseUrl: '/models/' });
 * const [face] = await encoder.encode(toRgbImage(videoElement)); // { detection, embedding, crop }
 * ```
 */
export async function createBrowserFaceEncoder(options: BrowserFaceEncoderOptions): Promise<LocalFaceEncoder> {
  const [detector, embedder] = await Promise.allSettled([
    Rfb320Detector.create({ ...options, ...options.detector }),
    OnnxEmbedder.create({ ...options, ...options.embedder }),
  ]);
  if (detector.status === 'rejected' || embedder.status === 'rejected') {
    await Promise.all([detector, embedder].map((opened) => (opened.status === 'fulfilled' ? opened.value.close() : undefined)));
    throw detector.status === 'rejected' ? detector.reason : (embedder as PromiseRejectedResult).reason;
  }
  return new LocalFaceEncoder({
    detector: detector.value,
    embedder: embedder.value,
    align: alignFace,
    images: createBrowserImageLoader(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}),
  });
}

/** Options of {@link createBrowserRecognizer}. */
export interface BrowserRecognizerOptions extends BrowserFaceEncoderOptions {
  /** `cosine` (default), `l2`, or any {@link Metric}. */
  readonly metric?: 'cosine' | 'l2' | Metric;
  /** Where enrolled faces are kept (default: a new in-memory store). */
  readonly store?: Store;
  /** Decision threshold in metric units; default: the model's calibrated threshold for the metric. */
  readonly threshold?: number;
}

/** `@pv/core`'s {@link FaceRecognizer} with a shortcut for browser images. */
export class BrowserFaceRecognizer extends FaceRecognizer {
  /**
   * The faces of a browser image (a `<video>`'s current frame, a canvas, an `<img>`, an `ImageData`, …) or
   * of an image URL, bytes or {@link RgbImage}, with their embeddings, by `policy` (default: every face).
   * An image without faces gives an empty array. Nothing is stored.
   */
  async embedFacesInImage(input: BrowserImageSource | ImageInput, policy: FacePolicy = 'all'): Promise<EncodedFace[]> {
    const image = typeof input === 'string' || input instanceof Uint8Array || isRgbImage(input) ? input : toRgbImage(input);
    try {
      return await this.embedFaces(image, policy);
    } catch (error) {
      if (isPvError(error, 'E_NO_FACE')) return [];
      throw error;
    }
  }
}

/**
 * A ready {@link BrowserFaceRecognizer}: the encoder of {@link createBrowserFaceEncoder}, a metric and a
 * store (in memory unless given). Close it when done.
 *
 * @example
 * ```ts
 * const recognizer = await createBrowserRecognizer({ modelBaseUrl: '/models/' });
 * const faces = await recognizer.embedFacesInImage(videoElement); // [{ detection, embedding }, …]
 * ```
 */
export async function createBrowserRecognizer(options: BrowserRecognizerOptions): Promise<BrowserFaceRecognizer> {
  const metric = options.metric === 'l2' ? l2 : options.metric === undefined || options.metric === 'cosine' ? cosine : options.metric;
  const encoder = await createBrowserFaceEncoder(options);
  try {
    return new BrowserFaceRecognizer({
      encoder,
      metric,
      store: options.store ?? new MemoryStore(),
      images: createBrowserImageLoader(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}),
    });
  } catch (error) {
    await encoder.close();
    throw error;
  }
}
